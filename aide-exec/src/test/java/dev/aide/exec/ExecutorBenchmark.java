package dev.aide.exec;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Measures what {@link ProcessExecutor} adds to each run: the time of one {@code execute} of a
 * Python program that does nothing, against starting {@code python3 -c pass} directly, plain and
 * sandboxed. Not a test; prints a Markdown table.
 *
 * <pre>
 * ./mvnw -B -q -pl aide-exec test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.exec.ExecutorBenchmark [-Dexec.args=ROUNDS]
 * </pre>
 */
public final class ExecutorBenchmark {
  private static final int WARMUP = 20;

  private ExecutorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    String python = pythonExecutable();
    // Readable by others, as a run's output directory is: a root JVM runs programs as nobody.
    Path root = TestSupport.openToOthers(Files.createTempDirectory("aide-exec-bench"));
    try {
      String directly = "`python3 -c pass` started directly";
      Map<String, Callable<?>> modes = new LinkedHashMap<>();
      modes.put(directly, () -> run(List.of(python, "-c", "pass")));
      // As root, programs run as nobody through setpriv; a faked non-root uid measures without.
      boolean isRoot = RunAsUser.jvmUid() == 0;
      ProcessExecutor.Builder plain =
          ProcessExecutor.builder()
              .sandbox(ProcessExecutor.Sandbox.OFF)
              .interpreter("python3", python);
      ProcessExecutor unswitchedPlain = plain.jvmUid(1000).build();
      modes.put("ProcessExecutor, plain, no user switch", () -> execute(unswitchedPlain, root));
      if (isRoot) {
        ProcessExecutor switched = plain.jvmUid(0).build();
        modes.put(
            "ProcessExecutor, plain, as root (runs as nobody)", () -> execute(switched, root));
      }
      ProcessExecutor limited =
          ProcessExecutor.builder()
              .sandbox(ProcessExecutor.Sandbox.OFF)
              .interpreter("python3", python)
              .memoryLimit(8L << 30)
              .fileSizeLimit(1L << 30)
              .build();
      modes.put(
          "ProcessExecutor, plain, memory and file size limits", () -> execute(limited, root));
      String bwrap = onPath("bwrap");
      if (bwrap != null) {
        List<String> command = new ArrayList<>(List.of(bwrap));
        command.addAll(Bubblewrap.ISOLATION);
        command.addAll(List.of(python, "-c", "pass"));
        modes.put("`bwrap ... python3 -c pass` started directly", () -> run(command));
        ProcessExecutor.Builder sandbox =
            ProcessExecutor.builder()
                .interpreter("python3", python)
                .sandbox(ProcessExecutor.Sandbox.REQUIRED);
        ProcessExecutor unswitched = sandbox.jvmUid(1000).build();
        modes.put("ProcessExecutor, sandbox, no user switch", () -> execute(unswitched, root));
        if (isRoot) {
          ProcessExecutor switched = sandbox.jvmUid(0).build();
          modes.put(
              "ProcessExecutor, sandbox, as root (runs as nobody)", () -> execute(switched, root));
        }
      }

      // Each round runs every mode once, so that a busy machine slows all of them alike.
      Map<String, double[]> millis = new LinkedHashMap<>();
      modes.keySet().forEach(mode -> millis.put(mode, new double[rounds]));
      for (int round = -WARMUP; round < rounds; round++) {
        for (Map.Entry<String, Callable<?>> mode : modes.entrySet()) {
          long start = System.nanoTime();
          mode.getValue().call();
          if (round >= 0) millis.get(mode.getKey())[round] = (System.nanoTime() - start) / 1e6;
        }
      }

      double direct = quantile(millis.get(directly), 0.5);
      System.out.printf(
          Locale.ROOT,
          "%d rounds after %d warm-up rounds; %s; %d CPUs; load average %s.%n%n",
          rounds,
          WARMUP,
          python,
          Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      System.out.println("| What runs | Median | Middle half | Added to python3 directly |");
      System.out.println("|---|---:|---:|---:|");
      millis.forEach(
          (mode, values) ->
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %.1f ms | %.1f–%.1f ms | %s |%n",
                  mode,
                  quantile(values, 0.5),
                  quantile(values, 0.25),
                  quantile(values, 0.75),
                  mode.equals(directly)
                      ? ""
                      : String.format(Locale.ROOT, "%+.1f ms", quantile(values, 0.5) - direct)));
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(q * (sorted.length - 1))];
  }

  private static Object run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    int exit = process.waitFor();
    if (exit != 0) throw new IllegalStateException(command + " exited with " + exit);
    return exit;
  }

  private static Object execute(ProcessExecutor executor, Path root) throws IOException {
    Path workspace = TestSupport.openToOthers(Files.createTempDirectory(root, "ws"));
    Files.createDirectories(workspace.resolve("working"));
    Files.createDirectories(workspace.resolve("input"));
    ExecutionResult result =
        executor.execute(
            new ExecutionRequest(
                "pass\n",
                "solution.py",
                List.of("python3", "solution.py"),
                workspace,
                Duration.ofSeconds(30),
                Map.of()));
    if (result.failed()) throw new IllegalStateException("the run failed: " + result.output());
    return result;
  }

  /**
   * The Python binary behind {@code python3} on PATH (not a wrapper such as a pyenv shim), or
   * behind one nobody can run where the JVM is root (see {@link TestSupport#python3()}).
   */
  private static String pythonExecutable() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(TestSupport.python3(), "-c", "import sys; print(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String path =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (process.waitFor() != 0) throw new IllegalStateException("python3 failed: " + path);
    return path;
  }

  private static @Nullable String onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) return candidate.toString();
    }
    return null;
  }
}
