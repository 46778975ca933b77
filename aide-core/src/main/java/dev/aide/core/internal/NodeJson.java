package dev.aide.core.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.TokenUsage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes nodes as one-line JSON objects for {@code journal.jsonl} and reads them back.
 *
 * <p>The format names every field, so it can be read by other tools: {@code id}, {@code parents},
 * {@code step}, {@code stage}, {@code plan}, {@code code}, {@code execution}, {@code analysis},
 * {@code metric} (absent for buggy nodes), {@code direction}, {@code buggy}, {@code debugDepth},
 * {@code usage}, {@code cost} (absent when 0), {@code startedAt}, {@code finishedAt}, {@code
 * failure}, {@code warnings} (absent when empty).
 */
public final class NodeJson {
  static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private NodeJson() {}

  /** Returns {@code node} as JSON on one line. */
  public static String write(Node node) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("id", node.id());
    map.put("parents", node.parents());
    map.put("step", node.step());
    map.put("stage", node.stage().name());
    map.put("plan", node.plan());
    map.put("code", node.code());
    ExecutionResult e = node.execution();
    if (e != null) map.put("execution", execution(e, e.output()));
    map.put("analysis", node.analysis());
    if (!node.metric().isWorst()) map.put("metric", node.metric().value());
    map.put("direction", node.metric().direction().name());
    map.put("buggy", node.isBuggy());
    map.put("debugDepth", node.debugDepth());
    map.put("usage", usage(node.usage()));
    if (node.cost() > 0) map.put("cost", node.cost());
    map.put("startedAt", node.startedAt().toString());
    map.put("finishedAt", node.finishedAt().toString());
    map.put("failure", node.failure());
    if (!node.warnings().isEmpty()) map.put("warnings", node.warnings());
    return JSON.toJson(map);
  }

  /** Returns an execution result as a JSON map, with {@code output} in place of its output. */
  static Map<String, @Nullable Object> execution(ExecutionResult e, String output) {
    Map<String, @Nullable Object> exec = new LinkedHashMap<>();
    exec.put("output", output);
    exec.put("truncatedChars", e.truncatedChars());
    exec.put("exitCode", e.exitCode());
    exec.put("durationMillis", e.duration().toMillis());
    exec.put("timedOut", e.timedOut());
    exec.put("errorType", e.errorType());
    exec.put("errorMessage", e.errorMessage());
    exec.put("files", e.files());
    return exec;
  }

  /** Returns token usage as a JSON map. */
  static Map<String, Object> usage(TokenUsage u) {
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("input", u.input());
    usage.put("output", u.output());
    usage.put("cachedInput", u.cachedInput());
    usage.put("reasoning", u.reasoning());
    return usage;
  }

  /**
   * Reads a node written by {@link #write}.
   *
   * @throws IllegalArgumentException if {@code line} is not such a node; the message says why
   */
  public static Node read(String line) {
    Object value;
    try {
      value = JSON.fromJson(line);
    } catch (IOException | JsonDataException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    if (!(value instanceof Map<?, ?> map)) throw new IllegalArgumentException("not a JSON object");
    try {
      boolean buggy = (Boolean) require(map, "buggy");
      Direction direction = Direction.valueOf((String) require(map, "direction"));
      Node.Builder b =
          Node.builder()
              .id(integer(require(map, "id")))
              .step(integer(require(map, "step")))
              .stage(Stage.valueOf((String) require(map, "stage")))
              .plan(string(map, "plan"))
              .code(string(map, "code"))
              .analysis(string(map, "analysis"))
              .buggy(buggy)
              .metric(
                  buggy
                      ? Metric.worst(direction)
                      : Metric.of(((Number) require(map, "metric")).doubleValue(), direction))
              .debugDepth(integer(require(map, "debugDepth")))
              .startedAt(Instant.parse((String) require(map, "startedAt")))
              .finishedAt(Instant.parse((String) require(map, "finishedAt")))
              .failure((String) map.get("failure"));
      List<Integer> parents = new ArrayList<>();
      for (Object parent : (List<?>) require(map, "parents")) parents.add(integer(parent));
      b.parents(parents);
      if (map.get("cost") instanceof Number cost) b.cost(cost.doubleValue());
      if (map.get("warnings") instanceof List<?> warnings) {
        List<String> texts = new ArrayList<>();
        for (Object warning : warnings) texts.add(String.valueOf(warning));
        b.warnings(texts);
      }
      if (map.get("usage") instanceof Map<?, ?> u) {
        b.usage(
            new TokenUsage(
                longValue(u.get("input")),
                longValue(u.get("output")),
                longValue(u.get("cachedInput")),
                longValue(u.get("reasoning"))));
      }
      if (map.get("execution") instanceof Map<?, ?> e) {
        List<String> files = new ArrayList<>();
        if (e.get("files") instanceof List<?> list) {
          for (Object f : list) files.add(String.valueOf(f));
        }
        b.execution(
            new ExecutionResult(
                string(e, "output"),
                longValue(e.get("truncatedChars")),
                integer(require(e, "exitCode")),
                Duration.ofMillis(longValue(e.get("durationMillis"))),
                Boolean.TRUE.equals(e.get("timedOut")),
                (String) e.get("errorType"),
                (String) e.get("errorMessage"),
                files));
      }
      return b.build();
    } catch (ClassCastException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("a field has the wrong type: " + e.getMessage(), e);
    }
  }

  private static Object require(Map<?, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) throw new IllegalArgumentException("missing field " + key);
    return value;
  }

  private static String string(Map<?, ?> map, String key) {
    Object value = map.get(key);
    return value == null ? "" : (String) value;
  }

  private static int integer(Object value) {
    return ((Number) value).intValue();
  }

  private static long longValue(@Nullable Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
