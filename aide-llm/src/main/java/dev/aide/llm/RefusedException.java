package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the model declined to answer: OpenAI's {@code message.refusal} in place of content,
 * Anthropic's {@code stop_reason: "refusal"}. {@link #kind()} is {@link Kind#REFUSED}; the message
 * quotes the refusal. The same prompt is likely refused again, so it is not retried; the run goes
 * on. Immutable.
 */
public final class RefusedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String refusal;

  RefusedException(
      String message, @Nullable String refusal, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.REFUSED, false, false, statusCode, provider, info);
    this.refusal = refusal;
  }

  /** The model's or the provider's words on the refusal; null when there were none. */
  public @Nullable String refusal() {
    return refusal;
  }
}
