package dev.aide.core.score;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Parsing and checking of the text values that metrics score. */
final class Values {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** How many distinct labels an error message shows. */
  private static final int SHOWN_LABELS = 5;

  private Values() {}

  /** Checks that truth and predictions are non-null, non-empty and of one length. */
  static void checkRows(List<String> truth, List<String> predicted) {
    Objects.requireNonNull(truth, "truth");
    Objects.requireNonNull(predicted, "predicted");
    if (truth.isEmpty() && predicted.isEmpty()) {
      throw new ScoreInputException("no rows to score: truth and predictions are empty");
    }
    if (truth.size() != predicted.size()) {
      throw new ScoreInputException(
          "truth has "
              + truth.size()
              + " rows but there are "
              + predicted.size()
              + " predictions; predict exactly one value per row");
    }
  }

  static void checkNotEmpty(List<String> truth) {
    Objects.requireNonNull(truth, "truth");
    if (truth.isEmpty()) throw new ScoreInputException("no rows to score: truth is empty");
  }

  /** Returns value {@code i} of {@code values}, trimmed; throws if it is null or blank. */
  static String present(List<String> values, int i, String what) {
    String value = values.get(i);
    if (value == null || value.isBlank()) {
      throw new ScoreInputException(
          what + " " + (i + 1) + " of " + values.size() + " is missing (blank)", i);
    }
    return value.trim();
  }

  /** Parses every value as a finite decimal number. */
  static double[] numbers(List<String> values, String what) {
    double[] numbers = new double[values.size()];
    for (int i = 0; i < numbers.length; i++) {
      String value = present(values, i, what);
      double number = NUMBER.matcher(value).matches() ? Double.parseDouble(value) : Double.NaN;
      if (!Double.isFinite(number)) {
        throw new ScoreInputException(
            what + " " + (i + 1) + " of " + values.size() + " is not a number: '" + value + "'", i);
      }
      numbers[i] = number;
    }
    return numbers;
  }

  /** Parses every value as a probability in [0, 1]. */
  static double[] probabilities(List<String> values, String what) {
    double[] numbers = numbers(values, what);
    for (int i = 0; i < numbers.length; i++) {
      if (numbers[i] < 0 || numbers[i] > 1) {
        throw new ScoreInputException(
            what
                + " "
                + (i + 1)
                + " of "
                + values.size()
                + " is "
                + values.get(i).trim()
                + ", not a probability between 0 and 1",
            i);
      }
    }
    return numbers;
  }

  /**
   * Returns every value as a label: trimmed, and numbers written the same way whatever their
   * spelling, so that "1", "1.0" and "1e0" are one label.
   */
  static List<String> labels(List<String> values, String what) {
    List<String> labels = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      labels.add(label(present(values, i, what)));
    }
    return labels;
  }

  static String label(String value) {
    String trimmed = value.trim();
    if (NUMBER.matcher(trimmed).matches()) {
      double number = Double.parseDouble(trimmed);
      if (Double.isFinite(number)) {
        return BigDecimal.valueOf(number == 0 ? 0.0 : number).stripTrailingZeros().toPlainString();
      }
    }
    return trimmed;
  }

  /** The distinct labels in order of first appearance. */
  static Set<String> distinct(List<String> labels) {
    return new LinkedHashSet<>(labels);
  }

  /** Up to a few labels, quoted, for a message: {@code 'B', 'M'} or {@code 'a', 'b', ... (57)}. */
  static String show(Set<String> labels) {
    String shown =
        labels.stream()
            .limit(SHOWN_LABELS)
            .map(l -> "'" + l + "'")
            .collect(Collectors.joining(", "));
    return labels.size() > SHOWN_LABELS ? shown + ", ... (" + labels.size() + " in all)" : shown;
  }

  /** The {@link ScoreMetrics} method that makes {@code metric} with a named positive label. */
  private static String factory(String metric) {
    switch (metric) {
      case "log_loss":
        return "logLoss";
      case "roc_auc":
        return "rocAuc";
      default:
        return metric;
    }
  }

  /**
   * Returns the positive label of binary truth: {@code positive} when given, else 1 of 0/1 or true
   * of true/false.
   *
   * @param allowSingleClass whether truth may hold one class only
   */
  static String positiveLabel(
      List<String> truth, String positive, boolean allowSingleClass, String metric) {
    Set<String> classes = distinct(truth);
    if (classes.size() > 2) {
      throw new ScoreInputException(
          metric
              + " needs a binary target, but truth has "
              + classes.size()
              + " distinct values ("
              + show(classes)
              + "); use a metric for several classes or for numbers, such as accuracy or rmse");
    }
    String chosen;
    if (positive != null) {
      chosen = label(positive);
      Set<String> allowed = new LinkedHashSet<>(classes);
      allowed.add(chosen);
      if (allowed.size() > 2) {
        throw new ScoreInputException(
            metric
                + "'s positive label '"
                + chosen
                + "' is not among the true labels "
                + show(classes));
      }
    } else {
      Set<String> lower = new LinkedHashSet<>();
      classes.forEach(c -> lower.add(c.toLowerCase(Locale.ROOT)));
      if (Set.of("0", "1").containsAll(lower)) {
        chosen = "1";
      } else if (Set.of("false", "true").containsAll(lower)) {
        chosen =
            classes.stream().filter(c -> c.equalsIgnoreCase("true")).findFirst().orElse("true");
      } else {
        throw new ScoreInputException(
            metric
                + " needs the labels 0 and 1 (or true and false), but truth has "
                + show(classes)
                + "; name the positive class, e.g. ScoreMetrics."
                + factory(metric)
                + "(\""
                + classes.iterator().next()
                + "\")");
      }
    }
    if (!allowSingleClass && classes.size() < 2) {
      throw new ScoreInputException(
          metric
              + " is undefined when truth holds a single class ("
              + show(classes)
              + "): it needs both positive and negative rows");
    }
    return chosen;
  }
}
