package dev.aide.llm;

import dev.aide.core.llm.LlmException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call to a provider's HTTP API fails; each subclass names one kind of failure.
 *
 * <p>Besides what {@link LlmException} carries (HTTP status, request id, whether a retry can help,
 * whether the run must end), it keeps what the provider said: its error type, code and message. The
 * clients have already retried the failures that {@link #isRetryable()} marks before throwing.
 *
 * <pre>
 * ProviderException                       kind()                when
 * ├── AuthenticationException             AUTHENTICATION        401, 403 (ends the run)
 * ├── QuotaExhaustedException             QUOTA                 429 insufficient_quota, 402 (ends the run)
 * ├── BadRequestException                 INVALID_REQUEST       400, 404, 413, 422, other 4xx
 * │   ├── ModelNotFoundException          MODEL_NOT_FOUND       404 about the model, model_not_found
 * │   ├── ContextLengthExceededException  CONTEXT_TOO_LONG      the prompt does not fit
 * │   └── UnsupportedParameterException   TOOLS_UNSUPPORTED     tools or tool_choice rejected
 * │                                       RESPONSE_FORMAT_UNSUPPORTED  response_format rejected
 * │                                       INVALID_REQUEST       another parameter rejected
 * ├── ContentFilteredException            CONTENT_FILTERED      moderation flagged the prompt (403)
 * ├── RefusedException                    REFUSED               the model declined (a 200 answer)
 * ├── RateLimitedException                TRANSIENT             429 (retried)
 * ├── ServerException                     TRANSIENT             5xx, 529, 409 (retried)
 * ├── RequestTimeoutException             TRANSIENT             408, no answer in time (retried)
 * ├── ConnectionFailedException           UNREACHABLE           no connection could be made (retried)
 * │                                       TRANSIENT             a connection broke (retried)
 * └── UnreadableResponseException         UNREADABLE_RESPONSE   200 without an answer (retried),
 *                                                               a malformed answer
 * </pre>
 *
 * <p>An {@code error} object in a 200 answer is mapped as the status its code names (Anthropic's
 * error types imply one), else as a 5xx. A header {@code x-should-retry: true} or {@code false}
 * overrides whether a failure is retried.
 *
 * <p>No message, field or {@code toString()} holds an API key: the clients cut every secret they
 * were given out of the provider's words before they reach an exception or a log line. Instances
 * are immutable and safe to share.
 */
public abstract class ProviderException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final @Nullable String errorType;
  private final @Nullable String errorCode;
  private final @Nullable String providerMessage;

  ProviderException(
      String message,
      @Nullable Throwable cause,
      Kind kind,
      boolean retryable,
      boolean endsRun,
      int statusCode,
      String provider,
      ErrorInfo info) {
    super(message, cause, kind, retryable, endsRun, statusCode, info.requestId());
    this.provider = provider;
    this.errorType = info.type();
    this.errorCode = info.code();
    this.providerMessage = info.message();
  }

  /** Who answered: "OpenAI", "Anthropic", or the host and port of another server. */
  public String provider() {
    return provider;
  }

  /**
   * The provider's error type, e.g. {@code invalid_request_error} or {@code overloaded_error}; null
   * when it gave none.
   */
  public @Nullable String errorType() {
    return errorType;
  }

  /**
   * The provider's error code as text, e.g. {@code context_length_exceeded} or {@code 400}; null
   * when it gave none.
   */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** The provider's own words about the failure, secrets removed; null when it gave none. */
  public @Nullable String providerMessage() {
    return providerMessage;
  }
}
