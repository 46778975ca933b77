package dev.aide.core.search;

import dev.aide.core.Node;
import java.util.Objects;

/**
 * What the search does next: write a new {@link Draft}, {@link Improve} a good node, {@link Debug}
 * a buggy one, or combine two good nodes in a {@link Crossover}. A {@link SearchPolicy} returns one
 * per step.
 */
public sealed interface Action
    permits Action.Draft, Action.Improve, Action.Debug, Action.Crossover {
  /** Returns the action that writes a new solution from the task alone. */
  static Action draft() {
    return Draft.INSTANCE;
  }

  /** Returns the action that improves the good node {@code node}. */
  static Action improve(Node node) {
    return new Improve(node);
  }

  /** Returns the action that fixes the buggy node {@code node}. */
  static Action debug(Node node) {
    return new Debug(node);
  }

  /** Returns the action that combines the good nodes {@code first} and {@code second}. */
  static Action crossover(Node first, Node second) {
    return new Crossover(first, second);
  }

  /** Write a new solution from the task alone. */
  enum Draft implements Action {
    INSTANCE;

    @Override
    public String toString() {
      return "Draft";
    }
  }

  /**
   * Improve a good node.
   *
   * @param node the node to improve; it must not be buggy
   */
  record Improve(Node node) implements Action {
    public Improve {
      Objects.requireNonNull(node, "node");
      if (node.isBuggy()) {
        throw new IllegalArgumentException("cannot improve buggy node " + node.id());
      }
    }
  }

  /**
   * Fix a buggy node.
   *
   * @param node the node to fix; it must be buggy
   */
  record Debug(Node node) implements Action {
    public Debug {
      Objects.requireNonNull(node, "node");
      if (!node.isBuggy()) {
        throw new IllegalArgumentException("cannot debug node " + node.id() + ": it is not buggy");
      }
    }
  }

  /**
   * Write a solution that combines the strengths of two good nodes.
   *
   * @param first one node to combine; it must not be buggy
   * @param second the other; it must not be buggy and must differ from {@code first}
   */
  record Crossover(Node first, Node second) implements Action {
    public Crossover {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
      if (first.isBuggy() || second.isBuggy()) {
        throw new IllegalArgumentException(
            "cannot cross buggy nodes: " + first.id() + ", " + second.id());
      }
      if (first.id() == second.id()) {
        throw new IllegalArgumentException("cannot cross node " + first.id() + " with itself");
      }
    }
  }
}
