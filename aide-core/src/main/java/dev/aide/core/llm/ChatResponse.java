package dev.aide.core.llm;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model's answer.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param text the answer's text, empty when there is none
 * @param toolCalls the tool calls in the answer, empty when there are none
 * @param finishReason why the model stopped; {@link FinishReason#LENGTH} means the text or a tool
 *     call's arguments were cut off
 * @param usage the tokens the call spent
 * @param requestId the provider's id of the request, for support tickets; null when unknown
 */
public record ChatResponse(
    String text,
    List<ToolCall> toolCalls,
    FinishReason finishReason,
    TokenUsage usage,
    @Nullable String requestId) {
  public ChatResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
  }

  /** Returns a complete text answer with no usage, as a scripted client in a test would give. */
  public static ChatResponse ofText(String text) {
    return new ChatResponse(text, List.of(), FinishReason.STOP, TokenUsage.ZERO, null);
  }

  /** Returns an answer that calls one tool, as a scripted client in a test would give. */
  public static ChatResponse ofToolCall(String name, String argumentsJson) {
    return new ChatResponse(
        "",
        List.of(new ToolCall(null, name, argumentsJson)),
        FinishReason.TOOL_CALLS,
        TokenUsage.ZERO,
        null);
  }
}
