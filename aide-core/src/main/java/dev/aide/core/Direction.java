package dev.aide.core;

/** Whether a larger or a smaller metric value is better. */
public enum Direction {
  /** Larger is better, as for accuracy or AUC. */
  MAXIMIZE,
  /** Smaller is better, as for RMSE, log loss or run time. */
  MINIMIZE;

  /** Returns the direction for a reviewer's {@code lower_is_better} answer. */
  public static Direction fromLowerIsBetter(boolean lowerIsBetter) {
    return lowerIsBetter ? MINIMIZE : MAXIMIZE;
  }
}
