package dev.aide.llm;

/**
 * Thrown when the provider refuses the credentials: HTTP 401 (a missing, wrong or revoked API key)
 * or 403 (the key may not use this model, region or resource). No later call can succeed, so {@link
 * #endsRun()} is true. Immutable.
 */
public final class AuthenticationException extends ProviderException {
  private static final long serialVersionUID = 1L;

  AuthenticationException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.AUTHENTICATION, false, true, statusCode, provider, info);
  }
}
