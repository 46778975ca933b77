package dev.aide.llm;

/**
 * Thrown when the server could not be reached or the connection broke before an answer came.
 * Retryable; {@link #statusCode()} is 0. Its {@link #kind()} is {@link Kind#UNREACHABLE} when no
 * connection could be made (an unknown host, a refused connection, no route, a TLS handshake that
 * failed), so that an endpoint that stays unreachable stops the search, and {@link Kind#TRANSIENT}
 * when a connection broke on the way (a reset, an answer cut off). The message names the URL,
 * without user info or query. Immutable.
 */
public final class ConnectionFailedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  ConnectionFailedException(
      String message, Throwable cause, Kind kind, String provider, ErrorInfo info) {
    super(message, cause, kind, true, false, 0, provider, info);
  }
}
