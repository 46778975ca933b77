package dev.aide.core.exec;

/**
 * Makes a default {@link Executor}, for {@code Aide.optimize(task)}.
 *
 * <p>Found through {@link java.util.ServiceLoader}: a module registers an implementation in {@code
 * META-INF/services/dev.aide.core.exec.ExecutorProvider}. aide-exec registers its process executor.
 *
 * <p>{@code Aide.Builder.build()} calls it once per configuration; implementations need not be safe
 * for use by several threads at once, but the executor they return must be.
 */
@FunctionalInterface
public interface ExecutorProvider {
  /**
   * Returns a new executor with default settings.
   *
   * @throws ExecutorException if this provider cannot work on this machine; the message says why
   */
  Executor create();
}
