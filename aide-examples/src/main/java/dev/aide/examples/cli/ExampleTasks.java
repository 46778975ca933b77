package dev.aide.examples.cli;

import dev.aide.core.Direction;
import dev.aide.core.MetricReader;
import dev.aide.core.Repository;
import dev.aide.core.Task;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The example tasks the command line can run with {@code --example NAME}. */
final class ExampleTasks {
  static final String BREAST_CANCER = "breast-cancer";
  static final String SPEEDUP = "speedup";
  static final List<String> NAMES =
      List.of(BREAST_CANCER, SPEEDUP, ExampleProjects.JAVA_SPEEDUP, ExampleProjects.PYTHON_SPEEDUP);

  /** A repository example: its task and the paths its sandboxed programs must read. */
  record RepositoryExample(Task task, List<Path> readable) {}

  /** Whether example {@code name} searches over a source tree (see {@link #repositoryTask}). */
  static boolean isRepository(@Nullable String name) {
    return ExampleProjects.JAVA_SPEEDUP.equals(name) || ExampleProjects.PYTHON_SPEEDUP.equals(name);
  }

  /**
   * Returns repository example {@code name}, its project unpacked into {@code runDir/project}:
   * java-speedup with a Maven prepared in {@code runDir/maven} for its JUnit gate ({@code maven}
   * makes it), python-speedup with {@code python}, which must have pytest (its gate and evaluation
   * name the interpreter {@code python} runs, and the sandbox must show where that lives).
   */
  static RepositoryExample repositoryTask(
      String name,
      Path runDir,
      java.util.function.Function<Path, MavenSupport.Prepared> maven,
      @Nullable String python) {
    Path project = ExampleProjects.unpack(name, runDir.resolve("project"));
    if (name.equals(ExampleProjects.JAVA_SPEEDUP)) {
      MavenSupport.Prepared prepared = maven.apply(project);
      Repository repository =
          Repository.directory(project)
              .edit("src/main/java/demo/Anagrams.java")
              .gate(prepared.gateCommand())
              .eval(String.join(" ", ExampleProjects.JAVA_SPEEDUP_EVAL))
              .build();
      Task task =
          Task.builder()
              .goal(
                  "Make demo.Anagrams.groupSizes (src/main/java/demo/Anagrams.java) as fast as"
                      + " possible while it keeps its results: the project's JUnit tests are the"
                      + " gate. Use only the Java standard library.")
              .evaluation(
                  "demo.Bench times groupSizes on a fixed input and prints `time_ms: <number>`;"
                      + " lower is better.")
              .repository(repository)
              .metricReader(MetricReader.line("time_ms"))
              .direction(Direction.MINIMIZE)
              .timeout(Duration.ofMinutes(5))
              .build();
      return new RepositoryExample(task, prepared.readablePaths());
    }
    // the gate names the interpreter itself, and the sandbox shows where it lives
    Pythons.Located located = Pythons.locate(Objects.requireNonNull(python, "python"));
    String py = located.executable();
    Repository repository =
        Repository.directory(project)
            .edit("textstats/**")
            .gate(MavenSupport.quote(py) + " -m pytest -q -p no:cacheprovider")
            .eval(MavenSupport.quote(py) + " bench.py")
            .build();
    Task task =
        Task.builder()
            .goal(
                "Make textstats.top_words (textstats/freq.py) as fast as possible while it keeps"
                    + " its results: the pytest tests in tests/ are the gate. Use only the Python"
                    + " standard library.")
            .evaluation(
                "bench.py times top_words on a fixed text and prints `time_ms: <number>`; lower"
                    + " is better.")
            .repository(repository)
            .metricReader(MetricReader.line("time_ms"))
            .direction(Direction.MINIMIZE)
            .timeout(Duration.ofMinutes(5))
            .build();
    return new RepositoryExample(task, located.paths());
  }

  private ExampleTasks() {}

