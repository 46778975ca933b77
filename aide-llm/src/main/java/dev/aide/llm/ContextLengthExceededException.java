package dev.aide.llm;

/**
 * Thrown when the prompt and the requested output do not fit in the model's context window
 * (OpenAI's {@code context_length_exceeded}, Anthropic's "prompt is too long", and the like from
 * compatible servers). A shorter prompt or a smaller output limit can succeed. Immutable.
 */
public final class ContextLengthExceededException extends BadRequestException {
  private static final long serialVersionUID = 1L;

  ContextLengthExceededException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, statusCode, provider, info);
  }
}
