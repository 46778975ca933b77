package dev.aide.core;

import dev.aide.core.internal.SearchEngine;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A search running in the background, started with {@link Aide#start}: watch its journal, cancel it
 * from any thread, and wait for its {@link Result}.
 *
 * <pre>{@code
 * Search search = aide.start(task);
 * Runtime.getRuntime().addShutdownHook(new Thread(search::cancel));
 * Result result = search.await();
 * }</pre>
 *
 * <p>Safe for use by several threads at once.
 */
public final class Search {
  private final SearchEngine engine;
  private final CompletableFuture<Result> result = new CompletableFuture<>();

  Search(SearchEngine engine) {
    this.engine = engine;
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(engine.run());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "aide-search");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops the search: no new node starts, nodes in flight are abandoned (running executions are
   * stopped where the executor honours thread interrupts), and {@link #await} returns a result
   * whose stop reason is {@link StopReason#CANCELLED}. Every finished node is in the journal on
   * disk, and running again with the same output directory resumes. Does nothing once the search
   * has stopped.
   */
  public void cancel() {
    engine.cancel(StopReason.CANCELLED);
  }

  /**
   * Waits for the search to end and returns its result. If the waiting thread is interrupted, the
   * search is cancelled, this waits for it to wind down, and returns with the thread's interrupt
   * flag set.
   *
   * @throws AideException if an error that no later step could avoid stopped the search
   */
  public Result await() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
          cancel();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) throw runtime;
          if (cause instanceof Error error) throw error;
          throw new AideException("the search failed: " + cause, cause);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Whether the search has ended. */
  public boolean isDone() {
    return result.isDone();
  }

  /**
   * The journal of finished nodes, as a read-only view: it grows while the search runs, and its
   * {@link Journal#add} throws.
   */
  public Journal journal() {
    return engine.journal();
  }

  /** The directory the search writes to. */
  public Path outputDir() {
    return engine.outputDir();
  }
}
