package dev.aide.core;

import org.jspecify.annotations.Nullable;

/** A built-in {@link MetricReader}: equal to another reader with the same spec, shown as it. */
abstract class BuiltInMetricReader implements MetricReader {
  @Override
  public abstract String spec();

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MetricReader other && spec().equals(other.spec());
  }

  @Override
  public int hashCode() {
    return spec().hashCode();
  }

  @Override
  public String toString() {
    return spec();
  }
}
