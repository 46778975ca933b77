package dev.aide.core;

/** Why a search stopped. */
public enum StopReason {
  /** The journal reached the number of steps the search was given. */
  STEPS_DONE,
  /** The nodes spent the token budget; nodes in flight when it was reached were finished. */
  TOKEN_BUDGET,
  /** The nodes spent the cost budget; nodes in flight when it was reached were finished. */
  COST_BUDGET
}
