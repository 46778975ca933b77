package dev.aide.llm;

import java.time.Duration;

/**
 * Waits between two attempts of a call. The clients' default sleeps the calling thread; a test of
 * code that uses a client can pass one that records the waits and returns at once:
 *
 * <pre>{@code
 * List<Duration> waits = new CopyOnWriteArrayList<>();
 * LlmClient client = OpenAiClient.builder().baseUrl(server.url("/v1").toString())
 *     .sleeper(waits::add).build();
 * }</pre>
 *
 * <p>Implementations must be safe for use by several threads at once: one client serves all of a
 * search's workers.
 */
@FunctionalInterface
public interface Sleeper {
  /**
   * Waits for {@code duration}, or returns early.
   *
   * @throws InterruptedException if the thread was interrupted while waiting; the call then ends
   *     with an {@link dev.aide.core.llm.LlmException} and the interrupt flag set
   */
  void sleep(Duration duration) throws InterruptedException;
}
