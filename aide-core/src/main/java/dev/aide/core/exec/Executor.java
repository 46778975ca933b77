package dev.aide.core.exec;

/**
 * Runs a solution's code and reports what happened.
 *
 * <p>This is the SPI through which the search runs code. aide-exec provides a process executor
 * (optionally sandboxed); a test can plug in an in-memory one as a lambda.
 *
 * <p>Implementations must be safe for use by several threads at once: the workers of a search run
 * their nodes concurrently, each in its own workspace.
 */
@FunctionalInterface
public interface Executor {
  /**
   * Runs {@code request} and returns its outcome. A program that fails, raises or times out is an
   * ordinary result, not an exception.
   *
   * @throws ExecutorException when the executor itself cannot work (e.g. the interpreter is
   *     missing); the search stops, since no later node could run either
   */
  ExecutionResult execute(ExecutionRequest request);
}
