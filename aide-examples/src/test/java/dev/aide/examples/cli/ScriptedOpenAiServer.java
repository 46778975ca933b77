package dev.aide.examples.cli;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * Answers Chat Completions requests as a scripted LLM would: the coder writes real scikit-learn
 * code for the breast-cancer example (one draft has a bug), and the reviewer calls submit_review
 * with the metric the run printed (and set_metric_direction, higher is better, when asked).
 */
final class ScriptedOpenAiServer extends Dispatcher {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final Pattern METRIC = Pattern.compile("metric: ([0-9.]+)");

  private final AtomicInteger drafts = new AtomicInteger();
  final AtomicInteger coderCalls = new AtomicInteger();
  final AtomicInteger reviewerCalls = new AtomicInteger();

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

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      Map<?, ?> body = (Map<?, ?>) JSON.fromJson(request.getBody().utf8());
      List<?> messages = (List<?>) body.get("messages");
      String system = (String) ((Map<?, ?>) messages.get(0)).get("content");
      String last = (String) ((Map<?, ?>) messages.get(messages.size() - 1)).get("content");
      if (body.containsKey("tools")
          && body.get("tools").toString().contains("set_metric_direction")) {
        return direction();
      }
      return body.containsKey("tools") ? review(last) : code(system);
    } catch (IOException | RuntimeException e) {
      return new MockResponse.Builder().code(500).body("{\"error\": \"" + e + "\"}").build();
    }
  }

  private MockResponse code(String system) {
    coderCalls.incrementAndGet();
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
    String text = "Fit a classifier and report the validation AUC.\n\n```python\n" + code + "```\n";
    return ok(Map.of("role", "assistant", "content", text), "stop");
  }

  /** Answers the call that settles the metric's direction before the first node: AUC, higher. */
  private MockResponse direction() {
    Map<String, Object> call =
        Map.of(
            "id", "call_0",
            "type", "function",
            "function",
                Map.of(
                    "name",
                    "set_metric_direction",
                    "arguments",
                    "{\"lower_is_better\": false, \"reason\": \"AUC: higher is better.\"}"));
    return ok(
        Map.of("role", "assistant", "content", "", "tool_calls", List.of(call)), "tool_calls");
  }

  private MockResponse review(String prompt) {
    reviewerCalls.incrementAndGet();
    Matcher m = METRIC.matcher(prompt);
    String arguments =
        m.find()
            ? String.format(
                Locale.ROOT,
                "{\"is_bug\": false, \"summary\": \"Validation AUC %s.\", \"metric\": %s,"
                    + " \"lower_is_better\": false}",
                m.group(1),
                m.group(1))
            : "{\"is_bug\": true, \"summary\": \"The run failed.\", \"metric\": null,"
                + " \"lower_is_better\": false}";
    Map<String, Object> call =
        Map.of(
            "id", "call_1",
            "type", "function",
            "function", Map.of("name", "submit_review", "arguments", arguments));
    return ok(
        Map.of("role", "assistant", "content", "", "tool_calls", List.of(call)), "tool_calls");
  }

  private static MockResponse ok(Map<String, Object> message, String finishReason) {
    Map<String, Object> body =
        Map.of(
            "id",
            "chatcmpl-1",
            "object",
            "chat.completion",
            "created",
            1767225600,
            "model",
            "scripted",
            "choices",
            List.of(Map.of("index", 0, "message", message, "finish_reason", finishReason)),
            "usage",
            Map.of("prompt_tokens", 1000, "completion_tokens", 200, "total_tokens", 1200));
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .addHeader("x-request-id", "req_scripted")
        .body(JSON.toJson(body))
        .build();
  }
}
