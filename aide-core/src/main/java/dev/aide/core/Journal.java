package dev.aide.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tree of finished nodes of one search, in the order they finished.
 *
 * <p>The journal only grows. It answers the questions a search policy asks: the drafts, the buggy
 * and the good nodes, the best node, and a node's children. Each answer is a snapshot that later
 * additions do not change, and every query costs at most time proportional to its answer.
 *
 * <p>Safe for use by several threads at once: workers append while listeners and policies read.
 */
public final class Journal {
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Integer, Node> byId = new HashMap<>();
  private final Map<Integer, List<Node>> children = new HashMap<>();
  private final List<Node> drafts = new ArrayList<>();
  private final List<Node> good = new ArrayList<>();
  private final List<Node> buggy = new ArrayList<>();
  private final Set<Node> buggyLeaves = new LinkedHashSet<>();
  private @Nullable Node best;
  private int maxId = -1;

  /** Returns an empty journal. */
  public Journal() {}

  /**
   * Appends a finished node.
   *
   * @throws IllegalArgumentException if a node with the same id is already here, or the node is
   *     good and its metric's direction differs from that of the good nodes already here
   */
  public synchronized void add(Node node) {
    Objects.requireNonNull(node, "node");
    if (byId.containsKey(node.id())) {
      throw new IllegalArgumentException("the journal already holds a node with id " + node.id());
    }
    if (!node.isBuggy() && best != null && best.metric().direction() != node.metric().direction()) {
      throw new IllegalArgumentException(
          "node "
              + node.id()
              + " is scored to "
              + node.metric().direction()
              + " but the journal's good nodes are scored to "
              + best.metric().direction());
    }
    nodes.add(node);
    byId.put(node.id(), node);
    maxId = Math.max(maxId, node.id());
    for (int parent : node.parents()) {
      children.computeIfAbsent(parent, k -> new ArrayList<>()).add(node);
      Node parentNode = byId.get(parent);
      if (parentNode != null) buggyLeaves.remove(parentNode);
    }
    if (node.stage() == Stage.DRAFT) drafts.add(node);
    if (node.isBuggy()) {
      buggy.add(node);
      if (!children.containsKey(node.id())) buggyLeaves.add(node);
    } else {
      good.add(node);
      if (best == null || node.metric().isBetterThan(best.metric())) best = node;
    }
  }

  /** All nodes in the order they finished. */
  public synchronized List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public synchronized int size() {
    return nodes.size();
  }

  public synchronized boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** Returns the node with {@code id}, or null if there is none. */
  public synchronized @Nullable Node get(int id) {
    return byId.get(id);
  }

  /** The nodes written from the task alone, in the order they finished. */
  public synchronized List<Node> drafts() {
    return List.copyOf(drafts);
  }

  /** The buggy nodes, in the order they finished. */
  public synchronized List<Node> buggyNodes() {
    return List.copyOf(buggy);
  }

  /** The buggy nodes that no node has been made from yet, in the order they finished. */
  public synchronized List<Node> buggyLeaves() {
    return List.copyOf(buggyLeaves);
  }

  /** The nodes that ran cleanly and have a metric, in the order they finished. */
  public synchronized List<Node> goodNodes() {
    return List.copyOf(good);
  }

  /**
   * The good node with the best metric; of equally good ones, the one that finished first. Null
   * while there is no good node.
   */
  public synchronized @Nullable Node best() {
    return best;
  }

  /** The nodes made from {@code node}, in the order they finished. */
  public List<Node> children(Node node) {
    return children(node.id());
  }

  /** The nodes made from the node with id {@code nodeId}, in the order they finished. */
  public synchronized List<Node> children(int nodeId) {
    List<Node> result = children.get(nodeId);
    return result == null ? List.of() : List.copyOf(result);
  }

  /** Whether no node has been made from {@code node} yet. */
  public synchronized boolean isLeaf(Node node) {
    return !children.containsKey(node.id());
  }

  /** The direction the good nodes are scored in; null while there is no good node. */
  public synchronized @Nullable Direction direction() {
    return best == null ? null : best.metric().direction();
  }

  /** The largest node id, or -1 when the journal is empty. */
  public synchronized int maxId() {
    return maxId;
  }

  @Override
  public synchronized String toString() {
    return "Journal{nodes=" + nodes.size() + ", good=" + good.size() + ", best=" + best + "}";
  }
}
