package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TreeReportTest {
  private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
  private static final Pattern DATA =
      Pattern.compile(
          "<script type=\"application/json\" id=\"aide-data\">(.*?)</script>", Pattern.DOTALL);

  private final Journal journal = ReportFixtures.journal();
  private final String html =
      TreeReport.html(ReportFixtures.TASK, journal.nodes(), journal.best(), NOW);

  @Test
  void embedsEveryNodeWithItsPlanCodeOutputAndReview() throws IOException {
    Map<String, Object> data = data(html);
    Map<Integer, Map<String, Object>> nodes = nodesById(data);

    assertThat(nodes).containsOnlyKeys(0, 1, 2, 3, 4, 5, 6, 7, 8);
    Map<String, Object> draft = nodes.get(0);
    assertThat(draft.get("stage")).isEqualTo("DRAFT");
    assertThat(draft.get("buggy")).isEqualTo(false);
    assertThat(draft.get("metric")).isEqualTo(0.70);
    assertThat(draft.get("plan")).isEqualTo("Logistic regression on all four features");
    assertThat(draft.get("analysis")).isEqualTo("Ran cleanly; accuracy 0.7.");
    Map<String, Object> failed = nodes.get(1);
    assertThat(failed).doesNotContainKey("metric");
    assertThat(map(failed.get("execution")))
        .containsEntry("exitCode", 1.0)
        .containsEntry("errorType", "ValueError")
        .containsEntry("errorMessage", "bad input")
        .containsEntry("durationMillis", 10_000.0);
    assertThat(nodes.get(8).get("failure")).isEqualTo("the coder returned no code | twice");
    assertThat(nodes.get(8)).doesNotContainKey("execution");
    assertThat(nodes.get(7).get("warnings"))
        .isEqualTo(List.of("the reviewer reported 0.9 but the output says 0.8"));
    assertThat(data.get("task"))
        .isEqualTo(
            Map.of(
                "goal", "Classify the iris flowers by species",
                "evaluation", "Accuracy on a held-out fifth of the data",
                "language", "Python"));
    assertThat(data.get("direction")).isEqualTo("MAXIMIZE");
    assertThat(data.get("generatedAt")).isEqualTo("2026-01-05T10:00:00Z");
  }

  /**
   * The golden page was written by the code of before the template moved out of TreeReport.java
   * into tree.html; when the page is changed on purpose, write it again from this fixture.
   */
  @Test
  void pageForTheFixtureJournalIsByteForByteTheGoldenPage() throws IOException {
    byte[] golden;
    try (InputStream in = TreeReportTest.class.getResourceAsStream("tree-golden.html")) {
      assertThat(in).as("test resource tree-golden.html").isNotNull();
      golden = in.readAllBytes();
    }

    assertThat(html.getBytes(StandardCharsets.UTF_8)).isEqualTo(golden);
  }

  @Test
  void missingTemplateResourceIsAClearError() {
    assertThatThrownBy(() -> TreeReport.resource("no-such-page.html"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-page.html")
        .hasMessageContaining("missing")
        .hasMessageContaining("class path");
  }

  @Test
  void hostileTextCannotEndTheDataScriptButReadsBackUnchanged() throws IOException {
    assertThat(html).doesNotContain("alert(1)</script>", "<!--", "<img", "</SCRIPT");
    assertThat(html.toLowerCase(java.util.Locale.ROOT).split("<script", -1)).hasSize(3);

    Map<String, Object> node = nodesById(data(html)).get(7);
    assertThat(node.get("code")).isEqualTo(ReportFixtures.HOSTILE_CODE);
    assertThat(node.get("plan")).isEqualTo(ReportFixtures.HOSTILE_PLAN);
    assertThat(map(node.get("execution")).get("output")).isEqualTo(ReportFixtures.HOSTILE_OUTPUT);
  }

  @Test
  void bestPathRunsFromTheDraftToTheBestThroughFirstParents() throws IOException {
    Map<String, Object> data = data(html);

    assertThat(data.get("best")).isEqualTo(6.0);
    assertThat(data.get("bestPath")).isEqualTo(List.of(0.0, 3.0, 6.0));
  }

  @Test
  void crossoverNodeKeepsBothParents() throws IOException {
    Map<String, Object> crossover = nodesById(data(html)).get(6);

    assertThat(crossover.get("stage")).isEqualTo("CROSSOVER");
    assertThat(crossover.get("parents")).isEqualTo(List.of(3.0, 5.0));
  }

  @Test
  void leavesTakeSlotsInDepthFirstOrderAndParentsSitBetweenTheirChildren() throws IOException {
    Map<String, Object> data = data(html);
    Map<Integer, Map<String, Object>> nodes = nodesById(data);
    Map<Integer, Double> x = new HashMap<>();
    Map<Integer, Double> depth = new HashMap<>();
    nodes.forEach(
        (id, n) -> {
          x.put(id, (Double) n.get("x"));
          depth.put(id, (Double) n.get("depth"));
        });

    // Preorder under first parents: 0, 3, 4, 8, 6, 7, 1, 2, 5; the leaves are 8, 7 and 5.
    assertThat(x).containsEntry(8, 0.0).containsEntry(7, 1.0).containsEntry(5, 2.0);
    assertThat(x).containsEntry(4, 0.0).containsEntry(6, 1.0).containsEntry(3, 0.5);
    assertThat(x).containsEntry(0, 0.5).containsEntry(2, 2.0).containsEntry(1, 2.0);
    assertThat(depth)
        .containsEntry(0, 1.0)
        .containsEntry(1, 1.0)
        .containsEntry(3, 2.0)
        .containsEntry(6, 3.0)
        .containsEntry(8, 4.0);
    assertThat(data.get("layout")).isEqualTo(Map.of("leaves", 3.0, "depth", 4.0, "rootX", 1.25));
  }

  @Test
  void chartDataListsEachStepWhereTheBestImproved() throws IOException {
    List<Object> progress = list(data(html).get("progress"));

    assertThat(progress).extracting(p -> map(p).get("id")).containsExactly(0.0, 2.0, 3.0, 6.0);
    assertThat(progress)
        .extracting(p -> map(p).get("metric"))
        .containsExactly(0.70, 0.72, 0.78, 0.81);
  }

  @Test
  void chartDataFollowsALowerIsBetterMetric() throws IOException {
    List<Node> nodes = ReportFixtures.minimizingDrafts(5.0, 6.0, 4.0, 4.0, 3.5);
    Map<String, Object> data = data(TreeReport.html(ReportFixtures.TASK, nodes, nodes.get(4), NOW));

    assertThat(list(data.get("progress")))
        .extracting(p -> map(p).get("id"))
        .containsExactly(0.0, 2.0, 4.0);
    assertThat(data.get("direction")).isEqualTo("MINIMIZE");
    assertThat(data.get("bestPath")).isEqualTo(List.of(4.0));
  }

  @Test
  void emptyRunGivesAPageWithNoNodesAndNoBest() throws IOException {
    String page = TreeReport.html(ReportFixtures.TASK, List.of(), null, NOW);
    Map<String, Object> data = data(page);

    assertThat(list(data.get("nodes"))).isEmpty();
    assertThat(data).doesNotContainKeys("best", "direction");
    assertThat(data.get("bestPath")).isEqualTo(List.of());
    assertThat(page).contains("No node has finished yet.");
  }

  @Test
  void nodeWhoseParentIsMissingHangsUnderTheRootBesideTheDrafts() throws IOException {
    List<Node> nodes = new ArrayList<>(journal.nodes());
    nodes.removeIf(n -> n.id() == 3); // e.g. an unreadable journal line
    Map<Integer, Map<String, Object>> byId =
        nodesById(data(TreeReport.html(ReportFixtures.TASK, nodes, null, NOW)));

    assertThat(byId.get(4).get("depth")).isEqualTo(1.0);
    assertThat(byId.get(6).get("depth")).isEqualTo(1.0);
    assertThat(byId.get(6).get("parents")).isEqualTo(List.of(3.0, 5.0));
  }

  @Test
  void bestThatIsNotAmongTheNodesIsNotShown() throws IOException {
    Node stranger = journal.best().newBuilder().id(99).build();
    Map<String, Object> data =
        data(TreeReport.html(ReportFixtures.TASK, journal.nodes(), stranger, NOW));

    assertThat(data).doesNotContainKey("best");
    assertThat(data.get("bestPath")).isEqualTo(List.of());
  }

  @Test
  void longOutputKeepsItsHeadAndTail() throws IOException {
    String output = "HEAD" + "x".repeat(100_000) + "TAIL";
    Node node =
        journal
            .nodes()
            .get(0)
            .newBuilder()
            .execution(ExecutionResult.of(output, 0, Duration.ZERO))
            .build();
    Map<String, Object> exec =
        map(
            nodesById(data(TreeReport.html(ReportFixtures.TASK, List.of(node), node, NOW)))
                .get(0)
                .get("execution"));

    String shown = (String) exec.get("output");
    assertThat(shown).startsWith("HEAD").endsWith("TAIL").contains("characters cut");
    assertThat(shown.length()).isLessThan(TreeReport.MAX_OUTPUT_CHARS + 100);
  }

  @Test
  void layoutHandlesADeepChainWithoutRecursion() {
    Map<Integer, Node> byId = new java.util.LinkedHashMap<>();
    byId.put(0, ReportFixtures.good(0, Stage.DRAFT, List.of(), 1, "draft"));
    for (int i = 1; i < 20_000; i++) {
      byId.put(i, ReportFixtures.good(i, Stage.IMPROVE, List.of(i - 1), 1, "step"));
    }

    TreeReport.Layout layout = TreeReport.layout(byId);

    assertThat(layout.maxDepth).isEqualTo(20_000);
    assertThat(layout.leaves).isEqualTo(1);
    assertThat(layout.x.get(0)).isCloseTo(0.0, within(1e-9));
  }

  static Map<String, Object> data(String page) throws IOException {
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).as("the page embeds its data").isTrue();
    return map(NodeJson.JSON.fromJson(m.group(1)));
  }

  static Map<Integer, Map<String, Object>> nodesById(Map<String, Object> data) {
    Map<Integer, Map<String, Object>> result = new HashMap<>();
    for (Object n : list(data.get("nodes"))) {
      Map<String, Object> node = map(n);
      result.put(((Double) node.get("id")).intValue(), node);
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) value;
  }
}
