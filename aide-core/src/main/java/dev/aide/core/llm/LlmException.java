package dev.aide.core.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call to a model fails.
 *
 * <p>Two facts guide what happens next. {@link #isRetryable()} says whether the same call may
 * succeed if tried again (a rate limit, an overloaded server, a dropped connection); clients retry
 * those themselves before giving up. {@link #endsRun()} says that no later call with this client
 * can succeed (bad credentials, an exhausted quota): the search then stops, with every finished
 * node on disk. Any other failure makes only the node at hand buggy, and the search goes on.
 *
 * <p>Messages carry the provider's words, status and request id, never an API key.
 */
public class LlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private final boolean endsRun;
  private final int statusCode;
  private final @Nullable String requestId;

  /**
   * @param message what went wrong, and where it helps, how to fix it
   * @param cause the underlying failure, if any
   * @param retryable whether the same call may succeed when tried again
   * @param endsRun whether no later call with this client can succeed
   * @param statusCode the HTTP status, or 0 when there was none
   * @param requestId the provider's request id, if known
   */
  public LlmException(
      String message,
      @Nullable Throwable cause,
      boolean retryable,
      boolean endsRun,
      int statusCode,
      @Nullable String requestId) {
    super(message, cause);
    this.retryable = retryable;
    this.endsRun = endsRun;
    this.statusCode = statusCode;
    this.requestId = requestId;
  }

  /** A failure that is neither retryable nor fatal to the run. */
  public LlmException(String message) {
    this(message, null, false, false, 0, null);
  }

  /** Whether the same call may succeed when tried again. */
  public boolean isRetryable() {
    return retryable;
  }

  /** Whether no later call with this client can succeed, so the search must stop. */
  public boolean endsRun() {
    return endsRun;
  }

  /** The HTTP status, or 0 when the failure had none. */
  public int statusCode() {
    return statusCode;
  }

  /** The provider's id of the failed request, if known. */
  public @Nullable String requestId() {
    return requestId;
  }
}
