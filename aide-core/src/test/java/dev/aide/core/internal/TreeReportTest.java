package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TreeReportTest {
  private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
  private static final Pattern CALL =
      Pattern.compile("^aide\\.(node|detail|meta)\\((.*)\\);$", Pattern.DOTALL);

  private final Journal journal = ReportFixtures.journal();

  @Test
  void nodeLineHoldsWhatTheTreeAndTheChartNeed() throws IOException {
    Map<String, Object> draft = call("node", TreeReport.nodeLine(journal.nodes().get(0)));
    Map<String, Object> failed = call("node", TreeReport.nodeLine(journal.nodes().get(1)));
    Map<String, Object> crossover = call("node", TreeReport.nodeLine(journal.nodes().get(6)));

    assertThat(draft)
        .containsEntry("id", 0.0)
        .containsEntry("parents", List.of())
        .containsEntry("step", 0.0)
        .containsEntry("stage", "DRAFT")
        .containsEntry("buggy", false)
        .containsEntry("metric", 0.70)
        .containsEntry("direction", "MAXIMIZE")
        .containsEntry("plan", "Logistic regression on all four features")
        .doesNotContainKeys("code", "execution", "analysis");
    assertThat(failed).containsEntry("buggy", true).doesNotContainKey("metric");
    assertThat(crossover)
        .containsEntry("stage", "CROSSOVER")
        .containsEntry("parents", List.of(3.0, 5.0));
  }

  @Test
  void detailLineHoldsThePlanCodeOutputAndReview() throws IOException {
    Map<String, Object> failed = call("detail", TreeReport.detailLine(journal.nodes().get(1)));
    Map<String, Object> noCode = call("detail", TreeReport.detailLine(journal.nodes().get(8)));
    Map<String, Object> warned = call("detail", TreeReport.detailLine(journal.nodes().get(7)));

    assertThat(failed)
        .containsEntry("id", 1.0)
        .containsEntry("plan", "A random forest")
        .containsEntry("code", "import sklearn  # node 1\n")
        .containsEntry("analysis", "The run failed.")
        .containsEntry("durationMillis", 30_000.0);
    assertThat(map(failed.get("execution")))
        .containsEntry("exitCode", 1.0)
        .containsEntry("errorType", "ValueError")
        .containsEntry("errorMessage", "bad input")
        .containsEntry("durationMillis", 10_000.0);
    assertThat(noCode)
        .containsEntry("failure", "the coder returned no code | twice")
        .doesNotContainKey("execution");
    assertThat(warned.get("warnings"))
        .isEqualTo(List.of("the reviewer reported 0.9 but the output says 0.8"));
  }

  @Test
  void detailLineHoldsTheProgramsAndTheReviewersMetricsBesideTheHarnessScore() throws IOException {
    Node scored =
        journal.nodes().get(0).newBuilder().printedMetric(0.99).reviewerMetric(0.98).build();

    Map<String, Object> detail = call("detail", TreeReport.detailLine(scored));

    assertThat(detail).containsEntry("printedMetric", 0.99).containsEntry("reviewerMetric", 0.98);
    assertThat(call("detail", TreeReport.detailLine(journal.nodes().get(1))))
        .doesNotContainKeys("printedMetric", "reviewerMetric");
  }

  @Test
  void metaHoldsTheTaskAndWhenItWasWritten() throws IOException {
    Map<String, Object> meta = call("meta", TreeReport.meta(ReportFixtures.TASK, NOW, "running"));

    assertThat(meta)
        .containsEntry("goal", "Classify the iris flowers by species")
        .containsEntry("evaluation", "Accuracy on a held-out fifth of the data")
        .containsEntry("language", "Python")
        .containsEntry("generatedAt", "2026-01-05T10:00:00Z")
        .containsEntry("status", "running")
        .doesNotContainKey("direction");
  }

  @Test
  void hostileTextCannotEndTheScriptButReadsBackUnchanged() throws IOException {
    Node hostile = journal.nodes().get(7);
    String node = TreeReport.nodeLine(hostile);
    String detail = TreeReport.detailLine(hostile);

    for (String line : List.of(node, detail)) {
      assertThat(line).doesNotContain("<", ">", "&", "\u2028").endsWith(");\n");
      assertThat(line.strip()).doesNotContain("\n");
    }
    assertThat(call("node", node).get("plan")).isEqualTo(ReportFixtures.HOSTILE_PLAN);
    Map<String, Object> d = call("detail", detail);
    assertThat(d.get("code")).isEqualTo(ReportFixtures.HOSTILE_CODE);
    assertThat(d.get("plan")).isEqualTo(ReportFixtures.HOSTILE_PLAN);
    assertThat(map(d.get("execution")).get("output")).isEqualTo(ReportFixtures.HOSTILE_OUTPUT);
  }

  @Test
  void everyTextOfALineIsBoundedWithAMarker() throws IOException {
    String big = "HEAD" + "x".repeat(200_000) + "TAIL";
    Node node =
        journal
            .nodes()
            .get(0)
            .newBuilder()
            .plan(big)
            .code(big)
            .analysis(big)
            .failure(big)
            .execution(ExecutionResult.of(big, 0, Duration.ZERO))
            .build();

    String detail = TreeReport.detailLine(node);
    String line = TreeReport.nodeLine(node);

    Map<String, Object> d = call("detail", detail);
    List<String> texts = new ArrayList<>();
    for (String key : List.of("plan", "code", "analysis", "failure"))
      texts.add((String) d.get(key));
    texts.add((String) map(d.get("execution")).get("output"));
    for (String text : texts) {
      assertThat(text).startsWith("HEAD").endsWith("TAIL").contains("characters cut");
      assertThat(text.length()).isLessThan(TreeReport.MAX_TEXT_CHARS + 100);
    }
    assertThat(detail.length()).isLessThan(6 * TreeReport.MAX_TEXT_CHARS);
    assertThat((String) call("node", line).get("plan"))
        .hasSizeLessThanOrEqualTo(TreeReport.SHORT_PLAN_CHARS)
        .endsWith("...");
  }

  @Test
  void detailsOfAHundredConsecutiveIdsShareAScript() {
    assertThat(TreeReport.detailsFile(0)).isEqualTo("tree-details/0.js");
    assertThat(TreeReport.detailsFile(99)).isEqualTo("tree-details/0.js");
    assertThat(TreeReport.detailsFile(100)).isEqualTo("tree-details/1.js");
    assertThat(TreeReport.detailsFile(123_456)).isEqualTo("tree-details/1234.js");
  }

  @Test
  void pageIsTheStaticTemplateThatLoadsTheDataScripts() throws IOException {
    String page = TreeReport.page();
    String resource;
    try (InputStream in = TreeReport.class.getResourceAsStream("tree.html")) {
      resource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(page).isEqualTo(resource).startsWith("<!DOCTYPE html>");
    assertThat(page)
        .contains("<script src=\"tree-meta.js\"></script>")
        .contains("<script src=\"tree-data.js\"></script>")
        .contains("'tree-details/' + Math.floor(id / CHUNK) + '.js'")
        .contains("const CHUNK = " + TreeReport.CHUNK_NODES + ";")
        .contains("No node has finished yet.");
  }

  @Test
  void missingTemplateResourceIsAClearError() {
    assertThatThrownBy(() -> TreeReport.resource("no-such-page.html"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-page.html")
        .hasMessageContaining("missing")
        .hasMessageContaining("class path");
  }

  /** The JSON argument of one {@code aide.<name>(...)} line. */
  static Map<String, Object> call(String name, String line) throws IOException {
    assertThat(line).endsWith("\n");
    Matcher m = CALL.matcher(line.substring(0, line.length() - 1));
    assertThat(m.matches()).as("a call of aide.%s: %s", name, line).isTrue();
    assertThat(m.group(1)).isEqualTo(name);
    return map(NodeJson.JSON.fromJson(m.group(2)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
