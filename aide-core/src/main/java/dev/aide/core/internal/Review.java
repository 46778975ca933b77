package dev.aide.core.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The reviewer's verdict on one run, read from a {@code submit_review} function call or, when the
 * backend cannot call functions, from a JSON object in the answer's text.
 *
 * @param isBug whether the reviewer found the run failed or buggy
 * @param summary the reviewer's findings
 * @param metric the validation metric the reviewer read from the output; null when none, or when
 *     the value was not a finite number
 * @param lowerIsBetter whether a lower metric is better; null when not given
 */
record Review(
    boolean isBug, String summary, @Nullable Double metric, @Nullable Boolean lowerIsBetter) {

  /** The function the reviewer is asked to call. */
  public static final String TOOL_NAME = ReviewProtocol.REVIEW_TOOL;

  /** Thrown when neither a function call nor the text holds a readable review. */
  public static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private static Map<String, Object> property(Object type, String description) {
    Map<String, Object> property = new LinkedHashMap<>();
    property.put("type", type);
    property.put("description", description);
    return property;
  }

  /** Returns the definition of {@code submit_review} to offer the reviewer. */
  public static ToolDefinition tool() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        ReviewProtocol.IS_BUG,
        property(
            "boolean", "true if the run failed, raised an error, or shows a bug in the solution"));
    properties.put(
        ReviewProtocol.SUMMARY,
        property(
            "string",
            "2 to 3 sentences on what the run shows: the result, or the error and its likely"
                + " cause. No suggestions for changes."));
    properties.put(
        ReviewProtocol.METRIC,
        property(
            List.of("number", "null"),
            "the validation metric the program printed, as a number; null if it printed none"));
    properties.put(
        ReviewProtocol.LOWER_IS_BETTER,
        property(
            "boolean",
            "true if a lower metric is better (an error, a loss, a run time); false if higher is"
                + " better (accuracy, AUC)"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put(
        "required",
        List.of(
            ReviewProtocol.IS_BUG,
            ReviewProtocol.SUMMARY,
            ReviewProtocol.METRIC,
            ReviewProtocol.LOWER_IS_BETTER));
    return new ToolDefinition(TOOL_NAME, "Submit the review of the run's output.", schema);
  }

  /**
   * Reads the review from {@code response}: the {@code submit_review} call when there is one with
   * readable arguments, else the first JSON object in the text that has {@code is_bug}.
   *
   * @throws UnreadableException when neither holds a review; the message says what was found
   */
  public static Review parse(ChatResponse response) throws UnreadableException {
    return parse(response, TOOL_NAME, Review::fromJson);
  }

  /** Reads one answer from a JSON object's text. */
  interface JsonAnswer<T> {
    T read(String json) throws UnreadableException;
  }

  /**
   * Reads an answer from {@code response}: the call of {@code toolName} when there is one with
   * readable arguments, else the first JSON object in the text that {@code reader} accepts.
   *
   * @throws UnreadableException when neither holds an answer; the message says what was found
   */
  static <T> T parse(ChatResponse response, String toolName, JsonAnswer<T> reader)
      throws UnreadableException {
    List<String> problems = new ArrayList<>();
    for (ToolCall call : response.toolCalls()) {
      if (!call.name().equals(toolName)) {
        problems.add("called unknown function " + call.name());
        continue;
      }
      try {
        return reader.read(call.arguments());
      } catch (UnreadableException e) {
        problems.add(toolName + " arguments: " + e.getMessage());
      }
    }
    for (String candidate : jsonObjects(response.text())) {
      try {
        return reader.read(candidate);
      } catch (UnreadableException e) {
        problems.add("JSON in text: " + e.getMessage());
      }
    }
    if (response.toolCalls().isEmpty() && response.text().isBlank()) {
      problems.add("the answer was empty");
    } else if (problems.isEmpty()) {
      problems.add("no " + toolName + " call and no JSON object in the text");
    }
    throw new UnreadableException(String.join("; ", problems));
  }

  /** Parses {@code json} leniently as one JSON object. */
  static Map<?, ?> jsonObject(String json) throws UnreadableException {
    Object value;
    try {
      value = JSON.lenient().fromJson(json);
    } catch (IOException | JsonDataException e) {
      throw new UnreadableException("not valid JSON (" + e.getMessage() + ")");
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new UnreadableException("not a JSON object");
    }
    return map;
  }

  static Review fromJson(String json) throws UnreadableException {
    Map<?, ?> map = jsonObject(json);
    Boolean isBug = bool(map.get(ReviewProtocol.IS_BUG));
    if (isBug == null) {
      throw new UnreadableException("is_bug is missing or not a boolean");
    }
    Object summary = map.get(ReviewProtocol.SUMMARY);
    return new Review(
        isBug,
        summary == null ? "" : String.valueOf(summary).strip(),
        number(map.get(ReviewProtocol.METRIC)),
        bool(map.get(ReviewProtocol.LOWER_IS_BETTER)));
  }

  static @Nullable Boolean bool(@Nullable Object value) {
    if (value instanceof Boolean b) return b;
    if (value instanceof String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      if (t.equals("true")) return true;
      if (t.equals("false")) return false;
    }
    return null;
  }

  private static @Nullable Double number(@Nullable Object value) {
    double d;
    if (value instanceof Number n) {
      d = n.doubleValue();
    } else if (value instanceof String s) {
      try {
        d = Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    } else {
      return null;
    }
    return Double.isFinite(d) ? d : null;
  }

  /** Returns the outermost balanced {...} spans of text, in order. */
  static List<String> jsonObjects(String text) {
    List<String> result = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf('{', from);
      if (open < 0) break;
      int close = matchingBrace(text, open);
      if (close < 0) break;
      result.add(text.substring(open, close + 1));
      from = close + 1;
    }
    return result;
  }

  private static int matchingBrace(String text, int open) {
    int depth = 0;
    boolean inString = false;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
