package dev.aide.core.llm;

/**
 * The names of the functions the engine asks the reviewer to call, and of their fields: what a
 * scripted or custom reviewer must answer with.
 *
 * <p>After each run the reviewer is asked, with a forced tool choice, to call {@value #REVIEW_TOOL}
 * with {@value #IS_BUG} (boolean), {@value #SUMMARY} (text), {@value #METRIC} (a number, or null
 * when the run printed none) and {@value #LOWER_IS_BETTER} (boolean). Where neither the task nor
 * the run directory settles which way the metric is better, it is asked once, before the first
 * node, to call {@value #DIRECTION_TOOL} with {@value #LOWER_IS_BETTER} and {@value #REASON}. A
 * backend that cannot call functions may answer either with the same fields as a JSON object in its
 * text.
 *
 * <pre>{@code
 * LlmClient reviewer = request -> ChatResponse.ofToolCall(
 *     ReviewProtocol.REVIEW_TOOL,
 *     "{\"is_bug\": false, \"summary\": \"Ran.\", \"metric\": 0.9, \"lower_is_better\": false}");
 * }</pre>
 *
 * <p>aide-testkit builds such answers ({@code dev.aide.testkit.Answers}).
 */
public final class ReviewProtocol {
  /** The function the reviewer calls with its verdict on one run. */
  public static final String REVIEW_TOOL = "submit_review";

  /** The function the reviewer calls to say which way the task's metric is better. */
  public static final String DIRECTION_TOOL = "set_metric_direction";

  /** Boolean field of {@value #REVIEW_TOOL}: whether the run failed or shows a bug. */
  public static final String IS_BUG = "is_bug";

  /** Text field of {@value #REVIEW_TOOL}: what the run shows, in 2 to 3 sentences. */
  public static final String SUMMARY = "summary";

  /** Number field of {@value #REVIEW_TOOL}: the metric the run printed, or null when none. */
  public static final String METRIC = "metric";

  /**
   * Boolean field of {@value #REVIEW_TOOL} and {@value #DIRECTION_TOOL}: whether a lower metric is
   * better.
   */
  public static final String LOWER_IS_BETTER = "lower_is_better";

  /** Text field of {@value #DIRECTION_TOOL}: which metric, and why that way. */
  public static final String REASON = "reason";

  private ReviewProtocol() {}
}
