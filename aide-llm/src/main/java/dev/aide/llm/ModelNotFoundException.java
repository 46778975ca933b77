package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the server does not know the requested model: HTTP 404 whose error speaks of the
 * model (OpenAI's {@code model_not_found}, Anthropic's {@code not_found_error} "model: ...",
 * Ollama's "model 'x' not found"), or any 4xx with the code {@code model_not_found}. {@link
 * #kind()} is {@link Kind#MODEL_NOT_FOUND}; the message names the model and how to fix it. Not
 * retried. Immutable.
 */
public final class ModelNotFoundException extends BadRequestException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String model;

  ModelNotFoundException(
      String message, @Nullable String model, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.MODEL_NOT_FOUND, statusCode, provider, info);
    this.model = model;
  }

  /** The model the request asked for; null if the request named none. */
  public @Nullable String model() {
    return model;
  }
}
