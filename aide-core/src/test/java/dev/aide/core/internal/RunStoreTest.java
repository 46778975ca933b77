package dev.aide.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y for the store tests").build();
  private final Map<String, Object> settings = Map.of("seed", 1L);

  static Node good(int id, double metric, String... files) {
    Instant started = Instant.parse("2026-02-01T10:00:00Z").plusSeconds(id);
    return Node.builder()
        .id(id)
        .step(id)
        .stage(Stage.DRAFT)
        .plan("Plan " + id)
        .code("score = " + metric + "  # node " + id + "\n")
        .execution(
            new ExecutionResult(
                "metric: " + metric, 0, 0, Duration.ofMillis(3), false, null, null, List.of(files)))
        .metric(Metric.of(metric, Direction.MAXIMIZE))
        .startedAt(started)
        .finishedAt(started.plusSeconds(1))
        .build();
  }

  private RunStore open(Path dir) {
    return RunStore.open(dir, task, settings);
  }

  @Test
  void lastLineThatIsAWholeNodeWithoutItsNewlineIsKeptAndTheNextAppendStartsANewLine()
      throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      store.append(good(0, 0.5));
    }
    Path journal = dir.resolve(RunStore.JOURNAL_FILE);
    Files.writeString(journal, NodeJson.write(good(1, 0.6)), UTF_8, StandardOpenOption.APPEND);

    try (RunStore store = open(dir)) {
      assertThat(store.journal().nodes()).extracting(Node::id).containsExactly(0, 1);
      store.append(good(2, 0.7));
    }

    List<String> lines = Files.readAllLines(journal);
    assertThat(lines).hasSize(3);
    assertThat(lines).extracting(l -> NodeJson.read(l).id()).containsExactly(0, 1, 2);
    assertThat(Files.readString(journal)).endsWith("\n");
  }

  @Test
  void recordingTheDirectionKeepsWholeNumbersOfRunJsonAsTheyWereWritten() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store =
        RunStore.open(dir, task, Map.of("seed", 762096344L, "steps", 3, "costBudget", 0.5))) {
      store.recordDirection(Direction.MAXIMIZE, "reviewer", "accuracy: higher is better");
    }

    String run = Files.readString(dir.resolve(RunStore.RUN_FILE));
    assertThat(run)
        .contains("\"seed\": 762096344", "\"steps\": 3", "\"costBudget\": 0.5")
        .contains("\"timeoutSeconds\": " + task.timeout().toSeconds() + ",")
        .contains("\"direction\": \"MAXIMIZE\"")
        .doesNotContain("E8", "3.0");
  }

  @Test
  void tornLastLineIsCutOff() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      store.append(good(0, 0.5));
    }
    Path journal = dir.resolve(RunStore.JOURNAL_FILE);
    String whole = Files.readString(journal);
    String next = NodeJson.write(good(1, 0.6));
    Files.writeString(
        journal, next.substring(0, next.length() - 1), UTF_8, StandardOpenOption.APPEND);

    try (RunStore store = open(dir)) {
      assertThat(store.journal().nodes()).extracting(Node::id).containsExactly(0);
    }
    assertThat(Files.readString(journal)).isEqualTo(whole);
  }

  @Test
  void aHandEditedLineOfTheWrongTypeIsSkippedWithAWarningNamingItsLineAndField()
      throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      for (int id = 0; id < 8; id++) store.append(good(id, 0.5 + id / 100.0));
    }
    Path journal = dir.resolve(RunStore.JOURNAL_FILE);
    List<String> lines = Files.readAllLines(journal);
    lines.set(6, lines.get(6).replace("\"metric\":0.56", "\"metric\":\"high\""));
    Files.write(journal, lines);

    String warnings;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, UTF_8));
    try (RunStore store = open(dir)) {
      assertThat(store.journal().nodes()).extracting(Node::id).containsExactly(0, 1, 2, 3, 4, 5, 7);
    } finally {
      System.setErr(err);
      warnings = captured.toString(UTF_8);
    }
    assertThat(warnings)
        .contains(
            "journal.jsonl line 7: field 'metric' should be a number, was \"high\"; skipping the"
                + " line ("
                + journal
                + ")");
  }

  @Test
  void aLineTheJournalRefusesIsNamedByItsLineNumber() {
    Journal journal = new Journal();
    RunStore.addLine(journal, NodeJson.write(good(3, 0.5)), 1);

    assertThatThrownBy(() -> RunStore.addLine(journal, NodeJson.write(good(3, 0.6)), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("journal.jsonl line 2: the journal already holds a node with id 3");
    assertThatThrownBy(() -> RunStore.addLine(journal, "{\"id\": 4", 3))
        .hasMessageStartingWith("journal.jsonl line 3: not valid JSON");
  }

  /** Records {@code node} as the engine does, with its output files in its workspace. */
  private static void finish(RunStore store, Node node, boolean writeBest) throws IOException {
    Path working = store.prepareWorkspace(node.id()).resolve("working");
    for (String file : node.execution().files()) {
      Files.writeString(working.resolve(file), file + " of node " + node.id());
    }
    store.append(node);
    store.journal().add(node);
    if (writeBest) store.writeBest(node);
  }

  private static Set<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void bestHoldsExactlyTheFilesOfOneNode() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      finish(store, good(0, 0.5, "model.pkl", "submission.csv"), true);
      finish(store, good(1, 0.7, "submission.csv"), true);
    }

    Path best = dir.resolve("best");
    assertThat(list(best)).containsExactlyInAnyOrder("solution.py", "submission.csv", "node.json");
    assertThat(Files.readString(best.resolve("solution.py"))).isEqualTo(good(1, 0.7).code());
    assertThat(Files.readString(best.resolve("submission.csv")))
        .isEqualTo("submission.csv of node 1");
    assertThat(Files.readString(best.resolve("node.json"))).contains("\"id\":1");
    assertThat(list(dir)).noneMatch(name -> name.startsWith(".best"));
  }

  @Test
  void bestNeverCopiesWhatALinkInWorkingLeadsTo() throws IOException {
    Path dir = tmp.resolve("run");
    Path secret = Files.writeString(tmp.resolve("host-secret.txt"), "root's secret");
    Path secrets = Files.createDirectories(tmp.resolve("host-dir"));
    Files.writeString(secrets.resolve("id_rsa"), "a private key");
    try (RunStore store = open(dir)) {
      Node node = good(0, 0.5, "submission.csv", "leak.txt", "linked/id_rsa");
      Path working = store.prepareWorkspace(0).resolve("working");
      Files.writeString(working.resolve("submission.csv"), "id,y\n");
      // what a program may leave behind: a link to a host file, and a linked directory
      Files.createSymbolicLink(working.resolve("leak.txt"), secret);
      Files.createSymbolicLink(working.resolve("linked"), secrets);
      store.append(node);
      store.journal().add(node);
      store.writeBest(node);
    }

    Path best = dir.resolve("best");
    assertThat(list(best)).containsExactlyInAnyOrder("solution.py", "submission.csv", "node.json");
  }

  @Test
  void openingTheRunRewritesBestWhenAKillLeftAnOlderNodeThereAndRemovesLeftovers()
      throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      finish(store, good(0, 0.5, "model.pkl", "submission.csv"), true);
      // killed after the journal append of a better node, before best/ was written
      finish(store, good(1, 0.7, "submission.csv"), false);
    }
    Files.createDirectories(dir.resolve(".best.new"));
    Files.writeString(dir.resolve(".best.new/solution.py"), "half written");
    Files.writeString(dir.resolve(".report.md12345.tmp"), "half a report");
    Files.writeString(dir.resolve("best/.solution.py678.tmp"), "half a solution");

    try (RunStore store = open(dir)) {
      assertThat(store.journal().best().id()).isEqualTo(1);
    }

    Path best = dir.resolve("best");
    assertThat(list(best)).containsExactlyInAnyOrder("solution.py", "submission.csv", "node.json");
    assertThat(Files.readString(best.resolve("solution.py"))).isEqualTo(good(1, 0.7).code());
    assertThat(Files.readString(best.resolve("submission.csv")))
        .isEqualTo("submission.csv of node 1");
    assertThat(list(dir)).noneMatch(name -> name.startsWith(".best") || name.endsWith(".tmp"));
  }

  @Test
  void openingTheRunRebuildsBestWhenAKillFellBetweenTheTwoRenames() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      finish(store, good(0, 0.5, "submission.csv"), true);
      finish(store, good(1, 0.7, "submission.csv"), true);
    }
    Files.move(dir.resolve("best"), dir.resolve(".best.old"));

    open(dir).close();

    assertThat(Files.readString(dir.resolve("best/solution.py"))).isEqualTo(good(1, 0.7).code());
    assertThat(Files.readString(dir.resolve("best/submission.csv")))
        .isEqualTo("submission.csv of node 1");
    assertThat(dir.resolve(".best.old")).doesNotExist();
  }

  @Test
  void openingTheRunRewritesBestWhenANewOutputFileStandsBesideAnOldSolution() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      finish(store, good(0, 0.5, "submission.csv"), true);
      finish(store, good(1, 0.7, "submission.csv"), false);
    }
    // what the old in-place writer left when killed before replacing solution.py
    Files.copy(
        dir.resolve("workspaces/1/working/submission.csv"),
        dir.resolve("best/submission.csv"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(dir.resolve("best/node.json"));

    open(dir).close();

    assertThat(Files.readString(dir.resolve("best/solution.py"))).isEqualTo(good(1, 0.7).code());
    assertThat(Files.readString(dir.resolve("best/node.json"))).contains("\"id\":1");
  }

  @Test
  void openingTheRunKeepsBestWhenItHoldsTheJournalsBestNode() throws IOException {
    Path dir = tmp.resolve("run");
    try (RunStore store = open(dir)) {
      finish(store, good(0, 0.5, "submission.csv"), true);
    }
    Files.delete(dir.resolve("workspaces/0/working/submission.csv"));

    open(dir).close();

    assertThat(Files.readString(dir.resolve("best/submission.csv")))
        .isEqualTo("submission.csv of node 0");
  }
}
