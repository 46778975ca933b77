package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MetricTest {
  @Test
  void largerIsBetterWhenMaximizing() {
    Metric high = Metric.of(0.9, Direction.MAXIMIZE);
    Metric low = Metric.of(0.1, Direction.MAXIMIZE);

    assertThat(high.compareTo(low)).isPositive();
    assertThat(low.compareTo(high)).isNegative();
    assertThat(high.isBetterThan(low)).isTrue();
    assertThat(low.isBetterThan(high)).isFalse();
  }

  @Test
  void smallerIsBetterWhenMinimizing() {
    Metric high = Metric.of(0.9, Direction.MINIMIZE);
    Metric low = Metric.of(0.1, Direction.MINIMIZE);

    assertThat(low.compareTo(high)).isPositive();
    assertThat(high.compareTo(low)).isNegative();
    assertThat(low.isBetterThan(high)).isTrue();
    assertThat(high.isBetterThan(low)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void equalValuesAreEquallyGoodAndNeitherIsBetter(Direction direction) {
    Metric a = Metric.of(0.5, direction);
    Metric b = Metric.of(0.5, direction);

    assertThat(a.compareTo(b)).isZero();
    assertThat(a.isBetterThan(b)).isFalse();
    assertThat(b.isBetterThan(a)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void worstRanksBelowEveryRealValue(Direction direction) {
    Metric worst = Metric.worst(direction);

    for (double value :
        new double[] {-Double.MAX_VALUE, -1, 0, 1, Double.MAX_VALUE, Double.MIN_VALUE}) {
      Metric real = Metric.of(value, direction);
      assertThat(real.compareTo(worst)).as("%s vs worst", real).isPositive();
      assertThat(worst.compareTo(real)).as("worst vs %s", real).isNegative();
      assertThat(real.isBetterThan(worst)).isTrue();
      assertThat(worst.isBetterThan(real)).isFalse();
    }
    assertThat(worst.compareTo(Metric.worst(direction))).isZero();
    assertThat(worst.isBetterThan(Metric.worst(direction))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void sortingOrdersFromWorstToBest(Direction direction) {
    List<Metric> metrics =
        new ArrayList<>(
            List.of(
                Metric.of(2, direction),
                Metric.worst(direction),
                Metric.of(-3, direction),
                Metric.of(7, direction)));

    Collections.sort(metrics);

    if (direction == Direction.MAXIMIZE) {
      assertThat(metrics)
          .containsExactly(
              Metric.worst(direction),
              Metric.of(-3, direction),
              Metric.of(2, direction),
              Metric.of(7, direction));
    } else {
      assertThat(metrics)
          .containsExactly(
              Metric.worst(direction),
              Metric.of(7, direction),
              Metric.of(2, direction),
              Metric.of(-3, direction));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void rejectsValuesThatAreNotFinite(double value) {
    for (Direction direction : Direction.values()) {
      assertThatThrownBy(() -> Metric.of(value, direction))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("finite");
    }
  }

  @Test
  void rejectsComparingMetricsOfDifferentDirections() {
    Metric max = Metric.of(1, Direction.MAXIMIZE);
    Metric min = Metric.of(1, Direction.MINIMIZE);

    assertThatThrownBy(() -> max.compareTo(min)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> min.isBetterThan(max)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> max.compareTo(Metric.worst(Direction.MINIMIZE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metric.worst(Direction.MAXIMIZE).compareTo(min))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Metric.worst(Direction.MAXIMIZE).compareTo(Metric.worst(Direction.MINIMIZE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void worstHasNoValue(Direction direction) {
    Metric worst = Metric.worst(direction);

    assertThat(worst.isWorst()).isTrue();
    assertThat(worst.direction()).isEqualTo(direction);
    assertThatThrownBy(worst::value).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void realMetricKeepsItsValueAndDirection() {
    Metric metric = Metric.of(-0.25, Direction.MINIMIZE);

    assertThat(metric.isWorst()).isFalse();
    assertThat(metric.value()).isEqualTo(-0.25);
    assertThat(metric.direction()).isEqualTo(Direction.MINIMIZE);
  }

  @Test
  void equalMetricsHaveEqualHashCodes() {
    assertThat(Metric.of(0.5, Direction.MAXIMIZE))
        .isEqualTo(Metric.of(0.5, Direction.MAXIMIZE))
        .hasSameHashCodeAs(Metric.of(0.5, Direction.MAXIMIZE));
    assertThat(Metric.worst(Direction.MINIMIZE))
        .isEqualTo(Metric.worst(Direction.MINIMIZE))
        .hasSameHashCodeAs(Metric.worst(Direction.MINIMIZE));
  }

  @Test
  void metricsDifferingInValueDirectionOrWorstnessAreNotEqual() {
    Metric metric = Metric.of(0.5, Direction.MAXIMIZE);

    assertThat(metric).isNotEqualTo(Metric.of(0.6, Direction.MAXIMIZE));
    assertThat(metric).isNotEqualTo(Metric.of(0.5, Direction.MINIMIZE));
    assertThat(metric).isNotEqualTo(Metric.worst(Direction.MAXIMIZE));
    assertThat(Metric.worst(Direction.MAXIMIZE)).isNotEqualTo(Metric.worst(Direction.MINIMIZE));
    assertThat(metric).isNotEqualTo("0.5");
  }

  @Test
  void directionFollowsTheReviewersLowerIsBetterAnswer() {
    assertThat(Direction.fromLowerIsBetter(true)).isEqualTo(Direction.MINIMIZE);
    assertThat(Direction.fromLowerIsBetter(false)).isEqualTo(Direction.MAXIMIZE);
  }

  @Test
  void negativeZeroTiesWithZero() {
    Metric zero = Metric.of(0.0, Direction.MAXIMIZE);
    Metric negativeZero = Metric.of(-0.0, Direction.MAXIMIZE);

    assertThat(zero.compareTo(negativeZero)).isZero();
    assertThat(zero).isEqualTo(negativeZero).hasSameHashCodeAs(negativeZero);
  }
}
