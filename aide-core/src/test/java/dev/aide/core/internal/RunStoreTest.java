package dev.aide.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
}
