package dev.aide.examples.cli;

import dev.aide.core.Direction;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.testkit.Answers;
import dev.aide.testkit.ScriptedLlm;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The script the command line's tests answer with over aide-testkit's fake OpenAI-compatible
 * server: the coder writes real scikit-learn code for the breast-cancer example (one draft has a
 * bug), and the reviewer calls submit_review with the metric the run printed (and
 * set_metric_direction, higher is better, when asked).
 */
final class BreastCancerScript {
  private static final Pattern METRIC = Pattern.compile("metric: ([0-9.]+)");

  private BreastCancerScript() {}

  static String solution(String model) {
    return """
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import train_test_split
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        train = pd.read_csv("input/train.csv")
        test = pd.read_csv("input/test.csv")
        X = train.drop(columns=["id", "malignant"])
        y = train["malignant"]
        X_tr, X_va, y_tr, y_va = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=0)
        model = %s
        model.fit(X_tr, y_tr)
        auc = roc_auc_score(y_va, model.predict_proba(X_va)[:, 1])
        print(f"metric: {auc:.6f}")
        model.fit(X, y)
        proba = model.predict_proba(test.drop(columns=["id"]))[:, 1]
        pd.DataFrame({"id": test["id"], "malignant": proba}).to_csv(
            "working/submission.csv", index=False)
        """
        .formatted(model);
  }

  static final List<String> DRAFT_MODELS =
      List.of(
          "make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=1000))",
          "BUG",
          "RandomForestClassifier(n_estimators=50, random_state=0)",
          "make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))",
          "RandomForestClassifier(n_estimators=10, max_depth=2, random_state=0)");

  /** Returns a new script; each counts its own drafts. */
  static ScriptedLlm script() {
    AtomicInteger drafts = new AtomicInteger();
    return ScriptedLlm.builder()
        .whenDirection(request -> Answers.direction(Direction.MAXIMIZE, "AUC: higher is better."))
        .whenReview(BreastCancerScript::review)
        .otherwise(request -> code(request, drafts))
        .build();
  }

  private static ChatResponse code(ChatRequest request, AtomicInteger drafts) {
    String system = request.messages().get(0).content();
    String model;
    if (system.contains("improving a working solution")) {
      model = "make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))";
    } else if (system.contains("previous solution")) {
      model = "make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=1000))";
    } else {
      model = DRAFT_MODELS.get(drafts.getAndIncrement() % DRAFT_MODELS.size());
    }
    String code =
        model.equals("BUG")
            ? solution("RandomForestClassifier()").replace("\"malignant\"]", "\"diagnosis\"]")
            : solution(model);
    return Answers.code("Fit a classifier and report the validation AUC.", code);
  }

  private static ChatResponse review(ChatRequest request) {
    Matcher m = METRIC.matcher(ScriptedLlm.lastMessage(request));
    return m.find()
        ? Answers.review(
            false,
            "Validation AUC " + m.group(1) + ".",
            Double.parseDouble(m.group(1)),
            Direction.MAXIMIZE)
        : Answers.review(true, "The run failed.", null, Direction.MAXIMIZE);
  }
}
