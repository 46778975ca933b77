package dev.aide.core.internal;

import dev.aide.core.Node;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The engine's way to make a {@link Node} whose plan, code and execution stay on disk, which {@link
 * Node}'s public API does not offer. {@link Node} registers itself here when its class is
 * initialized; {@link JournalFile} uses it for the nodes of {@code journal.jsonl}.
 *
 * <p>Safe for use by several threads at once.
 */
public final class NodeAccess {
  /** Reads a node back from where it was stored. */
  public interface StoredNode {
    /**
     * Returns the node as it was written, with every value in memory.
     *
     * @throws dev.aide.core.AideException if it can no longer be read; the message names the file
     *     and the node
     */
    Node load();
  }

  /** Makes a node that reads its plan, code and execution (and a long analysis) on demand. */
  @FunctionalInterface
  public interface Backing {
    Node backedBy(Node full, StoredNode stored);
  }

  private static volatile @Nullable Backing backing;

  private NodeAccess() {}

  /**
   * Called once, by {@link Node}'s class initializer.
   *
   * @throws IllegalStateException if called again
   */
  public static synchronized void register(Backing backing) {
    Objects.requireNonNull(backing, "backing");
    if (NodeAccess.backing != null) throw new IllegalStateException("already registered");
    NodeAccess.backing = backing;
  }

  /**
   * Returns a node with {@code full}'s values that keeps only what policies and the memory summary
   * need in memory and reads the rest through {@code stored}.
   */
  static Node backedBy(Node full, StoredNode stored) {
    // full is a Node, so Node's class initializer has run and registered itself
    return Objects.requireNonNull(backing, "Node did not register").backedBy(full, stored);
  }
}
