package dev.aide.llm;

/**
 * Hears a streamed answer grow, for example to show a generation advancing in a status line:
 *
 * <pre>{@code
 * LlmClient client = OpenAiClient.builder()
 *     .apiKey(key)
 *     .streamListener((model, characters) -> status.set(model + ": " + characters + " chars"))
 *     .build();
 * }</pre>
 *
 * <p>It is called on the thread that reads the stream (one of the client's HTTP threads, not the
 * caller's), after each event that added text or tool-call arguments, and never by two threads at
 * once for one call; calls for different requests may overlap, so implementations must be safe for
 * use by several threads at once. It must return quickly and must not block: the stream waits for
 * it. An exception it throws is logged and ignored. It is not called for a plain (not streamed)
 * call.
 */
@FunctionalInterface
public interface StreamListener {
  /**
   * Says how much of an answer has arrived.
   *
   * @param model the model the request named
   * @param characters the characters of text and tool-call arguments this attempt has received so
   *     far; it starts again from 0 when a failed attempt is retried. The answer's token usage
   *     arrives only with its end, in the returned {@link dev.aide.core.llm.ChatResponse}.
   */
  void received(String model, long characters);
}
