package dev.aide.core.llm;

/** Why the model stopped writing. */
public enum FinishReason {
  /** The answer is complete. */
  STOP,
  /** The output-token limit cut the answer off: it is incomplete. */
  LENGTH,
  /** The model stopped to call tools. */
  TOOL_CALLS,
  /** The provider withheld or cut the answer for its content. */
  CONTENT_FILTER,
  /** Any other reason, or none given. */
  OTHER
}
