package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens {@code tree.html} in headless Chromium and reads back the page as the script left it.
 *
 * <p>Needs Debian's {@code chromium} package at {@code /usr/bin/chromium}; skipped without it.
 */
class TreeReportBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern NODE_ID =
      Pattern.compile("<g class=\"node [^\"]*\" data-id=\"(\\d+)\"");

  @TempDir Path dir;

  @BeforeEach // not @BeforeAll: Surefire then lists each test as skipped, with this message
  void needsChromium() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "needs headless Chromium at /usr/bin/chromium: apt-get install chromium (Debian)");
  }

  @Test
  void drawsTheTreeAndShowsTheNodeNamedInTheAddress() throws Exception {
    Journal journal = ReportFixtures.journal();
    Path page = write(journal.nodes());

    String dom = dumpDom(page, "#node=3");

    assertThat(dom).contains("data-ready=\"1\"").doesNotContain("data-error");
    assertThat(nodeIds(dom)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(dom)
        .containsPattern("<g class=\"node good stage-CROSSOVER on-best-path best\" data-id=\"6\"")
        .containsPattern("<g class=\"node buggy stage-DRAFT\" data-id=\"1\"")
        .containsPattern(
            "<g class=\"node good stage-IMPROVE on-best-path selected\" data-id=\"3\"");
    assertThat(dom)
        .containsPattern("class=\"edge best-path\" data-from=\"root\" data-to=\"0\"")
        .containsPattern("class=\"edge best-path\" data-from=\"0\" data-to=\"3\"")
        .containsPattern("class=\"edge best-path\" data-from=\"3\" data-to=\"6\"")
        .containsPattern("class=\"edge second\" data-from=\"5\" data-to=\"6\"");
    assertThat(dom)
        .contains("<aside id=\"details\" data-node=\"3\">")
        .contains("<h2 id=\"detail-title\">Node 3</h2>")
        .contains(
            "<div id=\"detail-plan\" class=\"prose\">Add polynomial features of degree 2</div>")
        .contains("<pre id=\"detail-code\">import sklearn  # node 3\n</pre>")
        .contains("<pre id=\"detail-output\">accuracy: 0.78</pre>")
        .contains("Ran cleanly; accuracy 0.78.")
        .contains("data-details=\"3\"");
    assertThat(dom).contains("<path id=\"best-line\"").contains("class=\"new-best\" data-id=\"6\"");
  }

  @Test
  void opensTheBestNodeWithReadableTimesWhenTheAddressNamesNone() throws Exception {
    List<Node> nodes = new ArrayList<>(ReportFixtures.journal().nodes());
    Node best = nodes.get(6);
    Instant started = Instant.parse("2026-12-02T03:19:08.123456789Z");
    nodes.set(
        6,
        best.newBuilder()
            .startedAt(started)
            .finishedAt(started.plusMillis(30_300).plusNanos(5))
            .build());
    Path page = write(nodes);

    String dom = dumpDom(page, "");

    assertThat(dom).contains("data-ready=\"1\"").doesNotContain("data-error");
    assertThat(dom)
        .contains("<aside id=\"details\" data-node=\"6\">")
        .contains("<h2 id=\"detail-title\">Node 6</h2>")
        .contains("data-details=\"6\"")
        .containsPattern(
            "<g class=\"node good stage-CROSSOVER on-best-path best selected\" data-id=\"6\"")
        .contains("<dt>Took</dt><dd>30.3 s (2026-12-02 03:19:08 to 03:19:38 UTC)</dd>")
        .doesNotContain("03:19:08.123456789");
  }

  @Test
  void showsHostileCodeAndOutputAsText() throws Exception {
    Journal journal = ReportFixtures.journal();
    Path page = write(journal.nodes());

    String dom = dumpDom(page, "#node=7");

    assertThat(dom).contains("data-ready=\"1\"").doesNotContain("data-error", "data-pwned");
    assertThat(dom).doesNotContain("<img", "<b>bold");
    assertThat(dom)
        .contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=\"document.body.dataset.pwned=1\"&gt;")
        .contains("Tune it | &lt;b&gt;bold&lt;/b&gt; &amp; &lt;/script&gt; more");
    assertThat(dom).contains("<title>AIDE solution tree</title>");
  }

  @Test
  void opensAHundredThousandNodesCollapsedAndExpandsThePathToTheNodeInTheAddress()
      throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    List<Node> nodes = new ArrayList<>();
    for (int id = 0; id < 100_000; id++) {
      if (id < 5) {
        nodes.add(ReportFixtures.good(id, Stage.DRAFT, List.of(), random.nextDouble(), "draft"));
      } else if (random.nextInt(4) == 0) {
        nodes.add(
            ReportFixtures.buggy(id, Stage.IMPROVE, List.of(random.nextInt(id)), "plan", null));
      } else {
        int parent = id < 100 ? random.nextInt(id) : id - 1 - random.nextInt(50);
        nodes.add(
            ReportFixtures.good(
                id, Stage.IMPROVE, List.of(parent), random.nextDouble(), "plan " + id));
      }
    }
    Path page = write(nodes);

    String dom = dumpDom(page, "#node=99999");

    assertThat(dom).contains("data-ready=\"1\"").doesNotContain("data-error");
    List<Integer> drawn = nodeIds(dom);
    assertThat(drawn).contains(99_999).hasSizeLessThanOrEqualTo(3000);
    assertThat(dom)
        .containsPattern("<g class=\"node [^\"]* collapsed\" data-id=\"\\d+\"")
        .contains("<aside id=\"details\" data-node=\"99999\">")
        .contains("<h2 id=\"detail-title\">Node 99999</h2>")
        .contains("<pre id=\"detail-code\">import sklearn  # node 99999\n</pre>")
        .contains("data-details=\"99999\"");
  }

  private Path write(List<Node> nodes) throws IOException {
    Journal journal = new Journal();
    nodes.forEach(journal::add);
    ReportWriter writer =
        new ReportWriter(dir, ReportFixtures.TASK, Duration.ofSeconds(5), () -> Duration.ZERO);
    writer.start(journal.nodes());
    writer.finish(StopReason.STEPS_DONE, null, Duration.ofMinutes(1));
    return dir.resolve("tree.html");
  }

  private String dumpDom(Path page, String fragment) throws Exception {
    Path profile = Files.createDirectories(dir.resolve("profile"));
    Path out = dir.resolve("dom.html");
    Path err = dir.resolve("chromium.log");
    Process process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=1400,900",
                "--virtual-time-budget=30000",
                "--dump-dom",
                page.toUri() + fragment)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s; its log is in " + err);
    }
    assertThat(process.exitValue()).as("chromium's exit code; log: %s", err).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static List<Integer> nodeIds(String dom) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = NODE_ID.matcher(dom);
    while (m.find()) ids.add(Integer.parseInt(m.group(1)));
    return ids;
  }
}
