package dev.aide.llm;

/**
 * Thrown when the account has no money or quota left: OpenAI's HTTP 429 with {@code
 * insufficient_quota} (or one of its billing codes), HTTP 402, Anthropic's spend-limit 429 or its
 * "credit balance is too low" 400. Waiting does not help, unlike a {@link RateLimitedException}, so
 * the call is not retried and {@link #endsRun()} is true. Immutable.
 */
public final class QuotaExhaustedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  QuotaExhaustedException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.QUOTA, false, true, statusCode, provider, info);
  }
}
