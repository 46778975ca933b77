package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coder's environment section tells what the run's interpreter has, probed once per run. */
class EnvironmentPromptTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y").direction(Direction.MAXIMIZE).build();
  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60"), false);
  private final AtomicInteger probes = new AtomicInteger();

  private Executor counting(Executor executor) {
    return request -> {
      if (FakeWorld.isProbe(request)) probes.incrementAndGet();
      return executor.execute(request);
    };
  }

  private Result run(Task task, Executor executor, int steps) {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(counting(executor))
        .policy(GreedyPolicy.builder().numDrafts(2).debugProb(0).build())
        .steps(steps)
        .seed(4)
        .outputDir(tmp.resolve("run"))
        .build()
        .run(task);
  }

  private List<String> coderPrompts() {
    return world.coderRequests.stream()
        .map(ChatRequest::messages)
        .map(messages -> messages.get(1).content())
        .toList();
  }

  @Test
  void theCodersPromptsListExactlyWhatTheProbeReported() {
    Result result = run(task, world.executor(), 3);

    assertThat(result.journal().goodCount()).isEqualTo(3);
    assertThat(probes).hasValue(1);
    assertThat(world.executions).hasValue(3);
    assertThat(coderPrompts())
        .hasSize(3)
        .allSatisfy(
            prompt ->
                assertThat(prompt)
                    .contains(
                        "# Environment\n\nPython 3.11.2. Installed: numpy 1.26.4, pandas 2.1.4,"
                            + " scikit-learn 1.4.2; not installed: xgboost, torch. Use only the"
                            + " installed packages")
                    .doesNotContain("lightgbm", "may be installed"));
    assertThat(tmp.resolve("run").resolve("python-packages.txt")).exists();
  }

  @Test
  void aFailedProbeGivesTheNeutralTextAndTheRunGoesOn() {
    Executor noProbe =
        request ->
            FakeWorld.isProbe(request)
                ? ExecutionResult.of("ModuleNotFoundError: importlib", 1, Duration.ZERO)
                : FakeWorld.run(request);

    Result result = run(task, noProbe, 2);

    assertThat(probes).hasValue(1);
    assertThat(result.journal().size()).isEqualTo(2);
    assertThat(result.journal().goodCount()).isEqualTo(2);
    assertThat(coderPrompts())
        .allSatisfy(
            prompt ->
                assertThat(prompt)
                    .contains("# Environment\n\nPython 3. Which packages are installed is unknown")
                    .doesNotContain("xgboost", "numpy"));
    assertThat(tmp.resolve("run").resolve("python-packages.txt")).doesNotExist();
  }

  @Test
  void aResumedRunReusesTheProbesAnswerWithoutProbingAgain() {
    run(task, world.executor(), 2);
    world.coderRequests.clear();

    Result resumed = run(task, world.executor(), 4);

    assertThat(resumed.journal().size()).isEqualTo(4);
    assertThat(probes).hasValue(1);
    assertThat(coderPrompts())
        .hasSize(2)
        .allSatisfy(prompt -> assertThat(prompt).contains("Installed: numpy 1.26.4"));
  }

  @Test
  void otherLanguagesAreNotProbed() {
    Task bash = task.newBuilder().language(Language.BASH).build();

    run(bash, world.executor(), 1);

    assertThat(probes).hasValue(0);
    assertThat(coderPrompts().get(0)).contains("The program is run as `bash solution.sh`.");
  }
}
