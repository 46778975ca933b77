package dev.aide.core;

/** What produced a node: a fresh draft, an improvement of a good node, or a fix of a buggy one. */
public enum Stage {
  /** A new solution written from the task alone (or the task's starting solution). */
  DRAFT,
  /** A change to a working solution meant to raise its metric. */
  IMPROVE,
  /** A fix of a buggy solution. */
  DEBUG,
  /** A solution that combines two working ones; it has two parents. */
  CROSSOVER
}
