package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.llm.ModelPrice;
import dev.aide.core.search.SearchPolicies;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's output directory, opened and resumed through core's public API. */
class RunDirectoryTest {
  @TempDir Path tmp;

  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60", "0.40"), false);

  private static final Language PYTHON_312 =
      new Language("Python 3.12", "main.py", List.of("python3.12", "main.py"), List.of("python"));

  private Task everyTaskField() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    return Task.builder()
        .goal("Predict y from x")
        .evaluation("RMSE on a held-out fifth")
        .dataDir(data)
        .direction(Direction.MINIMIZE)
        .startingSolution("score = 0.55")
        .timeout(Duration.ofMillis(1500))
        .instructions("Use only the standard library")
        .language(PYTHON_312)
        .metricReader(MetricReader.jsonField("rmse (log)"))
        .expectedOutput("preds/submission.csv")
        .build();
  }

  private Aide.Builder everySetting(Path dir) {
    return Aide.builder()
        .coder(world.coder(), "coder-x")
        .reviewer(world.reviewer(), "reviewer-y")
        .executor(world.executor())
        .policy(SearchPolicies.mcts())
        .steps(2)
        .tokenBudget(1_000_000)
        .costBudget(1000.5)
        .price("coder-x", new ModelPrice(2.0, 8.0, 0.5))
        .price("reviewer-y", ModelPrice.of(0.1, 0.4))
        .timeLimit(Duration.ofMinutes(90))
        .targetMetric(0.0125)
        .maxConsecutiveFailures(7)
        .workers(2)
        .seed(-1234567890123L)
        .coderTemperature(0.25)
        .reviewerTemperature(0.0)
        .maxOutputTokens(4096)
        .property("python", "/opt/py/bin/python3")
        .outputDir(dir);
  }

  @Test
  void openGivesBackEverythingRunJsonRecords() throws Exception {
    Task task = everyTaskField();
    Path dir = tmp.resolve("run");
    Instant before = Instant.now();
    Result result = everySetting(dir).build().run(task);

    RunDirectory run = RunDirectory.open(dir);

    assertThat(run.dir()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(run.format()).isEqualTo(2);
    Task back = run.task();
    assertThat(back.goal()).isEqualTo(task.goal());
    assertThat(back.evaluation()).isEqualTo(task.evaluation());
    assertThat(back.dataDir()).isEqualTo(task.dataDir());
    assertThat(back.direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(back.startingSolution()).isEqualTo(task.startingSolution());
    assertThat(back.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(back.instructions()).isEqualTo(task.instructions());
    assertThat(back.language()).isEqualTo(PYTHON_312);
    assertThat(back.metricReader()).isEqualTo(MetricReader.jsonField("rmse (log)"));
    assertThat(back.expectedOutput()).isEqualTo("preds/submission.csv");
    assertThat(run.customMetricReader()).isNull();
    assertThat(run.settings())
        .isEqualTo(
            new RunDirectory.Settings(
                "coder-x",
                "reviewer-y",
                SearchPolicies.mcts().toString(),
                2,
                1_000_000L,
                1000.5,
                Duration.ofMinutes(90),
                0.0125,
                7,
                2,
                -1234567890123L,
                Map.of(
                    "coder-x",
                    new ModelPrice(2.0, 8.0, 0.5),
                    "reviewer-y",
                    ModelPrice.of(0.1, 0.4)),
                Map.of("python", "/opt/py/bin/python3"),
                0.25,
                0.0,
                4096));
    assertThat(run.libraryVersion()).isEqualTo(dev.aide.core.internal.RunStore.libraryVersion());
    assertThat(run.startedAt()).isNotNull().isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(run.directionDecision()).isNull();
    assertThat(run.journal().nodes())
        .extracting(Node::id, Node::code, Node::failure)
        .containsExactlyElementsOf(
            result.journal().nodes().stream()
                .map(n -> org.assertj.core.groups.Tuple.tuple(n.id(), n.code(), n.failure()))
                .toList());
    assertThatThrownBy(() -> run.journal().add(result.journal().nodes().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aSeedOfAnySizeAndTheDirectionDecisionSurviveTheRewriteOfRunJson() {
    Path dir = tmp.resolve("run");
    Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .steps(1)
        .seed(Long.MAX_VALUE)
        .outputDir(dir)
        .build()
        .run(Task.builder().goal("Predict y").build());

    RunDirectory run = RunDirectory.open(dir);

    // run.json was rewritten to record the reviewer's direction: the seed is still exact
    assertThat(run.settings().seed()).isEqualTo(Long.MAX_VALUE);
    assertThat(run.directionDecision())
        .isEqualTo(
            new RunDirectory.DirectionDecision(Direction.MAXIMIZE, "reviewer", "the fake says so"));
    assertThat(run.task().direction()).isNull();
    assertThat(run.task().expectedOutput()).isNull();
  }

  @Test
  void aMetricReaderOfYourOwnIsNamedButNotRebuilt() {
    Path dir = tmp.resolve("run");
    MetricReader mine =
        new MetricReader() {
          @Override
          public java.util.OptionalDouble read(String output) {
            return MetricReader.line("metric").read(output);
          }

          @Override
          public String toString() {
            return "my reader";
          }
        };
    Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .steps(1)
        .outputDir(dir)
        .build()
        .run(
            Task.builder()
                .goal("Predict y")
                .direction(Direction.MAXIMIZE)
                .metricReader(mine)
                .build());

    RunDirectory run = RunDirectory.open(dir);

    assertThat(run.task().metricReader()).isNull();
    assertThat(run.customMetricReader()).isEqualTo("my reader");
  }

  @Test
  void resumeIsPresetWithTheRecordedTaskAndSettings() throws Exception {
    Path dir = tmp.resolve("run");
    everySetting(dir).build().run(everyTaskField());
    int coderCalls = world.coderCalls.get();

    // the recorded steps (2) are reached: nothing more to do
    Result same =
        Aide.resume(dir).executor(world.executor()).coder(world.coder(), "coder-x").build().run();
    assertThat(same.journal().size()).isEqualTo(2);
    assertThat(world.coderCalls.get()).isEqualTo(coderCalls);

    Result more =
        Aide.resume(dir)
            .coder(world.coder(), "coder-x")
            .reviewer(world.reviewer(), "reviewer-y")
            .executor(world.executor())
            .steps(3)
            .build()
            .run();
    assertThat(more.journal().size()).isEqualTo(3);
    assertThat(more.journal().nodes().get(2).metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(RunDirectory.open(dir).journal().size()).isEqualTo(3);
  }

  @Test
  void resumeKeepsTheRecordedLimits() {
    Path dir = tmp.resolve("run");
    FakeWorld buggy = new FakeWorld(List.of("bug"), false);
    Result first =
        Aide.builder()
            .coder(buggy.coder(), "m")
            .reviewer(buggy.reviewer(), "m")
            .executor(buggy.executor())
            .policy(SearchPolicies.mcts())
            .maxConsecutiveFailures(1)
            .steps(5)
            .outputDir(dir)
            .build()
            .run(Task.builder().goal("Predict y").direction(Direction.MAXIMIZE).build());
    assertThat(first.stopReason()).isEqualTo(StopReason.TOO_MANY_FAILURES);
    int nodes = first.journal().size();

    Result resumed =
        Aide.resume(dir)
            .coder(buggy.coder(), "m")
            .executor(buggy.executor())
            .steps(10)
            .build()
            .run();

    assertThat(resumed.stopReason()).isEqualTo(StopReason.TOO_MANY_FAILURES);
    assertThat(resumed.journal().size()).isEqualTo(nodes);
  }

  @Test
  void runWithoutATaskNeedsAResumedRun() {
    Aide aide = Aide.builder().coder(world.coder(), "m").executor(world.executor()).build();

    assertThatThrownBy(aide::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run(task)")
        .hasMessageContaining("Aide.resume(dir)");
  }

  @Test
  void readsTheRunJsonOfTheFormatBeforeItWasRecorded() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("iris"));
    Path dir = Files.createDirectories(tmp.resolve("old"));
    Files.writeString(dir.resolve("run.json"), fixture("run-format-1.json", data));

    RunDirectory run = RunDirectory.open(dir);

    assertThat(run.format()).isEqualTo(1);
    Task task = run.task();
    assertThat(task.goal()).isEqualTo("Predict the species of each iris");
    assertThat(task.evaluation()).isEqualTo("Accuracy on a held-out fifth");
    assertThat(task.dataDir()).isEqualTo(data);
    assertThat(task.direction()).isNull();
    assertThat(task.startingSolution()).isEqualTo("print('accuracy: 0.5')\n");
    assertThat(task.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(task.instructions()).isEqualTo("Use only scikit-learn");
    assertThat(task.language()).isEqualTo(Language.BASH);
    assertThat(task.metricReader()).isEqualTo(MetricReader.line("accuracy"));
    assertThat(task.expectedOutput()).isNull();
    assertThat(run.settings())
        .isEqualTo(
            new RunDirectory.Settings(
                "gpt-4.1",
                "gpt-4.1-mini",
                "MctsPolicy{uctC=0.25, numChildren=5, debugAttempts=3}",
                12,
                100_000L,
                2.5,
                Duration.ofMinutes(30),
                0.97,
                4,
                2,
                760329165L,
                Map.of(),
                Map.of("python", "/usr/bin/python3")));
    assertThat(run.libraryVersion()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(run.startedAt()).isEqualTo(Instant.parse("2026-12-01T10:15:00.123Z"));
    assertThat(run.directionDecision())
        .isEqualTo(
            new RunDirectory.DirectionDecision(
                Direction.MAXIMIZE, "gpt-4.1-mini", "accuracy: higher is better"));
    assertThat(run.journal().isEmpty()).isTrue();
  }

  @Test
  void aDirectoryWithoutRunJsonIsNotARun() {
    assertThatThrownBy(() -> RunDirectory.open(tmp))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("is not a run's output directory: it holds no run.json");
    assertThatThrownBy(() -> RunDirectory.open(tmp.resolve("missing")))
        .hasMessageContaining("(the directory does not exist)");
  }

  @Test
  void unreadableRunJsonIsNamed() throws Exception {
    Files.writeString(tmp.resolve("run.json"), "{\"task\": ");

    assertThatThrownBy(() -> RunDirectory.open(tmp))
        .isInstanceOf(AideException.class)
        .hasMessageContaining(tmp.resolve("run.json") + " cannot be read");
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("iris"));
    String json = fixture("run-format-1.json", data);
    assertOpenFails(
        json.replace("\"timeoutSeconds\": 90", "\"timeoutSeconds\": \"soon\""),
        "field 'task.timeoutSeconds' should be a whole number, was \"soon\"");
    assertOpenFails(
        json.replace("\"seed\": 760329165", "\"seed\": 1.5"),
        "field 'settings.seed' should be a whole number, was 1.5");
    assertOpenFails(json.replace("\"steps\": 12,", ""), "field 'settings.steps' is missing");
    assertOpenFails(
        json.replace("\"language\": \"Bash\"", "\"language\": \"Cobol\""),
        "field 'task.language' names the language \"Cobol\", which is not built in");
    assertOpenFails(
        json.replace("\"timeoutSeconds\": 90", "\"timeoutSeconds\": 0"),
        "field 'task.timeoutSeconds' is not usable: timeout must be positive");
    assertOpenFails(
        json.replace(data.toString(), tmp.resolve("gone").toString()),
        "field 'task.dataDir' is not usable: dataDir does not exist");
  }

  @Test
  void readSettingsReadsARunWhoseDataDirectoryIsGone() throws Exception {
    Task task = everyTaskField();
    Path dir = tmp.resolve("run");
    everySetting(dir).build().run(task);
    RunDirectory.Settings settings = RunDirectory.open(dir).settings();
    // the run moves to a machine without its data, as a shipped recording does
    Files.delete(task.dataDir().resolve("train.csv"));
    Files.delete(task.dataDir());
    assertThatThrownBy(() -> RunDirectory.open(dir))
        .hasMessageContaining("field 'task.dataDir' is not usable: dataDir does not exist");

    assertThat(RunDirectory.readSettings(dir)).isEqualTo(settings);
    assertThatThrownBy(() -> RunDirectory.readSettings(tmp.resolve("missing")))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("is not a run's output directory");
    Files.writeString(dir.resolve("run.json"), "{\"format\": 3, \"settings\": {}}");
    assertThatThrownBy(() -> RunDirectory.readSettings(dir)).isInstanceOf(AideException.class);
  }

  @Test
  void aRunJsonOfANewerFormatIsRefusedWhenOpenedAndWhenResumed() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("iris"));
    String json = fixture("run-format-1.json", data).replaceFirst("\\{", "{\"format\": 3,");
    Path dir = Files.createDirectories(tmp.resolve("new"));
    Files.writeString(dir.resolve("run.json"), json);

    assertThatThrownBy(() -> RunDirectory.open(dir))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("was written by a newer version of AIDE (run.json format 3;")
        .hasMessageContaining("reads formats up to 2");
    Task task = Task.builder().goal("Predict the species of each iris").build();
    assertThatThrownBy(
            () ->
                Aide.builder()
                    .coder(world.coder(), "m")
                    .executor(world.executor())
                    .outputDir(dir)
                    .build()
                    .run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("newer version of AIDE");
  }

  private void assertOpenFails(String json, String message) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("case"));
    Files.writeString(dir.resolve("run.json"), json);
    assertThatThrownBy(() -> RunDirectory.open(dir))
        .isInstanceOf(AideException.class)
        .hasMessageContaining(dir.toAbsolutePath().resolve("run.json") + ": " + message);
  }

  private static String fixture(String name, Path data) throws Exception {
    try (InputStream in =
        Objects.requireNonNull(RunDirectoryTest.class.getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("@DATA@", data.toString());
    }
  }
}
