package dev.aide.core.search;

import dev.aide.core.Node;
import dev.aide.core.Stage;
import java.util.List;
import java.util.Objects;

/**
 * What the search does next: write a new {@link Draft}, {@link Improve} a good node, {@link Debug}
 * a buggy one, or combine two good nodes in a {@link Crossover}. A {@link SearchPolicy} returns one
 * per step.
 *
 * <p>Each kind of action makes a node of one {@link #stage()}, from the nodes {@link #parents()}.
 * Code that handles each kind switches on the stage in a switch expression without a {@code
 * default}, so that it stops compiling when a kind of action (and with it a stage) is added:
 *
 * <pre>{@code
 * String verb =
 *     switch (action.stage()) {
 *       case DRAFT -> "draft";
 *       case IMPROVE -> "improve " + action.parents().get(0).id();
 *       case DEBUG -> "fix " + action.parents().get(0).id();
 *       case CROSSOVER -> "cross " + action.parents().get(0).id() + " with " + action.parents().get(1).id();
 *     };
 * }</pre>
 *
 * <p>Each kind is also a type ({@link Draft}, {@link Improve}, {@link Debug}, {@link Crossover})
 * for {@code instanceof} patterns. Actions are immutable and safe to share.
 */
public sealed interface Action
    permits Action.Draft, Action.Improve, Action.Debug, Action.Crossover {
  /** The stage of the node this action makes. */
  Stage stage();

  /**
   * The nodes this action makes a node from, as the new node's {@link Node#parents()} will list
   * them: none for a draft, the improved or fixed node, or the two nodes of a crossover (first
   * parent first).
   */
  List<Node> parents();

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
    public Stage stage() {
      return Stage.DRAFT;
    }

    @Override
    public List<Node> parents() {
      return List.of();
    }

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

    @Override
    public Stage stage() {
      return Stage.IMPROVE;
    }

    @Override
    public List<Node> parents() {
      return List.of(node);
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

    @Override
    public Stage stage() {
      return Stage.DEBUG;
    }

    @Override
    public List<Node> parents() {
      return List.of(node);
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

    @Override
    public Stage stage() {
      return Stage.CROSSOVER;
    }

    @Override
    public List<Node> parents() {
      return List.of(first, second);
    }
  }
}
