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

  public AideException(String message) {
    super(message);
  }

  public AideException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
