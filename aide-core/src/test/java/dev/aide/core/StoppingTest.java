package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation, interrupts, and the limits that stop a search. */
class StoppingTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y").build();
  private final FakeWorld world = new FakeWorld(List.of("0.5", "0.9", "0.4", "0.3"), false);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final CountDownLatch blocked = new CountDownLatch(1);

  /** Runs the first {@code free} executions at once; later ones block until interrupted. */
  private Executor blockingAfter(int free) {
    AtomicInteger runs = new AtomicInteger();
    return request -> {
      if (runs.getAndIncrement() < free) return FakeWorld.run(request);
      blocked.countDown();
      try {
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
      } catch (InterruptedException e) {
        interrupted.set(true);
        Thread.currentThread().interrupt();
      }
      return ExecutionResult.of("killed", 137, Duration.ZERO);
    };
  }

  private Aide.Builder aide(Executor executor) {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(FakeWorld.answeringProbe(executor))
        .steps(20)
        .seed(2)
        .outputDir(tmp.resolve("run"));
  }

  @Test
  void cancelAbandonsTheNodeInFlightKeepsTheFinishedOnesAndTheRunResumes() throws Exception {
    Search search = aide(blockingAfter(3)).build().start(task);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

    search.cancel();
    Result result = search.await();

    assertThat(result.stopReason()).isEqualTo(StopReason.CANCELLED);
    assertThat(result.journal().size()).isEqualTo(3);
    assertThat(interrupted).as("the execution in flight was interrupted").isTrue();
    assertThat(Files.readAllLines(tmp.resolve("run/journal.jsonl"))).hasSize(3);
    assertThat(search.isDone()).isTrue();

    Result resumed = aide(world.executor()).steps(5).build().run(task);
    assertThat(resumed.journal().nodes()).extracting(Node::id).containsExactly(0, 1, 2, 3, 4);
    assertThat(resumed.stopReason()).isEqualTo(StopReason.STEPS_DONE);
  }

  @Test
  void executorThatThrowsWhenInterruptedDoesNotTurnACancelIntoAFailure() throws Exception {
    Executor throwing =
        request -> {
          blocked.countDown();
          try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new dev.aide.core.exec.ExecutorException("interrupted while running");
        };
    Search search = aide(throwing).build().start(task);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

    search.cancel();

    assertThat(search.await().stopReason()).isEqualTo(StopReason.CANCELLED);
  }

  @Test
  void interruptingTheCallingThreadCancelsTheSearch() throws Exception {
    Aide aide = aide(blockingAfter(2)).build();
    AtomicReference<Result> result = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              result.set(aide.run(task));
              flagKept.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(result.get().stopReason()).isEqualTo(StopReason.CANCELLED);
    assertThat(result.get().journal().size()).isEqualTo(2);
    assertThat(flagKept).as("the caller's interrupt flag is set again").isTrue();
  }

  @Test
  void timeLimitCancelsTheSearch() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    Search search =
        aide(blockingAfter(1)).clock(clock).timeLimit(Duration.ofMinutes(30)).build().start(task);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

    clock.advance(Duration.ofMinutes(31));
    Result result = search.await();

    assertThat(result.stopReason()).isEqualTo(StopReason.TIME_LIMIT);
    assertThat(result.journal().size()).isEqualTo(1);
    assertThat(interrupted).isTrue();
  }

  @Test
  void reachingTheTargetMetricStopsTheSearch() {
    Result result = aide(world.executor()).targetMetric(0.85).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.TARGET_REACHED);
    assertThat(result.journal().size()).isEqualTo(2);
    assertThat(result.best().metric().value()).isEqualTo(0.9);
  }

  @Test
  void targetIsReachedDownwardWhenSmallerIsBetter() {
    Task minimize = task.newBuilder().direction(Direction.MINIMIZE).build();

    Result result = aide(world.executor()).targetMetric(0.35).build().run(minimize);

    assertThat(result.stopReason()).isEqualTo(StopReason.TARGET_REACHED);
    assertThat(result.best().metric().value()).isEqualTo(0.3);
  }

  @Test
  void tooManyFailuresInARowEndTheSearch() throws Exception {
    // a program's own error (it raised), so the rule for an interpreter that cannot run stays out
    Executor alwaysFails =
        (ExecutionRequest request) ->
            new ExecutionResult(
                "ValueError: boom", 0, 1, Duration.ZERO, false, "ValueError", "boom", List.of());

    Result result =
        aide(alwaysFails)
            .policy(GreedyPolicy.builder().debugProb(1).build())
            .maxConsecutiveFailures(4)
            .build()
            .run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.TOO_MANY_FAILURES);
    assertThat(result.journal().size()).isEqualTo(4);
    // run.json records the limit under the builder method's name
    assertThat(Files.readString(tmp.resolve("run").resolve("run.json")))
        .contains("\"maxConsecutiveFailures\": 4");
  }
}
