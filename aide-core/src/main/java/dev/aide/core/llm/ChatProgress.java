package dev.aide.core.llm;

/**
 * Hears how much of one call's answer has arrived, while it streams in: what {@link
 * LlmClient#chat(ChatRequest, ChatProgress)} reports, so that a status line can show a node's
 * generation advancing.
 *
 * <p>It is called on the thread that reads the answer, as the answer grows; it must return quickly
 * and must not block. An exception it throws is logged and ignored by the clients of aide-llm.
 */
@FunctionalInterface
public interface ChatProgress {
  /** Hears nothing. */
  ChatProgress NONE = characters -> {};

  /**
   * Says how much of the answer has arrived.
   *
   * @param characters the characters of text and tool-call arguments received so far; it starts
   *     again from 0 when a failed attempt is retried
   */
  void received(long characters);
}
