package dev.aide.core.search;

import dev.aide.core.Node;

/**
 * Decides what the search does next.
 *
 * <p>The search calls {@link #next} once per step, under a lock, and {@link #observe} once for each
 * node as it finishes, so a policy is never called by two threads at once. Tree policies such as
 * MCTS use {@code observe} to back values up.
 *
 * <p>A policy instance serves one search at a time. A policy that keeps state of its own should be
 * able to rebuild it from the journal, since a resumed search starts from a journal it did not see
 * being written.
 */
@FunctionalInterface
public interface SearchPolicy {
  /** Returns the action for the next step. */
  Action next(SearchState state);

  /** Called when {@code node} has been added to the journal. Does nothing by default. */
  default void observe(Node node, SearchState state) {}
}
