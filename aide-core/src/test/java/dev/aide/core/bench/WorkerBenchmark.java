package dev.aide.core.bench;

import dev.aide.core.Aide;
import dev.aide.core.Result;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Measures how parallel workers speed a search up when the work is waiting: every LLM call takes
 * 200 ms and every execution 300 ms (sleeping fakes), so one node takes about 700 ms. For 1, 2, 4
 * and 8 workers (or the counts given as arguments) it runs 16 nodes per worker and reports nodes
 * per minute and the speed-up over one worker.
 *
 * <p>This is a harness, not a test; it asserts nothing. Run it from the repository root with:
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.WorkerBenchmark
 * </pre>
 */
public final class WorkerBenchmark {
  private static final long LLM_MILLIS = 200;
  private static final long EXECUTION_MILLIS = 300;
  private static final int NODES_PER_WORKER = 16;

  private WorkerBenchmark() {}

  public static void main(String[] args) throws IOException {
    int[] counts = args.length == 0 ? new int[] {1, 2, 4, 8} : parse(args);
    System.out.printf(
        Locale.ROOT,
        "JVM %s, %d processors; LLM call %d ms, execution %d ms, %d nodes per worker%n%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        LLM_MILLIS,
        EXECUTION_MILLIS,
        NODES_PER_WORKER);
    System.out.println("| workers | nodes | total s | nodes/min | speed-up | speed-up / workers |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    double single = 0;
    for (int workers : counts) {
      int nodes = NODES_PER_WORKER * workers;
      double seconds = run(workers, nodes);
      double perMinute = nodes / seconds * 60;
      if (single == 0) single = perMinute / workers;
      double speedUp = perMinute / single;
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %.2f | %.0f | %.2f | %.2f |%n",
          workers,
          nodes,
          seconds,
          perMinute,
          speedUp,
          speedUp / workers);
    }
  }

  private static double run(int workers, int nodes) throws IOException {
    AtomicInteger drafts = new AtomicInteger();
    LlmClient coder =
        request -> {
          sleep(LLM_MILLIS);
          double score = 0.5 + 0.001 * drafts.incrementAndGet();
          return ChatResponse.ofText(
              "Plan.\n\n```python\nscore = " + score + "\nprint(f'metric: {score}')\n```");
        };
    LlmClient reviewer =
        request -> {
          sleep(LLM_MILLIS);
          String prompt = request.messages().get(request.messages().size() - 1).content();
          int at = prompt.indexOf("metric: 0.");
          String metric = at < 0 ? "null" : prompt.substring(at + 8).split("\\s")[0];
          return ChatResponse.ofToolCall(
              ReviewProtocol.REVIEW_TOOL,
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": "
                  + metric
                  + ", \"lower_is_better\": false}");
        };
    Executor executor =
        request -> {
          sleep(EXECUTION_MILLIS);
          int at = request.code().indexOf("score = ");
          String score = request.code().substring(at + 8).split("\\s")[0];
          return ExecutionResult.of("metric: " + score + "\n", 0, Duration.ofMillis(300));
        };
    Path dir = Files.createTempDirectory("aide-worker-bench");
    try {
      long start = System.nanoTime();
      Result result =
          Aide.builder()
              .coder(coder, "m")
              .reviewer(reviewer, "m")
              .executor(executor)
              .workers(workers)
              .steps(nodes)
              .seed(1)
              .outputDir(dir)
              .build()
              .run(Task.builder().goal("Benchmark").build());
      double seconds = (System.nanoTime() - start) / 1e9;
      if (result.journal().size() != nodes) throw new IllegalStateException("lost nodes");
      return seconds;
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int[] parse(String[] args) {
    int[] counts = new int[args.length];
    for (int i = 0; i < args.length; i++) counts[i] = Integer.parseInt(args[i]);
    return counts;
  }
}
