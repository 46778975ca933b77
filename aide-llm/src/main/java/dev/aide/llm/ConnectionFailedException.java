package dev.aide.llm;

/**
 * Thrown when the server could not be reached or the connection broke before an answer came: an
 * unknown host, a refused connection, a reset, a TLS failure. Retryable; {@link #statusCode()} is
 * 0. Immutable.
 */
public final class ConnectionFailedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  ConnectionFailedException(String message, Throwable cause, String provider, ErrorInfo info) {
    super(message, cause, true, false, 0, provider, info);
  }
}
