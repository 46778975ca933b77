package dev.aide.core.search;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Monte Carlo tree search over the journal, as in AIRA-dojo's MCTS solver.
 *
 * <p>The tree has a virtual root whose children are the drafts; every other node hangs under its
 * (first) parent. Each node carries a visit count {@code n} and a mean value {@code Q}: a good node
 * backs its metric up to itself and every ancestor up to the root, so {@code n} is the number of
 * good nodes in its subtree and {@code Q} their mean metric. A buggy node backs nothing up; its
 * debug chain is part of its subtree, so once a fix succeeds the fix's metric backs up through the
 * buggy node and its ancestors. Each step, in this order:
 *
 * <ol>
 *   <li><b>Debug.</b> A buggy node whose chain is still open (its {@link Node#debugDepth()} is
 *       below {@code debugAttempts}, no node has been made from it, and no other worker is
 *       debugging it) is debugged, the oldest first. So a buggy child gets up to {@code
 *       debugAttempts} fixes in a row before the search moves on, and a chain that never succeeds
 *       is a dead end.
 *   <li><b>Finish an expansion.</b> A node being expanded gets its {@code numChildren} children
 *       before the tree is walked again: drafts for the root (only one, the seed node, when the
 *       task has a starting solution), improvements for a good node. Children in flight count, and
 *       so do children that turned out buggy. The root is finished first, then the oldest node.
 *   <li><b>Select and expand.</b> From the root, step to the child with the largest UCT value
 *       <pre>UCT = (Q - min) / (max - min) + uctC * sqrt(ln N_parent / n_child)</pre>
 *       where {@code min} and {@code max} are the worst and best metric of any good node (the
 *       normalised Q is 0.5 while they are equal) and everything is sign-adjusted, so that 1 is
 *       best also when the metric is minimised. Only children with a value take part: a buggy child
 *       that was never fixed is a dead end and is never selected. Equal UCT values are broken with
 *       {@link SearchState#random()}, the only randomness the policy uses. The walk stops at the
 *       first node that has no children yet (a leaf), and expands it as in step 2. A node whose
 *       children are all dead ends is expanded again, beyond {@code numChildren}. A branch that
 *       only waits for work in flight is skipped; when every branch waits, the policy improves the
 *       best node, or drafts while there is no good node.
 * </ol>
 *
 * <p>With one worker the order of work is AIRA-dojo's, which expands a leaf into all its children
 * at once and runs each buggy child's debug chain right after it: steps 1 and 2 are how "unvisited
 * children are tried before the tree is revisited" reads here. Where this policy differs: equal UCT
 * values are broken at random (dojo takes the first), a node whose children are all dead ends is
 * expanded again (dojo would improve a buggy node), and the normalisation is sign-adjusted also for
 * a minimised metric.
 *
 * <p>Defaults: {@code uctC} 0.25, {@code numChildren} 5, {@code debugAttempts} 3.
 *
 * <p><b>State and resume.</b> Visit counts and values are derived from the journal alone: the
 * policy keeps an index that it extends, in {@link #next}, with the nodes the journal gained since
 * the last call (and rebuilds when it is handed another journal). So a resumed search, or a fresh
 * instance given a journal, decides exactly as the instance that watched the journal being written,
 * and the same seed and journal give the same decisions.
 *
 * <p><b>Threads.</b> The search calls {@link #next} under its lock. The methods are synchronized,
 * so one instance may even be shared by searches running at once (it then rebuilds its index each
 * time it is handed the other journal); create one per search to avoid that cost.
 */
public final class MctsPolicy implements SearchPolicy {
  private final double uctC;
  private final int numChildren;
  private final int debugAttempts;

  private final JournalFollower follower = new JournalFollower();
  private Tree tree;

  private MctsPolicy(Builder builder) {
    this.uctC = builder.uctC;
    this.numChildren = builder.numChildren;
    this.debugAttempts = builder.debugAttempts;
    this.tree = new Tree();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The exploration constant {@code c} of UCT. */
  public double uctC() {
    return uctC;
  }

  /** How many children a node is expanded into: drafts at the root, improvements below it. */
  public int numChildren() {
    return numChildren;
  }

  /** How many fixes in a row a buggy node gets; 0 when buggy nodes are never debugged. */
  public int debugAttempts() {
    return debugAttempts;
  }

  @Override
  public synchronized Action next(SearchState state) {
    Tree t = sync(state.journal());
    InFlight inFlight = state.inFlight();

    for (Vertex leaf : t.openChains.values()) {
      Node node = leaf.node();
      if (!inFlight.debugged().contains(node.id())) return Action.debug(node);
    }

    int rootWidth = state.task().hasStartingPoint() ? 1 : numChildren;
    int rootChildren = t.root.children.size() + inFlight.drafts();
    if (rootChildren > 0 && rootChildren < rootWidth) return Action.draft();
    TreeSet<Integer> started = new TreeSet<>(t.partlyExpanded);
    started.addAll(inFlight.expanded());
    for (int id : started) {
      Vertex vertex = t.vertices.get(id);
      if (vertex != null
          && !vertex.node().isBuggy()
          && vertex.children.size() + inFlight.expansionsOf(id) < numChildren) {
        return Action.improve(vertex.node());
      }
    }

    Action selected = select(t, inFlight, rootWidth, state.random());
    if (selected != null) return selected;
    Node best = state.journal().best();
    return best == null ? Action.draft() : Action.improve(best);
  }

  /**
   * Walks from the root by UCT and returns the action for the node where the walk ends, or null
   * when every branch only waits for work in flight. A branch that waits is left for the child with
   * the next largest UCT value.
   */
  private @Nullable Action select(
      Tree t, InFlight inFlight, int rootWidth, RandomGenerator random) {
    Deque<Frame> path = new ArrayDeque<>();
    path.push(new Frame(t.root));
    while (!path.isEmpty()) {
      Frame frame = path.peek();
      Vertex vertex = frame.vertex;
      if (frame.candidates == null) {
        boolean expandable = vertex.node == null || !vertex.node.isBuggy();
        int width = vertex.node == null ? rootWidth : numChildren;
        int inFlightHere =
            vertex.node == null ? inFlight.drafts() : inFlight.expansionsOf(vertex.node.id());
        if (expandable && vertex.children.size() + inFlightHere < width) return expand(vertex);
        List<Vertex> candidates = new ArrayList<>();
        boolean waiting = inFlightHere > 0;
        for (Vertex child : vertex.children) {
          if (child.visits > 0) {
            candidates.add(child);
          } else if (child.openChains > 0) {
            waiting = true; // a debug chain below it is in flight
          }
        }
        if (candidates.isEmpty() && !waiting && expandable) return expand(vertex);
        frame.candidates = candidates;
      }
      if (frame.candidates.isEmpty()) {
        path.pop();
        continue;
      }
      path.push(new Frame(removeBest(t, vertex, frame.candidates, random)));
    }
    return null;
  }

  private static Action expand(Vertex vertex) {
    return vertex.node == null ? Action.draft() : Action.improve(vertex.node);
  }

  /** Removes and returns the candidate with the largest UCT value; ties are drawn at random. */
  private Vertex removeBest(
      Tree t, Vertex parent, List<Vertex> candidates, RandomGenerator random) {
    double bestValue = Double.NEGATIVE_INFINITY;
    List<Integer> best = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      double value = uct(t, parent, candidates.get(i));
      if (value > bestValue) {
        bestValue = value;
        best.clear();
        best.add(i);
      } else if (value == bestValue) {
        best.add(i);
      }
    }
    int index = best.size() == 1 ? best.get(0) : best.get(random.nextInt(best.size()));
    return candidates.remove(index);
  }

  private double uct(Tree t, Vertex parent, Vertex child) {
    double exploration = Math.sqrt(Math.log(parent.visits) / child.visits);
    return t.normalise(child.valueSum / child.visits) + uctC * exploration;
  }

  /** The visit count and summed metric of a node, or of the root when {@code nodeId} is null. */
  record Stats(int visits, double valueSum) {}

  /** Returns the statistics the policy derives for a node of {@code journal}; for tests. */
  synchronized Stats stats(Journal journal, @Nullable Integer nodeId) {
    Tree t = sync(journal);
    Vertex vertex = nodeId == null ? t.root : t.vertices.get(nodeId);
    if (vertex == null) throw new IllegalArgumentException("no node " + nodeId);
    return new Stats(vertex.visits, vertex.valueSum);
  }

  private Tree sync(Journal journal) {
    JournalFollower.Batch batch = follower.poll(journal);
    if (batch.reset()) tree = new Tree();
    for (Node node : batch.added()) tree.add(node);
    return tree;
  }

  @Override
  public String toString() {
    return "MctsPolicy{uctC="
        + uctC
        + ", numChildren="
        + numChildren
        + ", debugAttempts="
        + debugAttempts
        + "}";
  }

  /** A node of the search tree; the root has no journal node. */
  private static final class Vertex {
    final @Nullable Node node;
    final @Nullable Vertex parent;
    final List<Vertex> children = new ArrayList<>();
    int visits;
    double valueSum;

    /** How many buggy leaves with an open debug chain are in this subtree. */
    int openChains;

    Vertex(@Nullable Node node, @Nullable Vertex parent) {
      this.node = node;
      this.parent = parent;
    }

    Node node() {
      Node n = node;
      if (n == null) throw new IllegalStateException("the root has no node");
      return n;
    }
  }

  /** A step of the walk: a node and its children not tried yet (null until computed). */
  private static final class Frame {
    final Vertex vertex;
    @Nullable List<Vertex> candidates;

    Frame(Vertex vertex) {
      this.vertex = vertex;
    }
  }

  /** The index of one journal, extended node by node in the order they finished. */
  private final class Tree {
    final Vertex root = new Vertex(null, null);
    final Map<Integer, Vertex> vertices = new HashMap<>();

    /** Buggy leaves whose debug chain may go on, by id. */
    final TreeMap<Integer, Vertex> openChains = new TreeMap<>();

    /** Good nodes with at least one and fewer than numChildren children, by id. */
    final TreeSet<Integer> partlyExpanded = new TreeSet<>();

    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    @Nullable Direction direction;

    void add(Node node) {
      Integer parentId = node.parentId();
      Vertex parent = parentId == null ? null : vertices.get(parentId);
      if (parent == null) parent = root; // a draft, or a node whose parent is not in the journal
      Vertex vertex = new Vertex(node, parent);
      vertices.put(node.id(), vertex);
      parent.children.add(vertex);

      Node parentNode = parent.node;
      if (parentNode != null) {
        if (openChains.remove(parentNode.id()) != null) addOpenChains(parent, -1);
        if (!parentNode.isBuggy()) {
          if (parent.children.size() < numChildren) {
            partlyExpanded.add(parentNode.id());
          } else {
            partlyExpanded.remove(parentNode.id());
          }
        }
      }

      if (!node.isBuggy()) {
        double value = node.metric().value();
        direction = node.metric().direction();
        min = Math.min(min, value);
        max = Math.max(max, value);
        for (Vertex v = vertex; v != null; v = v.parent) {
          v.visits++;
          v.valueSum += value;
        }
      } else if (node.debugDepth() < debugAttempts) {
        openChains.put(node.id(), vertex);
        addOpenChains(vertex, 1);
      }
    }

    private void addOpenChains(Vertex from, int delta) {
      for (Vertex v = from; v != null; v = v.parent) v.openChains += delta;
    }

    /** Maps a mean metric to [0, 1], 1 being the best metric seen; 0.5 while all are equal. */
    double normalise(double mean) {
      if (!(max > min)) return 0.5;
      double scaled = (mean - min) / (max - min);
      return direction == Direction.MINIMIZE ? 1 - scaled : scaled;
    }
  }

  /** Builds an {@link MctsPolicy}. Not safe for use by several threads at once. */
  public static final class Builder {
    private double uctC = 0.25;
    private int numChildren = 5;
    private int debugAttempts = 3;

    private Builder() {}

    /**
     * Sets the exploration constant {@code c} of UCT: 0 only exploits, larger values try less
     * visited branches more often. Finite and at least 0. Default 0.25.
     */
    public Builder uctC(double uctC) {
      if (!(uctC >= 0) || Double.isInfinite(uctC)) {
        throw new IllegalArgumentException("uctC must be finite and >= 0, was " + uctC);
      }
      this.uctC = uctC;
      return this;
    }

    /**
     * Sets how many children a node is expanded into (drafts at the root, improvements below); at
     * least 1. Default 5.
     */
    public Builder numChildren(int numChildren) {
      if (numChildren < 1) {
        throw new IllegalArgumentException("numChildren must be >= 1, was " + numChildren);
      }
      this.numChildren = numChildren;
      return this;
    }

    /**
     * Sets how many fixes in a row a buggy node gets: a buggy node is debugged while its debug
     * depth is below this, so its chain holds at most this many DEBUG nodes, as {@link
     * GreedyPolicy.Builder#maxDebugDepth} means. 0 turns debugging off. Default 3.
     */
    public Builder debugAttempts(int debugAttempts) {
      if (debugAttempts < 0) {
        throw new IllegalArgumentException("debugAttempts must be >= 0, was " + debugAttempts);
      }
      this.debugAttempts = debugAttempts;
      return this;
    }

    public MctsPolicy build() {
      return new MctsPolicy(this);
    }
  }
}
