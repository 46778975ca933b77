package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an answer cannot be read; {@link #kind()} is {@link Kind#UNREADABLE_RESPONSE}. A
 * successful status whose body is not JSON or lacks the answer (no {@code choices}, no {@code
 * content}) is a fault of the server and is retried like a 5xx ({@link #isRetryable()} true); an
 * answer that is there but malformed (a tool call without a name) or a status the API does not use
 * is not. Immutable.
 */
public final class UnreadableResponseException extends ProviderException {
  private static final long serialVersionUID = 1L;

  UnreadableResponseException(
      String message,
      @Nullable Throwable cause,
      boolean retryable,
      int statusCode,
      String provider,
      ErrorInfo info) {
    super(message, cause, Kind.UNREADABLE_RESPONSE, retryable, false, statusCode, provider, info);
  }
}
