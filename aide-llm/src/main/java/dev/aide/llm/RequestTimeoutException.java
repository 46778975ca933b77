package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no complete answer came in time: the connect, read or whole-call timeout of the
 * client ran out, or the server answered HTTP 408. Retryable; {@link #statusCode()} is 408 or 0.
 * Immutable.
 */
public final class RequestTimeoutException extends ProviderException {
  private static final long serialVersionUID = 1L;

  RequestTimeoutException(
      String message, @Nullable Throwable cause, int statusCode, String provider, ErrorInfo info) {
    super(message, cause, Kind.TRANSIENT, true, false, statusCode, provider, info);
  }
}
