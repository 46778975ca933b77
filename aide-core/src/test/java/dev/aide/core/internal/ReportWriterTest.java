package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Node;
import dev.aide.core.StopReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final Pattern NODE_ID = Pattern.compile("(?m)^aide\\.node\\(\\{\"id\":(\\d+),");
  private static final Pattern DETAIL_ID =
      Pattern.compile("(?m)^aide\\.detail\\(\\{\"id\":(\\d+),");

  @TempDir Path dir;

  private final List<Node> nodes = ReportFixtures.journal().nodes();

  private ReportWriter writer() {
    return new ReportWriter(dir, ReportFixtures.TASK, Duration.ofHours(1), () -> Duration.ZERO);
  }

  @Test
  void writesThePageItsDataAndTheReportOfEveryNodeRecordedBeforeFinish() throws IOException {
    ReportWriter writer = writer();
    writer.start(List.of());
    for (Node node : nodes) writer.recorded(node);

    writer.finish(StopReason.STEPS_DONE, null, Duration.ofMinutes(3));

    assertThat(Files.readString(dir.resolve("tree.html"))).isEqualTo(TreeReport.page());
    assertThat(ids(NODE_ID, dir.resolve("tree-data.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(ids(DETAIL_ID, dir.resolve("tree-details/0.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(Files.readString(dir.resolve("tree-data.js"))).startsWith(TreeReport.DATA_HEADER);
    assertThat(Files.readString(dir.resolve("tree-meta.js"))).contains("finished: STEPS_DONE");
    assertThat(Files.readString(dir.resolve("report.md")))
        .isEqualTo(
            RunReport.markdown(
                ReportFixtures.TASK, nodes, StopReason.STEPS_DONE, Duration.ofMinutes(3)));
  }

  @Test
  void aResumedRunContinuesTheDataSoThatEachNodeIsThereOnce() throws IOException {
    ReportWriter first = writer();
    first.start(nodes.subList(0, 3));
    first.recorded(nodes.get(3));
    first.finish(StopReason.CANCELLED, null, Duration.ZERO);
    String before = Files.readString(dir.resolve("tree-data.js"));

    // The journal gained nodes 4 and 5 whose reports a crash kept from being written.
    ReportWriter second = writer();
    second.start(nodes.subList(0, 6));
    for (Node node : nodes.subList(6, 9)) second.recorded(node);
    second.finish(StopReason.STEPS_DONE, null, Duration.ZERO);

    assertThat(Files.readString(dir.resolve("tree-data.js"))).startsWith(before);
    assertThat(ids(NODE_ID, dir.resolve("tree-data.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(ids(DETAIL_ID, dir.resolve("tree-details/0.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(Files.readString(dir.resolve("report.md"))).contains("- **Nodes:** 9 finished");
  }

  @Test
  void aResumedRunsWallTimeSumsItsSessions() throws IOException {
    // The first session's six nodes ran for 30 s each, a minute apart: 3 min of busy time.
    ReportWriter second = writer();
    second.start(nodes.subList(0, 6));
    for (Node node : nodes.subList(6, 9)) second.recorded(node);
    second.finish(StopReason.STEPS_DONE, null, Duration.ofMinutes(2));

    assertThat(Files.readString(dir.resolve("report.md")))
        .contains(
            "- **Wall time:** 5 min 0 s (this session 2 min 0 s, earlier sessions 3 min 0 s)\n");
  }

  @Test
  void aLineCutOffByACrashIsRemovedAndWrittenAgainWhole() throws IOException {
    ReportWriter first = writer();
    first.start(nodes.subList(0, 7));
    first.finish(StopReason.CANCELLED, null, Duration.ZERO);
    String whole = Files.readString(dir.resolve("tree-data.js"));
    String line7 = TreeReport.nodeLine(nodes.get(7));
    Files.writeString(
        dir.resolve("tree-data.js"),
        line7.substring(0, 30),
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    Files.writeString(
        dir.resolve("tree-details/0.js"), "aide.detail({\"id\":7,", StandardOpenOption.APPEND);

    ReportWriter second = writer();
    second.start(nodes.subList(0, 8));
    second.finish(StopReason.CANCELLED, null, Duration.ZERO);

    assertThat(Files.readString(dir.resolve("tree-data.js"))).isEqualTo(whole + line7);
    String details = Files.readString(dir.resolve("tree-details/0.js"));
    assertThat(details).endsWith(TreeReport.detailLine(nodes.get(7)));
    for (String line : details.lines().toList()) {
      assertThat(TreeReportTest.call("detail", line + "\n")).containsKey("code"); // whole JSON
    }
  }

  @Test
  void dataWithANodeTheJournalLacksIsRebuiltFromTheJournal() throws IOException {
    Files.writeString(
        dir.resolve("tree-data.js"),
        TreeReport.DATA_HEADER + TreeReport.nodeLine(nodes.get(0).newBuilder().id(42).build()));
    Files.createDirectories(dir.resolve("tree-details"));
    Files.writeString(dir.resolve("tree-details/0.js"), "aide.detail({\"id\":42});\n");

    ReportWriter writer = writer();
    writer.start(nodes);
    writer.finish(StopReason.STEPS_DONE, null, Duration.ZERO);

    assertThat(ids(NODE_ID, dir.resolve("tree-data.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(ids(DETAIL_ID, dir.resolve("tree-details/0.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void aFailedWriteIsLoggedAndTheNodesAreWrittenWithTheNextOnes() throws Exception {
    Files.createDirectories(dir.resolve("tree-data.js")); // a directory where the file should be
    ReportWriter writer =
        new ReportWriter(dir, ReportFixtures.TASK, Duration.ofMillis(1), () -> Duration.ZERO);
    writer.start(List.of());
    for (Node node : nodes.subList(0, 4)) writer.recorded(node);
    // report.md is written after the nodes' lines were tried: then the write has failed.
    awaitFile(dir.resolve("report.md"), "- **Nodes:** 4 finished");
    assertThat(dir.resolve("tree-data.js")).isDirectory();

    Files.delete(dir.resolve("tree-data.js"));
    for (Node node : nodes.subList(4, 9)) writer.recorded(node);
    writer.finish(StopReason.STEPS_DONE, null, Duration.ZERO);

    assertThat(Files.readString(dir.resolve("tree-data.js"))).startsWith(TreeReport.DATA_HEADER);
    assertThat(ids(NODE_ID, dir.resolve("tree-data.js")))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(ids(DETAIL_ID, dir.resolve("tree-details/0.js"))) // 0-3 twice: harmless
        .containsSubsequence(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(Files.readString(dir.resolve("report.md"))).contains("- **Nodes:** 9 finished");
  }

  @Test
  void recordingANodeDoesNotWaitForTheWriter() throws Exception {
    ReportWriter writer = writer();
    CountDownLatch recorded = new CountDownLatch(1);
    synchronized (writer) { // what the writer thread holds while it writes
      Thread worker =
          new Thread(
              () -> {
                for (Node node : nodes) writer.recorded(node);
                recorded.countDown();
              });
      worker.start();
      assertThat(recorded.await(60, TimeUnit.SECONDS)).as("recorded while writing").isTrue();
    }
    writer.start(List.of());
    writer.finish(StopReason.STEPS_DONE, null, Duration.ZERO);
    assertThat(ids(NODE_ID, dir.resolve("tree-data.js"))).hasSize(9);
  }

  @Test
  void finishWritesOnTheCallersThreadWhenTheWriterNeverStarted() throws IOException {
    ReportWriter writer = writer();
    writer.recorded(nodes.get(0));

    writer.finish(null, "the disk is full", Duration.ZERO);

    assertThat(Files.readString(dir.resolve("report.md")))
        .contains("- **Nodes:** 1 finished")
        .contains("> the disk is full");
  }

  /** Waits (up to a minute) until the file exists and contains {@code text}. */
  private static void awaitFile(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      assertThat(System.nanoTime() - deadline).as("%s shows %s", file, text).isNegative();
      Thread.sleep(10);
    }
  }

  private static List<Integer> ids(Pattern pattern, Path file) throws IOException {
    List<Integer> ids = new ArrayList<>();
    Matcher m = pattern.matcher(Files.readString(file));
    while (m.find()) ids.add(Integer.parseInt(m.group(1)));
    return ids;
  }
}
