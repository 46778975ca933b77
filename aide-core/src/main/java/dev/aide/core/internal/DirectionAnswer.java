package dev.aide.core.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import dev.aide.core.Direction;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reviewer's answer on which way the task's metric is better, read from a {@code
 * set_metric_direction} function call or, when the backend cannot call functions, from a JSON
 * object in the answer's text. Asked once per run, before the first node.
 *
 * @param lowerIsBetter whether a lower metric is better
 * @param reason the reviewer's reason, as given
 */
public record DirectionAnswer(boolean lowerIsBetter, String reason) {

  /** The function the reviewer is asked to call. */
  public static final String TOOL_NAME = "set_metric_direction";

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  /** The direction this answer gives. */
  public Direction direction() {
    return Direction.fromLowerIsBetter(lowerIsBetter);
  }

  /** Returns the definition of {@code set_metric_direction} to offer the reviewer. */
  public static ToolDefinition tool() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "lower_is_better",
        Map.of(
            "type",
            "boolean",
            "description",
            "true if a lower metric is better (an error, a loss, a run time); false if higher is"
                + " better (accuracy, AUC, a score)"));
    properties.put(
        "reason",
        Map.of("type", "string", "description", "one sentence: which metric, and why that way"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", List.of("lower_is_better", "reason"));
    return new ToolDefinition(TOOL_NAME, "Set which way the task's metric is better.", schema);
  }

  /**
   * Reads the answer from {@code response}: the {@code set_metric_direction} call when there is one
   * with readable arguments, else the first JSON object in the text that has {@code
   * lower_is_better}.
   *
   * @throws Review.UnreadableException when neither holds an answer; the message says what was
   *     found
   */
  public static DirectionAnswer parse(ChatResponse response) throws Review.UnreadableException {
    List<String> problems = new ArrayList<>();
    for (ToolCall call : response.toolCalls()) {
      if (!call.name().equals(TOOL_NAME)) {
        problems.add("called unknown function " + call.name());
        continue;
      }
      try {
        return fromJson(call.arguments());
      } catch (Review.UnreadableException e) {
        problems.add(TOOL_NAME + " arguments: " + e.getMessage());
      }
    }
    for (String candidate : Review.jsonObjects(response.text())) {
      try {
        return fromJson(candidate);
      } catch (Review.UnreadableException e) {
        problems.add("JSON in text: " + e.getMessage());
      }
    }
    if (response.toolCalls().isEmpty() && response.text().isBlank()) {
      problems.add("the answer was empty");
    } else if (problems.isEmpty()) {
      problems.add("no " + TOOL_NAME + " call and no JSON object in the text");
    }
    throw new Review.UnreadableException(String.join("; ", problems));
  }

  static DirectionAnswer fromJson(String json) throws Review.UnreadableException {
    Object value;
    try {
      value = JSON.lenient().fromJson(json);
    } catch (IOException | JsonDataException e) {
      throw new Review.UnreadableException("not valid JSON (" + e.getMessage() + ")");
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new Review.UnreadableException("not a JSON object");
    }
    Object lower = map.get("lower_is_better");
    Boolean lowerIsBetter = null;
    if (lower instanceof Boolean b) {
      lowerIsBetter = b;
    } else if (lower instanceof String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      if (t.equals("true")) lowerIsBetter = true;
      if (t.equals("false")) lowerIsBetter = false;
    }
    if (lowerIsBetter == null) {
      throw new Review.UnreadableException("lower_is_better is missing or not a boolean");
    }
    Object reason = map.get("reason");
    return new DirectionAnswer(lowerIsBetter, reason == null ? "" : String.valueOf(reason).strip());
  }
}
