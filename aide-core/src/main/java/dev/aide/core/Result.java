package dev.aide.core;

import dev.aide.core.llm.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a search found: the best node, the whole journal, and where the run's files are.
 *
 * <p>Instances are immutable apart from the journal, which is complete when the result is made and
 * is handed out as a {@linkplain Journal#readOnlyView() read-only view}; safe to share.
 */
public final class Result {
  private final Journal journal;
  private final Path outputDir;
  private final StopReason stopReason;
  private final Duration duration;
  private final @Nullable Reproduction reproduction;

  /**
   * @param journal the finished nodes; {@link #journal()} returns its read-only view
   * @param outputDir the directory the run wrote to
   * @param stopReason why the search stopped
   * @param duration how long this search ran (a resumed run counts from its resumption)
   */
  public Result(Journal journal, Path outputDir, StopReason stopReason, Duration duration) {
    this(journal, outputDir, stopReason, duration, null);
  }

  /**
   * @param journal the finished nodes; {@link #journal()} returns its read-only view
   * @param outputDir the directory the run wrote to
   * @param stopReason why the search stopped
   * @param duration how long this search ran (a resumed run counts from its resumption)
   * @param reproduction the best node's run again at the end, or null when none was asked for
   */
  public Result(
      Journal journal,
      Path outputDir,
      StopReason stopReason,
      Duration duration,
      @Nullable Reproduction reproduction) {
    this.journal = Objects.requireNonNull(journal, "journal").readOnlyView();
    this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
    this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
    this.duration = Objects.requireNonNull(duration, "duration");
    this.reproduction = reproduction;
  }

  /**
   * The best node run once more at the end, when {@link Aide.Builder#reproduceBest(double)} asked
   * for it and there was a best node; else null.
   */
  public @Nullable Reproduction reproduction() {
    return reproduction;
  }

  /** The best good node, or null when no node ran cleanly with a metric. */
  public @Nullable Node best() {
    return journal.best();
  }

  /** The finished nodes, as a read-only view: its {@link Journal#add} throws. */
  public Journal journal() {
    return journal;
  }

  /** The directory holding run.json, journal.jsonl, best/ and the workspaces. */
  public Path outputDir() {
    return outputDir;
  }

  public StopReason stopReason() {
    return stopReason;
  }

  public Duration duration() {
    return duration;
  }

  /** The tokens all nodes of the journal spent. */
  public TokenUsage usage() {
    TokenUsage total = TokenUsage.ZERO;
    for (Node node : journal.nodes()) total = total.plus(node.usage());
    return total;
  }

  /** What all nodes of the journal cost in US dollars, at the prices the search was given. */
  public double cost() {
    double total = 0;
    for (Node node : journal.nodes()) total += node.cost();
    return total;
  }

  @Override
  public String toString() {
    return "Result{best="
        + best()
        + ", nodes="
        + journal.size()
        + ", stopReason="
        + stopReason
        + ", outputDir="
        + outputDir
        + "}";
  }
}
