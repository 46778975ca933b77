package dev.aide.core.bench;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.internal.Memory;
import dev.aide.core.internal.RunStore;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.search.GreedyPolicy;
import dev.aide.core.search.SearchPolicy;
import dev.aide.core.search.TestJournals.TestState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Measures what a journal backed by {@code journal.jsonl} costs as it grows: fills one, through
 * {@link RunStore#append} as the engine does, with nodes of realistic sizes (plan 1 KB, code 4 KB,
 * output 10 KB, analysis 300 characters; a third buggy), and prints the time to record a node in
 * the first and the last 10%, the time of a memory summary and of a greedy policy's step at 100,
 * 1,000, 10,000 and 100,000 nodes, the heap each node holds after a full GC, and the same after the
 * run is read back (resumed) from its directory.
 *
 * <p>This is a harness, not a test; it asserts nothing. Run it from the repository root with:
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.JournalBenchmark [-Dexec.args="100000"]
 * </pre>
 *
 * <p>(the argument: the number of nodes, default 100,000; the journal, about 1.5 GB at 100,000
 * nodes, is written to a temporary directory and deleted at the end).
 */
public final class JournalBenchmark {
  private static final Task TASK = Task.builder().goal("Fill a journal for the benchmark").build();
  private static final int[] CHECKPOINTS = {100, 1_000, 10_000, 100_000};
  private static final int REPEATS = 2_000;

  private JournalBenchmark() {}

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 100_000;
    Path dir = Files.createTempDirectory("aide-journal-bench");
    try {
      fill(n, dir, Map.of("seed", 1L));
      resume(dir, Map.of("seed", 1L));
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
      }
    }
  }

  private static void fill(int n, Path dir, Map<String, Object> settings) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "JournalBenchmark: %,d nodes, max heap %,d MB, %s%n%n",
        n,
        Runtime.getRuntime().maxMemory() >> 20,
        dir);
    SplittableRandom random = new SplittableRandom(1);
    long baseline = usedHeapAfterGc();
    long[] decileNanos = new long[10];
    int[] decileNodes = new int[10];
    System.out.println("| Nodes | Memory summary (us) | Greedy step (us) |");
    System.out.println("|---:|---:|---:|");
    try (RunStore store = RunStore.open(dir, TASK, settings)) {
      Journal journal = store.journal();
      for (int id = 0; id < n; id++) {
        Node node = node(id, journal, random);
        long started = System.nanoTime();
        journal.add(store.append(node));
        int decile = (int) ((long) id * 10 / n);
        decileNanos[decile] += System.nanoTime() - started;
        decileNodes[decile]++;
        for (int checkpoint : CHECKPOINTS) {
          if (id + 1 == checkpoint) checkpoint(journal);
        }
      }
      if (!isCheckpoint(n)) checkpoint(journal);
      long heap = usedHeapAfterGc() - baseline;
      System.out.printf(
          Locale.ROOT,
          "%nRecording a node (append to journal.jsonl + Journal.add): first 10%% %,.0f nodes/s,"
              + " last 10%% %,.0f nodes/s%n",
          rate(decileNodes[0], decileNanos[0]),
          rate(decileNodes[9], decileNanos[9]));
      System.out.printf(
          Locale.ROOT,
          "Heap held by the journal after a full GC: %,d bytes per node (%,d MB for %,d nodes),"
              + " journal.jsonl %,d MB%n",
          heap / n,
          heap >> 20,
          n,
          Files.size(dir.resolve("journal.jsonl")) >> 20);
    }
  }

  /** Reads the run back, as a resumed search does, in a frame that holds no other journal. */
  private static void resume(Path dir, Map<String, Object> settings) {
    long beforeResume = usedHeapAfterGc();
    long started = System.nanoTime();
    try (RunStore store = RunStore.open(dir, TASK, settings)) {
      double seconds = (System.nanoTime() - started) / 1e9;
      long heap = usedHeapAfterGc() - beforeResume;
      System.out.printf(
          Locale.ROOT,
          "Resuming: read %,d nodes back in %.1f s; %,d bytes of heap per node%n",
          store.journal().size(),
          seconds,
          heap / Math.max(1, store.journal().size()));
    }
  }

  private static boolean isCheckpoint(int n) {
    for (int checkpoint : CHECKPOINTS) if (checkpoint == n) return true;
    return false;
  }

  private static void checkpoint(Journal journal) {
    SearchPolicy policy = GreedyPolicy.builder().build();
    TestState state = TestState.of(journal, new Random(2));
    int blackhole = 0;
    for (int i = 0; i < REPEATS / 10; i++) { // warm up
      blackhole += Memory.summarize(journal).length();
      blackhole += policy.next(state).stage().ordinal();
    }
    long started = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) blackhole += Memory.summarize(journal).length();
    double memoryMicros = (System.nanoTime() - started) / 1e3 / REPEATS;
    started = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) blackhole += policy.next(state).stage().ordinal();
    double policyMicros = (System.nanoTime() - started) / 1e3 / REPEATS;
    System.out.printf(
        Locale.ROOT,
        "| %,d | %.1f | %.1f |%s%n",
        journal.size(),
        memoryMicros,
        policyMicros,
        blackhole == 42 ? " " : "");
  }

  private static double rate(int nodes, long nanos) {
    return nodes / (nanos / 1e9);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** A node of realistic size made from a random earlier one (a draft for the first five). */
  private static Node node(int id, Journal journal, SplittableRandom random) {
    boolean buggy = random.nextInt(3) == 0;
    Node.Builder b =
        Node.builder()
            .id(id)
            .step(id)
            .plan(text("plan", id, 1_000))
            .code(text("code", id, 4_000))
            .execution(
                new ExecutionResult(
                    text("output", id, 10_000),
                    0,
                    buggy ? 1 : 0,
                    Duration.ofSeconds(30),
                    false,
                    buggy ? "ValueError" : null,
                    buggy ? "could not convert string to float" : null,
                    List.of("submission.csv")))
            .analysis(text("analysis", id, 300))
            .buggy(buggy)
            .metric(
                buggy
                    ? Metric.worst(Direction.MAXIMIZE)
                    : Metric.of(random.nextDouble(), Direction.MAXIMIZE))
            .usage(new TokenUsage(5_000, 1_500, 0, 0))
            .cost(0.01)
            .startedAt(Instant.EPOCH.plusSeconds(id * 60L))
            .finishedAt(Instant.EPOCH.plusSeconds(id * 60L + 59));
    if (id < 5) return b.stage(Stage.DRAFT).build();
    Node parent = journal.get(random.nextInt(id));
    if (parent == null) return b.stage(Stage.DRAFT).build();
    b.parent(parent.id());
    if (!parent.isBuggy()) return b.stage(Stage.IMPROVE).build();
    return b.stage(Stage.DEBUG)
        .debugDepth(parent.stage() == Stage.DEBUG ? parent.debugDepth() + 1 : 1)
        .build();
  }

  /** About {@code length} characters of text that differ from node to node. */
  private static String text(String what, int id, int length) {
    StringBuilder out = new StringBuilder(length + 40);
    int line = 0;
    while (out.length() < length) {
      out.append(what).append(' ').append(id).append(" line ").append(line++);
      out.append(": the quick brown fox jumps over the lazy dog\n");
    }
    return out.substring(0, length);
  }
}
