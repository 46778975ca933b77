package dev.aide.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The tree of finished nodes of one search, in the order they finished.
 *
 * <p>The journal only grows. It answers the questions a search policy asks: the drafts, the buggy
 * and the good nodes, the best node, and a node's children. Each answer is a snapshot that later
 * additions do not change, and every query costs at most time proportional to its answer: the
 * counts ({@link #goodCount()}, {@link #buggyCount()}, ...) cost the same at any length, and so do
 * {@link #best(int)}, {@link #lastGood(int)}, {@link #lastBuggy(int)} and {@link #randomBuggyLeaf},
 * which a policy or a prompt that shows a few nodes should prefer to copying a whole list. Adding a
 * node costs time proportional to the logarithm of the journal's size (amortised).
 *
 * <p>The journal a search hands out, through {@link Search#journal()}, {@link Result#journal()} and
 * a policy's {@link dev.aide.core.search.SearchState#journal()}, is a {@linkplain #readOnlyView()
 * read-only view}: it sees every node the search adds, but its {@link #add} throws. A journal made
 * with {@link #Journal()}, e.g. to test a policy on constructed nodes, takes nodes.
 *
 * <p>Safe for use by several threads at once: workers append while listeners and policies read.
 */
public final class Journal {
  private final Tree tree;
  private final boolean writable;
  private final Journal view;

  /** Returns an empty journal that takes nodes. */
  public Journal() {
    this.tree = new Tree();
    this.writable = true;
    this.view = new Journal(tree);
  }

  private Journal(Tree tree) {
    this.tree = tree;
    this.writable = false;
    this.view = this;
  }

  /**
   * Returns a view of this journal that sees every node added to it, at no copying cost, and whose
   * {@link #add} throws. Every call returns the same view; a view's view is itself.
   */
  public Journal readOnlyView() {
    return view;
  }

  /**
   * Appends a finished node.
   *
   * @throws UnsupportedOperationException if this is a {@linkplain #readOnlyView() read-only view},
   *     such as the journal of a search: that journal belongs to the search, which alone adds nodes
   * @throws IllegalArgumentException if a node with the same id is already here, or the node is
   *     good and its metric's direction differs from that of the good nodes already here
   */
  public void add(Node node) {
    Objects.requireNonNull(node, "node");
    if (!writable) {
      throw new UnsupportedOperationException(
          "this journal is read-only: it belongs to the search, which adds each node as it"
              + " finishes; to build a journal of your own (e.g. to test a policy), use new"
              + " Journal()");
    }
    tree.add(node);
  }

  /** All nodes in the order they finished. */
  public List<Node> nodes() {
    synchronized (tree) {
      return List.copyOf(tree.nodes);
    }
  }

  public int size() {
    synchronized (tree) {
      return tree.nodes.size();
    }
  }

  public boolean isEmpty() {
    synchronized (tree) {
      return tree.nodes.isEmpty();
    }
  }

  /** Returns the node with {@code id}, or null if there is none. */
  public @Nullable Node get(int id) {
    synchronized (tree) {
      return tree.byId.get(id);
    }
  }

  /** The nodes written from the task alone, in the order they finished. */
  public List<Node> drafts() {
    synchronized (tree) {
      return List.copyOf(tree.drafts);
    }
  }

  /** The buggy nodes, in the order they finished. */
  public List<Node> buggyNodes() {
    synchronized (tree) {
      return List.copyOf(tree.buggy);
    }
  }

  /** The buggy nodes that no node has been made from yet, in the order they finished. */
  public List<Node> buggyLeaves() {
    synchronized (tree) {
      return List.copyOf(tree.buggyLeaves);
    }
  }

  /** The nodes that ran cleanly and have a metric, in the order they finished. */
  public List<Node> goodNodes() {
    synchronized (tree) {
      return List.copyOf(tree.good);
    }
  }

  /** How many nodes were written from the task alone; {@code drafts().size()} without the copy. */
  public int draftCount() {
    synchronized (tree) {
      return tree.drafts.size();
    }
  }

  /** How many nodes are buggy; {@code buggyNodes().size()} without the copy. */
  public int buggyCount() {
    synchronized (tree) {
      return tree.buggy.size();
    }
  }

  /** How many buggy nodes no node has been made from yet; {@code buggyLeaves().size()}. */
  public int buggyLeafCount() {
    synchronized (tree) {
      return tree.buggyLeaves.size();
    }
  }

  /**
   * Picks, uniformly at random, a buggy leaf whose {@linkplain Node#debugDepth() debug depth} is
   * below {@code belowDepth} and whose id is not in {@code excluded} (e.g. the nodes being debugged
   * now); null when there is none. It draws exactly what {@code
   * candidates.get(random.nextInt(candidates.size()))} draws from the list of those leaves in the
   * order they finished (one {@code nextInt} call, none when there is no candidate), without
   * building the list: it costs time proportional to the number of distinct debug depths below
   * {@code belowDepth} and the size of {@code excluded} times the logarithm of the journal's size,
   * so a policy can call it at every step.
   */
  public @Nullable Node randomBuggyLeaf(
      int belowDepth, Set<Integer> excluded, RandomGenerator random) {
    Objects.requireNonNull(excluded, "excluded");
    Objects.requireNonNull(random, "random");
    synchronized (tree) {
      return tree.randomBuggyLeaf(belowDepth, excluded, random);
    }
  }

  /** How many nodes ran cleanly and have a metric; {@code goodNodes().size()} without the copy. */
  public int goodCount() {
    synchronized (tree) {
      return tree.good.size();
    }
  }

  /**
   * The {@code k} good nodes with the best metrics, best first; of equally good ones, the one that
   * finished first comes first. Fewer when there are fewer good nodes. Costs time proportional to
   * {@code k}, not to the journal's length.
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public List<Node> best(int k) {
    if (k < 0) throw new IllegalArgumentException("k must be >= 0, was " + k);
    synchronized (tree) {
      List<Node> result = new ArrayList<>(Math.min(k, tree.good.size()));
      for (Ranked ranked : tree.ranking) {
        if (result.size() == k) break;
        result.add(ranked.node());
      }
      return List.copyOf(result);
    }
  }

  /**
   * The {@code k} good nodes that finished last, in the order they finished; fewer when there are
   * fewer good nodes. Costs time proportional to {@code k}, not to the journal's length.
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public List<Node> lastGood(int k) {
    if (k < 0) throw new IllegalArgumentException("k must be >= 0, was " + k);
    synchronized (tree) {
      List<Node> good = tree.good;
      return List.copyOf(good.subList(Math.max(0, good.size() - k), good.size()));
    }
  }

  /**
   * The {@code k} buggy nodes that finished last, in the order they finished; fewer when there are
   * fewer buggy nodes. Costs time proportional to {@code k}, not to the journal's length.
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public List<Node> lastBuggy(int k) {
    if (k < 0) throw new IllegalArgumentException("k must be >= 0, was " + k);
    synchronized (tree) {
      List<Node> buggy = tree.buggy;
      return List.copyOf(buggy.subList(Math.max(0, buggy.size() - k), buggy.size()));
    }
  }

  /**
   * The good node with the best metric; of equally good ones, the one that finished first. Null
   * while there is no good node.
   */
  public @Nullable Node best() {
    synchronized (tree) {
      return tree.best;
    }
  }

  /** The nodes made from {@code node}, in the order they finished. */
  public List<Node> children(Node node) {
    return children(node.id());
  }

  /** The nodes made from the node with id {@code nodeId}, in the order they finished. */
  public List<Node> children(int nodeId) {
    synchronized (tree) {
      List<Node> result = tree.children.get(nodeId);
      return result == null ? List.of() : List.copyOf(result);
    }
  }

  /** Whether no node has been made from {@code node} yet. */
  public boolean isLeaf(Node node) {
    synchronized (tree) {
      return !tree.children.containsKey(node.id());
    }
  }

  /** The direction the good nodes are scored in; null while there is no good node. */
  public @Nullable Direction direction() {
    synchronized (tree) {
      return tree.best == null ? null : tree.best.metric().direction();
    }
  }

  /** The largest node id, or -1 when the journal is empty. */
  public int maxId() {
    synchronized (tree) {
      return tree.maxId;
    }
  }

  @Override
  public String toString() {
    synchronized (tree) {
      return "Journal{nodes="
          + tree.nodes.size()
          + ", good="
          + tree.good.size()
          + ", best="
          + tree.best
          + (writable ? "" : ", read-only")
          + "}";
    }
  }

  /** A good node and its position among the good nodes, for {@link Tree#ranking}. */
  private record Ranked(Node node, int order) {
    /** Better metric first; of equally good nodes, the one that finished first. */
    static final Comparator<Ranked> BEST_FIRST =
        Comparator.comparing((Ranked r) -> r.node().metric())
            .reversed()
            .thenComparingInt(Ranked::order);
  }

  /** The nodes and indexes a journal and its read-only view share; guarded by itself. */
  private static final class Tree {
    final List<Node> nodes = new ArrayList<>();
    final Map<Integer, Node> byId = new HashMap<>();
    final Map<Integer, List<Node>> children = new HashMap<>();
    final List<Node> drafts = new ArrayList<>();
    final List<Node> good = new ArrayList<>();
    final List<Node> buggy = new ArrayList<>();
    final Set<Node> buggyLeaves = new LinkedHashSet<>();

    /** The buggy leaves by debug depth, as counts over positions in {@link #nodes}. */
    final TreeMap<Integer, Counts> leavesByDepth = new TreeMap<>();

    /** The position in {@link #nodes} of each node, by id. */
    final Map<Integer, Integer> positionOf = new HashMap<>();

    int capacity = 64; // of every Counts: a power of two above nodes.size()
    final TreeSet<Ranked> ranking = new TreeSet<>(Ranked.BEST_FIRST);
    @Nullable Node best;
    int maxId = -1;

    @Nullable Node randomBuggyLeaf(int belowDepth, Set<Integer> excluded, RandomGenerator random) {
      List<Counts> depths = List.copyOf(leavesByDepth.headMap(belowDepth, false).values());
      int total = 0;
      for (Counts counts : depths) total += counts.total();
      // The excluded candidates' positions, in finishing order.
      List<Integer> skipped = new ArrayList<>();
      for (int id : excluded) {
        Node node = byId.get(id);
        if (node != null && node.debugDepth() < belowDepth && buggyLeaves.contains(node)) {
          skipped.add(positionOf.get(id));
        }
      }
      if (total - skipped.size() <= 0) return null;
      skipped.sort(null);
      // The rank-th candidate of the list without the excluded ones is the k-th of the whole list,
      // where k counts the excluded ones at or before it as well.
      int k = random.nextInt(total - skipped.size());
      for (int position : skipped) {
        if (rankOf(depths, position) <= k) k++;
        else break;
      }
      return nodes.get(select(depths, k));
    }

    /** How many candidates come before {@code position}. */
    private static int rankOf(List<Counts> depths, int position) {
      int rank = 0;
      for (Counts counts : depths) rank += counts.before(position);
      return rank;
    }

    /** The position of the k-th candidate (from 0), over all depths. */
    private int select(List<Counts> depths, int k) {
      int position = 0; // one past the candidates passed so far, as a Fenwick index
      int remaining = k + 1;
      for (int step = capacity; step > 0; step >>= 1) {
        int next = position + step;
        if (next > capacity) continue;
        int sum = 0;
        for (Counts counts : depths) sum += counts.tree[next];
        if (sum < remaining) {
          position = next;
          remaining -= sum;
        }
      }
      return position; // Fenwick index position + 1 holds it: the 0-based position is position
    }

    synchronized void add(Node node) {
      if (byId.containsKey(node.id())) {
        throw new IllegalArgumentException("the journal already holds a node with id " + node.id());
      }
      Node b = best;
      if (!node.isBuggy() && b != null && b.metric().direction() != node.metric().direction()) {
        throw new IllegalArgumentException(
            "node "
                + node.id()
                + " is scored to "
                + node.metric().direction()
                + " but the journal's good nodes are scored to "
                + b.metric().direction());
      }
      if (nodes.size() == capacity) {
        capacity *= 2;
        for (Counts counts : leavesByDepth.values()) counts.grow(capacity);
      }
      positionOf.put(node.id(), nodes.size());
      nodes.add(node);
      byId.put(node.id(), node);
      maxId = Math.max(maxId, node.id());
      for (int parent : node.parents()) {
        children.computeIfAbsent(parent, k -> new ArrayList<>()).add(node);
        Node parentNode = byId.get(parent);
        if (parentNode != null && buggyLeaves.remove(parentNode)) {
          leavesByDepth.get(parentNode.debugDepth()).add(positionOf.get(parent), -1);
        }
      }
      if (node.stage() == Stage.DRAFT) drafts.add(node);
      if (node.isBuggy()) {
        buggy.add(node);
        if (!children.containsKey(node.id())) {
          buggyLeaves.add(node);
          leavesByDepth
              .computeIfAbsent(node.debugDepth(), d -> new Counts(capacity))
              .add(nodes.size() - 1, 1);
        }
      } else {
        ranking.add(new Ranked(node, good.size()));
        good.add(node);
        if (b == null || node.metric().isBetterThan(b.metric())) best = node;
      }
    }
  }

  /** A Fenwick tree of 0/1 counts over the positions of a journal's nodes. */
  private static final class Counts {
    int[] tree; // 1-based
    final BitSet marked = new BitSet();
    int total;

    Counts(int capacity) {
      tree = new int[capacity + 1];
    }

    int total() {
      return total;
    }

    void add(int position, int delta) {
      if (delta > 0) marked.set(position);
      else marked.clear(position);
      total += delta;
      for (int i = position + 1; i < tree.length; i += i & -i) tree[i] += delta;
    }

    /** How many marked positions are below {@code position}. */
    int before(int position) {
      int sum = 0;
      for (int i = position; i > 0; i -= i & -i) sum += tree[i];
      return sum;
    }

    /** Rebuilds the tree for a larger capacity, in time proportional to it. */
    void grow(int capacity) {
      tree = new int[capacity + 1];
      for (int p = marked.nextSetBit(0); p >= 0; p = marked.nextSetBit(p + 1)) tree[p + 1] = 1;
      for (int i = 1; i <= capacity; i++) {
        int parent = i + (i & -i);
        if (parent <= capacity) tree[parent] += tree[i];
      }
    }
  }
}
