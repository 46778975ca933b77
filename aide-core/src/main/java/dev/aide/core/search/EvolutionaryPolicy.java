package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A steady-state evolutionary search: a bounded population of the best good nodes, parents drawn by
 * a softmax over their normalised fitness, and children made by improving one parent or by a
 * {@linkplain Action#crossover crossover} of two.
 *
 * <p>The <em>population</em> is the {@code populationSize} best good nodes of the journal (of
 * equally good ones, the lower id). A good child joins it when it beats the worst member, which
 * then leaves; a buggy node never joins, so a buggy child whose debug chain never succeeds is
 * dropped, and a successful fix joins in its place. Each step, in this order:
 *
 * <ol>
 *   <li><b>Debug.</b> A buggy node whose chain is still open (its {@link Node#debugDepth()} is
 *       below {@code debugAttempts}, no node has been made from it, and no other worker is
 *       debugging it) is debugged, the oldest first: each buggy child gets up to {@code
 *       debugAttempts} fixes in a row.
 *   <li><b>Seed.</b> Draft until {@code numDrafts} drafts exist (drafts in flight count; a task
 *       with a starting solution needs no draft beyond it), and whenever the population is empty.
 *   <li><b>Breed.</b> With probability {@code crossoverProb}, once the population has two members,
 *       cross two distinct parents; otherwise improve one. A parent is drawn with probability
 *       <pre>p_i = exp(f_i / temperature) / sum_j exp(f_j / temperature)</pre>
 *       where {@code f_i} is member i's metric normalised over the population, 0 for the worst and
 *       1 for the best (all 0.5 while they are equal), sign-adjusted when the metric is minimised.
 *       The second parent of a crossover is drawn from the others with the same weights.
 * </ol>
 *
 * <p>Defaults: {@code numDrafts} 5, {@code populationSize} 10, {@code temperature} 0.5 (the best
 * member is then e² ≈ 7.4 times as likely to be drawn as the worst), {@code crossoverProb} 0.5,
 * {@code debugAttempts} 3.
 *
 * <p><b>Randomness.</b> All of it comes from {@link SearchState#random()}: in the breed step, one
 * {@code nextDouble()} for the crossover coin when the population has two or more members, then one
 * {@code nextDouble()} per parent drawn (members ordered best first, by inverse CDF; no draw when
 * only one member can be drawn). Steps 1 and 2 draw nothing.
 *
 * <p><b>State and resume.</b> The population is derived from the journal alone and does not depend
 * on the order in which nodes finished: the policy keeps an index that it extends, in {@link
 * #next}, with the nodes the journal gained since the last call, and never needs {@link
 * SearchPolicy#observe}. A resumed search, or a fresh instance given a journal, decides exactly as
 * the instance that watched the journal being written; the same seed and journal give the same
 * decisions.
 *
 * <p>Islands (several populations that evolve apart, as in FunSearch) are not offered: a draft's
 * island could not be derived from the journal while drafts finish out of order.
 *
 * <p><b>Threads.</b> The search calls {@link #next} under its lock. The methods are synchronized,
 * so one instance may even be shared by searches running at once (it then rebuilds its index each
 * time it is handed the other journal); create one per search to avoid that cost.
 */
public final class EvolutionaryPolicy implements SearchPolicy {
  /** Better metric first; of equally good nodes, the lower id first. */
  private static final Comparator<Node> BEST_FIRST =
      Comparator.comparing(Node::metric, Comparator.reverseOrder()).thenComparingInt(Node::id);

  private final int numDrafts;
  private final int populationSize;
  private final double temperature;
  private final double crossoverProb;
  private final int debugAttempts;

  private final JournalFollower follower = new JournalFollower();
  private Index index;

  private EvolutionaryPolicy(Builder builder) {
    this.numDrafts = builder.numDrafts;
    this.populationSize = builder.populationSize;
    this.temperature = builder.temperature;
    this.crossoverProb = builder.crossoverProb;
    this.debugAttempts = builder.debugAttempts;
    this.index = new Index();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How many drafts seed the population. */
  public int numDrafts() {
    return numDrafts;
  }

  /** The most members the population holds. */
  public int populationSize() {
    return populationSize;
  }

  /** The softmax temperature of parent selection: lower favours the best members more. */
  public double temperature() {
    return temperature;
  }

  /** The chance that a new node is a crossover, once the population has two members. */
  public double crossoverProb() {
    return crossoverProb;
  }

  /** How many fixes in a row a buggy node gets; 0 when buggy nodes are never debugged. */
  public int debugAttempts() {
    return debugAttempts;
  }

  @Override
  public synchronized Action next(SearchState state) {
    Index idx = sync(state.journal());
    InFlight inFlight = InFlight.of(state.inFlight());

    for (Node leaf : idx.openChains.values()) {
      if (!inFlight.debugged().contains(leaf.id())) return Action.debug(leaf);
    }

    int wantedDrafts = state.task().startingSolution() != null ? 1 : numDrafts;
    if (idx.drafts + inFlight.drafts() < wantedDrafts || idx.population.isEmpty()) {
      return Action.draft();
    }

    List<Node> members = new ArrayList<>(idx.population);
    double[] weights = weights(members);
    RandomGenerator random = state.random();
    if (members.size() >= 2 && random.nextDouble() < crossoverProb) {
      int first = draw(weights, -1, random);
      int second = draw(weights, first, random);
      return Action.crossover(members.get(first), members.get(second));
    }
    return Action.improve(members.get(draw(weights, -1, random)));
  }

  /** The softmax weights (not summing to 1) of members ordered best first. */
  private double[] weights(List<Node> members) {
    double best = members.get(0).metric().value();
    double worst = members.get(members.size() - 1).metric().value();
    double[] weights = new double[members.size()];
    for (int i = 0; i < weights.length; i++) {
      double fitness =
          best == worst ? 0.5 : (members.get(i).metric().value() - worst) / (best - worst);
      weights[i] = Math.exp((fitness - 1) / temperature); // shifted by the largest: no overflow
    }
    return weights;
  }

  /**
   * Draws an index other than {@code excluded} with probability proportional to its weight, by
   * inverse CDF. Draws nothing when only one index has a weight above 0, and takes the first index
   * left when none has (the weights of all but the best underflow at tiny temperatures).
   */
  private static int draw(double[] weights, int excluded, RandomGenerator random) {
    double total = 0;
    int firstLeft = -1;
    int lastPositive = -1;
    int positive = 0;
    for (int i = 0; i < weights.length; i++) {
      if (i == excluded) continue;
      if (firstLeft < 0) firstLeft = i;
      if (weights[i] > 0) {
        total += weights[i];
        lastPositive = i;
        positive++;
      }
    }
    if (positive == 0) return firstLeft;
    if (positive == 1) return lastPositive;
    double u = random.nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      if (i == excluded || weights[i] == 0) continue;
      cumulative += weights[i];
      if (u < cumulative) return i;
    }
    return lastPositive; // u rounded up to the total
  }

  /** Returns the population the policy derives from {@code journal}, best first; for tests. */
  synchronized List<Node> population(Journal journal) {
    return List.copyOf(sync(journal).population);
  }

  private Index sync(Journal journal) {
    JournalFollower.Batch batch = follower.poll(journal);
    if (batch.reset()) index = new Index();
    for (Node node : batch.added()) index.add(node);
    return index;
  }

  @Override
  public String toString() {
    return "EvolutionaryPolicy{numDrafts="
        + numDrafts
        + ", populationSize="
        + populationSize
        + ", temperature="
        + temperature
        + ", crossoverProb="
        + crossoverProb
        + ", debugAttempts="
        + debugAttempts
        + "}";
  }

  /** The index of one journal, extended node by node in the order they finished. */
  private final class Index {
    final TreeSet<Node> population = new TreeSet<>(BEST_FIRST);

    /** Buggy leaves whose debug chain may go on, by id. */
    final TreeMap<Integer, Node> openChains = new TreeMap<>();

    int drafts;

    void add(Node node) {
      for (int parent : node.parents()) openChains.remove(parent);
      if (node.parents().isEmpty()) drafts++;
      if (!node.isBuggy()) {
        population.add(node);
        if (population.size() > populationSize) population.pollLast();
      } else if (node.debugDepth() < debugAttempts) {
        openChains.put(node.id(), node);
      }
    }
  }

  /** Builds an {@link EvolutionaryPolicy}. Not safe for use by several threads at once. */
  public static final class Builder {
    private int numDrafts = 5;
    private int populationSize = 10;
    private double temperature = 0.5;
    private double crossoverProb = 0.5;
    private int debugAttempts = 3;

    private Builder() {}

    /** Sets how many drafts seed the population; at least 1. Default 5. */
    public Builder numDrafts(int numDrafts) {
      if (numDrafts < 1) {
        throw new IllegalArgumentException("numDrafts must be >= 1, was " + numDrafts);
      }
      this.numDrafts = numDrafts;
      return this;
    }

    /**
     * Sets the most members the population holds; at least 1 (with 1 there is no crossover).
     * Default 10.
     */
    public Builder populationSize(int populationSize) {
      if (populationSize < 1) {
        throw new IllegalArgumentException("populationSize must be >= 1, was " + populationSize);
      }
      this.populationSize = populationSize;
      return this;
    }

    /**
     * Sets the softmax temperature of parent selection, finite and above 0: near 0 nearly always
     * draws the best member, large values draw nearly uniformly. Default 0.5.
     */
    public Builder temperature(double temperature) {
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException(
            "temperature must be finite and > 0, was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the chance, from 0 to 1, that a new node is a crossover once the population has two
     * members. Default 0.5.
     */
    public Builder crossoverProb(double crossoverProb) {
      if (!(crossoverProb >= 0 && crossoverProb <= 1)) {
        throw new IllegalArgumentException("crossoverProb must be in [0, 1], was " + crossoverProb);
      }
      this.crossoverProb = crossoverProb;
      return this;
    }

    /**
     * Sets how many fixes in a row a buggy node gets: a buggy node is debugged while its debug
     * depth is below this, so its chain holds at most this many DEBUG nodes. 0 turns debugging off.
     * Default 3.
     */
    public Builder debugAttempts(int debugAttempts) {
      if (debugAttempts < 0) {
        throw new IllegalArgumentException("debugAttempts must be >= 0, was " + debugAttempts);
      }
      this.debugAttempts = debugAttempts;
      return this;
    }

    public EvolutionaryPolicy build() {
      return new EvolutionaryPolicy(this);
    }
  }
}
