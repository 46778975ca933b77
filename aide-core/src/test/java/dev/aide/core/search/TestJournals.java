package dev.aide.core.search;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Builds nodes, journals and search states for tests. */
public final class TestJournals {
  private TestJournals() {}

  /** A task without data, starting solution or fixed direction. */
  public static final Task TASK = Task.builder().goal("Score as high as possible").build();

  /** A good draft scored {@code value}, larger is better. */
  public static Node goodDraft(int id, double value) {
    return goodDraft(id, value, Direction.MAXIMIZE);
  }

  /** A good draft scored {@code value} in {@code direction}. */
  public static Node goodDraft(int id, double value, Direction direction) {
    return node(id, Stage.DRAFT, null, Metric.of(value, direction), 0);
  }

  /** A buggy draft. */
  public static Node buggyDraft(int id) {
    return node(id, Stage.DRAFT, null, null, 0);
  }

  /** A good improvement of {@code parent}, scored {@code value}, larger is better. */
  public static Node goodImprove(int id, int parent, double value) {
    return node(id, Stage.IMPROVE, parent, Metric.of(value, Direction.MAXIMIZE), 0);
  }

  /** A buggy improvement of {@code parent}. */
  public static Node buggyImprove(int id, int parent) {
    return node(id, Stage.IMPROVE, parent, null, 0);
  }

  /** A buggy fix of {@code parent} at {@code debugDepth}. */
  public static Node buggyDebug(int id, int parent, int debugDepth) {
    return node(id, Stage.DEBUG, parent, null, debugDepth);
  }

  /** A successful fix of {@code parent} at {@code debugDepth}, larger is better. */
  public static Node goodDebug(int id, int parent, int debugDepth, double value) {
    return node(id, Stage.DEBUG, parent, Metric.of(value, Direction.MAXIMIZE), debugDepth);
  }

  /**
   * A node with step equal to its id; buggy when {@code metric} is null (it then carries {@link
   * Metric#worst} to maximize).
   */
  public static Node node(
      int id, Stage stage, @Nullable Integer parent, @Nullable Metric metric, int debugDepth) {
    return Node.builder()
        .id(id)
        .step(id)
        .stage(stage)
        .parent(parent)
        .metric(metric == null ? Metric.worst(Direction.MAXIMIZE) : metric)
        .buggy(metric == null)
        .debugDepth(debugDepth)
        .code("print(" + id + ")")
        .build();
  }

  /** A journal holding {@code nodes}, added in the order given. */
  public static Journal journal(Node... nodes) {
    Journal journal = new Journal();
    for (Node node : nodes) journal.add(node);
    return journal;
  }

  /** A journal of {@code count} good drafts with ids 0 to count-1, each scored by its id. */
  public static Journal goodDrafts(int count) {
    Journal journal = new Journal();
    for (int i = 0; i < count; i++) journal.add(goodDraft(i, i));
    return journal;
  }

  /**
   * A {@link SearchState} made of plain values. Unless given, the next node's id is the one a
   * search that was not resumed gives: the journal's size plus the actions in flight, or the
   * journal's largest id plus one when that is larger.
   */
  public record TestState(
      Task task, Journal journal, InFlight inFlight, int nextNodeId, RandomGenerator random)
      implements SearchState {
    public TestState(Task task, Journal journal, List<Action> inFlight, RandomGenerator random) {
      this(
          task,
          journal,
          InFlight.of(inFlight),
          Math.max(journal.size() + inFlight.size(), journal.maxId() + 1),
          random);
    }

    /** A state of the default task with nothing in flight. */
    public static TestState of(Journal journal, RandomGenerator random) {
      return new TestState(TASK, journal, List.of(), random);
    }
  }
}
