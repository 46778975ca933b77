package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.Executor;
import dev.aide.core.internal.NodeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelSearchTest {
  @TempDir Path tmp;

  @Test
  void workersRunNodesAtOnceAndNoNodeIsLostOrDuplicated() throws Exception {
    FakeWorld world = new FakeWorld(List.of("bug", "0.5", "bug", "0.4", "0.6"), true);
    CountDownLatch allFourRunning = new CountDownLatch(4);
    AtomicBoolean overlapped = new AtomicBoolean(true);
    AtomicInteger executions = new AtomicInteger();
    // Events arrive under the engine's lock, so this listener sees starts and finishes in order.
    AtomicInteger draftsStarted = new AtomicInteger();
    AtomicInteger goodRecorded = new AtomicInteger();
    List<Integer> extraDraftsWhileAGoodNodeExisted =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    SearchListener draftWatcher =
        event -> {
          if (event instanceof SearchEvent.NodeStarted started
              && started.stage() == Stage.DRAFT
              && draftsStarted.getAndIncrement() >= 5
              && goodRecorded.get() > 0) {
            extraDraftsWhileAGoodNodeExisted.add(started.nodeId());
          }
          if (event instanceof SearchEvent.NodeFinished finished && !finished.node().isBuggy()) {
            goodRecorded.incrementAndGet();
          }
        };
    Executor gated =
        request -> {
          if (executions.getAndIncrement() < 4) {
            allFourRunning.countDown();
            try {
              if (!allFourRunning.await(30, TimeUnit.SECONDS)) overlapped.set(false);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return FakeWorld.run(request);
        };

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(world.reviewer(), "m")
            .executor(FakeWorld.answeringProbe(gated))
            .workers(4)
            .steps(40)
            .seed(5)
            .listener(draftWatcher)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(Task.builder().goal("Predict y").build());

    assertThat(overlapped).as("the first four executions ran at the same time").isTrue();
    List<Node> nodes = result.journal().nodes();
    assertThat(nodes).hasSize(40);
    assertThat(nodes).extracting(Node::id).doesNotHaveDuplicates().allMatch(id -> id < 40);
    assertThat(nodes).extracting(Node::step).containsExactlyElementsOf(range(40));
    // Drafts in flight count toward the five drafts: a sixth draft may start only while no good
    // node is recorded yet (the greedy rule drafts when there is nothing to improve), never after.
    assertThat(result.journal().drafts()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(extraDraftsWhileAGoodNodeExisted).isEmpty();
    // no buggy node was debugged twice (a node being debugged is not picked again)
    Map<Integer, Long> debugsPerParent =
        nodes.stream()
            .filter(n -> n.stage() == Stage.DEBUG)
            .collect(Collectors.groupingBy(Node::parentId, Collectors.counting()));
    assertThat(debugsPerParent.values()).allMatch(count -> count == 1);
    // the file holds the same nodes in the same order
    List<String> lines = Files.readAllLines(tmp.resolve("run/journal.jsonl"));
    assertThat(lines)
        .extracting(l -> NodeJson.read(l).id())
        .containsExactlyElementsOf(nodes.stream().map(Node::id).toList());
  }

  private static List<Integer> range(int n) {
    return java.util.stream.IntStream.range(0, n).boxed().toList();
  }

  @Test
  void workersWithSlowFakesRespectATokenBudget() {
    FakeWorld world = new FakeWorld(List.of("0.5", "bug", "0.6"), true);
    Executor slow =
        request -> {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeWorld.run(request);
        };
    int workers = 4;

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(world.reviewer(), "m")
            .executor(FakeWorld.answeringProbe(slow))
            .workers(workers)
            .steps(200)
            .tokenBudget(3_000)
            .seed(8)
            .outputDir(tmp.resolve("budget"))
            .build()
            .run(Task.builder().goal("Predict y").build());

    // 180 tokens a node: the budget is spent after 17 nodes; the nodes in flight then finish.
    assertThat(result.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
    assertThat(result.journal().size()).isBetween(17, 17 + workers - 1);
    assertThat(result.usage().total()).isLessThan(3_000 + workers * 180L);
    assertThat(result.journal().nodes()).extracting(Node::id).doesNotHaveDuplicates();
  }

  @Test
  void neverStartsMoreWorkerThreadsThanStepsLeft() {
    FakeWorld world = new FakeWorld(List.of("0.5", "0.4", "0.6"), false);
    // Every thread created from a thread that carries this value inherits it and counts itself:
    // the search thread, the worker threads it starts and its report writer.
    AtomicInteger threadsCreated = new AtomicInteger();
    InheritableThreadLocal<Boolean> counting =
        new InheritableThreadLocal<>() {
          @Override
          protected Boolean childValue(Boolean parentValue) {
            threadsCreated.incrementAndGet();
            return parentValue;
          }
        };
    counting.set(true);
    Result result;
    try {
      result =
          Aide.builder()
              .coder(world.coder(), "m")
              .reviewer(world.reviewer(), "m")
              .executor(world.executor())
              .workers(Aide.MAX_WORKERS)
              .steps(3)
              .outputDir(tmp.resolve("run"))
              .build()
              .run(Task.builder().goal("Predict y").build());
    } finally {
      counting.remove();
    }

    assertThat(result.journal().size()).isEqualTo(3);
    assertThat(threadsCreated)
        .as("the search thread, one worker per step and the report writer")
        .hasValue(1 + 3 + 1);
  }

  @Test
  void theBuilderRejectsAnAbsurdNumberOfWorkers() {
    assertThatThrownBy(() -> Aide.builder().workers(100_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be from 1 to 256, was 100000");
    assertThatThrownBy(() -> Aide.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 1 to 256");
  }
}
