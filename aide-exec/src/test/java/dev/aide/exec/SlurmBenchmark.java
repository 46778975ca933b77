package dev.aide.exec;

import dev.aide.core.exec.ExecutionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what {@link SlurmExecutor} adds to a 2-second program against running it directly,
 * interleaved, on the cluster Slurm's commands reach. Not a test; prints a Markdown table.
 *
 * <pre>
 * ./mvnw -B -q -pl aide-exec test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.exec.SlurmBenchmark [-Dexec.args=ROUNDS]
 * </pre>
 */
public final class SlurmBenchmark {
  private SlurmBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String reason = SlurmExecutor.unavailableReason();
    if (reason != null) throw new IllegalStateException(reason);
    String python = TestSupport.python3();
    String code = "import time\ntime.sleep(2)\n";
    Path root = TestSupport.openToOthers(Files.createTempDirectory("aide-slurm-bench"));
    SlurmExecutor slurm = SlurmExecutor.builder().interpreter("python3", python).build();
    List<Double> direct = new ArrayList<>();
    List<Double> viaSlurm = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      Process p = new ProcessBuilder(python, "-c", code).inheritIO().start();
      p.waitFor();
      direct.add((System.nanoTime() - t) / 1e9);
      Path ws = TestSupport.workspace(root);
      t = System.nanoTime();
      slurm.execute(
          new ExecutionRequest(
              code,
              "solution.py",
              List.of("python3", "solution.py"),
              ws,
              Duration.ofSeconds(60),
              Map.of()));
      viaSlurm.add((System.nanoTime() - t) / 1e9);
    }
    System.out.println("| mode | runs | median s | mean s | overhead vs direct (median) |");
    System.out.println("|---|---|---|---|---|");
    row("2-second program started directly", direct, median(direct));
    row("SlurmExecutor (sbatch, scontrol every 0.1 s)", viaSlurm, median(direct));
  }

  private static void row(String mode, List<Double> seconds, double base) {
    double median = median(seconds);
    double mean = seconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.2f | %.2f | %+.2f s |%n",
        mode,
        seconds.size(),
        median,
        mean,
        median - base);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
