package dev.aide.core.score;

import dev.aide.core.Direction;
import java.util.List;

/**
 * A metric computed by the harness from the true values of some rows and a solution's predictions
 * for the same rows, in the same order, both as the text a CSV file holds.
 *
 * <p>The built-ins come from {@link ScoreMetrics}, by factory method or by name:
 *
 * <pre>{@code
 * ScoreMetric rmsle = ScoreMetrics.named("rmsle");
 * double value = rmsle.score(List.of("3", "5"), List.of("2.5", "5.0"));
 * boolean lowerIsBetter = rmsle.direction() == Direction.MINIMIZE;
 * }</pre>
 *
 * <p>A user's own metric implements this interface; {@link #checkTruth} may then stay as it is. The
 * built-ins are immutable and safe to share between threads; an implementation of a user's should
 * be too, since the harness may score several nodes at once.
 */
public interface ScoreMetric {
  /** What a metric expects each prediction to be. */
  enum Prediction {
    /** A class label, compared with the true label as text (numbers compare by value). */
    LABEL,
    /** A number on the target's scale. */
    NUMBER,
    /** The probability (or, for ROC AUC, any score) that the row belongs to the positive class. */
    PROBABILITY
  }

  /** The metric's name, as {@link ScoreMetrics#named} accepts it, e.g. {@code "rmsle"}. */
  String name();

  /** Whether a higher or a lower value is better. */
  Direction direction();

  /** What each prediction must be. */
  Prediction prediction();

  /**
   * Scores {@code predicted} against {@code truth}; element {@code i} of each is row {@code i}.
   *
   * @throws ScoreInputException if the two differ in length or are empty, if a value is blank or
   *     not of the kind the metric needs, or if the true labels do not fit the metric
   */
  double score(List<String> truth, List<String> predicted);

  /**
   * Checks that {@code truth} can be scored by this metric at all, before any prediction exists:
   * for example that a target is binary for ROC AUC, or numeric for RMSE. The default accepts any
   * non-empty list.
   *
   * @throws ScoreInputException naming the problem and, where one row is at fault, the row
   */
  default void checkTruth(List<String> truth) {
    if (truth.isEmpty()) throw new ScoreInputException("no rows to score: truth is empty");
  }
}
