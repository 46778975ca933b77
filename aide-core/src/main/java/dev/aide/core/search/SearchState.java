package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Task;
import java.util.random.RandomGenerator;

/**
 * What a {@link SearchPolicy} sees when it decides: the task, the journal of finished nodes, the
 * actions still in flight, the id the next node will get, and the search's seeded random generator.
 *
 * <p>A state is valid only during the call it is passed to. The engine calls policies under its
 * lock, so a state is never used by two threads at once.
 */
public interface SearchState {
  Task task();

  /**
   * The finished nodes, as a read-only view when the engine calls: its {@link Journal#add} throws.
   */
  Journal journal();

  /** The actions other workers are carrying out now, whose nodes are not in the journal yet. */
  InFlight inFlight();

  /**
   * The id the node made by the action this call returns will get. Ids are given in the order nodes
   * start, one more than the id given last, so nodes in flight hold the ids just below this one. A
   * resumed search goes on from the journal's largest id plus one; ids of nodes that were running
   * when the run stopped and lie below it stay missing from the journal, so this can exceed the
   * journal's size plus the actions in flight.
   */
  int nextNodeId();

  /**
   * The search's random generator, seeded from the run's seed. Policies draw all their randomness
   * from it, so that the same seed and the same journal give the same decisions.
   */
  RandomGenerator random();
}
