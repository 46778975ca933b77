package dev.aide.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an answer cannot be read: a body that is not the documented JSON, a successful status
 * whose body carries an {@code error} object instead of an answer, or a status the API does not
 * use. Not retried. Immutable.
 */
public final class UnreadableResponseException extends ProviderException {
  private static final long serialVersionUID = 1L;

  UnreadableResponseException(
      String message, @Nullable Throwable cause, int statusCode, String provider, ErrorInfo info) {
    super(message, cause, false, false, statusCode, provider, info);
  }
}
