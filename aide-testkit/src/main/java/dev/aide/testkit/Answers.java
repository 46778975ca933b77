package dev.aide.testkit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.aide.core.Direction;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ReviewProtocol;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Factories for the answers the engine expects from its LLMs: the coder's plan and code, the
 * reviewer's {@value ReviewProtocol#REVIEW_TOOL} call and its {@value
 * ReviewProtocol#DIRECTION_TOOL} call, written with the field names of {@link ReviewProtocol}.
 *
 * <pre>{@code
 * ChatResponse code = Answers.code("Print the score.", "print('metric: 0.5')");
 * ChatResponse good = Answers.goodRun(0.5, Direction.MAXIMIZE);
 * ChatResponse bug = Answers.buggyRun("KeyError: 'price'");
 * }</pre>
 *
 * <p>The answers are immutable and safe to share; this class has no state.
 */
public final class Answers {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private Answers() {}

  /**
   * Returns a coder's answer: the plan, then the code in one fenced block. The block has no
   * language tag, so the engine takes it for a task of any language.
   */
  public static ChatResponse code(String plan, String code) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(code, "code");
    String body = code.endsWith("\n") ? code : code + "\n";
    return ChatResponse.ofText(plan + "\n\n```\n" + body + "```\n");
  }

  /**
   * Returns a review of a run that worked and printed {@code metric}, better in {@code direction}.
   *
   * @throws IllegalArgumentException when the metric is not a finite number
   */
  public static ChatResponse goodRun(double metric, Direction direction) {
    return review(false, "The run printed the metric " + metric + ".", metric, direction);
  }

  /** Returns a review that finds the run buggy, with no metric and no direction. */
  public static ChatResponse buggyRun(String summary) {
    return review(true, summary, null, null);
  }

  /**
   * Returns a {@value ReviewProtocol#REVIEW_TOOL} call with the given fields.
   *
   * @param isBug whether the run failed or shows a bug
   * @param summary what the run shows
   * @param metric the metric the run printed; null when none (the field is sent as null)
   * @param direction which way the metric is better; null to leave {@value
   *     ReviewProtocol#LOWER_IS_BETTER} out
   * @throws IllegalArgumentException when the metric is not a finite number
   */
  public static ChatResponse review(
      boolean isBug, String summary, @Nullable Double metric, @Nullable Direction direction) {
    return ChatResponse.ofToolCall(
        ReviewProtocol.REVIEW_TOOL, reviewArguments(isBug, summary, metric, direction));
  }

  /**
   * Returns the JSON arguments of a {@value ReviewProtocol#REVIEW_TOOL} call, for a reviewer that
   * answers in text (a backend without function calls) or a hand-built response.
   *
   * @throws IllegalArgumentException when the metric is not a finite number
   */
  public static String reviewArguments(
      boolean isBug, String summary, @Nullable Double metric, @Nullable Direction direction) {
    Objects.requireNonNull(summary, "summary");
    if (metric != null && !Double.isFinite(metric)) {
      throw new IllegalArgumentException(
          "metric must be a finite number or null (for no metric), not " + metric);
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(ReviewProtocol.IS_BUG, isBug);
    arguments.put(ReviewProtocol.SUMMARY, summary);
    arguments.put(ReviewProtocol.METRIC, metric);
    if (direction != null) {
      arguments.put(ReviewProtocol.LOWER_IS_BETTER, direction == Direction.MINIMIZE);
    }
    return JSON.serializeNulls().toJson(arguments);
  }

  /**
   * Returns a {@value ReviewProtocol#DIRECTION_TOOL} call: the reviewer's answer on which way the
   * task's metric is better, asked once before the first node when the task does not say.
   */
  public static ChatResponse direction(Direction direction, String reason) {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(reason, "reason");
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(ReviewProtocol.LOWER_IS_BETTER, direction == Direction.MINIMIZE);
    arguments.put(ReviewProtocol.REASON, reason);
    return ChatResponse.ofToolCall(ReviewProtocol.DIRECTION_TOOL, JSON.toJson(arguments));
  }
}
