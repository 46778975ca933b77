package dev.aide.core.llm;

/**
 * Sends one chat request to a language model and returns its answer.
 *
 * <p>This is the SPI through which the search talks to any LLM. aide-llm provides clients for
 * OpenAI-compatible servers and Anthropic; a test or an application can plug in its own, often as a
 * lambda:
 *
 * <pre>{@code
 * LlmClient echo = request -> ChatResponse.ofText("```python\nprint(1)\n```");
 * }</pre>
 *
 * <p>Implementations must be safe for use by several threads at once: one client serves all the
 * workers of a search.
 */
@FunctionalInterface
public interface LlmClient {
  /**
   * Returns the model's answer to {@code request}.
   *
   * @throws LlmException when the call fails; {@link LlmException#isRetryable()} says whether
   *     trying again can help and {@link LlmException#endsRun()} whether no later call can succeed
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Returns the model's answer to {@code request}, telling {@code progress} how much of it has
   * arrived while it streams in. The search calls this one; a client that cannot tell (the default)
   * tells nothing and answers as {@link #chat(ChatRequest)} does.
   *
   * @throws LlmException as {@link #chat(ChatRequest)}
   */
  default ChatResponse chat(ChatRequest request, ChatProgress progress) {
    return chat(request);
  }
}
