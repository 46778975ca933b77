package dev.aide.llm;

/**
 * Thrown when the provider still fails after the client's retries: HTTP 500 and above (including
 * Anthropic's 529 {@code overloaded_error}) or 409 Conflict. Retryable. Immutable.
 */
public final class ServerException extends ProviderException {
  private static final long serialVersionUID = 1L;

  ServerException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.TRANSIENT, true, false, statusCode, provider, info);
  }
}
