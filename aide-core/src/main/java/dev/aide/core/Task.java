package dev.aide.core;

import dev.aide.core.internal.Text;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the search should achieve: a goal, how solutions are judged, the data they may read, and the
 * language they are written in.
 *
 * <pre>{@code
 * Task task = Task.builder()
 *     .goal("Predict the sale price of each house")
 *     .evaluation("RMSE between log prices")
 *     .dataDir(Path.of("data/house-prices"))
 *     .direction(Direction.MINIMIZE)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 */
public final class Task {
  /** The default time one execution of a solution may take: one hour. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private final String goal;
  private final @Nullable String evaluation;
  private final @Nullable Path dataDir;
  private final @Nullable Direction direction;
  private final @Nullable String startingSolution;
  private final Duration timeout;
  private final @Nullable String instructions;
  private final Language language;
  private final @Nullable MetricReader metricReader;
  private final @Nullable String expectedOutput;
  private final @Nullable Holdout holdout;
  private final @Nullable Scorer scorer;
  private final @Nullable Repository repository;

  private Task(
      String goal,
      @Nullable String evaluation,
      @Nullable Path dataDir,
      @Nullable Direction direction,
      @Nullable String startingSolution,
      Duration timeout,
      @Nullable String instructions,
      Language language,
      @Nullable MetricReader metricReader,
      @Nullable String expectedOutput,
      @Nullable Holdout holdout,
      @Nullable Scorer scorer,
      @Nullable Repository repository) {
    this.goal = goal;
    this.evaluation = evaluation;
    this.dataDir = dataDir;
    this.direction = direction;
    this.startingSolution = startingSolution;
    this.timeout = timeout;
    this.instructions = instructions;
    this.language = language;
    this.metricReader = metricReader;
    this.expectedOutput = expectedOutput;
    this.holdout = holdout;
    this.scorer = scorer;
    this.repository = repository;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder that starts from this task's values. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** What the solution should do, in plain words. */
  public String goal() {
    return goal;
  }

  /** How a solution is scored, e.g. "RMSE between log prices"; null when the goal says it. */
  public @Nullable String evaluation() {
    return evaluation;
  }

  /** The directory whose files solutions read as {@code ./input}; null when there is none. */
  public @Nullable Path dataDir() {
    return dataDir;
  }

  /**
   * Whether a larger or smaller metric is better; null lets the reviewer decide. When set, it wins
   * over the reviewer's answer.
   */
  public @Nullable Direction direction() {
    return direction;
  }

  /** Code to improve rather than draft from nothing; null when the search starts from scratch. */
  public @Nullable String startingSolution() {
    return startingSolution;
  }

  /** The longest one execution of a solution may run. */
  public Duration timeout() {
    return timeout;
  }

  /** Extra instructions for the coder, e.g. "Use only the standard library". */
  public @Nullable String instructions() {
    return instructions;
  }

  /** The language solutions are written in; {@link Language#PYTHON} unless set. */
  public Language language() {
    return language;
  }

  /**
   * Reads the metric from a run's output; null leaves the metric to the reviewer. When set, its
   * value is the node's metric, and a run whose output holds none is buggy.
   */
  public @Nullable MetricReader metricReader() {
    return metricReader;
  }

  /**
   * The file every run must write, as a path relative to {@code ./working} (e.g. {@code
   * submission.csv}); null when the task expects none. A run that exits cleanly without it is
   * buggy, whatever the reviewer says.
   */
  public @Nullable String expectedOutput() {
    return expectedOutput;
  }

  /**
   * The labelled rows the harness keeps out of the programs' data to score them itself; null when
   * the task has none. With one, a node's metric is the harness's score of its predictions for
   * those rows.
   */
  public @Nullable Holdout holdout() {
    return holdout;
  }

  /**
   * The harness's own scorer of a run's output files; null when the task has none (a holdout brings
   * its own). With one, a node's metric is its score.
   */
  public @Nullable Scorer scorer() {
    return scorer;
  }

  /**
   * The source tree the search changes, when solutions are patches over a repository rather than
   * one program; null for a task whose solution is one program in its {@link #language()}.
   */
  public @Nullable Repository repository() {
    return repository;
  }

  /**
   * Whether the search starts from given code, a {@linkplain #startingSolution() starting solution}
   * or a {@linkplain #repository() repository's} base, which runs as its first draft; the built-in
   * policies then draft nothing else.
   */
  public boolean hasStartingPoint() {
    return startingSolution != null || repository != null;
  }

  /** Whether the harness, not the program or the reviewer, gives each node its metric. */
  public boolean harnessScored() {
    return holdout != null || scorer != null;
  }

  @Override
  public String toString() {
    return "Task{goal="
        + Text.abbreviate(goal, 60)
        + ", language="
        + language.name()
        + (expectedOutput == null ? "" : ", expectedOutput=" + expectedOutput)
        + (holdout == null ? "" : ", holdout={" + holdout + "}")
        + (scorer == null ? "" : ", scorer=" + scorer)
        + (repository == null ? "" : ", repository=" + repository)
        + "}";
  }

  /** Builds a {@link Task}. Not safe for use by several threads at once. */
  public static final class Builder {
    private @Nullable String goal;
    private @Nullable String evaluation;
    private @Nullable Path dataDir;
    private @Nullable Direction direction;
    private @Nullable String startingSolution;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable String instructions;
    private Language language = Language.PYTHON;
    private @Nullable MetricReader metricReader;
    private @Nullable String expectedOutput;
    private @Nullable Holdout holdout;
    private @Nullable Scorer scorer;
    private @Nullable Repository repository;

    private Builder() {}

    private Builder(Task task) {
      this.goal = task.goal;
      this.evaluation = task.evaluation;
      this.dataDir = task.dataDir;
      this.direction = task.direction;
      this.startingSolution = task.startingSolution;
      this.timeout = task.timeout;
      this.instructions = task.instructions;
      this.language = task.language;
      this.metricReader = task.metricReader;
      this.expectedOutput = task.expectedOutput;
      this.holdout = task.holdout;
      this.scorer = task.scorer;
      this.repository = task.repository;
    }

    /** Sets what the solution should do. Required. */
    public Builder goal(String goal) {
      this.goal = Objects.requireNonNull(goal, "goal");
      return this;
    }

    /** Sets how a solution is scored; blank counts as unset. */
    public Builder evaluation(@Nullable String evaluation) {
      this.evaluation = evaluation;
      return this;
    }

    /** Sets the directory of data the solutions read; it must exist when {@link #build} runs. */
    public Builder dataDir(@Nullable Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Fixes whether a larger or smaller metric is better, overriding the reviewer. */
    public Builder direction(@Nullable Direction direction) {
      this.direction = direction;
      return this;
    }

    /** Sets code that the search runs first and then improves, instead of drafting from nothing. */
    public Builder startingSolution(@Nullable String code) {
      this.startingSolution = code;
      return this;
    }

    /** Sets the longest one execution may run; positive. Default {@link #DEFAULT_TIMEOUT}. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets extra instructions for the coder; blank counts as unset. */
    public Builder instructions(@Nullable String instructions) {
      this.instructions = instructions;
      return this;
    }

    /** Sets the language solutions are written in. Default {@link Language#PYTHON}. */
    public Builder language(Language language) {
      this.language = Objects.requireNonNull(language, "language");
      return this;
    }

    /**
     * Reads the metric from the run's output instead of taking the reviewer's, e.g. {@code
     * MetricReader.line("metric")}. The reviewer still judges whether the run is buggy.
     */
    public Builder metricReader(@Nullable MetricReader metricReader) {
      this.metricReader = metricReader;
      return this;
    }

    /**
     * Names the file every run must write in {@code ./working}, e.g. {@code "submission.csv"}; a
     * run that exits cleanly without it is buggy. A path relative to {@code ./working} with {@code
     * /} between folders; blank counts as unset.
     */
    public Builder expectedOutput(@Nullable String fileName) {
      this.expectedOutput = fileName;
      return this;
    }

    /**
     * Keeps part of the labelled data out of the programs' sight and scores each run's predictions
     * for it: the node's metric is that score, and the metric fixes the direction and the expected
     * output (the holdout's submission file). Needs a {@link #dataDir}. Null removes it.
     */
    public Builder holdout(@Nullable Holdout holdout) {
      this.holdout = holdout;
      return this;
    }

    /**
     * Scores each run from its output files with the harness's own code: the node's metric is that
     * score, and the program's printed metric is kept beside it. Needs a {@link #direction}. Null
     * removes it.
     */
    public Builder scorer(@Nullable Scorer scorer) {
      this.scorer = scorer;
      return this;
    }

    /**
     * Makes solutions patches over {@code repository}'s base tree, built, gated and measured by its
     * commands; the metric is read from the evaluation's output by the {@link #metricReader}, or
     * given by the {@link #scorer}, one of which is then required. Null removes it.
     */
    public Builder repository(@Nullable Repository repository) {
      this.repository = repository;
      return this;
    }

    /**
     * Returns the task, with the data directory made absolute. The builder is left as it was.
     *
     * @throws IllegalArgumentException if the goal is missing or blank, the data directory does not
     *     exist or is not a directory, the timeout is not positive, the starting solution is blank,
     *     the expected output is not a path inside {@code ./working}, or the holdout or scorer does
     *     not fit the rest (both set, a holdout without data, a direction or expected output other
     *     than the holdout's, a scorer without a direction), or a repository task has a starting
     *     solution, a holdout, or neither a metric reader nor a scorer
     */
    public Task build() {
      String g = goal;
      if (g == null || g.isBlank()) {
        throw new IllegalArgumentException(
            "goal is required: call Task.builder().goal(\"what the solution should do\")");
      }
      Path data = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
      if (data != null) {
        if (!Files.exists(data)) {
          throw new IllegalArgumentException("dataDir does not exist: " + data);
        }
        if (!Files.isDirectory(data)) {
          throw new IllegalArgumentException("dataDir is not a directory: " + data);
        }
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      if (startingSolution != null && startingSolution.isBlank()) {
        throw new IllegalArgumentException(
            "startingSolution is blank: pass the code to improve, or null to draft from scratch");
      }
      String expected = relativeToWorking(blankToNull(expectedOutput));
      Direction dir = direction;
      if (holdout != null) {
        if (scorer != null) {
          throw new IllegalArgumentException(
              "a task has a holdout or a scorer, not both: a holdout scores its rows with its"
                  + " metric (a ScoreMetric of your own fits there)");
        }
        if (data == null) {
          throw new IllegalArgumentException(
              "a holdout needs the task's dataDir: the labelled training file is read from it");
        }
        Direction metricDirection = holdout.metric().direction();
        if (dir != null && dir != metricDirection) {
          throw new IllegalArgumentException(
              "direction is "
                  + dir
                  + " but the holdout's metric "
                  + holdout.metric().name()
                  + " is "
                  + metricDirection
                  + "; leave the direction unset, it follows from the metric");
        }
        dir = metricDirection;
        String submission = relativeToWorking(holdout.submission());
        if (expected != null && !expected.equals(submission)) {
          throw new IllegalArgumentException(
              "expectedOutput is "
                  + expected
                  + " but the holdout reads its predictions from "
                  + submission
                  + "; set one file, e.g. Holdout.builder(...).submission(\""
                  + expected
                  + "\")");
        }
        expected = submission;
      }
      if (repository != null) {
        if (startingSolution != null) {
          throw new IllegalArgumentException(
              "a repository task starts from its base tree: leave startingSolution unset");
        }
        if (holdout != null) {
          throw new IllegalArgumentException(
              "a repository task cannot have a holdout yet: give a scorer, or a metric reader of"
                  + " the evaluation's output");
        }
        if (metricReader == null && scorer == null) {
          throw new IllegalArgumentException(
              "a repository task needs to know where its metric is: a metricReader of the"
                  + " evaluation's output, e.g. MetricReader.line(\"time_ms\"), or a scorer");
        }
      }
      if (scorer != null && dir == null) {
        throw new IllegalArgumentException(
            "a task with a scorer needs a direction: Task.builder().direction(Direction.MAXIMIZE)"
                + " or MINIMIZE, whichever is better for its scores");
      }
      return new Task(
          g,
          blankToNull(evaluation),
          data,
          dir,
          startingSolution,
          timeout,
          blankToNull(instructions),
          language,
          metricReader,
          expected,
          holdout,
          scorer,
          repository);
    }

    /** Returns {@code name} without a leading {@code ./} or {@code working/}, or throws. */
    private static @Nullable String relativeToWorking(@Nullable String name) {
      if (name == null) return null;
      String path = name.strip().replace('\\', '/');
      while (path.startsWith("./")) path = path.substring(2);
      if (path.startsWith("working/")) path = path.substring("working/".length());
      boolean escapes = false;
      for (String part : path.split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) escapes = true;
      }
      if (name.strip().startsWith("/") || escapes) {
        throw new IllegalArgumentException(
            "expectedOutput must name a file inside ./working, such as submission.csv or"
                + " preds/test.csv, was \""
                + name
                + "\"");
      }
      return path;
    }

    private static @Nullable String blankToNull(@Nullable String text) {
      return text == null || text.isBlank() ? null : text;
    }
  }
}
