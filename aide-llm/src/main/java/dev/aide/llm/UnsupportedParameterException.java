package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the model or server does not accept a parameter or value that was sent: OpenAI's
 * {@code unsupported_parameter} and {@code unsupported_value} (a temperature for a reasoning model,
 * say), or a server that does not take tools or a forced tool choice (Ollama's "does not support
 * tools", vLLM's "{@code "auto" tool choice requires --enable-auto-tool-choice}", llama.cpp's
 * "requires --jinja"), or a response format it does not take (a message or parameter naming {@code
 * response_format} or {@code json_schema}). For those {@link #kind()} is {@link
 * Kind#TOOLS_UNSUPPORTED} or {@link Kind#RESPONSE_FORMAT_UNSUPPORTED}, on which a caller may ask
 * again without tools or without the format; otherwise {@link Kind#INVALID_REQUEST}. Immutable.
 */
public final class UnsupportedParameterException extends BadRequestException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String parameter;

  UnsupportedParameterException(
      String message, Kind kind, int statusCode, String provider, ErrorInfo info) {
    super(message, null, kind, statusCode, provider, info);
    this.parameter = info.param();
  }

  /** The parameter the provider named, e.g. {@code temperature}; null when it named none. */
  public @Nullable String parameter() {
    return parameter;
  }
}
