package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricReaderTest {
  @TempDir Path tmp;

  @Test
  void lineReaderTakesTheLastMatchingLine() {
    MetricReader reader = MetricReader.line("metric");

    assertThat(reader.read("fold 1\nmetric: 0.5\nfold 2\nMetric = -1.25e-3\nbye"))
        .isEqualTo(OptionalDouble.of(-1.25e-3));
    assertThat(reader.read("  metric:   42  ")).isEqualTo(OptionalDouble.of(42));
  }

  @Test
  void lineReaderIgnoresOtherTextAndNonNumbers() {
    MetricReader reader = MetricReader.line("metric");

    assertThat(reader.read("the metric: 0.5 was good")).isEmpty();
    assertThat(reader.read("metric: n/a")).isEmpty();
    assertThat(reader.read("val_metric: 0.5")).isEmpty();
    assertThat(reader.read("metric: 1e999")).isEmpty();
  }

  @Test
  void jsonFieldReaderTakesTheLastJsonLineWithTheField() {
    MetricReader reader = MetricReader.jsonField("rmse");

    assertThat(reader.read("{\"rmse\": 0.3}\nlog line\n{\"rmse\": 0.14, \"fold\": 3}\n{\"x\": 1}"))
        .isEqualTo(OptionalDouble.of(0.14));
    assertThat(reader.read("{\"rmse\": \"low\"}")).isEmpty();
    assertThat(reader.read("{not json rmse}")).isEmpty();
  }

  @Test
  void blankNamesAreRejected() {
    assertThatThrownBy(() -> MetricReader.line(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetricReader.jsonField(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtInReadersRoundTripThroughTheirSpec() {
    for (MetricReader reader :
        List.of(
            MetricReader.line("metric"),
            MetricReader.line("f1 (macro)"),
            MetricReader.jsonField("rmse"),
            MetricReader.jsonField("a)b("))) {
      String spec = reader.spec();
      assertThat(spec).isNotNull();
      MetricReader back = MetricReader.parse(spec);
      assertThat(back).isEqualTo(reader);
      assertThat(back.spec()).isEqualTo(spec);
      assertThat(back.example()).isEqualTo(reader.example());
    }
    assertThat(MetricReader.line("f1 (macro)").spec()).isEqualTo("line(f1 (macro))");
    assertThat(MetricReader.parse("jsonField(auc)").read("{\"auc\": 0.9}"))
        .isEqualTo(OptionalDouble.of(0.9));
    assertThat(MetricReader.line("x")).isNotEqualTo(MetricReader.jsonField("x"));
  }

  @Test
  void aReaderOfYourOwnHasNoSpec() {
    MetricReader mine = output -> OptionalDouble.of(1);

    assertThat(mine.spec()).isNull();
  }

  @Test
  void parseRejectsWhatNoBuiltInReaderWrites() {
    for (String spec : List.of("", "line", "line(metric", "regex(x)", "line()", "LINE(x)")) {
      assertThatThrownBy(() -> MetricReader.parse(spec))
          .as(spec)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> MetricReader.parse("regex(x)"))
        .hasMessageContaining("unknown metric reader \"regex(x)\"")
        .hasMessageContaining("line(NAME) or jsonField(FIELD)");
  }

  @Test
  void readValueWinsOverTheReviewerWhoseClaimBecomesAWarning() {
    FakeWorld world = new FakeWorld(List.of("0.50"), false);
    dev.aide.core.llm.LlmClient wrongReviewer =
        request ->
            dev.aide.core.llm.ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL,
                "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 0.99,"
                    + " \"lower_is_better\": false}");
    Task task = Task.builder().goal("Predict y").metricReader(MetricReader.line("metric")).build();

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(wrongReviewer, "m")
            .executor(world.executor())
            .policy(GreedyPolicy.builder().numDrafts(1).build())
            .steps(1)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(task);

    Node node = result.journal().nodes().get(0);
    assertThat(node.metric().value()).isEqualTo(0.50);
    assertThat(node.warnings())
        .containsExactly("the reviewer reported the metric 0.99 but the output says 0.5");
  }

  @Test
  void runWhoseOutputHoldsNoMetricIsBuggy() {
    FakeWorld world = new FakeWorld(List.of("0.50"), false);
    Task task =
        Task.builder().goal("Predict y").metricReader(MetricReader.jsonField("auc")).build();

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(world.reviewer(), "m")
            .executor(world.executor())
            .steps(1)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(task);

    Node node = result.journal().nodes().get(0);
    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).contains("no metric for jsonField(auc)");
  }
}
