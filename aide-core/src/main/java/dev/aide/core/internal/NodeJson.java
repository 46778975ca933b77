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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes nodes as one-line JSON objects for {@code journal.jsonl} and reads them back.
 *
 * <p>The format names every field, so it can be read by other tools: {@code id}, {@code parents},
 * {@code step}, {@code stage}, {@code plan}, {@code code}, {@code patch} (a repository node's diff
 * against its parent; absent when empty), {@code execution}, {@code analysis}, {@code metric}
 * (absent for buggy nodes), {@code direction}, {@code buggy}, {@code debugDepth}, {@code usage},
 * {@code cost} (absent when 0), {@code startedAt}, {@code finishedAt}, {@code failure}, {@code
 * warnings} (absent when empty), {@code printedMetric} and {@code reviewerMetric} (absent when
 * null).
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
    if (!node.patch().isEmpty()) map.put("patch", node.patch());
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
    putFinite(map, "printedMetric", node.printedMetric());
    putFinite(map, "reviewerMetric", node.reviewerMetric());
    return JSON.toJson(map);
  }

  private static void putFinite(Map<String, @Nullable Object> map, String key, @Nullable Double x) {
    if (x != null && Double.isFinite(x)) map.put(key, x);
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
   * @throws IllegalArgumentException if {@code line} is not such a node; the message names the
   *     field that is missing or of the wrong type (as {@code field 'metric' should be a number,
   *     was "high"}), or says why the line is not a JSON object
   */
  public static Node read(String line) {
    Object value;
    try {
      value = JSON.fromJson(line);
    } catch (IOException | JsonDataException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    if (!(value instanceof Map<?, ?> map)) throw new IllegalArgumentException("not a JSON object");
    Fields f = new Fields(map, "");
    boolean buggy = f.bool("buggy");
    Direction direction = f.enumValue("direction", Direction.class);
    Node.Builder b =
        Node.builder()
            .id(f.integer("id"))
            .step(f.integer("step"))
            .stage(f.enumValue("stage", Stage.class))
            .plan(f.string("plan"))
            .code(f.string("code"))
            .analysis(f.string("analysis"))
            .buggy(buggy)
            .metric(buggy ? Metric.worst(direction) : Metric.of(f.number("metric"), direction))
            .debugDepth(f.integer("debugDepth"))
            .startedAt(f.instant("startedAt"))
            .finishedAt(f.instant("finishedAt"))
            .failure(f.optionalString("failure"));
    List<?> parentIds = f.list("parents");
    List<Integer> parents = new ArrayList<>();
    for (int i = 0; i < parentIds.size(); i++) {
      parents.add(f.wholeNumber("parents[" + i + "]", parentIds.get(i)).intValue());
    }
    b.parents(parents);
    if (f.has("cost")) b.cost(f.number("cost"));
    if (f.has("patch")) b.patch(f.string("patch"));
    if (f.has("printedMetric")) b.printedMetric(f.number("printedMetric"));
    if (f.has("reviewerMetric")) b.reviewerMetric(f.number("reviewerMetric"));
    if (f.has("warnings")) {
      List<String> texts = new ArrayList<>();
      for (Object warning : f.list("warnings")) texts.add(String.valueOf(warning));
      b.warnings(texts);
    }
    Fields u = f.object("usage");
    if (u != null) {
      b.usage(
          new TokenUsage(
              u.optionalLong("input"),
              u.optionalLong("output"),
              u.optionalLong("cachedInput"),
              u.optionalLong("reasoning")));
    }
    Fields e = f.object("execution");
    if (e != null) {
      List<String> files = new ArrayList<>();
      if (e.has("files")) {
        for (Object file : e.list("files")) files.add(String.valueOf(file));
      }
      b.execution(
          new ExecutionResult(
              e.string("output"),
              e.optionalLong("truncatedChars"),
              e.integer("exitCode"),
              Duration.ofMillis(e.optionalLong("durationMillis")),
              e.has("timedOut") && e.bool("timedOut"),
              e.optionalString("errorType"),
              e.optionalString("errorMessage"),
              files));
    }
    return b.build();
  }

  /**
   * The fields of one JSON object, read with their expected types; a field that is missing or of
   * another type is an {@link IllegalArgumentException} that names it ({@code prefix} names the
   * object it sits in, as {@code "execution."}). A field holding JSON null counts as missing.
   */
  private record Fields(Map<?, ?> map, String prefix) {
    boolean has(String key) {
      return map.get(key) != null;
    }

    private Object require(String key) {
      Object value = map.get(key);
      if (value == null) throw new IllegalArgumentException("missing field '" + prefix + key + "'");
      return value;
    }

    private IllegalArgumentException wrong(String key, String expected, @Nullable Object value) {
      return new IllegalArgumentException(
          "field '" + prefix + key + "' should be " + expected + ", was " + describe(value));
    }

    /** The string at {@code key}; "" when missing. */
    String string(String key) {
      String value = optionalString(key);
      return value == null ? "" : value;
    }

    @Nullable String optionalString(String key) {
      Object value = map.get(key);
      if (value == null || value instanceof String) return (String) value;
      throw wrong(key, "a string", value);
    }

    boolean bool(String key) {
      Object value = require(key);
      if (value instanceof Boolean bool) return bool;
      throw wrong(key, "true or false", value);
    }

    double number(String key) {
      Object value = require(key);
      if (value instanceof Number number) return number.doubleValue();
      throw wrong(key, "a number", value);
    }

    int integer(String key) {
      return wholeNumber(key, require(key)).intValue();
    }

    /** The whole number at {@code key}; 0 when missing. */
    long optionalLong(String key) {
      Object value = map.get(key);
      return value == null ? 0 : wholeNumber(key, value).longValue();
    }

    Number wholeNumber(String key, @Nullable Object value) {
      if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue()))
        return number;
      throw wrong(key, "a whole number", value);
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) {
      Object value = require(key);
      if (value instanceof String name) {
        for (E constant : type.getEnumConstants()) {
          if (constant.name().equals(name)) return constant;
        }
      }
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) names.add(constant.name());
      throw wrong(key, "one of " + String.join(", ", names), value);
    }

    Instant instant(String key) {
      Object value = require(key);
      if (value instanceof String text) {
        try {
          return Instant.parse(text);
        } catch (DateTimeParseException e) {
          // reported below
        }
      }
      throw wrong(key, "an instant such as 2026-01-31T12:00:00Z", value);
    }

    List<?> list(String key) {
      Object value = require(key);
      if (value instanceof List<?> list) return list;
      throw wrong(key, "an array", value);
    }

    /** The object at {@code key}, or null when missing. */
    @Nullable Fields object(String key) {
      Object value = map.get(key);
      if (value == null) return null;
      if (value instanceof Map<?, ?> object) return new Fields(object, prefix + key + ".");
      throw wrong(key, "an object", value);
    }

    /** A short description of a JSON value for a message: strings quoted and cut. */
    private static String describe(@Nullable Object value) {
      if (value == null) return "null";
      if (value instanceof String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return NodeJson.JSON.toJson(shown);
      }
      if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return Long.toString(d.longValue());
      }
      if (value instanceof Number || value instanceof Boolean) return value.toString();
      if (value instanceof Map<?, ?>) return "an object";
      if (value instanceof List<?>) return "an array";
      return value.getClass().getSimpleName();
    }
  }
}
