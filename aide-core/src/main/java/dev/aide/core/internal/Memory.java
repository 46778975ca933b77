package dev.aide.core.internal;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.exec.ExecutionResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The summary of earlier attempts that prompts show the coder, so that it neither repeats a working
 * design nor makes the same mistake again.
 *
 * <p>The summary stays bounded as the journal grows: it shows the best {@code keepBest} and the
 * {@code keepRecent} most recent good nodes, each with its plan and analysis cut to a length, then
 * the {@code keepFailed} most recent buggy nodes, each with its plan and a one-line cause, and
 * counts the rest. It is empty only while the journal is.
 */
public final class Memory {
  public static final int DEFAULT_KEEP_BEST = 5;
  public static final int DEFAULT_KEEP_RECENT = 5;
  public static final int DEFAULT_KEEP_FAILED = 5;
  static final int MAX_TEXT = 800;

  /** What the heading of the failed attempts says; {@link #showsFailures} looks for it. */
  static final String FAILURES_NOTE = "(avoid repeating their mistakes)";

  /** The most characters of a failed attempt's plan, and of its cause. */
  static final int MAX_FAILED_TEXT = 300;

  static final String SEPARATOR = "-------------------------------\n";

  /** A leading "Plan:" label, as coders write it, possibly in Markdown bold or as a heading. */
  private static final Pattern PLAN_LABEL =
      Pattern.compile(
          "^(?:#+\\s*)?(?:\\*\\*)?plan(?:\\*\\*)?\\s*:(?:\\*\\*)?\\s*", Pattern.CASE_INSENSITIVE);

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private Memory() {}

  /** Returns the summary with the default bounds, or an empty string when the journal is empty. */
  public static String summarize(Journal journal) {
    return summarize(journal, false);
  }

  /**
   * Returns the summary with the default bounds; {@code harnessScored} says that a node's metric is
   * the harness's score (a task with a holdout or a scorer), which it then names as such, beside
   * the number the program printed.
   */
  public static String summarize(Journal journal, boolean harnessScored) {
    return summarize(
        journal, DEFAULT_KEEP_BEST, DEFAULT_KEEP_RECENT, DEFAULT_KEEP_FAILED, harnessScored);
  }

  /**
   * Returns the summary showing the {@code keepBest} best and the {@code keepRecent} most recent
   * good nodes and the {@code keepFailed} most recent buggy ones, or an empty string when there is
   * nothing to show. Costs time proportional to the nodes shown, not to the journal's length.
   */
  public static String summarize(Journal journal, int keepBest, int keepRecent, int keepFailed) {
    return summarize(journal, keepBest, keepRecent, keepFailed, false);
  }

  private static String summarize(
      Journal journal, int keepBest, int keepRecent, int keepFailed, boolean harnessScored) {
    int goodCount = journal.goodCount();
    int buggyCount = journal.buggyCount();
    if (goodCount == 0 && buggyCount == 0) return "";

    Set<Node> shown = new LinkedHashSet<>(journal.best(Math.max(0, keepBest)));
    shown.addAll(journal.lastGood(Math.max(0, keepRecent)));
    List<Node> working = new ArrayList<>(shown);
    working.sort(Comparator.comparingInt(Node::step));
    List<Node> failed = new ArrayList<>(journal.lastBuggy(Math.max(0, keepFailed)));
    failed.sort(Comparator.comparingInt(Node::step));

    StringBuilder out = new StringBuilder();
    if (!working.isEmpty()) out.append("Working attempts:\n\n");
    for (Node node : working) {
      out.append("Attempt ").append(node.id()).append(" (").append(stageName(node)).append(")\n");
      out.append("Design: ").append(Text.cutAtWord(plan(node), MAX_TEXT)).append('\n');
      if (!node.analysis().isBlank()) {
        out.append("Results: ").append(Text.cutAtWord(node.analysis(), MAX_TEXT)).append('\n');
      }
      if (harnessScored) {
        out.append("Harness's score: ").append(shown(node.metric().value()));
        Double printed = node.printedMetric();
        out.append(printed == null ? "" : " (the program printed " + shown(printed) + ")");
        out.append('\n');
      } else {
        out.append("Validation metric: ").append(shown(node.metric().value())).append('\n');
      }
      out.append(SEPARATOR);
    }
    if (!failed.isEmpty()) {
      if (!working.isEmpty()) out.append('\n');
      out.append(
          (failed.size() == buggyCount ? "Failed attempts " : "The most recent failed attempts ")
              + FAILURES_NOTE
              + ":\n\n");
    }
    for (Node node : failed) {
      out.append("Attempt ").append(node.id()).append(" (").append(stageName(node)).append(")\n");
      out.append("Design: ")
          .append(Text.cutAtWord(oneLine(plan(node)), MAX_FAILED_TEXT))
          .append('\n');
      out.append("Failed: ").append(Text.cutAtWord(cause(node), MAX_FAILED_TEXT)).append('\n');
      out.append(SEPARATOR);
    }
    int hiddenGood = Math.max(0, goodCount - working.size());
    int hiddenBuggy = Math.max(0, buggyCount - failed.size());
    if (hiddenGood > 0 || hiddenBuggy > 0) {
      out.append("Not shown: ")
          .append(hiddenGood)
          .append(" other working attempt(s) and ")
          .append(hiddenBuggy)
          .append(" other failed attempt(s).\n");
    }
    return out.toString();
  }

  /** {@code value} to 6 significant digits, as a prompt shows it: 0.999484, 1, 12345.7. */
  static String shown(double value) {
    if (!Double.isFinite(value)) return Double.toString(value);
    return Text.number(
        new java.math.BigDecimal(value)
            .round(new java.math.MathContext(6))
            .stripTrailingZeros()
            .doubleValue());
  }

  /** The node's plan without a leading "Plan:" label, or "(no plan)". */
  static String plan(Node node) {
    String plan = PLAN_LABEL.matcher(node.plan().strip()).replaceFirst("").strip();
    return plan.isEmpty() ? "(no plan)" : plan;
  }

  /**
   * Why a buggy node failed, on one line: the reviewer's summary, else the node's failure, else the
   * error its run raised, its time-out or its exit code.
   */
  static String cause(Node node) {
    if (!node.analysis().isBlank()) return oneLine(node.analysis());
    String failure = node.failure();
    if (failure != null && !failure.isBlank()) return oneLine(failure);
    ExecutionResult execution = node.execution();
    if (execution == null) return "no cause was recorded";
    if (execution.errorType() != null) {
      String message = execution.errorMessage();
      return oneLine(
          "it raised "
              + execution.errorType()
              + (message == null || message.isBlank() ? "" : ": " + message));
    }
    if (execution.timedOut()) return "the run was stopped at its time limit";
    if (execution.exitCode() != 0) return "the run exited with code " + execution.exitCode();
    return "the review found a bug without saying which";
  }

  /** The text on one line; only its head, enough for a cut to {@link #MAX_FAILED_TEXT}. */
  private static String oneLine(String text) {
    String head = text.strip();
    head = head.substring(0, Text.safeEnd(head, 2 * MAX_FAILED_TEXT));
    return WHITESPACE.matcher(head).replaceAll(" ");
  }

  private static String stageName(Node node) {
    return node.stage().name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code summary}, as {@link #summarize} wrote it, lists failed attempts. */
  static boolean showsFailures(String summary) {
    return summary.contains(FAILURES_NOTE);
  }
}
