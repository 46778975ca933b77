package dev.aide.core.search;

/**
 * Decides what the search does next.
 *
 * <p>The search calls {@link #next} once per step, under a lock, so a policy is never called by two
 * threads at once. Everything a policy may decide from is in the {@link SearchState}: the journal
 * of finished nodes, the actions in flight, the id the next node will get and a seeded random
 * generator. The policy is not told of nodes as they finish; it reads them from the journal when it
 * is next called.
 *
 * <p>A policy instance serves one search at a time. A policy that keeps state of its own (an index
 * of the journal, as the tree policies keep) derives it from the journal, extending it with the
 * nodes the journal gained since the last call, since a resumed search starts from a journal it did
 * not see being written.
 *
 * <pre>{@code
 * SearchPolicy fixFirst =
 *     state -> {
 *       for (Node buggy : state.journal().buggyLeaves()) {
 *         if (!state.inFlight().debugged().contains(buggy.id())) return Action.debug(buggy);
 *       }
 *       Node best = state.journal().best();
 *       return best == null ? Action.draft() : Action.improve(best);
 *     };
 * }</pre>
 */
@FunctionalInterface
public interface SearchPolicy {
  /**
   * Returns the action for the next step. Anything thrown here ends the search with an {@link
   * dev.aide.core.AideException} that carries it.
   */
  Action next(SearchState state);
}
