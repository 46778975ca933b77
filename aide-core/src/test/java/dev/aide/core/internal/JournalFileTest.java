package dev.aide.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalFileTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y for the journal file tests").build();

  /** A node with multi-byte characters, so that byte and character positions differ. */
  private static Node node(int id) {
    Instant started = Instant.parse("2026-02-01T10:00:00Z").plusSeconds(id);
    boolean buggy = id % 3 == 0;
    return Node.builder()
        .id(id)
        .step(id)
        .stage(id == 0 ? Stage.DRAFT : Stage.IMPROVE)
        .parent(id == 0 ? null : id - 1)
        .plan("Plan " + id + ": café, naïve \u2603 \uD83D\uDE00\n".repeat(1 + id % 4))
        .code("print('score', " + id + ")  # \u00e9\n".repeat(1 + id % 7))
        .execution(
            id % 5 == 4
                ? null
                : new ExecutionResult(
                    "out " + id + " \u2192 ok\n".repeat(1 + id % 9),
                    id,
                    buggy ? 1 : 0,
                    Duration.ofMillis(id),
                    false,
                    buggy ? "ValueError" : null,
                    buggy ? "bad \u00fc" : null,
                    List.of("submission.csv")))
        .analysis(id % 2 == 0 ? "short analysis " + id : "long analysis \u00e9 ".repeat(200) + id)
        .buggy(buggy)
        .metric(buggy ? Metric.worst(Direction.MAXIMIZE) : Metric.of(id, Direction.MAXIMIZE))
        .startedAt(started)
        .finishedAt(started.plusSeconds(1))
        .build();
  }

  private static void assertSameValues(Node actual, Node expected) {
    assertThat(actual.id()).isEqualTo(expected.id());
    assertThat(actual.parents()).isEqualTo(expected.parents());
    assertThat(actual.step()).isEqualTo(expected.step());
    assertThat(actual.stage()).isEqualTo(expected.stage());
    assertThat(actual.plan()).isEqualTo(expected.plan());
    assertThat(actual.code()).isEqualTo(expected.code());
    assertThat(actual.execution()).isEqualTo(expected.execution());
    assertThat(actual.analysis()).isEqualTo(expected.analysis());
    assertThat(actual.metric()).isEqualTo(expected.metric());
    assertThat(actual.isBuggy()).isEqualTo(expected.isBuggy());
    assertThat(actual.startedAt()).isEqualTo(expected.startedAt());
    assertThat(actual.finishedAt()).isEqualTo(expected.finishedAt());
    assertThat(actual.toString()).isEqualTo(expected.toString());
  }

  /** Writes the nodes as journal lines and returns them backed by a file with a small cache. */
  private List<Node> writeAndBack(Path file, JournalFile lines, List<Node> nodes)
      throws IOException {
    List<Node> backed = new ArrayList<>();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (Node node : nodes) {
        byte[] line = (NodeJson.write(node) + "\n").getBytes(UTF_8);
        long offset = channel.size();
        channel.write(java.nio.ByteBuffer.wrap(line), offset);
        backed.add(lines.back(node, offset, line.length - 1));
      }
    }
    return backed;
  }

  private static List<Node> nodes(int count) {
    List<Node> nodes = new ArrayList<>();
    for (int id = 0; id < count; id++) nodes.add(node(id));
    return nodes;
  }

  @Test
  void nodesTheStoreAppendsReturnWhatWasWrittenAndSoDoThoseReadBackOnResume() {
    Path dir = tmp.resolve("run");
    List<Node> written = nodes(JournalFile.DEFAULT_CACHED_NODES + 20);
    List<Node> appended = new ArrayList<>();
    try (RunStore store = RunStore.open(dir, task, Map.of("seed", 1L))) {
      for (Node node : written) appended.add(store.append(node));
    }
    for (int i = 0; i < written.size(); i++) assertSameValues(appended.get(i), written.get(i));

    try (RunStore store = RunStore.open(dir, task, Map.of("seed", 1L))) {
      List<Node> resumed = store.journal().nodes();
      assertThat(resumed).hasSize(written.size());
      for (int i = 0; i < written.size(); i++) {
        assertSameValues(resumed.get(i), written.get(i));
        assertSameValues(resumed.get(i).newBuilder().build(), written.get(i));
      }
    }
  }

  @Test
  void nodesTheStoreAppendsAndResumesReadTheirCodeFromTheFile() throws IOException {
    Path dir = tmp.resolve("run");
    Node first;
    try (RunStore store = RunStore.open(dir, task, Map.of("seed", 1L))) {
      first = store.append(node(0));
      for (Node node : nodes(JournalFile.DEFAULT_CACHED_NODES + 1).subList(1, 65)) {
        store.append(node);
      }
    }
    Node resumedFirst;
    try (RunStore store = RunStore.open(dir, task, Map.of("seed", 1L))) {
      resumedFirst = store.journal().get(0);
    }
    Path file = dir.resolve(RunStore.JOURNAL_FILE);
    Files.delete(file);

    // node 0 fell out of both caches, so its code can only come from the file, which is gone
    assertThatThrownBy(first::code)
        .isInstanceOf(AideException.class)
        .hasMessageContaining("node 0")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(resumedFirst::plan)
        .isInstanceOf(AideException.class)
        .hasMessageContaining("node 0")
        .hasMessageContaining("no longer exists");
    // what policies need stays in memory
    assertThat(first.metric()).isEqualTo(node(0).metric());
    assertThat(resumedFirst.analysis()).isEqualTo(node(0).analysis());
  }

  @Test
  void cacheEvictionDoesNotChangeAnswers() throws IOException {
    Path file = tmp.resolve("journal.jsonl");
    List<Node> written = nodes(30);
    List<Node> backed = writeAndBack(file, new JournalFile(file, 2), written);

    Random random = new Random(3);
    for (int pass = 0; pass < 200; pass++) {
      int i = random.nextInt(written.size());
      assertSameValues(backed.get(i), written.get(i));
    }
  }

  @Test
  void aDeletedJournalFileGivesAnErrorNamingTheFileAndTheNode() throws IOException {
    Path file = tmp.resolve("journal.jsonl");
    List<Node> backed = writeAndBack(file, new JournalFile(file, 1), nodes(3));
    Files.delete(file);

    assertThatThrownBy(() -> backed.get(1).code())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot read node 1's plan, code and output back from " + file)
        .hasMessageContaining("the file no longer exists");
    assertThat(backed.get(2).code()).isEqualTo(node(2).code()); // still cached
  }

  @Test
  void aTruncatedJournalFileGivesAnErrorNamingTheFileAndTheNode() throws IOException {
    Path file = tmp.resolve("journal.jsonl");
    List<Node> backed = writeAndBack(file, new JournalFile(file, 1), nodes(3));
    long size = Files.size(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }

    assertThatThrownBy(() -> backed.get(1).execution())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot read node 1's plan, code and output back from " + file)
        .hasMessageContaining("it was truncated");
  }

  @Test
  void aJournalFileRewrittenUnderTheNodesGivesAnErrorRatherThanOtherContent() throws IOException {
    Path file = tmp.resolve("journal.jsonl");
    List<Node> backed = writeAndBack(file, new JournalFile(file, 1), nodes(3));
    StringBuilder other = new StringBuilder();
    for (int id = 10; id < 40; id++) other.append(NodeJson.write(node(id))).append('\n');
    Files.writeString(file, other);

    assertThatThrownBy(() -> backed.get(0).plan())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot read node 0's");
    assertThatThrownBy(() -> backed.get(1).plan())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot read node 1's");
  }

  @Test
  void nodesAppendedThroughAnotherOpenerKeepTheirValuesInMemory() throws IOException {
    Path dir = tmp.resolve("run");
    Path elsewhere = tmp.resolve("elsewhere.jsonl");
    RunStore.JournalOpener opener =
        file ->
            FileChannel.open(
                elsewhere,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    List<Node> written = nodes(JournalFile.DEFAULT_CACHED_NODES + 5);
    List<Node> appended = new ArrayList<>();
    try (RunStore store = RunStore.open(dir, task, Map.of("seed", 1L), opener)) {
      for (Node node : written) appended.add(store.append(node));
    }
    Files.delete(elsewhere);

    for (int i = 0; i < written.size(); i++) assertSameValues(appended.get(i), written.get(i));
  }
}
