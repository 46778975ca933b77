package dev.aide.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A node's score: a finite value and the direction in which it is better, or the worst value that
 * every buggy node carries.
 *
 * <p>Metrics order by "better": {@link #compareTo} returns a positive number when this metric is
 * better than the other. The worst value ranks below every real value. Two metrics with different
 * directions cannot be compared.
 *
 * <p>Instances are immutable and safe to share.
 */
public final class Metric implements Comparable<Metric> {
  private static final Metric WORST_MAXIMIZE = new Metric(Double.NaN, Direction.MAXIMIZE, true);
  private static final Metric WORST_MINIMIZE = new Metric(Double.NaN, Direction.MINIMIZE, true);

  private final double value;
  private final Direction direction;
  private final boolean worst;

  private Metric(double value, Direction direction, boolean worst) {
    this.value = value;
    this.direction = direction;
    this.worst = worst;
  }

  /**
   * Returns a metric with a real value.
   *
   * @throws IllegalArgumentException if {@code value} is NaN or infinite
   */
  public static Metric of(double value, Direction direction) {
    Objects.requireNonNull(direction, "direction");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite, was " + value);
    }
    return new Metric(value == 0 ? 0.0 : value, direction, false); // -0.0 ties with 0.0
  }

  /** Returns the worst metric for {@code direction}: the one buggy nodes carry. */
  public static Metric worst(Direction direction) {
    return Objects.requireNonNull(direction, "direction") == Direction.MAXIMIZE
        ? WORST_MAXIMIZE
        : WORST_MINIMIZE;
  }

  /** True for the worst metric, which has no value. */
  public boolean isWorst() {
    return worst;
  }

  /**
   * Returns the value.
   *
   * @throws IllegalStateException if this is the worst metric, which has none
   */
  public double value() {
    if (worst) throw new IllegalStateException("the worst metric has no value");
    return value;
  }

  public Direction direction() {
    return direction;
  }

  /**
   * Returns true if this metric is strictly better than {@code other}.
   *
   * @throws IllegalArgumentException if the two have different directions
   */
  public boolean isBetterThan(Metric other) {
    return compareTo(other) > 0;
  }

  /**
   * Compares by "better": positive when this metric is better than {@code other}, zero when they
   * are equally good, negative when worse.
   *
   * @throws IllegalArgumentException if the two have different directions
   */
  @Override
  public int compareTo(Metric other) {
    if (direction != other.direction) {
      throw new IllegalArgumentException(
          "cannot compare a metric to " + direction + " with one to " + other.direction);
    }
    if (worst || other.worst) {
      return Boolean.compare(other.worst, worst);
    }
    int byValue = Double.compare(value, other.value);
    return direction == Direction.MAXIMIZE ? byValue : -byValue;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Metric)) return false;
    Metric that = (Metric) o;
    return worst == that.worst
        && direction == that.direction
        && (worst || Double.compare(value, that.value) == 0);
  }

  @Override
  public int hashCode() {
    return worst ? direction.hashCode() : Objects.hash(value, direction);
  }

  @Override
  public String toString() {
    String arrow = direction == Direction.MAXIMIZE ? "↑" : "↓";
    return worst ? "worst" + arrow : value + arrow;
  }
}
