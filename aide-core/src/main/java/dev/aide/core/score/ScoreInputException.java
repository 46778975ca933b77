package dev.aide.core.score;

import java.util.OptionalInt;

/**
 * Thrown when truth or predictions cannot be scored by a metric: the lists differ in length or are
 * empty, a value is missing or is not a number where one is needed, or the labels do not fit the
 * metric (ROC AUC on a continuous target, a single class). The message says what is wrong and,
 * where one row is at fault, names it; {@link #row()} gives that row's index so that a caller can
 * map it back to an id.
 *
 * <p>Instances are immutable and safe to share.
 */
public final class ScoreInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int row;

  ScoreInputException(String message) {
    this(message, -1);
  }

  ScoreInputException(String message, int row) {
    super(message);
    this.row = row;
  }

  /** The 0-based index of the row at fault, or empty when no single row is. */
  public OptionalInt row() {
    return row < 0 ? OptionalInt.empty() : OptionalInt.of(row);
  }
}
