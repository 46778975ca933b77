package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Node;

/**
 * The greedy policy of the AIDE paper and its reference agent.
 *
 * <ol>
 *   <li>Draft until {@code numDrafts} drafts exist (drafts in flight count; a task with a starting
 *       solution needs no draft beyond it).
 *   <li>Otherwise, with probability {@code debugProb}, debug a buggy leaf whose debug depth is
 *       below {@code maxDebugDepth}, chosen uniformly; a node another worker is debugging is not
 *       chosen. So a chain holds at most {@code maxDebugDepth} DEBUG nodes, as in the other
 *       policies (see {@linkplain dev.aide.core.search debug chains}); aideml's {@code
 *       max_debug_depth} m debugs depths up to m, which is {@code maxDebugDepth} m + 1.
 *   <li>Otherwise draft if there is no good node, and else improve the best one.
 * </ol>
 *
 * <p>Defaults: {@code numDrafts} 5, {@code debugProb} 0.5, {@code maxDebugDepth} 3. All randomness
 * comes from {@link SearchState#random()}, so the same seed and journal give the same decisions.
 * Instances are immutable, stateless and safe to share.
 */
public final class GreedyPolicy implements SearchPolicy {
  private final int numDrafts;
  private final double debugProb;
  private final int maxDebugDepth;

  private GreedyPolicy(Builder builder) {
    this.numDrafts = builder.numDrafts;
    this.debugProb = builder.debugProb;
    this.maxDebugDepth = builder.maxDebugDepth;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int numDrafts() {
    return numDrafts;
  }

  public double debugProb() {
    return debugProb;
  }

  public int maxDebugDepth() {
    return maxDebugDepth;
  }

  @Override
  public Action next(SearchState state) {
    Journal journal = state.journal();
    InFlight inFlight = state.inFlight();

    int wantedDrafts = state.task().hasStartingPoint() ? 1 : numDrafts;
    if (journal.draftCount() + inFlight.drafts() < wantedDrafts) {
      return Action.draft();
    }

    if (state.random().nextDouble() < debugProb) {
      Node buggy = journal.randomBuggyLeaf(maxDebugDepth, inFlight.debugged(), state.random());
      if (buggy != null) return Action.debug(buggy);
    }

    Node best = journal.best();
    return best == null ? Action.draft() : Action.improve(best);
  }

  @Override
  public String toString() {
    return "GreedyPolicy{numDrafts="
        + numDrafts
        + ", debugProb="
        + debugProb
        + ", maxDebugDepth="
        + maxDebugDepth
        + "}";
  }

  /** Builds a {@link GreedyPolicy}. Not safe for use by several threads at once. */
  public static final class Builder {
    private int numDrafts = 5;
    private double debugProb = 0.5;
    private int maxDebugDepth = 3;

    private Builder() {}

    /** Sets how many drafts to write before improving or debugging; at least 1. Default 5. */
    public Builder numDrafts(int numDrafts) {
      if (numDrafts < 1) throw new IllegalArgumentException("numDrafts must be >= 1");
      this.numDrafts = numDrafts;
      return this;
    }

    /** Sets the chance of debugging at a step, from 0 to 1. Default 0.5. */
    public Builder debugProb(double debugProb) {
      if (!(debugProb >= 0 && debugProb <= 1)) {
        throw new IllegalArgumentException("debugProb must be in [0, 1], was " + debugProb);
      }
      this.debugProb = debugProb;
      return this;
    }

    /**
     * Sets the most DEBUG nodes a debug chain holds: a buggy leaf is debugged only while its debug
     * depth is below this, so no node's debug depth passes it. 0 turns debugging off. Default 3.
     */
    public Builder maxDebugDepth(int maxDebugDepth) {
      if (maxDebugDepth < 0) {
        throw new IllegalArgumentException("maxDebugDepth must be >= 0, was " + maxDebugDepth);
      }
      this.maxDebugDepth = maxDebugDepth;
      return this;
    }

    public GreedyPolicy build() {
      return new GreedyPolicy(this);
    }
  }
}
