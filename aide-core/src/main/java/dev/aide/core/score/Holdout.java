package dev.aide.core.score;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A part of a task's labelled rows that the harness keeps to score solutions itself.
 *
 * <p>Before the search, the harness puts a seeded {@linkplain #fraction() fraction} of the training
 * file's rows aside. The programs read the training file without them, and find those rows, without
 * their labels, among the test file's rows (or, when the data has no test file, as a test file of
 * their own). A run writes its predictions for every test row to the {@linkplain #submission()
 * submission file}; the harness scores the rows it kept with the {@linkplain #metric() metric}, and
 * that score is the node's metric. The labels never enter a run's workspace.
 *
 * <pre>{@code
 * Holdout holdout = Holdout.builder("SalePrice", ScoreMetrics.rmsle())
 *     .id("Id")
 *     .fraction(0.2)
 *     .build();
 * Task task = Task.builder()
 *     .goal("Predict the sale price of each house in test.csv")
 *     .dataDir(Path.of("data/house-prices"))
 *     .holdout(holdout)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 */
public final class Holdout {
  /** The fraction of the labelled rows kept when none is set: 0.2. */
  public static final double DEFAULT_FRACTION = 0.2;

  /** The seed of the split when none is set, so that runs on the same data share a split. */
  public static final long DEFAULT_SEED = 0;

  /** The submission file when none is set, in {@code ./working}. */
  public static final String DEFAULT_SUBMISSION = "submission.csv";

  private final String target;
  private final @Nullable String id;
  private final ScoreMetric metric;
  private final double fraction;
  private final long seed;
  private final @Nullable String trainFile;
  private final @Nullable String testFile;
  private final String submission;

  private Holdout(Builder builder) {
    this.target = builder.target;
    this.id = builder.id;
    this.metric = builder.metric;
    this.fraction = builder.fraction;
    this.seed = builder.seed;
    this.trainFile = builder.trainFile;
    this.testFile = builder.testFile;
    this.submission = builder.submission;
  }

  /**
   * Returns a builder for a holdout of the column {@code target}, scored with {@code metric}.
   *
   * @throws IllegalArgumentException if {@code target} is blank
   */
  public static Builder builder(String target, ScoreMetric metric) {
    return new Builder(target, metric);
  }

  /** The column to predict, in the training file; the submission's prediction column too. */
  public String target() {
    return target;
  }

  /**
   * The column that names each row in the test and submission files; null when rows are matched by
   * position (the submission's row {@code i} is the test file's row {@code i}).
   */
  public @Nullable String id() {
    return id;
  }

  /** How the kept rows are scored; it also fixes the search's direction. */
  public ScoreMetric metric() {
    return metric;
  }

  /** The fraction of the training file's rows kept, in (0, 1). */
  public double fraction() {
    return fraction;
  }

  /** The seed of the split: the same data and seed keep the same rows. */
  public long seed() {
    return seed;
  }

  /**
   * The training file, relative to the data directory; null to find it (the CSV file that has the
   * target column, preferring one whose name contains {@code train}).
   */
  public @Nullable String trainFile() {
    return trainFile;
  }

  /**
   * The test file, relative to the data directory; null to find it (the CSV file next to the
   * training file whose name contains {@code test}; when there is none, the kept rows form a new
   * {@code test.csv}).
   */
  public @Nullable String testFile() {
    return testFile;
  }

  /** The file, relative to {@code ./working}, that each run writes its predictions to. */
  public String submission() {
    return submission;
  }

  /**
   * The settings as one line, e.g. {@code target=SalePrice id=Id metric=rmsle fraction=0.2 seed=0},
   * for logs and reports.
   */
  @Override
  public String toString() {
    return "target="
        + target
        + (id == null ? "" : " id=" + id)
        + " metric="
        + metric.name()
        + " fraction="
        + fraction
        + " seed="
        + seed
        + (trainFile == null ? "" : " train=" + trainFile)
        + (testFile == null ? "" : " test=" + testFile)
        + " submission="
        + submission;
  }

  /** Builds a {@link Holdout}. Not safe for use by several threads at once. */
  public static final class Builder {
    private final String target;
    private final ScoreMetric metric;
    private @Nullable String id;
    private double fraction = DEFAULT_FRACTION;
    private long seed = DEFAULT_SEED;
    private @Nullable String trainFile;
    private @Nullable String testFile;
    private String submission = DEFAULT_SUBMISSION;

    private Builder(String target, ScoreMetric metric) {
      Objects.requireNonNull(target, "target");
      if (target.isBlank()) throw new IllegalArgumentException("target column name is blank");
      this.target = target.strip();
      this.metric = Objects.requireNonNull(metric, "metric");
    }

    /** Sets the id column; null or blank matches rows by position. */
    public Builder id(@Nullable String id) {
      this.id = id == null || id.isBlank() ? null : id.strip();
      return this;
    }

    /**
     * Sets the fraction of rows kept. Default {@link #DEFAULT_FRACTION}.
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction < 1}
     */
    public Builder fraction(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException(
            "holdout fraction must be between 0 and 1 (e.g. 0.2), was " + fraction);
      }
      this.fraction = fraction;
      return this;
    }

    /** Sets the seed of the split. Default {@link #DEFAULT_SEED}. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Names the training file, relative to the data directory; null finds it. */
    public Builder trainFile(@Nullable String trainFile) {
      this.trainFile = blankToNull(trainFile);
      return this;
    }

    /** Names the test file, relative to the data directory; null finds it. */
    public Builder testFile(@Nullable String testFile) {
      this.testFile = blankToNull(testFile);
      return this;
    }

    /** Names the submission file in {@code ./working}. Default {@link #DEFAULT_SUBMISSION}. */
    public Builder submission(String submission) {
      Objects.requireNonNull(submission, "submission");
      if (submission.isBlank()) throw new IllegalArgumentException("submission file is blank");
      this.submission = submission.strip();
      return this;
    }

    public Holdout build() {
      return new Holdout(this);
    }

    private static @Nullable String blankToNull(@Nullable String text) {
      return text == null || text.isBlank() ? null : text.strip();
    }
  }
}
