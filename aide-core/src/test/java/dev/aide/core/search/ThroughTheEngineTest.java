package dev.aide.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Aide;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the tree policies through the real engine, on a simulated landscape. */
class ThroughTheEngineTest {
  private static final Task TASK = Task.builder().goal("Score as high as possible").build();

  @TempDir Path dir;

  @Test
  void aResumedMctsRunMakesTheSameJournalAsOneThatRanThrough() {
    SimulatedLandscape once = new SimulatedLandscape(5);
    Result through = run(once, SearchPolicies::mcts, dir.resolve("through"), 60, 1);

    SimulatedLandscape twice = new SimulatedLandscape(5);
    run(twice, SearchPolicies::mcts, dir.resolve("resumed"), 25, 1);
    Result resumed = run(twice, SearchPolicies::mcts, dir.resolve("resumed"), 60, 1);

    assertThat(shape(resumed.journal())).isEqualTo(shape(through.journal()));
    assertThat(through.journal().nodes())
        .anyMatch(n -> n.stage() == Stage.DEBUG)
        .anyMatch(n -> n.stage() == Stage.IMPROVE && n.debugDepth() == 0);
  }

  @Test
  void anEvolutionaryRunCrossesGoodNodesAndBoundsItsDebugChains() {
    Result result =
        run(new SimulatedLandscape(3), SearchPolicies::evolutionary, dir.resolve("evo"), 80, 1);

    List<Node> crossovers =
        result.journal().nodes().stream().filter(n -> n.stage() == Stage.CROSSOVER).toList();
    assertThat(crossovers).isNotEmpty();
    for (Node crossover : crossovers) {
      assertThat(crossover.parents()).hasSize(2).doesNotHaveDuplicates();
      for (int parent : crossover.parents()) {
        assertThat(result.journal().get(parent).isBuggy()).isFalse();
      }
    }
    assertThat(result.journal().nodes()).allMatch(n -> n.debugDepth() <= 3);
  }

  @Test
  void withSeveralWorkersNoBuggyNodeIsDebuggedTwice() {
    for (Supplier<SearchPolicy> policy :
        List.<Supplier<SearchPolicy>>of(SearchPolicies::mcts, SearchPolicies::evolutionary)) {
      Path out = dir.resolve(policy.get().getClass().getSimpleName());
      Journal journal = run(new SimulatedLandscape(11), policy, out, 80, 4).journal();

      assertThat(journal.size()).isEqualTo(80);
      for (Node buggy : journal.buggyNodes()) {
        assertThat(journal.children(buggy)).as("children of %s", buggy).hasSizeLessThanOrEqualTo(1);
      }
      assertThat(journal.nodes()).allMatch(n -> n.debugDepth() <= 3);
    }
  }

  private static Result run(
      SimulatedLandscape landscape,
      Supplier<SearchPolicy> policy,
      Path out,
      int steps,
      int workers) {
    return Aide.builder()
        .coder(landscape.coder(), "coder")
        .reviewer(SimulatedLandscape.reviewer(), "reviewer")
        .executor(SimulatedLandscape.executor())
        .policy(policy.get())
        .steps(steps)
        .workers(workers)
        .seed(1)
        .outputDir(out)
        .build()
        .run(TASK);
  }

  /** Each node's id, stage, parents and metric, one per line. */
  private static String shape(Journal journal) {
    return journal.nodes().stream()
        .map(n -> n.id() + " " + n.stage() + " " + n.parents() + " " + n.metric())
        .collect(Collectors.joining("\n"));
  }
}
