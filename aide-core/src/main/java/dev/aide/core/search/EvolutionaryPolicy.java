package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A steady-state evolutionary search: a bounded population of the best good nodes, parents drawn by
 * a softmax over their normalised fitness, and children made by improving one parent or by a
 * {@linkplain Action#crossover crossover} of two; optionally split into islands that evolve apart.
 *
 * <p>The <em>population</em> is the {@code populationSize} best good nodes of the journal (of
 * equally good ones, the lower id). A good child joins it when it beats the worst member, which
 * then leaves; a buggy node never joins, so a buggy child whose debug chain never succeeds is
 * dropped, and a successful fix joins in its place. With {@code islands} above 1 each island has a
 * population of its own, of up to {@code populationSize} of its nodes (see <em>Islands</em> below);
 * with one island, the default, everything said of "the island" holds for the whole journal. Each
 * step, in this order:
 *
 * <ol>
 *   <li><b>Debug.</b> A buggy node whose chain is still open (its {@link Node#debugDepth()} is
 *       below {@code debugAttempts}, no node has been made from it, and no other worker is
 *       debugging it) is debugged, the oldest first: each buggy child gets up to {@code
 *       debugAttempts} fixes in a row.
 *   <li><b>Seed.</b> Draft until {@code numDrafts} drafts exist (drafts in flight count; a task
 *       with a starting solution needs no draft beyond it). Then pick the island to breed from;
 *       draft when its population is empty (see <em>Islands</em> for when another island breeds
 *       instead).
 *   <li><b>Breed.</b> With probability {@code crossoverProb}, once the island's population has two
 *       members, cross two distinct parents; otherwise improve one. A parent is drawn with
 *       probability
 *       <pre>p_i = exp(f_i / temperature) / sum_j exp(f_j / temperature)</pre>
 *       where {@code f_i} is member i's metric normalised over the island's population, 0 for the
 *       worst and 1 for the best (all 0.5 while they are equal), sign-adjusted when the metric is
 *       minimised. The second parent of a crossover is drawn from the others with the same weights.
 * </ol>
 *
 * <p><b>Islands.</b> Every node belongs to exactly one island, derived from the journal alone:
 *
 * <ul>
 *   <li>a draft belongs to island {@code id mod islands}; ids are given when a node starts, so this
 *       does not depend on the order in which drafts finish;
 *   <li>any other node belongs to the island of its first parent (the improved or debugged node, or
 *       the first parent of a crossover), so a debug chain stays on its island; a node whose first
 *       parent is not in the journal is treated as a draft.
 * </ul>
 *
 * <p>An island's population holds its own nodes only, and parents are drawn from one island's
 * population: an improvement and its parent, and both parents of a crossover, are on the same
 * island, except at a migration step. The island to breed from is chosen round-robin on the id the
 * next node will get, {@code n = }{@link SearchState#nextNodeId()}: island {@code n mod islands},
 * so a draft made because that island is empty belongs to it, also in a resumed search whose
 * interrupted nodes left gaps in the ids. When the island is empty and other islands are not, it
 * still drafts unless at least as many drafts are in flight as islands are empty; then the next
 * island in ring order ({@code n+1}, {@code n+2}, ... mod islands) whose population is not empty
 * breeds instead. When every island is empty, the policy drafts.
 *
 * <p><b>Migration</b> (off unless {@code migrationInterval} is set, and only with two or more
 * islands): the steps are grouped into rounds of {@code islands} ids, round {@code n / islands}; in
 * every {@code migrationInterval}-th round (rounds {@code migrationInterval - 1}, {@code 2 *
 * migrationInterval - 1}, ...), a breed step crosses a parent drawn from its island, as above, with
 * the best member of the previous island in the ring (the nearest one before it, counting down mod
 * islands, whose population is not empty). The child's first parent is the native one, so the child
 * belongs to the breeding island: the migrant's code enters that island through its children,
 * without the migrant itself changing island. Like the rest, this is decided from the journal, the
 * actions in flight and the next node's id alone.
 *
 * <p>Defaults: {@code numDrafts} 5, {@code populationSize} 10, {@code temperature} 0.5 (the best
 * member is then e² ≈ 7.4 times as likely to be drawn as the worst), {@code crossoverProb} 0.5,
 * {@code debugAttempts} 3, {@code islands} 1, {@code migrationInterval} 0 (no migration).
 *
 * <p><b>Randomness.</b> All of it comes from {@link SearchState#random()}: in the breed step, one
 * {@code nextDouble()} for the crossover coin when the island's population has two or more members,
 * then one {@code nextDouble()} per parent drawn (members ordered best first, by inverse CDF; no
 * draw when only one member can be drawn). A migration step draws no coin, only its native parent.
 * Steps 1 and 2, and the choice of island, draw nothing; with one island the draws are those of the
 * policy before islands existed.
 *
 * <p><b>State and resume.</b> The populations are derived from the journal alone and do not depend
 * on the order in which nodes finished: the policy keeps an index that it extends, in {@link
 * #next}, with the nodes the journal gained since the last call. A resumed search, or a fresh
 * instance given a journal, decides exactly as the instance that watched the journal being written;
 * the same seed, journal, actions in flight and next node id give the same decisions.
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
  private final int islands;
  private final int migrationInterval;

  private final JournalFollower follower = new JournalFollower();
  private Index index;

  private EvolutionaryPolicy(Builder builder) {
    this.numDrafts = builder.numDrafts;
    this.populationSize = builder.populationSize;
    this.temperature = builder.temperature;
    this.crossoverProb = builder.crossoverProb;
    this.debugAttempts = builder.debugAttempts;
    this.islands = builder.islands;
    this.migrationInterval = builder.migrationInterval;
    this.index = new Index();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How many drafts seed the population. */
  public int numDrafts() {
    return numDrafts;
  }

  /** The most members the population of each island holds. */
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

  /** How many islands evolve apart; 1 when there is one population. */
  public int islands() {
    return islands;
  }

  /**
   * Every how many rounds of {@code islands} steps the best of each island is crossed into the next
   * island; 0 when never.
   */
  public int migrationInterval() {
    return migrationInterval;
  }

  @Override
  public synchronized Action next(SearchState state) {
    Index idx = sync(state.journal());
    InFlight inFlight = state.inFlight();

    for (Node leaf : idx.openChains.values()) {
      if (!inFlight.debugged().contains(leaf.id())) return Action.debug(leaf);
    }

    int wantedDrafts = state.task().hasStartingPoint() ? 1 : numDrafts;
    if (idx.drafts + inFlight.drafts() < wantedDrafts) return Action.draft();
    int nextId = state.nextNodeId();
    int island = breedingIsland(idx, nextId % islands, inFlight.drafts());
    if (island < 0) return Action.draft();

    List<Node> members = new ArrayList<>(idx.populations.get(island));
    double[] weights = weights(members);
    RandomGenerator random = state.random();
    if (isMigrationRound(nextId)) {
      Node migrant = migrantFor(idx, island);
      if (migrant != null) return Action.crossover(members.get(draw(weights, -1, random)), migrant);
    }
    if (members.size() >= 2 && random.nextDouble() < crossoverProb) {
      int first = draw(weights, -1, random);
      int second = draw(weights, first, random);
      return Action.crossover(members.get(first), members.get(second));
    }
    return Action.improve(members.get(draw(weights, -1, random)));
  }

  /**
   * The island to breed from: {@code turn} unless its population is empty; then the next island in
   * ring order that is not empty, provided at least as many drafts are in flight as islands are
   * empty. Returns -1 when the policy should draft.
   */
  private int breedingIsland(Index idx, int turn, int draftsInFlight) {
    if (!idx.populations.get(turn).isEmpty()) return turn;
    int empty = 0;
    for (TreeSet<Node> population : idx.populations) {
      if (population.isEmpty()) empty++;
    }
    if (draftsInFlight < empty) return -1;
    for (int d = 1; d < islands; d++) {
      int island = (turn + d) % islands;
      if (!idx.populations.get(island).isEmpty()) return island;
    }
    return -1; // every island is empty
  }

  /** Whether the node with id {@code nextId} is made in a migration round. */
  private boolean isMigrationRound(int nextId) {
    return migrationInterval > 0
        && islands > 1
        && (nextId / islands) % migrationInterval == migrationInterval - 1;
  }

  /** The best member of the nearest island before {@code island} in the ring that is not empty. */
  private @Nullable Node migrantFor(Index idx, int island) {
    for (int d = 1; d < islands; d++) {
      TreeSet<Node> population = idx.populations.get(Math.floorMod(island - d, islands));
      if (!population.isEmpty()) return population.first();
    }
    return null;
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

  /**
   * Returns the population of island 0 (the only one by default) the policy derives from {@code
   * journal}, best first; for tests.
   */
  synchronized List<Node> population(Journal journal) {
    return population(journal, 0);
  }

  /**
   * Returns the population of {@code island} derived from {@code journal}, best first; for tests.
   */
  synchronized List<Node> population(Journal journal, int island) {
    return List.copyOf(sync(journal).populations.get(island));
  }

  /** Returns the island of the node {@code id} of {@code journal}, or -1; for tests. */
  synchronized int islandOf(Journal journal, int id) {
    return sync(journal).islandOf.getOrDefault(id, -1);
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
        + (islands > 1 ? ", islands=" + islands + ", migrationInterval=" + migrationInterval : "")
        + "}";
  }

  /** The index of one journal, extended node by node in the order they finished. */
  private final class Index {
    /** The population of each island, best first. */
    final List<TreeSet<Node>> populations = new ArrayList<>();

    /** The island of every node read, by id. */
    final Map<Integer, Integer> islandOf = new HashMap<>();

    /** Buggy leaves whose debug chain may go on, by id. */
    final TreeMap<Integer, Node> openChains = new TreeMap<>();

    int drafts;

    Index() {
      for (int i = 0; i < islands; i++) populations.add(new TreeSet<>(BEST_FIRST));
    }

    void add(Node node) {
      for (int parent : node.parents()) openChains.remove(parent);
      if (node.parents().isEmpty()) drafts++;
      Integer first = node.parentId();
      Integer parentIsland = first == null ? null : islandOf.get(first);
      int island = parentIsland != null ? parentIsland : Math.floorMod(node.id(), islands);
      islandOf.put(node.id(), island);
      if (!node.isBuggy()) {
        TreeSet<Node> population = populations.get(island);
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
    private int islands = 1;
    private int migrationInterval;

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
     * depth is below this, so its chain holds at most this many DEBUG nodes, as {@link
     * GreedyPolicy.Builder#maxDebugDepth} means. 0 turns debugging off. Default 3.
     */
    public Builder debugAttempts(int debugAttempts) {
      if (debugAttempts < 0) {
        throw new IllegalArgumentException("debugAttempts must be >= 0, was " + debugAttempts);
      }
      this.debugAttempts = debugAttempts;
      return this;
    }

    /**
     * Sets how many islands evolve apart, each with a population of up to {@code populationSize} of
     * its own nodes; at least 1. Default 1 (one population).
     */
    public Builder islands(int islands) {
      if (islands < 1) {
        throw new IllegalArgumentException("islands must be >= 1, was " + islands);
      }
      this.islands = islands;
      return this;
    }

    /**
     * Sets every how many rounds of {@code islands} steps each island breeds once with the best
     * member of the previous island as the second parent of a crossover; 0 (the default) turns
     * migration off. Needs {@code islands} of 2 or more.
     */
    public Builder migrationInterval(int migrationInterval) {
      if (migrationInterval < 0) {
        throw new IllegalArgumentException(
            "migrationInterval must be >= 0, was " + migrationInterval);
      }
      this.migrationInterval = migrationInterval;
      return this;
    }

    /**
     * Returns the policy.
     *
     * @throws IllegalStateException when a migration interval is set with a single island
     */
    public EvolutionaryPolicy build() {
      if (migrationInterval > 0 && islands < 2) {
        throw new IllegalStateException(
            "migrationInterval "
                + migrationInterval
                + " needs islands >= 2, was "
                + islands
                + "; set islands(n) or leave migrationInterval at 0");
      }
      return new EvolutionaryPolicy(this);
    }
  }
}
