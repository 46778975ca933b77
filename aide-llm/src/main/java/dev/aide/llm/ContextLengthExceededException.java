package dev.aide.llm;

/**
 * Thrown when the prompt and the requested output do not fit in the model's context window
 * (OpenAI's {@code context_length_exceeded}, Anthropic's "prompt is too long", and the like from
 * compatible servers); {@link #kind()} is {@link Kind#CONTEXT_TOO_LONG}. A shorter prompt or a
 * smaller output limit can succeed. Immutable.
 */
public final class ContextLengthExceededException extends BadRequestException {
  private static final long serialVersionUID = 1L;

  private final long contextTokens;

  ContextLengthExceededException(
      String message, long contextTokens, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.CONTEXT_TOO_LONG, statusCode, provider, info);
    this.contextTokens = contextTokens;
  }

  /** The model's context size in tokens as the provider stated it, or 0 when it did not. */
  public long contextTokens() {
    return contextTokens;
  }
}
