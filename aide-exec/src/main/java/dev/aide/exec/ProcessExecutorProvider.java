package dev.aide.exec;

import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorProvider;

/**
 * Provides a {@link ProcessExecutor} with default settings to {@code Aide.optimize(task)}, through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcessExecutorProvider implements ExecutorProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public ProcessExecutorProvider() {}

  @Override
  public Executor create() {
    return ProcessExecutor.builder().build();
  }
}
