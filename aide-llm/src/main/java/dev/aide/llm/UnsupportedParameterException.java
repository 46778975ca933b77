package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the model or server does not accept a parameter or value that was sent: OpenAI's
 * {@code unsupported_parameter} and {@code unsupported_value} (a temperature for a reasoning model,
 * say), or a compatible server's "does not support tools". Immutable.
 */
public final class UnsupportedParameterException extends BadRequestException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String parameter;

  UnsupportedParameterException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, statusCode, provider, info);
    this.parameter = info.param();
  }

  /** The parameter the provider named, e.g. {@code temperature}; null when it named none. */
  public @Nullable String parameter() {
    return parameter;
  }
}
