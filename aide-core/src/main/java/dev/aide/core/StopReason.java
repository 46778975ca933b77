package dev.aide.core;

/** Why a search stopped. */
public enum StopReason {
  /** The journal reached the number of steps the search was given. */
  STEPS_DONE
}
