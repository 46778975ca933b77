package dev.aide.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The best node run once more at the end of a search, and whether its metric came back: a check
 * that its score is not luck or a side effect of its first run. See {@link
 * Aide.Builder#reproduceBest(double)}.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param nodeId the node run again
 * @param metric its metric in the search
 * @param rerunMetric the metric of the new run; null when it failed or gave none
 * @param tolerance the largest difference between the two that counts as reproduced
 * @param failure why the new run gave no metric; null when it gave one
 */
public record Reproduction(
    int nodeId,
    double metric,
    @Nullable Double rerunMetric,
    double tolerance,
    @Nullable String failure) {
  public Reproduction {
    if (tolerance < 0 || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be a number >= 0, was " + tolerance);
    }
    if ((rerunMetric == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of rerunMetric and failure is set");
    }
  }

  /** Whether the new run's metric is within {@link #tolerance()} of the search's. */
  public boolean reproduced() {
    return rerunMetric != null && Math.abs(rerunMetric - metric) <= tolerance;
  }

  /** One line for logs and reports, e.g. {@code node 7: 0.91 again 0.905 (reproduced, ±0.01)}. */
  public String describe() {
    return "node "
        + nodeId
        + ": "
        + metric
        + (rerunMetric == null
            ? ", the new run failed: " + Objects.requireNonNull(failure)
            : " again "
                + rerunMetric
                + (reproduced() ? " (reproduced" : " (NOT reproduced")
                + ", tolerance "
                + tolerance
                + ")");
  }
}
