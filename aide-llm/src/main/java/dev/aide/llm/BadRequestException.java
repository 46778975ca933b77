package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the provider rejects the request itself: HTTP 400, 404, 413, 422 or another 4xx that
 * no other subclass covers. The same request fails again, so it is not retried; the run goes on,
 * since another request may succeed. Its {@link #kind()} is {@link Kind#INVALID_REQUEST} unless a
 * subclass says more. Immutable.
 */
public class BadRequestException extends ProviderException {
  private static final long serialVersionUID = 1L;

  BadRequestException(
      String message,
      @Nullable Throwable cause,
      Kind kind,
      int statusCode,
      String provider,
      ErrorInfo info) {
    super(message, cause, kind, false, false, statusCode, provider, info);
  }
}
