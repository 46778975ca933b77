package dev.aide.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.search.TestJournals.TestState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Plays a search with several workers against a random world, in which nodes finish in another
 * order than they started, and checks at every step that the policy that watched the journal grow
 * decides as a fresh instance that sees the journal for the first time.
 */
final class SimulatedRun {
  private SimulatedRun() {}

  /** Runs the check and returns the decisions, in the order they were made. */
  static List<Action> check(
      Supplier<SearchPolicy> policies, long seed, int steps, int workers, String description) {
    List<Action> decisions = new ArrayList<>();
    Random world = new Random(seed);
    SearchPolicy watching = policies.get();
    Journal journal = new Journal();
    List<Node> inFlight = new ArrayList<>();
    List<Action> actions = new ArrayList<>();
    int nextId = 0;
    while (journal.size() < steps) {
      if (inFlight.size() < workers && nextId < steps) {
        long draws = world.nextLong();
        Action expected =
            watching.next(
                new TestState(TestJournals.TASK, journal, actions, new SplittableRandom(draws)));
        Action fresh =
            policies
                .get()
                .next(
                    new TestState(
                        TestJournals.TASK, journal, actions, new SplittableRandom(draws)));
        assertThat(fresh).as("%s, step %d", description, nextId).isEqualTo(expected);
        inFlight.add(outcome(nextId++, expected, world));
        actions.add(expected);
        decisions.add(expected);
      } else {
        int done = world.nextInt(inFlight.size());
        Node node = inFlight.remove(done);
        actions.remove(done);
        journal.add(node.newBuilder().step(journal.size()).build());
      }
    }
    return decisions;
  }

  /** The node an action makes: buggy one time in three, else a random metric. */
  private static Node outcome(int id, Action action, Random world) {
    boolean buggy = world.nextInt(3) == 0;
    Metric metric =
        buggy
            ? Metric.worst(Direction.MAXIMIZE)
            : Metric.of(Math.round(world.nextDouble() * 20) / 20.0, Direction.MAXIMIZE);
    Node.Builder node = Node.builder().id(id).step(0).metric(metric).buggy(buggy);
    if (action instanceof Action.Improve improve) {
      node.stage(Stage.IMPROVE).parent(improve.node().id());
    } else if (action instanceof Action.Debug debug) {
      node.stage(Stage.DEBUG).parent(debug.node().id()).debugDepth(debug.node().debugDepth() + 1);
    } else if (action instanceof Action.Crossover crossover) {
      node.stage(Stage.CROSSOVER).parents(List.of(crossover.first().id(), crossover.second().id()));
    }
    return node.build();
  }
}
