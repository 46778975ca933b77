package dev.aide.core;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a search cannot start or must stop: its configuration is invalid, its output
 * directory holds another task's run, or an error occurred that no later step could avoid (bad
 * credentials, a missing interpreter). The message says what happened and how to fix it; when a
 * search was under way, every node finished so far is on disk and the run can be resumed.
 */
public class AideException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable StopReason stopReason;

  public AideException(String message) {
    this(message, null, null);
  }

  public AideException(String message, @Nullable Throwable cause) {
    this(message, cause, null);
  }

  /**
   * @param stopReason why the search stopped, when a rule of the search stopped it ({@link
   *     StopReason#LLM_FAILING}, {@link StopReason#EXECUTION_FAILING}); null otherwise
   */
  public AideException(String message, @Nullable Throwable cause, @Nullable StopReason stopReason) {
    super(message, cause);
    this.stopReason = stopReason;
  }

  /**
   * Why the search stopped, when one of its rules stopped it ({@link StopReason#LLM_FAILING},
   * {@link StopReason#EXECUTION_FAILING}); null for other errors.
   */
  public @Nullable StopReason stopReason() {
    return stopReason;
  }
}
