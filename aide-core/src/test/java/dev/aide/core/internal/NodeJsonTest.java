package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeJsonTest {
  private final Node node =
      Node.builder()
          .id(12)
          .step(9)
          .stage(Stage.DEBUG)
          .parent(7)
          .debugDepth(2)
          .plan("Fix the \"price\" column; ünïcödé ✓")
          .code("import pandas as pd\nprint('metric:', 0.1)\n")
          .execution(
              new ExecutionResult(
                  "line 1\nline 2\tTab",
                  1234,
                  1,
                  Duration.ofMillis(4567),
                  true,
                  "TimeoutError",
                  null,
                  List.of("submission.csv", "models/m.bin")))
          .analysis("It timed out.")
          .metric(Metric.worst(Direction.MINIMIZE))
          .buggy(true)
          .usage(new TokenUsage(1000, 200, 300, 50))
          .startedAt(Instant.parse("2026-11-26T10:00:00.123Z"))
          .finishedAt(Instant.parse("2026-11-26T10:01:00Z"))
          .failure(null)
          .warnings(List.of("the reviewer reported 0.2 but the output says 0.1"))
          .build();

  @Test
  void writesOneLineAndReadsBackEveryField() {
    String line = NodeJson.write(node);
    Node read = NodeJson.read(line);

    assertThat(line).doesNotContain("\n");
    assertThat(read).usingRecursiveComparison().isEqualTo(node);
  }

  @Test
  void goodNodeKeepsItsMetricAndDirection() {
    Node good =
        node.newBuilder()
            .stage(Stage.IMPROVE)
            .debugDepth(0)
            .buggy(false)
            .metric(Metric.of(0.125, Direction.MINIMIZE))
            .execution(null)
            .failure("note")
            .build();

    Node read = NodeJson.read(NodeJson.write(good));

    assertThat(read.metric()).isEqualTo(Metric.of(0.125, Direction.MINIMIZE));
    assertThat(read.execution()).isNull();
    assertThat(read.failure()).isEqualTo("note");
  }

  @Test
  void rejectsWhatIsNotANodeAndSaysWhy() {
    assertThatThrownBy(() -> NodeJson.read("{\"id\":1,\"parents\":[],\"st"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> NodeJson.read("[1,2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> NodeJson.read("{\"id\": 1}")).hasMessageContaining("missing field");
    assertThatThrownBy(
            () -> NodeJson.read(NodeJson.write(node).replace("\"step\":9", "\"step\":\"x\"")))
        .hasMessageContaining("wrong type");
  }
}
