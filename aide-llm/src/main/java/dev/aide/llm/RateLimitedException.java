package dev.aide.llm;

/**
 * Thrown when the provider still answers HTTP 429 (too many requests or tokens per minute) after
 * the client's retries. Retryable. Immutable.
 */
public final class RateLimitedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  RateLimitedException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.TRANSIENT, true, false, statusCode, provider, info);
  }
}
