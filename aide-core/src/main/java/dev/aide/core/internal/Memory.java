package dev.aide.core.internal;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The summary of earlier good attempts that prompts show the coder, so that it does not repeat
 * them.
 *
 * <p>The summary stays bounded as the journal grows: it shows the best {@code keepBest} and the
 * {@code keepRecent} most recent good nodes, each with its plan and analysis cut to a length, and
 * counts the rest.
 */
public final class Memory {
  public static final int DEFAULT_KEEP_BEST = 5;
  public static final int DEFAULT_KEEP_RECENT = 5;
  static final int MAX_TEXT = 800;

  private Memory() {}

  /** Returns the summary with the default bounds, or an empty string when there is no good node. */
  public static String summarize(Journal journal) {
    return summarize(journal, DEFAULT_KEEP_BEST, DEFAULT_KEEP_RECENT);
  }

  /**
   * Returns the summary showing the {@code keepBest} best and the {@code keepRecent} most recent
   * good nodes, or an empty string when there is no good node. Costs time proportional to the nodes
   * shown, not to the journal's length.
   */
  public static String summarize(Journal journal, int keepBest, int keepRecent) {
    int goodCount = journal.goodCount();
    if (goodCount == 0) return "";

    Set<Node> shown = new LinkedHashSet<>(journal.best(Math.max(0, keepBest)));
    shown.addAll(journal.lastGood(Math.max(0, keepRecent)));
    List<Node> ordered = new ArrayList<>(shown);
    ordered.sort(Comparator.comparingInt(Node::step));

    StringBuilder out = new StringBuilder();
    for (Node node : ordered) {
      out.append("Attempt ").append(node.id()).append(" (").append(stageName(node)).append(")\n");
      out.append("Design: ").append(Text.cut(node.plan(), MAX_TEXT)).append('\n');
      if (!node.analysis().isEmpty()) {
        out.append("Results: ").append(Text.cut(node.analysis(), MAX_TEXT)).append('\n');
      }
      out.append("Validation metric: ").append(Text.number(node.metric().value())).append('\n');
      out.append("-------------------------------\n");
    }
    int hiddenGood = Math.max(0, goodCount - ordered.size());
    int buggy = journal.buggyCount();
    if (hiddenGood > 0 || buggy > 0) {
      out.append("Not shown: ")
          .append(hiddenGood)
          .append(" other working attempt(s) and ")
          .append(buggy)
          .append(" failed attempt(s).\n");
    }
    return out.toString();
  }

  private static String stageName(Node node) {
    return node.stage().name().toLowerCase(java.util.Locale.ROOT);
  }
}
