package dev.aide.core.bench;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.internal.ReportWriters;
import dev.aide.core.llm.TokenUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Measures the report writer with realistic nodes (code 4 KB, output 10 KB, plan 1 KB): for
 * journals of 1,000, 10,000 and 100,000 nodes (or the counts given as arguments), the writer's time
 * per node while a run records them (appending tree-data.js and the details, coalesced report.md
 * writes), the time of the last {@code finish} (the final report.md), and a full rebuild of the
 * page's data from the journal (what resuming a run without tree-data.js costs, once, off the
 * engine's lock). The nodes share ten variants of their texts, so the harness itself needs little
 * heap.
 *
 * <p>This is a harness, not a test; it asserts nothing. Run it from the repository root with:
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.ReportBenchmark [-Dexec.args="1000 10000 100000"]
 * </pre>
 */
public final class ReportBenchmark {
  private static final Task TASK = Task.builder().goal("Predict the price of each house").build();
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private ReportBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args) sizes.add(Integer.parseInt(arg));
    if (sizes.isEmpty()) sizes = List.of(1_000, 10_000, 100_000);
    System.out.printf(
        Locale.ROOT,
        "%8s %22s %22s %16s %14s%n",
        "nodes",
        "write per node (ms)",
        "last 10% per node (ms)",
        "full rebuild (s)",
        "page data (MB)");
    for (int n : sizes) measure(n);
  }

  private static void measure(int n) throws IOException {
    List<String> codes = texts(4_000, "x = ");
    List<String> outputs = texts(10_000, "epoch ");
    List<String> plans = texts(1_000, "plan ");
    SplittableRandom random = new SplittableRandom(7);
    List<Node> nodes = new ArrayList<>(n);
    for (int id = 0; id < n; id++) {
      nodes.add(node(id, random, codes.get(id % 10), outputs.get(id % 10), plans.get(id % 10)));
    }
    Path dir = Files.createTempDirectory("aide-report-bench");
    try {
      ReportWriters writer = ReportWriters.start(dir, TASK, List.of());
      long t0 = System.nanoTime();
      long lastStart = 0;
      int last = n - Math.max(1, n / 10);
      for (int i = 0; i < n; i++) {
        if (i == last) {
          writer.finish(); // so that the last 10% are timed alone
          lastStart = System.nanoTime();
          writer = ReportWriters.start(dir, TASK, nodes.subList(0, i));
        }
        writer.recorded(nodes.get(i));
      }
      writer.finish();
      long t1 = System.nanoTime();
      double lastPerNode = (t1 - lastStart) / 1e6 / (n - last);
      double perNode = (t1 - t0) / 1e6 / n;
      long bytes = size(dir);

      deleteData(dir);
      long r0 = System.nanoTime();
      ReportWriters.start(dir, TASK, nodes).finish();
      double rebuild = (System.nanoTime() - r0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%8d %22.3f %22.3f %16.2f %14.1f%n",
          n,
          perNode,
          lastPerNode,
          rebuild,
          bytes / 1e6);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static List<String> texts(int chars, String word) {
    List<String> texts = new ArrayList<>();
    for (int v = 0; v < 10; v++) {
      StringBuilder s = new StringBuilder();
      while (s.length() < chars)
        s.append(word).append(v).append(' ').append(s.length()).append('\n');
      texts.add(s.substring(0, chars));
    }
    return texts;
  }

  private static Node node(int id, SplittableRandom random, String code, String out, String plan) {
    boolean buggy = id > 5 && random.nextInt(4) == 0;
    List<Integer> parents = id < 5 ? List.of() : List.of(id - 1 - random.nextInt(Math.min(id, 50)));
    Instant started = START.plusSeconds(id);
    return Node.builder()
        .id(id)
        .step(id)
        .stage(parents.isEmpty() ? Stage.DRAFT : Stage.IMPROVE)
        .parents(parents)
        .plan(plan)
        .code(code)
        .execution(ExecutionResult.of(out, buggy ? 1 : 0, Duration.ofSeconds(3)))
        .analysis("The run " + (buggy ? "failed." : "went well."))
        .metric(
            buggy
                ? Metric.worst(Direction.MAXIMIZE)
                : Metric.of(random.nextDouble(), Direction.MAXIMIZE))
        .buggy(buggy)
        .usage(new TokenUsage(3000, 800, 0, 0))
        .cost(0.002)
        .startedAt(started)
        .finishedAt(started.plusSeconds(30))
        .build();
  }

  private static void deleteData(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve("tree-data.js"));
    deleteRecursively(dir.resolve("tree-details"));
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(ReportBenchmark::sizeOf).sum();
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
