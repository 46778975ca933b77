package dev.aide.core;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.internal.NodeAccess;
import dev.aide.core.llm.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished attempt of the search: the code the coder wrote, what running it did, and the
 * reviewer's judgement.
 *
 * <p>A node is <em>buggy</em> when the review says so, the run raised, exited non-zero or timed
 * out, no finite metric came back, or the node could not be completed at all ({@link #failure()}
 * says why). Buggy nodes carry {@link Metric#worst}. A node's children are found through {@link
 * Journal#children}.
 *
 * <p>Instances are immutable and safe to share. Build one with {@link #builder()}, e.g. to test a
 * {@link dev.aide.core.search.SearchPolicy} on a constructed journal.
 *
 * <p>The nodes of a search that writes an output directory keep their plan, code and execution (and
 * a long analysis) in the run's {@code journal.jsonl} rather than in memory: {@link #plan()},
 * {@link #code()}, {@link #execution()} and {@link #analysis()} read them back on demand, through a
 * small cache of recently read nodes. They throw {@link AideException} if the journal file can no
 * longer be read (deleted, truncated or changed), naming the file and the node. A node built with
 * {@link #builder()} keeps all its values in memory.
 */
public final class Node {
  /** The longest analysis a node backed by a journal file keeps in memory. */
  static final int MAX_KEPT_ANALYSIS = 1_000;

  static {
    NodeAccess.register(Node::new);
  }

  private final int id;
  private final List<Integer> parents;
  private final int step;
  private final Stage stage;
  // plan, code and execution are null, and analysis when long, when the node is stored
  private final @Nullable String plan;
  private final @Nullable String code;
  private final @Nullable String patch;
  private final @Nullable ExecutionResult execution;
  private final @Nullable String analysis;
  private final NodeAccess.@Nullable StoredNode stored;
  private final Metric metric;
  private final boolean buggy;
  private final int debugDepth;
  private final TokenUsage usage;
  private final double cost;
  private final Instant startedAt;
  private final Instant finishedAt;
  private final @Nullable String failure;
  private final List<String> warnings;
  private final @Nullable Double printedMetric;
  private final @Nullable Double reviewerMetric;

  private Node(Builder b) {
    this.id = b.id;
    this.parents = List.copyOf(b.parents);
    this.step = b.step;
    this.stage = b.stage;
    this.plan = b.plan;
    this.code = b.code;
    this.patch = b.patch;
    this.execution = b.execution;
    this.analysis = b.analysis;
    this.metric = Objects.requireNonNull(b.metric);
    this.buggy = b.buggy;
    this.debugDepth = b.debugDepth;
    this.usage = b.usage;
    this.cost = b.cost;
    this.startedAt = b.startedAt;
    this.finishedAt = b.finishedAt;
    this.failure = b.failure;
    this.warnings = List.copyOf(b.warnings);
    this.printedMetric = b.printedMetric;
    this.reviewerMetric = b.reviewerMetric;
    this.stored = null;
  }

  /** A copy of {@code full} that reads its plan, code, execution and a long analysis from disk. */
  private Node(Node full, NodeAccess.StoredNode stored) {
    this.id = full.id;
    this.parents = full.parents;
    this.step = full.step;
    this.stage = full.stage;
    this.plan = null;
    this.code = null;
    this.patch = null;
    this.execution = null;
    String fullAnalysis = full.analysis();
    this.analysis = fullAnalysis.length() <= MAX_KEPT_ANALYSIS ? fullAnalysis : null;
    this.metric = full.metric;
    this.buggy = full.buggy;
    this.debugDepth = full.debugDepth;
    this.usage = full.usage;
    this.cost = full.cost;
    this.startedAt = full.startedAt;
    this.finishedAt = full.finishedAt;
    this.failure = full.failure;
    this.warnings = full.warnings;
    this.printedMetric = full.printedMetric;
    this.reviewerMetric = full.reviewerMetric;
    this.stored = Objects.requireNonNull(stored, "stored");
  }

  /** The node as written, read back from disk; only for a stored node. */
  private Node loaded() {
    Node full = Objects.requireNonNull(stored).load();
    if (full.id != id) {
      throw new AideException(
          "read node " + full.id + " back from disk where node " + id + " was written: " + stored);
    }
    return full;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder that starts from this node's values. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** The node's number, unique within a run and given in the order nodes were started. */
  public int id() {
    return id;
  }

  /** The ids of the nodes this one was made from: none for a draft, two for a crossover. */
  public List<Integer> parents() {
    return parents;
  }

  /** The first parent's id, or null for a draft. */
  public @Nullable Integer parentId() {
    return parents.isEmpty() ? null : parents.get(0);
  }

  /** The node's position in the journal: how many nodes finished before it. */
  public int step() {
    return step;
  }

  public Stage stage() {
    return stage;
  }

  /** The coder's plan: the text before the code. */
  public String plan() {
    return plan != null ? plan : loaded().plan();
  }

  /** The code, empty when none came back. */
  public String code() {
    return code != null ? code : loaded().code();
  }

  /**
   * For a node of a {@linkplain Task#repository() repository task}, its change as a unified diff
   * against its first parent's tree (against the base for a draft); {@link #code()} is then its
   * whole diff against the base. Empty for other tasks and where nothing changed.
   */
  public String patch() {
    return patch != null ? patch : loaded().patch();
  }

  /** What running the code did; null when it never ran. */
  public @Nullable ExecutionResult execution() {
    return stored == null ? execution : loaded().execution();
  }

  /** The reviewer's summary of the run, empty when there was no review. */
  public String analysis() {
    return analysis != null ? analysis : loaded().analysis();
  }

  /** The metric; {@link Metric#worst} for a buggy node. */
  public Metric metric() {
    return metric;
  }

  public boolean isBuggy() {
    return buggy;
  }

  /** How many debug steps in a row led to this node: 0 unless its stage is DEBUG. */
  public int debugDepth() {
    return debugDepth;
  }

  /** Tokens spent by the coder and the reviewer on this node. */
  public TokenUsage usage() {
    return usage;
  }

  /**
   * What the node's LLM calls cost in US dollars, at the prices the search was given; calls to a
   * model without a price count as 0.
   */
  public double cost() {
    return cost;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant finishedAt() {
    return finishedAt;
  }

  /**
   * Why the node is buggy when the review alone does not say: no code came back, an LLM call or the
   * execution failed, the review could not be read, or the task's metric reader found no metric.
   * Null otherwise.
   */
  public @Nullable String failure() {
    return failure;
  }

  /**
   * Things worth knowing that did not make the node buggy, e.g. a reviewer's metric that disagrees
   * with the one read from the output; empty when there are none.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The metric the run printed, as the task's {@link MetricReader} read it from the output; null
   * when the task has no reader or the output held none. When the task has a {@link Task#holdout()
   * holdout} or a {@link Task#scorer() scorer}, {@link #metric()} is the harness's score and this
   * is the program's own claim beside it.
   */
  public @Nullable Double printedMetric() {
    return printedMetric;
  }

  /** The metric the reviewer reported; null when there was no review or it gave none. */
  public @Nullable Double reviewerMetric() {
    return reviewerMetric;
  }

  @Override
  public String toString() {
    return "Node{id="
        + id
        + ", stage="
        + stage
        + ", parents="
        + parents
        + ", metric="
        + metric
        + (buggy ? ", buggy" : "")
        + "}";
  }

  /** Builds a {@link Node}. Not safe for use by several threads at once. */
  public static final class Builder {
    private int id = -1;
    private List<Integer> parents = List.of();
    private int step = -1;
    private Stage stage = Stage.DRAFT;
    private String plan = "";
    private String code = "";
    private String patch = "";
    private @Nullable ExecutionResult execution;
    private String analysis = "";
    private @Nullable Metric metric;
    private boolean buggy;
    private int debugDepth;
    private TokenUsage usage = TokenUsage.ZERO;
    private double cost;
    private Instant startedAt = Instant.EPOCH;
    private Instant finishedAt = Instant.EPOCH;
    private @Nullable String failure;
    private List<String> warnings = List.of();
    private @Nullable Double printedMetric;
    private @Nullable Double reviewerMetric;

    private Builder() {}

    private Builder(Node stored) {
      Node node = stored.stored == null ? stored : stored.loaded();
      this.id = node.id;
      this.parents = node.parents;
      this.step = node.step;
      this.stage = node.stage;
      this.plan = node.plan();
      this.code = node.code();
      this.patch = node.patch();
      this.execution = node.execution;
      this.analysis = node.analysis();
      this.metric = node.metric;
      this.buggy = node.buggy;
      this.debugDepth = node.debugDepth;
      this.usage = node.usage;
      this.cost = node.cost;
      this.startedAt = node.startedAt;
      this.finishedAt = node.finishedAt;
      this.failure = node.failure;
      this.warnings = node.warnings;
      this.printedMetric = node.printedMetric;
      this.reviewerMetric = node.reviewerMetric;
    }

    public Builder id(int id) {
      this.id = id;
      return this;
    }

    public Builder parents(List<Integer> parents) {
      this.parents = List.copyOf(parents);
      return this;
    }

    /** Sets a single parent, or none when {@code parentId} is null. */
    public Builder parent(@Nullable Integer parentId) {
      this.parents = parentId == null ? List.of() : List.of(parentId);
      return this;
    }

    public Builder step(int step) {
      this.step = step;
      return this;
    }

    public Builder stage(Stage stage) {
      this.stage = Objects.requireNonNull(stage, "stage");
      return this;
    }

    public Builder plan(String plan) {
      this.plan = Objects.requireNonNull(plan, "plan");
      return this;
    }

    /** Sets a repository node's diff against its first parent; see {@link Node#patch()}. */
    public Builder patch(String patch) {
      this.patch = Objects.requireNonNull(patch, "patch");
      return this;
    }

    public Builder code(String code) {
      this.code = Objects.requireNonNull(code, "code");
      return this;
    }

    public Builder execution(@Nullable ExecutionResult execution) {
      this.execution = execution;
      return this;
    }

    public Builder analysis(String analysis) {
      this.analysis = Objects.requireNonNull(analysis, "analysis");
      return this;
    }

    public Builder metric(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric");
      return this;
    }

    public Builder buggy(boolean buggy) {
      this.buggy = buggy;
      return this;
    }

    public Builder debugDepth(int debugDepth) {
      this.debugDepth = debugDepth;
      return this;
    }

    public Builder usage(TokenUsage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    public Builder cost(double cost) {
      if (!(cost >= 0) || Double.isInfinite(cost)) {
        throw new IllegalArgumentException("cost must be finite and >= 0, was " + cost);
      }
      this.cost = cost;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
      return this;
    }

    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
      return this;
    }

    public Builder failure(@Nullable String failure) {
      this.failure = failure;
      return this;
    }

    public Builder warnings(List<String> warnings) {
      this.warnings = List.copyOf(warnings);
      return this;
    }

    /** Sets the metric the run printed; null when none was read. */
    public Builder printedMetric(@Nullable Double printedMetric) {
      this.printedMetric = printedMetric;
      return this;
    }

    /** Sets the metric the reviewer reported; null when it gave none. */
    public Builder reviewerMetric(@Nullable Double reviewerMetric) {
      this.reviewerMetric = reviewerMetric;
      return this;
    }

    /**
     * Returns the node.
     *
     * @throws IllegalArgumentException if id or step is negative, the metric is missing, a good
     *     node carries the worst metric, a buggy node carries a real one, the debug depth does not
     *     fit the stage (at least 1 for DEBUG, else 0), a draft has parents, another stage has
     *     none, or the parents repeat or include the node itself
     */
    public Node build() {
      if (id < 0) throw new IllegalArgumentException("id must be >= 0, was " + id);
      if (step < 0) throw new IllegalArgumentException("step must be >= 0, was " + step);
      if (metric == null) {
        throw new IllegalArgumentException("metric is required (Metric.worst for a buggy node)");
      }
      if (buggy != metric.isWorst()) {
        throw new IllegalArgumentException(
            buggy
                ? "a buggy node carries Metric.worst, not " + metric
                : "a good node needs a real metric, not " + metric);
      }
      if (debugDepth < 0) throw new IllegalArgumentException("debugDepth must be >= 0");
      if (stage == Stage.DRAFT && !parents.isEmpty()) {
        throw new IllegalArgumentException("a draft has no parents, was given " + parents);
      }
      if (stage == Stage.CROSSOVER ? parents.size() != 2 : parents.size() > 1) {
        throw new IllegalArgumentException(
            "a CROSSOVER node has two parents and any other node at most one; a "
                + stage
                + " node was given "
                + parents);
      }
      if (stage != Stage.DRAFT && parents.isEmpty()) {
        throw new IllegalArgumentException("a " + stage + " node needs a parent");
      }
      if (stage == Stage.DEBUG ? debugDepth < 1 : debugDepth != 0) {
        throw new IllegalArgumentException(
            "debugDepth is at least 1 for a DEBUG node and 0 otherwise; a "
                + stage
                + " node was given "
                + debugDepth);
      }
      if (parents.contains(id) || parents.stream().distinct().count() != parents.size()) {
        throw new IllegalArgumentException(
            "node " + id + " lists itself or the same parent twice: " + parents);
      }
      return new Node(this);
    }
  }
}
