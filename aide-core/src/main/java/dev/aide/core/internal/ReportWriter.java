package dev.aide.core.internal;

import dev.aide.core.Node;
import dev.aide.core.Reproduction;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's reports ({@code tree.html} with its data scripts, and {@code report.md}) on one
 * background thread, so that recording a node never waits for them.
 *
 * <p>{@link #recorded} only queues the node. The writer thread appends each node's bounded lines to
 * {@code tree-data.js} and its details script (see {@link TreeReport}) as soon as it takes the
 * node, adds it to the {@link RunReport} aggregates, and rewrites {@code report.md} and {@code
 * tree-meta.js} (both bounded in size) at most once per interval: nodes that finish meanwhile are
 * coalesced into one write. Nothing it does grows with the journal, except {@link #start}'s first
 * pass over the nodes of a resumed run, which reads the existing {@code tree-data.js} and appends
 * only the nodes it lacks (or rebuilds it when it does not match the journal), so that the page
 * shows old and new nodes once each.
 *
 * <p>A failure to write is logged, never fatal: the next write tries again, first cutting off
 * whatever part of a line a failed append left. {@link #finish} writes everything that was queued
 * and the final report, and returns when they are on disk.
 *
 * <p>Safe to share: {@link #recorded} may be called from any thread, in the order nodes finished.
 */
final class ReportWriter {
  private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);

  /** How long {@link #finish} waits for the writer thread before writing on its own thread. */
  static final Duration FINISH_TIMEOUT = Duration.ofMinutes(5);

  /** How many nodes whose lines failed to be written are kept to be tried again. */
  static final int MAX_UNWRITTEN = 1000;

  private static final Pattern NODE_ID = Pattern.compile("^aide\\.node\\(\\{\"id\":(-?\\d+),");

  private record Finish(
      @Nullable StopReason reason,
      @Nullable String failure,
      Duration elapsed,
      CountDownLatch done) {}

  private final Path dir;
  private final Task task;
  private final Duration interval;
  private final Supplier<Duration> elapsed;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final RunReport report;
  private final Map<Path, Long> goodLength = new HashMap<>();
  private final List<Node> unwritten = new ArrayList<>();
  private @Nullable Thread thread;
  private boolean dirty = true;
  private long lastSummaryNanos;
  private boolean summarizedOnce;
  private int failures;
  private volatile @Nullable Reproduction reproduction;
  private volatile boolean finished;

  /**
   * A writer of the reports in {@code dir}.
   *
   * @param interval the least time between two writes of report.md while the run goes on
   * @param elapsed the wall time of the search so far, for report.md
   */
  ReportWriter(Path dir, Task task, Duration interval, Supplier<Duration> elapsed) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.task = Objects.requireNonNull(task, "task");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.report = new RunReport(task);
  }

  /**
   * Starts the writer thread, which first takes in the nodes the journal held before this run (a
   * resumed run's) and writes the page and its data for them.
   */
  synchronized void start(List<Node> existing) {
    if (thread != null) throw new IllegalStateException("the report writer runs already");
    List<Node> nodes = List.copyOf(existing);
    Thread t = new Thread(() -> loop(nodes), "aide-reports");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Queues a node that was just recorded; returns at once. */
  void recorded(Node node) {
    if (!finished) queue.add(Objects.requireNonNull(node, "node"));
  }

  /**
   * Writes what is queued and the final reports, and returns once they are written (or after {@link
   * #FINISH_TIMEOUT}, with a warning, when the writer thread is stuck). Failures are logged.
   *
   * @param failure what stopped the search when an error did, else null
   */
  void finish(@Nullable StopReason reason, @Nullable String failure, Duration elapsed) {
    Finish finish = new Finish(reason, failure, elapsed, new CountDownLatch(1));
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && t.isAlive()) {
      queue.add(finish);
      long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
      try {
        while (!finish.done().await(1, TimeUnit.SECONDS)) {
          if (!t.isAlive()) break; // it died: write here
          if (System.nanoTime() - deadline > 0) {
            log.warn(
                "The report writer did not finish in {}; reports may be stale", FINISH_TIMEOUT);
            return;
          }
        }
        if (finish.done().getCount() == 0) return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("Interrupted while waiting for the reports in {}", dir);
        return;
      }
    }
    // Never started, or its thread died: write here, on the caller's thread.
    synchronized (this) {
      drain(new ArrayList<>());
      finished = true;
      summary(reason, failure, elapsed);
    }
  }

  /** The best node's run again at the end, for the final report.md; set before {@link #finish}. */
  void reproduction(@Nullable Reproduction reproduction) {
    this.reproduction = reproduction;
  }

  /** Stops the writer thread without a final write; a no-op once {@link #finish} returned. */
  void stop() {
    finished = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) t.interrupt();
  }

  private void loop(List<Node> existing) {
    try {
      synchronized (this) {
        report.earlierSessions(RunReport.busyTime(existing));
        takeIn(existing);
        summary(null, null, elapsed.get());
      }
      while (true) {
        long wait = Math.max(1, interval.toMillis());
        Object first = queue.poll(wait, TimeUnit.MILLISECONDS);
        List<Object> items = new ArrayList<>();
        if (first != null) items.add(first);
        synchronized (this) {
          Finish finish = drain(items);
          if (finish != null) {
            finished = true;
            summary(finish.reason(), finish.failure(), finish.elapsed());
            finish.done().countDown();
            return;
          }
          if (!summarizedOnce
              || (dirty && System.nanoTime() - lastSummaryNanos >= interval.toNanos())) {
            summary(null, null, elapsed.get());
          }
        }
      }
    } catch (InterruptedException e) {
      log.debug("The report writer of {} was interrupted", dir);
    } catch (RuntimeException | Error e) {
      log.warn("The report writer of {} stopped; the reports are written at the end", dir, e);
    }
  }

  /** Appends the nodes queued (and those in {@code items}); returns a Finish taken, if any. */
  private @Nullable Finish drain(List<Object> items) {
    queue.drainTo(items);
    Finish finish = null;
    List<Node> nodes = new ArrayList<>();
    for (Object item : items) {
      if (item instanceof Node node) {
        nodes.add(node);
      } else if (item instanceof Finish f) {
        finish = f; // the nodes recorded before finish was called are queued before it
      }
    }
    append(nodes);
    return finish;
  }

  /**
   * Adds the nodes to report.md's aggregates and appends the new ones' lines to the page data;
   * nodes whose lines could not be written are tried again with the next ones (at most {@value
   * #MAX_UNWRITTEN} of them).
   */
  private void append(List<Node> nodes) {
    List<Node> batch = new ArrayList<>(unwritten);
    for (Node node : nodes) {
      if (report.add(node)) batch.add(node);
    }
    if (batch.isEmpty()) return;
    dirty = true;
    Map<String, StringBuilder> details = new LinkedHashMap<>();
    StringBuilder data = new StringBuilder();
    for (Node node : batch) {
      details
          .computeIfAbsent(TreeReport.detailsFile(node.id()), k -> new StringBuilder())
          .append(TreeReport.detailLine(node));
      data.append(TreeReport.nodeLine(node));
    }
    unwritten.clear();
    try {
      // The details first, so that a node the tree shows has its details on disk.
      for (Map.Entry<String, StringBuilder> e : details.entrySet()) {
        appendTo(dir.resolve(e.getKey()), e.getValue());
      }
      appendTo(dir.resolve(TreeReport.DATA_FILE), data);
    } catch (IOException | RuntimeException e) {
      failed("append to the data of tree.html", e);
      int keep = Math.min(batch.size(), MAX_UNWRITTEN);
      unwritten.addAll(batch.subList(batch.size() - keep, batch.size()));
    }
  }

  /**
   * Takes in the journal's nodes of before this run: writes the page, continues {@code
   * tree-data.js} with the nodes it lacks, or rebuilds it (and the details) when it is missing, of
   * another format, or holds a node the journal does not.
   */
  private void takeIn(List<Node> existing) {
    try {
      Path page = dir.resolve(RunStore.TREE_FILE);
      String template = TreeReport.page();
      if (!Files.exists(page) || !Files.readString(page).equals(template)) {
        RunStore.writeAtomically(page, template);
      }
      Set<Integer> written = writtenIds();
      Set<Integer> journalIds = new HashSet<>();
      for (Node node : existing) journalIds.add(node.id());
      if (written == null || !journalIds.containsAll(written)) {
        RunStore.deleteRecursively(dir.resolve(TreeReport.DETAILS_DIR));
        RunStore.writeAtomically(dir.resolve(TreeReport.DATA_FILE), TreeReport.DATA_HEADER);
        goodLength.clear();
        written = Set.of();
      }
      List<Node> missing = new ArrayList<>();
      for (Node node : existing) {
        if (written.contains(node.id())) {
          report.add(node);
        } else {
          missing.add(node);
        }
      }
      append(missing);
    } catch (IOException | RuntimeException e) {
      failed("write tree.html", e);
    }
  }

  /**
   * The ids in {@code tree-data.js}, after cutting off an incomplete last line; null when the file
   * is missing or not of this format.
   */
  private @Nullable Set<Integer> writtenIds() throws IOException {
    Path file = dir.resolve(TreeReport.DATA_FILE);
    if (!Files.exists(file)) return null;
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!text.startsWith(TreeReport.DATA_HEADER)) return null;
    Set<Integer> ids = new HashSet<>();
    int good = TreeReport.DATA_HEADER.length();
    int from = good;
    while (from < text.length()) {
      int end = text.indexOf('\n', from);
      if (end < 0) break;
      String line = text.substring(from, end);
      Matcher m = NODE_ID.matcher(line);
      if (!m.find() || !line.endsWith(");")) break;
      ids.add(Integer.parseInt(m.group(1)));
      from = end + 1;
      good = from;
    }
    if (good < text.length()) {
      log.warn("Cutting {} unreadable character(s) off the end of {}", text.length() - good, file);
      long byteLength = text.substring(0, good).getBytes(StandardCharsets.UTF_8).length;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(byteLength);
      }
    }
    return ids;
  }

  /**
   * Appends text to a file, first cutting off what a failed append of this process left, or an
   * incomplete last line of an earlier one.
   */
  private void appendTo(Path file, CharSequence text) throws IOException {
    Files.createDirectories(Objects.requireNonNull(file.getParent()));
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      Long known = goodLength.get(file);
      long start = known != null ? known : completeLength(channel);
      if (channel.size() != start) channel.truncate(start);
      boolean header = start == 0 && file.endsWith(TreeReport.DATA_FILE);
      ByteBuffer buffer =
          StandardCharsets.UTF_8.encode((header ? TreeReport.DATA_HEADER : "") + text);
      long end = start + buffer.remaining();
      long at = start;
      while (buffer.hasRemaining()) at += channel.write(buffer, at);
      goodLength.put(file, end);
    }
  }

  /** The length of the file up to and including its last newline. */
  private static long completeLength(FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer block = ByteBuffer.allocate(8192);
    long end = size;
    while (end > 0) {
      long from = Math.max(0, end - block.capacity());
      block.clear().limit((int) (end - from));
      channel.read(block, from);
      for (int i = block.position() - 1; i >= 0; i--) {
        if (block.get(i) == '\n') return from + i + 1;
      }
      end = from;
    }
    return 0;
  }

  /** Rewrites report.md and tree-meta.js, both bounded in size. */
  private void summary(@Nullable StopReason reason, @Nullable String failure, Duration elapsed) {
    dirty = false;
    summarizedOnce = true;
    lastSummaryNanos = System.nanoTime();
    try {
      String status =
          failure != null
              ? "stopped on an error: " + failure
              : reason != null ? "finished: " + reason.name() : "running";
      RunStore.writeAtomically(
          dir.resolve(TreeReport.META_FILE), TreeReport.meta(task, Instant.now(), status));
      RunStore.writeAtomically(
          dir.resolve(RunStore.REPORT_FILE),
          report.markdown(reason, failure, elapsed, reproduction));
    } catch (IOException | RuntimeException e) {
      failed("write report.md", e);
    }
  }

  private void failed(String what, Exception e) {
    failures++;
    if (failures == 1 || failures % 100 == 0) {
      log.warn(
          "Could not {} in {} ({} failure(s) so far); the search goes on", what, dir, failures, e);
    }
  }
}
