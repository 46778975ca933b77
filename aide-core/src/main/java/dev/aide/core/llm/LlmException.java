package dev.aide.core.llm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call to a model fails.
 *
 * <p>Two facts guide what happens next. {@link #isRetryable()} says whether the same call may
 * succeed if tried again (a rate limit, an overloaded server, a dropped connection); clients retry
 * those themselves before giving up. {@link #endsRun()} says that no later call with this client
 * can succeed (bad credentials, an exhausted quota): the search then stops, with every finished
 * node on disk. Any other failure makes only the node at hand buggy, and the search goes on, until
 * the same {@linkplain Kind#persists() persistent} kind of failure repeats on consecutive calls (a
 * model the server does not know, an endpoint that stays unreachable, a prompt over the context
 * limit): then no later call is likely to fare better, and the search stops with that cause.
 *
 * <p>{@link #kind()} says what went wrong in terms the engine acts on; a client that cannot tell
 * leaves it {@link Kind#OTHER}.
 *
 * <p>Messages carry the provider's words, status and request id, never an API key.
 */
public class LlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure a call met, as far as the client can tell. */
  public enum Kind {
    /** A rate limit, an overloaded or failing server, a timeout: waiting may help. */
    TRANSIENT(false),
    /** The server could not be reached at all (refused connection, unknown host, TLS failure). */
    UNREACHABLE(true),
    /** The credentials were refused, or may not use this model. */
    AUTHENTICATION(true),
    /** The account's quota or credit is used up. */
    QUOTA(true),
    /** The server does not know the requested model. */
    MODEL_NOT_FOUND(true),
    /** The prompt (with the output-token limit) does not fit in the model's context. */
    CONTEXT_TOO_LONG(true),
    /** The backend does not accept tools or a forced tool choice. */
    TOOLS_UNSUPPORTED(true),
    /** The backend does not accept a response format (a JSON schema for the answer). */
    RESPONSE_FORMAT_UNSUPPORTED(true),
    /** The provider's moderation flagged this prompt or answer: this call only. */
    CONTENT_FILTERED(false),
    /** The model refused to answer this request. */
    REFUSED(false),
    /** The request was rejected for another reason the client could name. */
    INVALID_REQUEST(true),
    /** The answer could not be read. */
    UNREADABLE_RESPONSE(false),
    /** The client cannot tell. */
    OTHER(false);

    private final boolean persists;

    Kind(boolean persists) {
      this.persists = persists;
    }

    /**
     * Whether the same failure is expected on every later call with the same settings, so that a
     * few in a row mean the search should stop rather than make every node buggy.
     */
    public boolean persists() {
      return persists;
    }
  }

  private final Kind kind;

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
    this(message, cause, Kind.OTHER, retryable, endsRun, statusCode, requestId);
  }

  /**
   * @param message what went wrong, and where it helps, how to fix it
   * @param cause the underlying failure, if any
   * @param kind what kind of failure this is
   * @param retryable whether the same call may succeed when tried again
   * @param endsRun whether no later call with this client can succeed
   * @param statusCode the HTTP status, or 0 when there was none
   * @param requestId the provider's request id, if known
   */
  public LlmException(
      String message,
      @Nullable Throwable cause,
      Kind kind,
      boolean retryable,
      boolean endsRun,
      int statusCode,
      @Nullable String requestId) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryable = retryable;
    this.endsRun = endsRun;
    this.statusCode = statusCode;
    this.requestId = requestId;
  }

  /** A failure that is neither retryable nor fatal to the run. */
  public LlmException(String message) {
    this(message, null, false, false, 0, null);
  }

  /** A failure of the given kind that is neither retryable nor fatal to the run. */
  public LlmException(String message, Kind kind) {
    this(message, null, kind, false, false, 0, null);
  }

  /** What kind of failure this is; {@link Kind#OTHER} when the client could not tell. */
  public Kind kind() {
    return kind;
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