  /**
   * Returns the example task {@code name}, unpacking its data to {@code dataDir}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  static Task task(String name, Path dataDir) {
    switch (name) {
      case BREAST_CANCER:
        return Task.builder()
            .goal(
                "Predict whether each breast mass in test.csv is malignant (column `malignant`,"
                    + " 1 = malignant, 0 = benign) from the 30 image features. train.csv has the"
                    + " labels. Write the predicted probability of malignancy for each id of"
                    + " test.csv to ./working/submission.csv with columns id,malignant.")
            .evaluation(
                "ROC AUC on a held-out validation part of train.csv (stratified, at least 20% of"
                    + " the rows, or 5-fold cross-validation). Print it as `metric: <auc>`.")
            .dataDir(unpack(name, List.of("train.csv", "test.csv", "README.md"), dataDir))
            .metricReader(MetricReader.line("metric"))
            .holdout(
                Holdout.builder("malignant", ScoreMetrics.rocAuc())
                    .id("id")
                    .submission("submission.csv")
                    .build())
            .timeout(Duration.ofMinutes(10))
            .build();
      case SPEEDUP:
        return Task.builder()
            .goal(
                "Make count_primes(n) as fast as possible while keeping it correct. The program"
                    + " must define count_primes(n) (the number of primes below n), check that"
                    + " count_primes(10**5) == 9592 and count_primes(2) == 0, raise an error if"
                    + " not, then time count_primes(2 * 10**5) with time.perf_counter() (best of"
                    + " 3 runs) and print the seconds as `metric: <seconds>`. Use only the Python"
                    + " standard library.")
            .evaluation("Seconds for count_primes(2 * 10**5), best of 3; lower is better.")
            .direction(Direction.MINIMIZE)
            .metricReader(MetricReader.line("metric"))
            .startingSolution(SLOW_PRIMES)
            .timeout(Duration.ofMinutes(2))
            .build();
      default:
        throw new IllegalArgumentException(
            "unknown example " + name + "; choose one of " + String.join(", ", NAMES));
    }
  }

  /** A correct but slow starting point for the speed-up example. */
  static final String SLOW_PRIMES =
      """
      import time


      def is_prime(k):
          if k < 2:
              return False
          for d in range(2, k):
              if d * d > k:
                  break
              if k % d == 0:
                  return False
          return True


      def count_primes(n):
          return sum(1 for k in range(n) if is_prime(k))


      assert count_primes(10**5) == 9592, "wrong count below 10**5"
      assert count_primes(2) == 0, "wrong count below 2"

      best = float("inf")
      for _ in range(3):
          start = time.perf_counter()
          count_primes(2 * 10**5)
          best = min(best, time.perf_counter() - start)
      print(f"metric: {best:.6f}")
      """;

  private static Path unpack(String name, List<String> files, Path dir) {
    try {
      Files.createDirectories(dir);
      for (String file : files) {
        Path target = dir.resolve(file);
        if (Files.exists(target)) continue;
        try (InputStream in =
            Objects.requireNonNull(
                ExampleTasks.class.getResourceAsStream("/dev/aide/examples/" + name + "/" + file),
                "missing resource " + file)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the example data to " + dir, e);
    }
  }

  /** The files of an example's recording: the LLM's answers and the run.json of the search. */
  static final List<String> RECORDING_FILES = List.of("llm-calls.jsonl", "run.json");

  /** Whether example {@code name} ships a recording of a real search to replay without an LLM. */
  static boolean hasRecording(@Nullable String name) {
    return BREAST_CANCER.equals(name)
        && ExampleTasks.class.getResource(
                "/dev/aide/examples/" + name + "/recording/llm-calls.jsonl")
            != null;
  }

  /** Unpacks example {@code name}'s recording into {@code dir}; returns its llm-calls.jsonl. */
  static Path unpackRecording(String name, Path dir) {
    return unpack(name + "/recording", RECORDING_FILES, dir).resolve(RECORDING_FILES.get(0));
  }

  /** What the command prints at the start ({@code start}) and at the end of a shipped replay. */
  static String replayNotice(boolean start) {
    String live =
        "To search live, set an LLM and run again: export OPENAI_API_KEY=sk-... (or"
            + " ANTHROPIC_API_KEY, OPENAI_BASE_URL for a compatible server, or run Ollama).";
    return start
        ? "No LLM is configured, so this run REPLAYS A RECORDING of a real search of this example"
            + " (the model's answers come from the recording; the code really runs here, and the"
            + " tree, report and best solution are really written). "
            + live
        : "These answers were a recording, not a live model. " + live;
  }
}
