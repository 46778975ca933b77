package dev.aide.core.score;

import dev.aide.core.Direction;
import dev.aide.core.score.ScoreMetric.Prediction;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The built-in metrics, by factory method or by {@link #named name}. Each is computed in Java; the
 * formulas follow scikit-learn's, and each method's Javadoc gives its formula. In the formulas, row
 * {@code i} of {@code n} has true value {@code y_i} and prediction {@code p_i}.
 *
 * <p>Labels compare as trimmed text, except that numbers compare by value ({@code "1"}, {@code
 * "1.0"} and {@code "1e0"} are one label). Numbers are plain decimals ({@code 12}, {@code -0.5},
 * {@code 1e-3}); NaN and infinities are rejected. Every metric rejects lists of different length,
 * empty lists and blank values with a {@link ScoreInputException} that names the row.
 *
 * <p>This class has only static methods; the metrics it returns are immutable and safe to share.
 */
public final class ScoreMetrics {
  /**
   * The smallest probability log loss uses: predictions are clipped to {@code [EPSILON, 1 -
   * EPSILON]}, so that a confident wrong answer costs {@code -ln(1e-15) ≈ 34.54}, not infinity.
   */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private static final String TRUTH = "true value";
  private static final String PREDICTION = "prediction";

  private static final Map<String, Supplier<ScoreMetric>> NAMED = builtIns();

  private static Map<String, Supplier<ScoreMetric>> builtIns() {
    Map<String, Supplier<ScoreMetric>> named = new LinkedHashMap<>();
    named.put("accuracy", ScoreMetrics::accuracy);
    named.put("balanced_accuracy", ScoreMetrics::balancedAccuracy);
    named.put("roc_auc", ScoreMetrics::rocAuc);
    named.put("log_loss", ScoreMetrics::logLoss);
    named.put("f1", ScoreMetrics::f1);
    named.put("f1_macro", ScoreMetrics::f1Macro);
    named.put("rmse", ScoreMetrics::rmse);
    named.put("rmsle", ScoreMetrics::rmsle);
    named.put("mae", ScoreMetrics::mae);
    named.put("r2", ScoreMetrics::r2);
    return Collections.unmodifiableMap(named);
  }

  private ScoreMetrics() {}

  /**
   * Returns the built-in metric called {@code name}: one of {@link #names()}, ignoring case, with
   * {@code -} accepted for {@code _} ({@code "ROC-AUC"} is {@code roc_auc}). The binary metrics
   * found by name take 1 (or true) as the positive class; for other labels use {@link
   * #rocAuc(String)}, {@link #logLoss(String)} or {@link #f1(String)}.
   *
   * @throws IllegalArgumentException if no built-in metric has that name; the message lists them
   */
  public static ScoreMetric named(String name) {
    Objects.requireNonNull(name, "name");
    String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    Supplier<ScoreMetric> metric = NAMED.get(key);
    if (metric == null) {
      throw new IllegalArgumentException(
          "unknown metric '" + name + "'; the built-in metrics are " + String.join(", ", names()));
    }
    return metric.get();
  }

  /** The names {@link #named} accepts, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(NAMED.keySet());
  }

  /**
   * Accuracy, the fraction of rows whose predicted label equals the true one: {@code (1/n) Σ [p_i =
   * y_i]}. Higher is better; 1 is perfect.
   */
  public static ScoreMetric accuracy() {
    return new BuiltInMetric(
        "accuracy",
        Direction.MAXIMIZE,
        Prediction.LABEL,
        truth -> Values.labels(truth, TRUTH),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          List<String> p = Values.labels(predicted, PREDICTION);
          int correct = 0;
          for (int i = 0; i < y.size(); i++) {
            if (y.get(i).equals(p.get(i))) correct++;
          }
          return (double) correct / y.size();
        });
  }

  /**
   * Balanced accuracy, the mean recall over the classes of the truth: {@code (1/|C|) Σ_c |{i : y_i
   * = c, p_i = c}| / |{i : y_i = c}|}, C the distinct true labels. A predicted label that is no
   * true class only counts as wrong. Higher is better; 1 is perfect, and always predicting one
   * class scores {@code 1/|C|}.
   */
  public static ScoreMetric balancedAccuracy() {
    return new BuiltInMetric(
        "balanced_accuracy",
        Direction.MAXIMIZE,
        Prediction.LABEL,
        truth -> Values.labels(truth, TRUTH),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          List<String> p = Values.labels(predicted, PREDICTION);
          Map<String, int[]> perClass = new LinkedHashMap<>(); // class -> {rows, correct}
          for (int i = 0; i < y.size(); i++) {
            int[] counts = perClass.computeIfAbsent(y.get(i), c -> new int[2]);
            counts[0]++;
            if (y.get(i).equals(p.get(i))) counts[1]++;
          }
          double sum = 0;
          for (int[] counts : perClass.values()) sum += (double) counts[1] / counts[0];
          return sum / perClass.size();
        });
  }

  /** ROC AUC with 1 (or true) as the positive class; see {@link #rocAuc(String)}. */
  public static ScoreMetric rocAuc() {
    return rocAuc(null, "roc_auc");
  }

  /**
   * The area under the ROC curve for a binary target, from a score per row (a probability of the
   * positive class or any number that orders the rows): the probability that a random positive row
   * scores above a random negative one, ties counting one half. Computed from ranks: {@code (R+ -
   * P(P+1)/2) / (P N)}, where P and N count the positive and negative rows and {@code R+} is the
   * sum of the positive rows' ranks among all scores, tied scores taking their average rank. Higher
   * is better; 1 is perfect, 0.5 is chance, 0 is perfectly reversed.
   *
   * @param positiveLabel the true label of the positive class; the other label is negative
   * @throws ScoreInputException (when scoring) if the truth has more than two labels, one class
   *     only, or two of which neither is {@code positiveLabel}, or a score is not a number
   */
  public static ScoreMetric rocAuc(String positiveLabel) {
    return rocAuc(Objects.requireNonNull(positiveLabel, "positiveLabel"), "roc_auc");
  }

  private static ScoreMetric rocAuc(@Nullable String positiveLabel, String name) {
    return new BuiltInMetric(
        name,
        Direction.MAXIMIZE,
        Prediction.PROBABILITY,
        truth -> Values.positiveLabel(Values.labels(truth, TRUTH), positiveLabel, false, name),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          String positive = Values.positiveLabel(y, positiveLabel, false, name);
          double[] scores = Values.numbers(predicted, PREDICTION);
          double[] ranks = averageRanks(scores);
          long positives = 0;
          double rankSum = 0;
          for (int i = 0; i < y.size(); i++) {
            if (y.get(i).equals(positive)) {
              positives++;
              rankSum += ranks[i];
            }
          }
          long negatives = y.size() - positives;
          return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
        });
  }

  /** Ranks from 1, tied values sharing the average of the ranks they span. */
  private static double[] averageRanks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] ranks = new double[values.length];
    int start = 0;
    while (start < order.length) {
      int end = start;
      while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) end++;
      double rank = (start + end) / 2.0 + 1; // ranks start+1 .. end+1
      for (int k = start; k <= end; k++) ranks[order[k]] = rank;
      start = end + 1;
    }
    return ranks;
  }

  /** Binary log loss with 1 (or true) as the positive class; see {@link #logLoss(String)}. */
  public static ScoreMetric logLoss() {
    return logLoss(null, "log_loss");
  }

  /**
   * Binary log loss (cross-entropy) from the predicted probability {@code p_i} of the positive
   * class: {@code -(1/n) Σ ln q_i}, where {@code q_i} is the probability given to row i's true
   * class ({@code p_i} for a positive row, {@code 1 - p_i} for a negative one) clipped to {@code
   * [LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON]}; unclipped, this is {@code -(1/n) Σ [y_i ln p_i + (1
   * - y_i) ln(1 - p_i)]}. Lower is better; 0 is perfect, always predicting 0.5 scores {@code ln 2}.
   * For more than two classes see {@link #multiClassLogLoss}.
   *
   * @param positiveLabel the true label of the positive class; the other label is negative
   * @throws ScoreInputException (when scoring) if the truth has more than two labels or a
   *     prediction is not a probability between 0 and 1
   */
  public static ScoreMetric logLoss(String positiveLabel) {
    return logLoss(Objects.requireNonNull(positiveLabel, "positiveLabel"), "log_loss");
  }

  private static ScoreMetric logLoss(@Nullable String positiveLabel, String name) {
    return new BuiltInMetric(
        name,
        Direction.MINIMIZE,
        Prediction.PROBABILITY,
        truth -> Values.positiveLabel(Values.labels(truth, TRUTH), positiveLabel, true, name),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          String positive = Values.positiveLabel(y, positiveLabel, true, name);
          double[] q = Values.probabilities(predicted, PREDICTION);
          double sum = 0;
          for (int i = 0; i < q.length; i++) {
            sum += Math.log(clip(y.get(i).equals(positive) ? q[i] : 1 - q[i]));
          }
          return -sum / q.length;
        });
  }

  private static double clip(double p) {
    return Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
  }

  /**
   * Multi-class log loss from a probability per class and row: {@code -(1/n) Σ ln q_i(y_i)}, where
   * {@code q_i(c)} is row i's probability of class c, clipped to {@code [LOG_LOSS_EPSILON, 1 -
   * LOG_LOSS_EPSILON]} and then divided by the row's sum of clipped probabilities (as scikit-learn
   * does). Lower is better; 0 is perfect.
   *
   * @param truth the true label of each row
   * @param probabilities for each row, its probability of each class, keyed by class label (a
   *     submission's column names); every row must name the same classes
   * @throws ScoreInputException if the lists differ in length or are empty, a row names other
   *     classes than the first, a probability is missing or outside [0, 1], or a true label is not
   *     among the classes
   */
  public static double multiClassLogLoss(
      List<String> truth, List<Map<String, Double>> probabilities) {
    Objects.requireNonNull(truth, "truth");
    Objects.requireNonNull(probabilities, "probabilities");
    if (truth.isEmpty() && probabilities.isEmpty()) {
      throw new ScoreInputException("no rows to score: truth and predictions are empty");
    }
    if (truth.size() != probabilities.size()) {
      throw new ScoreInputException(
          "truth has "
              + truth.size()
              + " rows but there are "
              + probabilities.size()
              + " rows of probabilities; predict exactly one row per true value");
    }
    List<String> y = Values.labels(truth, TRUTH);
    Set<String> classes = null;
    double sum = 0;
    for (int i = 0; i < y.size(); i++) {
      Map<String, Double> row = probabilities.get(i);
      if (row == null || row.isEmpty()) {
        throw new ScoreInputException(
            "probabilities " + (i + 1) + " of " + y.size() + " are missing", i);
      }
      Map<String, Double> byClass = new HashMap<>();
      for (Map.Entry<String, Double> e : row.entrySet()) {
        String label = Values.label(Objects.requireNonNull(e.getKey(), "class label"));
        Double p = e.getValue();
        if (p == null || !(p >= 0 && p <= 1)) {
          throw new ScoreInputException(
              "probability of class '"
                  + label
                  + "' in row "
                  + (i + 1)
                  + " of "
                  + y.size()
                  + " is "
                  + p
                  + ", not a probability between 0 and 1",
              i);
        }
        if (byClass.put(label, p) != null) {
          throw new ScoreInputException(
              "row " + (i + 1) + " of " + y.size() + " names class '" + label + "' twice", i);
        }
      }
      if (classes == null) {
        classes = new LinkedHashSet<>(byClass.keySet());
      } else if (!classes.equals(byClass.keySet())) {
        throw new ScoreInputException(
            "row "
                + (i + 1)
                + " of "
                + y.size()
                + " has probabilities for "
                + Values.show(new LinkedHashSet<>(byClass.keySet()))
                + " but row 1 for "
                + Values.show(classes),
            i);
      }
      Double own = byClass.get(y.get(i));
      if (own == null) {
        throw new ScoreInputException(
            "true value "
                + (i + 1)
                + " of "
                + y.size()
                + " is '"
                + y.get(i)
                + "', which is none of the classes "
                + Values.show(classes),
            i);
      }
      double total = 0;
      for (double p : byClass.values()) total += clip(p);
      sum += Math.log(clip(own) / total);
    }
    return -sum / y.size();
  }

  /** Binary F1 with 1 (or true) as the positive class; see {@link #f1(String)}. */
  public static ScoreMetric f1() {
    return f1(null, "f1");
  }

  /**
   * Binary F1, the harmonic mean of precision and recall for the positive class: {@code 2TP / (2TP
   * + FP + FN)}, where TP counts rows true and predicted positive, FP rows predicted positive but
   * not, FN rows positive but not predicted so; 0 when there are none of them. Higher is better; 1
   * is perfect.
   *
   * @param positiveLabel the label of the positive class
   * @throws ScoreInputException (when scoring) if the truth has more than two labels or two that
   *     are not {@code positiveLabel} and one other
   */
  public static ScoreMetric f1(String positiveLabel) {
    return f1(Objects.requireNonNull(positiveLabel, "positiveLabel"), "f1");
  }

  private static ScoreMetric f1(@Nullable String positiveLabel, String name) {
    return new BuiltInMetric(
        name,
        Direction.MAXIMIZE,
        Prediction.LABEL,
        truth -> Values.positiveLabel(Values.labels(truth, TRUTH), positiveLabel, true, name),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          String positive = Values.positiveLabel(y, positiveLabel, true, name);
          return f1Of(positive, y, Values.labels(predicted, PREDICTION));
        });
  }

  private static double f1Of(String label, List<String> y, List<String> p) {
    int truePositives = 0;
    int errors = 0; // false positives + false negatives
    for (int i = 0; i < y.size(); i++) {
      boolean isLabel = y.get(i).equals(label);
      boolean saidLabel = p.get(i).equals(label);
      if (isLabel && saidLabel) truePositives++;
      else if (isLabel || saidLabel) errors++;
    }
    int denominator = 2 * truePositives + errors;
    return denominator == 0 ? 0 : 2.0 * truePositives / denominator;
  }

  /**
   * Macro F1, the unweighted mean of each label's F1 ({@code 2TP / (2TP + FP + FN)} with that label
   * as the positive class) over every label that is true or predicted in some row. Higher is
   * better; 1 is perfect.
   */
  public static ScoreMetric f1Macro() {
    return new BuiltInMetric(
        "f1_macro",
        Direction.MAXIMIZE,
        Prediction.LABEL,
        truth -> Values.labels(truth, TRUTH),
        (truth, predicted) -> {
          List<String> y = Values.labels(truth, TRUTH);
          List<String> p = Values.labels(predicted, PREDICTION);
          Set<String> labels = new LinkedHashSet<>(y);
          labels.addAll(p);
          double sum = 0;
          for (String label : labels) sum += f1Of(label, y, p);
          return sum / labels.size();
        });
  }

  /** Root mean squared error: {@code sqrt((1/n) Σ (p_i - y_i)²)}. Lower is better; 0 is perfect. */
  public static ScoreMetric rmse() {
    return new BuiltInMetric(
        "rmse",
        Direction.MINIMIZE,
        Prediction.NUMBER,
        truth -> Values.numbers(truth, TRUTH),
        (truth, predicted) -> {
          double[] y = Values.numbers(truth, TRUTH);
          double[] p = Values.numbers(predicted, PREDICTION);
          double sum = 0;
          for (int i = 0; i < y.length; i++) sum += (p[i] - y[i]) * (p[i] - y[i]);
          return Math.sqrt(sum / y.length);
        });
  }

  /**
   * Root mean squared logarithmic error: {@code sqrt((1/n) Σ (ln(1 + p_i) - ln(1 + y_i))²)}, for
   * targets such as prices where relative errors matter. Lower is better; 0 is perfect.
   *
   * @throws ScoreInputException (when scoring) if a true value or a prediction is negative
   */
  public static ScoreMetric rmsle() {
    return new BuiltInMetric(
        "rmsle",
        Direction.MINIMIZE,
        Prediction.NUMBER,
        truth -> nonNegative(truth, TRUTH),
        (truth, predicted) -> {
          double[] y = nonNegative(truth, TRUTH);
          double[] p = nonNegative(predicted, PREDICTION);
          double sum = 0;
          for (int i = 0; i < y.length; i++) {
            double d = Math.log1p(p[i]) - Math.log1p(y[i]);
            sum += d * d;
          }
          return Math.sqrt(sum / y.length);
        });
  }

  private static double[] nonNegative(List<String> values, String what) {
    double[] numbers = Values.numbers(values, what);
    for (int i = 0; i < numbers.length; i++) {
      if (numbers[i] < 0) {
        throw new ScoreInputException(
            "rmsle needs values of 0 or more, but "
                + what
                + " "
                + (i + 1)
                + " of "
                + numbers.length
                + " is "
                + values.get(i).trim()
                + (what.equals(PREDICTION) ? "; clip predictions at 0" : ""),
            i);
      }
    }
    return numbers;
  }

  /** Mean absolute error: {@code (1/n) Σ |p_i - y_i|}. Lower is better; 0 is perfect. */
  public static ScoreMetric mae() {
    return new BuiltInMetric(
        "mae",
        Direction.MINIMIZE,
        Prediction.NUMBER,
        truth -> Values.numbers(truth, TRUTH),
        (truth, predicted) -> {
          double[] y = Values.numbers(truth, TRUTH);
          double[] p = Values.numbers(predicted, PREDICTION);
          double sum = 0;
          for (int i = 0; i < y.length; i++) sum += Math.abs(p[i] - y[i]);
          return sum / y.length;
        });
  }

  /**
   * The coefficient of determination R²: {@code 1 - Σ (y_i - p_i)² / Σ (y_i - ȳ)²}, ȳ the mean true
   * value. Higher is better; 1 is perfect, predicting the mean scores 0, and worse predictions
   * score below 0 without bound. When every true value is the same the ratio is undefined: R² is
   * then 1 for perfect predictions and 0 otherwise (scikit-learn's choice).
   */
  public static ScoreMetric r2() {
    return new BuiltInMetric(
        "r2",
        Direction.MAXIMIZE,
        Prediction.NUMBER,
        truth -> Values.numbers(truth, TRUTH),
        (truth, predicted) -> {
          double[] y = Values.numbers(truth, TRUTH);
          double[] p = Values.numbers(predicted, PREDICTION);
          double mean = Arrays.stream(y).average().orElseThrow();
          double residual = 0;
          double total = 0;
          for (int i = 0; i < y.length; i++) {
            residual += (y[i] - p[i]) * (y[i] - p[i]);
            total += (y[i] - mean) * (y[i] - mean);
          }
          if (total == 0) return residual == 0 ? 1 : 0;
          return 1 - residual / total;
        });
  }
}
