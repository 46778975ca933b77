package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Task;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What a {@link SearchPolicy} sees when it decides: the task, the journal of finished nodes, the
 * actions still in flight, and the search's seeded random generator.
 *
 * <p>A state is valid only during the call it is passed to.
 *
 * <p>The engine calls policies under its lock, so a state is never used by two threads at once.
 */
public interface SearchState {
  Task task();

  /** The finished nodes. */
  Journal journal();

  /** The actions other workers are carrying out now, whose nodes are not in the journal yet. */
  List<Action> inFlight();

  /**
   * The search's random generator, seeded from the run's seed. Policies draw all their randomness
   * from it, so that the same seed and the same journal give the same decisions.
   */
  RandomGenerator random();
}
