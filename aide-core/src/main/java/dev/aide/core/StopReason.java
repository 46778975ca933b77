package dev.aide.core;

/** Why a search stopped. */
public enum StopReason {
  /** The journal reached the number of steps the search was given. */
  STEPS_DONE,
  /** The nodes spent the token budget; nodes in flight when it was reached were finished. */
  TOKEN_BUDGET,
  /** The nodes spent the cost budget; nodes in flight when it was reached were finished. */
  COST_BUDGET,
  /** Too many nodes in a row were buggy; nodes in flight then were finished. */
  TOO_MANY_FAILURES,
  /** The best node reached the target metric; nodes in flight then were abandoned. */
  TARGET_REACHED,
  /** The time limit passed; nodes in flight then were abandoned. */
  TIME_LIMIT,
  /** The search was cancelled or its thread interrupted; nodes in flight were abandoned. */
  CANCELLED,
  /**
   * The same persistent LLM failure (a model the server does not know, an endpoint that stays
   * unreachable, a prompt over the context limit) met several calls in a row; the search ends with
   * an {@link AideException} that names the cause.
   */
  LLM_FAILING,
  /**
   * Several executions in a row failed at once in the same way with no output of their own (an
   * interpreter that cannot run); the search ends with an {@link AideException} that names the
   * command.
   */
  EXECUTION_FAILING
}
