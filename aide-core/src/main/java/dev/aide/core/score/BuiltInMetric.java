package dev.aide.core.score;

import dev.aide.core.Direction;
import java.util.List;

/** A built-in metric: a name, a direction and a formula with its check of the true values. */
final class BuiltInMetric implements ScoreMetric {
  interface Formula {
    double apply(List<String> truth, List<String> predicted);
  }

  interface TruthCheck {
    void check(List<String> truth);
  }

  private final String name;
  private final Direction direction;
  private final Prediction prediction;
  private final TruthCheck truthCheck;
  private final Formula formula;

  BuiltInMetric(
      String name,
      Direction direction,
      Prediction prediction,
      TruthCheck truthCheck,
      Formula formula) {
    this.name = name;
    this.direction = direction;
    this.prediction = prediction;
    this.truthCheck = truthCheck;
    this.formula = formula;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public Prediction prediction() {
    return prediction;
  }

  @Override
  public double score(List<String> truth, List<String> predicted) {
    Values.checkRows(truth, predicted);
    return formula.apply(truth, predicted);
  }

  @Override
  public void checkTruth(List<String> truth) {
    Values.checkNotEmpty(truth);
    truthCheck.check(truth);
  }

  @Override
  public String toString() {
    return name;
  }
}
