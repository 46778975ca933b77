package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reviewer's answer on which way the task's metric is better, read from a {@code
 * set_metric_direction} function call or, when the backend cannot call functions, from a JSON
 * object in the answer's text. Asked once per run, before the first node.
 *
 * @param lowerIsBetter whether a lower metric is better
 * @param reason the reviewer's reason, as given
 */
record DirectionAnswer(boolean lowerIsBetter, String reason) {

  /** The function the reviewer is asked to call. */
  public static final String TOOL_NAME = ReviewProtocol.DIRECTION_TOOL;

  /** The direction this answer gives. */
  public Direction direction() {
    return Direction.fromLowerIsBetter(lowerIsBetter);
  }

  /** Returns the definition of {@code set_metric_direction} to offer the reviewer. */
  public static ToolDefinition tool() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        ReviewProtocol.LOWER_IS_BETTER,
        Map.of(
            "type",
            "boolean",
            "description",
            "true if a lower metric is better (an error, a loss, a run time); false if higher is"
                + " better (accuracy, AUC, a score)"));
    properties.put(
        ReviewProtocol.REASON,
        Map.of("type", "string", "description", "one sentence: which metric, and why that way"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", List.of(ReviewProtocol.LOWER_IS_BETTER, ReviewProtocol.REASON));
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
    return Review.parse(response, TOOL_NAME, DirectionAnswer::fromJson);
  }

  static DirectionAnswer fromJson(String json) throws Review.UnreadableException {
    Map<?, ?> map = Review.jsonObject(json);
    Boolean lowerIsBetter = Review.bool(map.get(ReviewProtocol.LOWER_IS_BETTER));
    if (lowerIsBetter == null) {
      throw new Review.UnreadableException("lower_is_better is missing or not a boolean");
    }
    Object reason = map.get(ReviewProtocol.REASON);
    return new DirectionAnswer(lowerIsBetter, reason == null ? "" : String.valueOf(reason).strip());
  }
}
