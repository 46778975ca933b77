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
    assertThatThrownBy(() -> NodeJson.read("{\"buggy\": true}"))
        .hasMessage("missing field 'direction'");
  }

  @Test
  void namesTheFieldOfTheWrongTypeAndWhatItHeld() {
    String line = NodeJson.write(node);
    Node good = node.newBuilder().buggy(false).metric(Metric.of(0.25, Direction.MINIMIZE)).build();
    String goodLine = NodeJson.write(good);

    assertThat(goodLine).contains("\"metric\":0.25");
    assertThatThrownBy(
            () -> NodeJson.read(goodLine.replace("\"metric\":0.25", "\"metric\":\"high\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("field 'metric' should be a number, was \"high\"");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"step\":9", "\"step\":\"x\"")))
        .hasMessage("field 'step' should be a whole number, was \"x\"");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"step\":9", "\"step\":9.5")))
        .hasMessage("field 'step' should be a whole number, was 9.5");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"parents\":[7]", "\"parents\":[\"7\"]")))
        .hasMessage("field 'parents[0]' should be a whole number, was \"7\"");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"exitCode\":1", "\"exitCode\":true")))
        .hasMessage("field 'execution.exitCode' should be a whole number, was true");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"input\":1000", "\"input\":[]")))
        .hasMessage("field 'usage.input' should be a whole number, was an array");
    assertThatThrownBy(
            () -> NodeJson.read(line.replace("\"stage\":\"DEBUG\"", "\"stage\":\"FIX\"")))
        .hasMessage("field 'stage' should be one of DRAFT, IMPROVE, DEBUG, CROSSOVER, was \"FIX\"");
    assertThatThrownBy(
            () ->
                NodeJson.read(
                    line.replace(
                        "\"startedAt\":\"2026-11-26T10:00:00.123Z\"", "\"startedAt\":\"noon\"")))
        .hasMessage(
            "field 'startedAt' should be an instant such as 2026-01-31T12:00:00Z, was \"noon\"");
    assertThatThrownBy(() -> NodeJson.read(line.replace("\"buggy\":true", "\"buggy\":\"yes\"")))
        .hasMessage("field 'buggy' should be true or false, was \"yes\"");
    assertThatThrownBy(
            () -> NodeJson.read(line.replace("\"plan\":\"", "\"plan\":{\"a\":1},\"x\":\"")))
        .hasMessage("field 'plan' should be a string, was an object");
  }
}
