package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskTest {
  @TempDir Path tempDir;

  @Test
  void toStringShowsAGoalOfSixtyCharactersWholeAndCutsALongerOne() {
    String sixty = "g".repeat(60);

    assertThat(Task.builder().goal(sixty).build().toString())
        .isEqualTo("Task{goal=" + sixty + ", language=Python}");
    assertThat(Task.builder().goal(sixty + "h").build().toString())
        .isEqualTo("Task{goal=" + "g".repeat(57) + "..., language=Python}");
  }

  @Test
  void toStringNeverSplitsASurrogatePairOfALongGoal() {
    String goal = "g".repeat(56) + "\uD83D\uDE00" + "h".repeat(10);

    assertThat(Task.builder().goal(goal).build().toString())
        .isEqualTo("Task{goal=" + "g".repeat(56) + "..., language=Python}");
  }

  @Test
  void rejectsAMissingGoal() {
    assertThatThrownBy(() -> Task.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("goal");
  }

  @Test
  void rejectsABlankGoal() {
    assertThatThrownBy(() -> Task.builder().goal(" \n\t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("goal");
  }

  @Test
  void rejectsADataDirThatDoesNotExistAndNamesIt() {
    Path missing = tempDir.resolve("no-such-dir");

    assertThatThrownBy(() -> Task.builder().goal("g").dataDir(missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toAbsolutePath().normalize().toString());
  }

  @Test
  void rejectsAFilePassedAsDataDir() throws IOException {
    Path file = Files.writeString(tempDir.resolve("train.csv"), "a,b\n1,2\n");

    assertThatThrownBy(() -> Task.builder().goal("g").dataDir(file).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory")
        .hasMessageContaining(file.toString());
  }

  @Test
  void rejectsAZeroOrNegativeTimeout() {
    for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
      assertThatThrownBy(() -> Task.builder().goal("g").timeout(timeout).build())
          .as("timeout %s", timeout)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout");
    }
  }

  @Test
  void acceptsTheShortestPositiveTimeout() {
    Task task = Task.builder().goal("g").timeout(Duration.ofNanos(1)).build();

    assertThat(task.timeout()).isEqualTo(Duration.ofNanos(1));
  }

  @Test
  void rejectsABlankStartingSolution() {
    assertThatThrownBy(() -> Task.builder().goal("g").startingSolution("  \n").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startingSolution");
  }

  @Test
  void defaultsToPythonAndAnHourWithNothingElseSet() {
    Task task = Task.builder().goal("Predict prices").build();

    assertThat(task.goal()).isEqualTo("Predict prices");
    assertThat(task.language()).isEqualTo(Language.PYTHON);
    assertThat(task.timeout()).isEqualTo(Duration.ofHours(1)).isEqualTo(Task.DEFAULT_TIMEOUT);
    assertThat(task.evaluation()).isNull();
    assertThat(task.dataDir()).isNull();
    assertThat(task.direction()).isNull();
    assertThat(task.startingSolution()).isNull();
    assertThat(task.instructions()).isNull();
    assertThat(task.expectedOutput()).isNull();
  }

  @Test
  void expectedOutputIsAPathInsideWorkingWithoutItsPrefix() {
    assertThat(Task.builder().goal("g").expectedOutput("submission.csv").build().expectedOutput())
        .isEqualTo("submission.csv");
    assertThat(
            Task.builder()
                .goal("g")
                .expectedOutput("./working/preds/test.csv")
                .build()
                .expectedOutput())
        .isEqualTo("preds/test.csv");
    assertThat(Task.builder().goal("g").expectedOutput(" ").build().expectedOutput()).isNull();
    assertThat(Task.builder().goal("g").expectedOutput("submission.csv").build().toString())
        .contains("expectedOutput=submission.csv");
  }

  @Test
  void rejectsAnExpectedOutputOutsideWorkingAndNamesIt() {
    for (String bad : List.of("/tmp/submission.csv", "../submission.csv", "out/", "a//b.csv")) {
      assertThatThrownBy(() -> Task.builder().goal("g").expectedOutput(bad).build())
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expectedOutput must name a file inside ./working")
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  @Test
  void blankEvaluationAndInstructionsCountAsUnset() {
    Task task = Task.builder().goal("g").evaluation(" ").instructions("").build();

    assertThat(task.evaluation()).isNull();
    assertThat(task.instructions()).isNull();
  }

  @Test
  void makesTheDataDirAbsolute() {
    Path relative = Path.of("").toAbsolutePath().relativize(tempDir.toAbsolutePath());
    assertThat(relative.isAbsolute()).isFalse();

    Task task = Task.builder().goal("g").dataDir(relative).build();

    assertThat(task.dataDir()).isNotNull();
    assertThat(task.dataDir().isAbsolute()).isTrue();
    assertThat(task.dataDir()).isEqualTo(tempDir.toAbsolutePath().normalize());
  }

  @Test
  void newBuilderKeepsEveryValue() {
    Task task =
        Task.builder()
            .goal("Predict prices")
            .evaluation("RMSE")
            .dataDir(tempDir)
            .direction(Direction.MINIMIZE)
            .startingSolution("print(1)")
            .timeout(Duration.ofMinutes(5))
            .instructions("Use only the standard library")
            .language(Language.JAVA)
            .expectedOutput("submission.csv")
            .build();

    Task copy = task.newBuilder().build();

    assertThat(copy).usingRecursiveComparison().isEqualTo(task);
    assertThat(copy.goal()).isEqualTo("Predict prices");
    assertThat(copy.evaluation()).isEqualTo("RMSE");
    assertThat(copy.dataDir()).isEqualTo(tempDir.toAbsolutePath().normalize());
    assertThat(copy.direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(copy.startingSolution()).isEqualTo("print(1)");
    assertThat(copy.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(copy.instructions()).isEqualTo("Use only the standard library");
    assertThat(copy.language()).isEqualTo(Language.JAVA);
    assertThat(copy.expectedOutput()).isEqualTo("submission.csv");
  }

  @Test
  void newBuilderChangesLeaveTheOriginalAlone() {
    Task task = Task.builder().goal("first").evaluation("accuracy").build();

    Task changed = task.newBuilder().goal("second").build();

    assertThat(changed.goal()).isEqualTo("second");
    assertThat(changed.evaluation()).isEqualTo("accuracy");
    assertThat(task.goal()).isEqualTo("first");
  }

  @Test
  void aHoldoutFixesTheDirectionAndTheExpectedOutput() {
    Task task =
        Task.builder()
            .goal("g")
            .dataDir(tempDir)
            .holdout(Holdout.builder("y", ScoreMetrics.rmse()).submission("preds.csv").build())
            .build();

    assertThat(task.direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(task.expectedOutput()).isEqualTo("preds.csv");
    assertThat(task.harnessScored()).isTrue();
    assertThat(task.newBuilder().build().holdout()).isSameAs(task.holdout());
  }

  @Test
  void aHoldoutThatDoesNotFitTheTaskIsRefusedWithWhatToDo() {
    Holdout auc = Holdout.builder("y", ScoreMetrics.rocAuc()).build();
    assertThatThrownBy(() -> Task.builder().goal("g").holdout(auc).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a holdout needs the task's dataDir");
    assertThatThrownBy(
            () ->
                Task.builder()
                    .goal("g")
                    .dataDir(tempDir)
                    .direction(Direction.MINIMIZE)
                    .holdout(auc)
                    .build())
        .hasMessageContaining("direction is MINIMIZE but the holdout's metric roc_auc is MAXIMIZE");
    assertThatThrownBy(
            () ->
                Task.builder()
                    .goal("g")
                    .dataDir(tempDir)
                    .expectedOutput("out.csv")
                    .holdout(auc)
                    .build())
        .hasMessageContaining(
            "expectedOutput is out.csv but the holdout reads its predictions"
                + " from submission.csv");
    assertThatThrownBy(
            () ->
                Task.builder().goal("g").dataDir(tempDir).holdout(auc).scorer(working -> 1).build())
        .hasMessageContaining("a holdout or a scorer, not both");
  }

  @Test
  void aScorerNeedsADirection() {
    assertThatThrownBy(() -> Task.builder().goal("g").scorer(working -> 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a task with a scorer needs a direction");
    assertThat(
            Task.builder()
                .goal("g")
                .scorer(working -> 1)
                .direction(Direction.MAXIMIZE)
                .build()
                .harnessScored())
        .isTrue();
  }
}
