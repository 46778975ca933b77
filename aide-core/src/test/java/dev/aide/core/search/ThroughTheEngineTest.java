package dev.aide.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Aide;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.SearchEvent;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.llm.LlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aResumedRunWhoseIdsHaveGapsTellsThePolicyTheIdEachNodeGets() throws Exception {
    Path out = dir.resolve("gaps");
    SimulatedLandscape landscape = new SimulatedLandscape(7);
    Journal before = run(landscape, SearchPolicies::evolutionary, out, 12, 1).journal();
    // Drop two nodes that nothing was made from, as if they were running when the run was killed.
    List<Integer> lost =
        before.nodes().stream()
            .filter(n -> n.id() < before.maxId() && before.isLeaf(n))
            .map(Node::id)
            .limit(2)
            .toList();
    assertThat(lost).hasSize(2);
    Path file = out.resolve("journal.jsonl");
    List<String> kept =
        Files.readAllLines(file).stream()
            .filter(line -> lost.stream().noneMatch(id -> line.startsWith("{\"id\":" + id + ",")))
            .toList();
    Files.write(file, kept);

    // Both workers' first nodes wait for each other, so the second is chosen with one in flight.
    CountDownLatch bothStarted = new CountDownLatch(2);
    LlmClient coder = landscape.coder();
    LlmClient waiting =
        request -> {
          bothStarted.countDown();
          try {
            bothStarted.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return coder.chat(request);
        };
    SearchPolicy islands = EvolutionaryPolicy.builder().islands(3).build();
    List<String> events = new ArrayList<>();
    AtomicInteger beyondTheGuess = new AtomicInteger();
    SearchPolicy recording =
        state -> {
          events.add("next " + state.nextNodeId());
          int guess =
              Math.max(
                  state.journal().size() + state.inFlight().size(), state.journal().maxId() + 1);
          if (state.nextNodeId() != guess) beyondTheGuess.incrementAndGet();
          return islands.next(state);
        };

    Result resumed =
        Aide.builder()
            .coder(waiting, "coder")
            .reviewer(SimulatedLandscape.reviewer(), "reviewer")
            .executor(SimulatedLandscape.executor())
            .policy(recording)
            .listener(
                event -> {
                  if (event instanceof SearchEvent.NodeStarted started) {
                    events.add("start " + started.nodeId());
                  }
                })
            .steps(20)
            .workers(2)
            .seed(1)
            .outputDir(out)
            .build()
            .run(TASK);

    assertThat(resumed.journal().size()).isEqualTo(20);
    assertThat(events).hasSize(20);
    for (int i = 0; i < events.size(); i += 2) {
      int id = Integer.parseInt(events.get(i).substring("next ".length()));
      assertThat(events.subList(i, i + 2)).containsExactly("next " + id, "start " + id);
    }
    assertThat(events.get(0)).isEqualTo("next " + (before.maxId() + 1));
    assertThat(beyondTheGuess.get()).as("steps chosen with a gap and work in flight").isPositive();
    assertThat(resumed.journal().nodes()).noneMatch(n -> lost.contains(n.id()));
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
