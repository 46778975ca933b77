package dev.aide.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aide.core.Direction;
import dev.aide.core.score.ScoreMetric.Prediction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The built-in metrics match reference values. Unless a comment says "by hand", each expected value
 * was computed with scikit-learn 1.2.1 (Debian's python3) on the same rows, e.g. {@code
 * roc_auc_score([0,1,1,0,1,0,1,1], [0.1,0.4,0.35,0.8,0.7,0.2,0.9,0.6])}.
 */
class ScoreMetricsTest {
  private static final Offset<Double> EXACT = within(1e-12);

  private static final List<String> BINARY = strings("0 1 1 0 1 0 1 1");
  private static final List<String> SCORES = strings("0.1 0.4 0.35 0.8 0.7 0.2 0.9 0.6");

  private static List<String> strings(String spaced) {
    return Arrays.stream(spaced.split(" ")).collect(Collectors.toList());
  }

  private static double score(String metric, String truth, String predicted) {
    return ScoreMetrics.named(metric).score(strings(truth), strings(predicted));
  }

  // ---- classification from labels

  @Test
  void accuracyAndBinaryF1AndBalancedAccuracyMatchScikitLearn() {
    List<String> predicted = strings("0 1 0 0 1 1 1 0");

    assertThat(ScoreMetrics.accuracy().score(BINARY, predicted)).isCloseTo(0.625, EXACT);
    assertThat(ScoreMetrics.f1().score(BINARY, predicted)).isCloseTo(0.6666666666666665, EXACT);
    assertThat(ScoreMetrics.balancedAccuracy().score(BINARY, predicted))
        .isCloseTo(0.6333333333333333, EXACT);
  }

  @Test
  void multiClassLabelMetricsMatchScikitLearn() {
    String truth = "a b c a b c a a";
    String predicted = "a b b a c c a b";

    assertThat(score("accuracy", truth, predicted)).isCloseTo(0.625, EXACT);
    assertThat(score("balanced_accuracy", truth, predicted)).isCloseTo(0.5833333333333334, EXACT);
    assertThat(score("f1_macro", truth, predicted)).isCloseTo(0.5857142857142857, EXACT);
  }

  @Test
  void aPredictedLabelThatIsNoTrueClassCountsInMacroF1ButNotAsAClassOfBalancedAccuracy() {
    String truth = "a b c a b c a a";
    String predicted = "a b d a b c a a";

    assertThat(score("f1_macro", truth, predicted)).isCloseTo(0.6666666666666666, EXACT);
    assertThat(score("balanced_accuracy", truth, predicted)).isCloseTo(0.8333333333333334, EXACT);
  }

  @Test
  void alwaysPredictingOneClassScoresOneOverTheClassCountInBalancedAccuracy() {
    assertThat(score("balanced_accuracy", "0 1 1 1", "1 1 1 1")).isCloseTo(0.5, EXACT);
    assertThat(score("accuracy", "0 1 1 1", "1 1 1 1")).isCloseTo(0.75, EXACT);
  }

  @Test
  void perfectAndWorstLabelPredictions() {
    for (String metric : List.of("accuracy", "balanced_accuracy", "f1", "f1_macro")) {
      assertThat(score(metric, "0 1 1 0", "0 1 1 0")).as(metric).isEqualTo(1.0);
      assertThat(score(metric, "0 1 1 0", "1 0 0 1")).as(metric).isEqualTo(0.0);
    }
  }

  @Test
  void numbersCompareByValueAsLabels() {
    assertThat(score("accuracy", "1 0 2", "1.0 0.00 2e0")).isEqualTo(1.0);
    assertThat(score("f1", "1.0 0.0 1.0", "1 0 0")).isCloseTo(2.0 / 3, EXACT); // by hand
  }

  @Test
  void binaryF1TakesANamedPositiveLabel() {
    // by hand: M is positive; TP = 1 (row 1), FP = 1 (row 3), FN = 1 (row 2) -> 2/(2+2)
    List<String> truth = strings("M M B B");
    List<String> predicted = strings("M B M B");

    assertThat(ScoreMetrics.f1("M").score(truth, predicted)).isCloseTo(0.5, EXACT);
  }

  @Test
  void eachBinaryMetricOnOtherLabelsSuggestsItsOwnFactory() {
    assertThatThrownBy(() -> score("f1", "M B", "M M"))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageContaining("ScoreMetrics.f1(\"M\")");
    assertThatThrownBy(() -> score("log_loss", "M B", "0.5 0.5"))
        .hasMessageContaining("ScoreMetrics.logLoss(\"M\")");
    assertThatThrownBy(() -> score("roc_auc", "M B", "0.5 0.5"))
        .hasMessageContaining("ScoreMetrics.rocAuc(\"M\")");
  }

  @Test
  void binaryF1IsZeroWhenThereIsNoPositiveAnywhere() {
    assertThat(score("f1", "0 0 0", "0 0 0")).isEqualTo(0.0); // scikit-learn's zero_division
  }

  // ---- ROC AUC

  @Test
  void rocAucMatchesScikitLearn() {
    assertThat(ScoreMetrics.rocAuc().score(BINARY, SCORES)).isCloseTo(0.7333333333333334, EXACT);
  }

  @Test
  void rocAucGivesTiedScoresTheirAverageRank() {
    List<String> tied = strings("0.5 0.5 0.2 0.5 0.9 0.2 0.5 0.9");

    assertThat(ScoreMetrics.rocAuc().score(BINARY, tied)).isCloseTo(0.7, EXACT);
    assertThat(score("roc_auc", "0 1 0 1", "0.3 0.3 0.3 0.3")).isCloseTo(0.5, EXACT);
  }

  @Test
  void rocAucIsOneForPerfectOrderAndZeroForReversedOrder() {
    assertThat(score("roc_auc", "0 0 1 1", "0.1 0.2 0.8 0.9")).isEqualTo(1.0);
    assertThat(score("roc_auc", "0 0 1 1", "0.9 0.8 0.2 0.1")).isEqualTo(0.0);
    assertThat(score("roc_auc", "0 0 1 1", "-3 -1 2 40")).isEqualTo(1.0); // any score orders
  }

  @Test
  void rocAucTakesANamedPositiveLabelAndTrueFalse() {
    List<String> labels =
        BINARY.stream().map(v -> v.equals("1") ? "M" : "B").collect(Collectors.toList());
    List<String> bools =
        BINARY.stream().map(v -> v.equals("1") ? "True" : "False").collect(Collectors.toList());

    assertThat(ScoreMetrics.rocAuc("M").score(labels, SCORES)).isCloseTo(0.7333333333333334, EXACT);
    assertThat(ScoreMetrics.rocAuc("B").score(labels, SCORES))
        .isCloseTo(1 - 0.7333333333333334, EXACT);
    assertThat(ScoreMetrics.rocAuc().score(bools, SCORES)).isCloseTo(0.7333333333333334, EXACT);
  }

  @Test
  void rocAucRejectsASingleClass() {
    assertThatThrownBy(() -> score("roc_auc", "1 1 1", "0.2 0.5 0.9"))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageContaining("roc_auc is undefined when truth holds a single class ('1')");
  }

  @Test
  void rocAucRejectsAContinuousTarget() {
    assertThatThrownBy(
            () -> ScoreMetrics.rocAuc().checkTruth(strings("208500 181500 223500 140000")))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageContaining("roc_auc needs a binary target, but truth has 4 distinct values")
        .hasMessageContaining("'208500'");
  }

  @Test
  void rocAucOnOtherLabelsAsksForThePositiveOne() {
    assertThatThrownBy(() -> score("roc_auc", "M B M", "0.9 0.1 0.8"))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageContaining(
            "needs the labels 0 and 1 (or true and false), but truth has 'M', 'B'")
        .hasMessageContaining("ScoreMetrics.rocAuc(\"M\")");
    assertThatThrownBy(() -> ScoreMetrics.rocAuc("X").score(strings("M B"), strings("0.9 0.1")))
        .hasMessageContaining("positive label 'X' is not among the true labels 'M', 'B'");
  }

  // ---- log loss

  @Test
  void binaryLogLossMatchesScikitLearn() {
    assertThat(ScoreMetrics.logLoss().score(BINARY, SCORES)).isCloseTo(0.6096144898926898, EXACT);
  }

  @Test
  void logLossOfAHalfEverywhereIsLnTwo() {
    assertThat(score("log_loss", "0 1 1", "0.5 0.5 0.5")).isCloseTo(Math.log(2), EXACT);
  }

  @Test
  void logLossClipsCertainAnswers() {
    // by hand: a perfect certain answer costs -ln(1 - 1e-15); a wrong one -ln(1e-15)
    assertThat(score("log_loss", "0 1", "0 1")).isCloseTo(0, within(1e-14));
    assertThat(score("log_loss", "0 1", "1 0")).isCloseTo(-Math.log(1e-15), EXACT);
    assertThat(-Math.log(1e-15)).isCloseTo(34.538776394910684, EXACT);
  }

  @Test
  void logLossAcceptsASingleClass() {
    // by hand: -(ln 0.8 + ln 0.6) / 2
    assertThat(score("log_loss", "1 1", "0.8 0.6"))
        .isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, EXACT);
  }

  @Test
  void logLossRejectsWhatIsNoProbability() {
    assertThatThrownBy(() -> score("log_loss", "0 1 1", "0.2 1.2 0.9"))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage("prediction 2 of 3 is 1.2, not a probability between 0 and 1")
        .extracting(e -> ((ScoreInputException) e).row().getAsInt())
        .isEqualTo(1);
    assertThatThrownBy(() -> score("log_loss", "0 1 2", "0.2 0.5 0.9"))
        .hasMessageContaining("log_loss needs a binary target, but truth has 3 distinct values");
  }

  @Test
  void multiClassLogLossMatchesScikitLearn() {
    List<Map<String, Double>> probabilities =
        List.of(
            Map.of("x", 0.7, "y", 0.2, "z", 0.1),
            Map.of("x", 0.1, "y", 0.6, "z", 0.3),
            Map.of("x", 0.2, "y", 0.2, "z", 0.6),
            Map.of("x", 0.3, "y", 0.4, "z", 0.3));

    assertThat(ScoreMetrics.multiClassLogLoss(strings("x y z x"), probabilities))
        .isCloseTo(0.6455747489491624, EXACT);
  }

  @Test
  void multiClassLogLossNormalisesEachRow() {
    // by hand: (0.4, 0.4) normalises to (0.5, 0.5), so the loss is ln 2
    List<Map<String, Double>> probabilities = List.of(Map.of("a", 0.4, "b", 0.4));

    assertThat(ScoreMetrics.multiClassLogLoss(List.of("a"), probabilities))
        .isCloseTo(Math.log(2), EXACT);
  }

  @Test
  void multiClassLogLossNamesTheBadRow() {
    List<Map<String, Double>> probabilities =
        List.of(Map.of("x", 0.5, "y", 0.5), Map.of("x", 0.5, "z", 0.5));

    assertThatThrownBy(() -> ScoreMetrics.multiClassLogLoss(List.of("x", "y"), probabilities))
        .isInstanceOf(ScoreInputException.class)
        .hasMessageContaining("row 2 of 2 has probabilities for");
    assertThatThrownBy(
            () ->
                ScoreMetrics.multiClassLogLoss(
                    List.of("x", "w"), List.of(Map.of("x", 1.0), Map.of("x", 1.0))))
        .hasMessage("true value 2 of 2 is 'w', which is none of the classes 'x'");
  }

  // ---- regression

  @Test
  void regressionMetricsMatchScikitLearn() {
    String truth = "3.0 -0.5 2.0 7.0 4.5";
    String predicted = "2.5 0.0 2.0 8.0 3.0";

    assertThat(score("rmse", truth, predicted)).isCloseTo(0.8660254037844386, EXACT);
    assertThat(score("mae", truth, predicted)).isCloseTo(0.7, EXACT);
    assertThat(score("r2", truth, predicted)).isCloseTo(0.8801916932907348, EXACT);
  }

  @Test
  void rmsleMatchesScikitLearn() {
    assertThat(
            score(
                "rmsle",
                "208500 181500 223500 140000 250000",
                "200000 190000 210000 150000 260000"))
        .isCloseTo(0.05292827849331829, EXACT);
    assertThat(score("rmsle", "0 1 2.5 10", "0.5 1 2 12")).isCloseTo(0.23241743328923264, EXACT);
  }

  @Test
  void perfectRegressionScoresZeroErrorAndOneR2() {
    for (String metric : List.of("rmse", "rmsle", "mae")) {
      assertThat(score(metric, "1 2 3", "1 2 3")).as(metric).isEqualTo(0.0);
    }
    assertThat(score("r2", "1 2 3", "1 2 3")).isEqualTo(1.0);
    assertThat(score("r2", "1 2 3", "3 2 1")).isCloseTo(-3.0, EXACT);
    assertThat(score("r2", "1 2 3", "2 2 2")).isEqualTo(0.0); // the mean
  }

  @Test
  void r2OfAConstantTargetIsOneWhenPerfectAndZeroOtherwise() {
    assertThat(score("r2", "5 5 5", "5 5 5")).isEqualTo(1.0);
    assertThat(score("r2", "5 5 5", "5 6 5")).isEqualTo(0.0);
  }

  @Test
  void rmsleRejectsNegatives() {
    assertThatThrownBy(() -> score("rmsle", "1 2 3", "1 -2 3"))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(
            "rmsle needs values of 0 or more, but prediction 2 of 3 is -2; clip predictions at 0");
    assertThatThrownBy(() -> ScoreMetrics.rmsle().checkTruth(strings("1 -0.5")))
        .hasMessage("rmsle needs values of 0 or more, but true value 2 of 2 is -0.5");
  }

  // ---- bad input common to all

  @Test
  void everyMetricRejectsListsOfDifferentLength() {
    for (String metric : ScoreMetrics.names()) {
      assertThatThrownBy(() -> score(metric, "0 1 1", "0 1"))
          .as(metric)
          .isInstanceOf(ScoreInputException.class)
          .hasMessage(
              "truth has 3 rows but there are 2 predictions; predict exactly one value per row");
    }
  }

  @Test
  void everyMetricRejectsEmptyInput() {
    for (String metric : ScoreMetrics.names()) {
      ScoreMetric m = ScoreMetrics.named(metric);
      assertThatThrownBy(() -> m.score(List.of(), List.of()))
          .as(metric)
          .isInstanceOf(ScoreInputException.class)
          .hasMessage("no rows to score: truth and predictions are empty");
      assertThatThrownBy(() -> m.checkTruth(List.of())).as(metric).hasMessageContaining("empty");
    }
  }

  @Test
  void everyMetricNamesABlankPrediction() {
    for (String metric : ScoreMetrics.names()) {
      assertThatThrownBy(
              () -> ScoreMetrics.named(metric).score(strings("0 1 1"), List.of("0", " ", "1")))
          .as(metric)
          .isInstanceOf(ScoreInputException.class)
          .hasMessage("prediction 2 of 3 is missing (blank)")
          .extracting(e -> ((ScoreInputException) e).row().getAsInt())
          .isEqualTo(1);
    }
  }

  @Test
  void everyMetricNamesAMissingTrueValue() {
    for (String metric : ScoreMetrics.names()) {
      ScoreMetric m = ScoreMetrics.named(metric);
      assertThatThrownBy(() -> m.score(Arrays.asList("0", null, "1"), strings("0 1 1")))
          .as(metric)
          .isInstanceOf(ScoreInputException.class)
          .hasMessage("true value 2 of 3 is missing (blank)");
      assertThatThrownBy(() -> m.checkTruth(List.of("1", "0", "")))
          .as(metric)
          .hasMessage("true value 3 of 3 is missing (blank)");
    }
  }

  @Test
  void numericMetricsNameTheRowThatIsNoNumber() {
    for (String metric : List.of("rmse", "rmsle", "mae", "r2", "roc_auc", "log_loss")) {
      assertThatThrownBy(() -> score(metric, "0 1 1", "0.5 abc 1"))
          .as(metric)
          .isInstanceOf(ScoreInputException.class)
          .hasMessage("prediction 2 of 3 is not a number: 'abc'");
    }
    assertThatThrownBy(() -> score("rmse", "1 NaN", "1 2"))
        .hasMessage("true value 2 of 2 is not a number: 'NaN'");
    assertThatThrownBy(() -> score("mae", "1 2", "1 Infinity"))
        .hasMessage("prediction 2 of 2 is not a number: 'Infinity'");
    assertThatThrownBy(() -> score("mae", "1 2", "1 2d"))
        .hasMessage("prediction 2 of 2 is not a number: '2d'");
  }

  @Test
  void regressionMetricsRejectALabelTargetBeforeAnyPrediction() {
    assertThatThrownBy(() -> ScoreMetrics.rmse().checkTruth(strings("M B")))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage("true value 1 of 2 is not a number: 'M'");
  }

  // ---- names and directions

  @Test
  void namedFindsEveryBuiltInIgnoringCaseAndHyphens() {
    assertThat(ScoreMetrics.names())
        .containsExactly(
            "accuracy",
            "balanced_accuracy",
            "roc_auc",
            "log_loss",
            "f1",
            "f1_macro",
            "rmse",
            "rmsle",
            "mae",
            "r2");
    for (String name : ScoreMetrics.names()) {
      assertThat(ScoreMetrics.named(name).name()).isEqualTo(name);
    }
    assertThat(ScoreMetrics.named(" ROC-AUC ").name()).isEqualTo("roc_auc");
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> ScoreMetrics.named("auroc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown metric 'auroc'; the built-in metrics are accuracy, balanced_accuracy,"
                + " roc_auc, log_loss, f1, f1_macro, rmse, rmsle, mae, r2");
  }

  @Test
  void theDirectionAndPredictionFollowFromTheMetric() {
    assertThat(
            ScoreMetrics.names().stream()
                .filter(n -> ScoreMetrics.named(n).direction() == Direction.MINIMIZE))
        .containsExactlyInAnyOrder("log_loss", "rmse", "rmsle", "mae");
    assertThat(ScoreMetrics.named("roc_auc").prediction()).isEqualTo(Prediction.PROBABILITY);
    assertThat(ScoreMetrics.named("log_loss").prediction()).isEqualTo(Prediction.PROBABILITY);
    assertThat(ScoreMetrics.named("f1_macro").prediction()).isEqualTo(Prediction.LABEL);
    assertThat(ScoreMetrics.named("rmsle").prediction()).isEqualTo(Prediction.NUMBER);
    assertThat(ScoreMetrics.rmsle()).hasToString("rmsle");
  }
}
