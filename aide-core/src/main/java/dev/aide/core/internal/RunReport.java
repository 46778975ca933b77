package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.TokenUsage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code report.md}: what a person wants to know at the end of a run.
 *
 * <p>The report holds the task, the best metric and where it came from (node, stage, its lineage
 * back to the draft), how the best improved step by step, the top attempts with their plans, the
 * good and buggy nodes by stage and why nodes were buggy, tokens and cost, time spent, and why the
 * search stopped. Text from the LLM or the task is written so that it cannot break the Markdown:
 * table cells are kept on one line with {@code |} escaped, and {@code <} is written as {@code &lt;}
 * so that no renderer takes it for HTML.
 *
 * <p>An instance keeps the report's aggregates as nodes are {@linkplain #add added}, so that {@link
 * #markdown(StopReason, String, Duration)} costs the same at any journal length: it holds counts
 * and sums, the top {@value #TOP_ATTEMPTS} attempts, the last {@value #PROGRESS_ROWS} improvements
 * of the best, at most {@value #MAX_REASONS} distinct bug reasons and, per node, only its first
 * parent, stage and metric (for the best node's lineage, shown with at most {@value #LINEAGE_SHOWN}
 * steps). Nodes are added in the order they finished, which is their step order.
 *
 * <p>Not safe to share: one thread adds and writes (the report writer).
 */
final class RunReport {
  /** How many good nodes the report lists with their plans. */
  static final int TOP_ATTEMPTS = 5;

  /** Plans of the top attempts are cut to this many characters. */
  static final int PLAN_CHARS = 400;

  /** How many of the latest improvements of the best the report tables. */
  static final int PROGRESS_ROWS = 50;

  /** How many distinct reasons for buggy nodes are counted; the rest count as other reasons. */
  static final int MAX_REASONS = 200;

  /** How many steps of the best node's lineage are shown; the middle of a longer one is elided. */
  static final int LINEAGE_SHOWN = 30;

  private static final String OTHER_REASONS = "other reasons";

  /** What the lineage needs of every node: small, one per node. */
  private record Brief(
      int id, @Nullable Integer parent, @Nullable Integer second, Stage stage, String metric) {}

  /** One improvement of the best. */
  private record Improvement(int step, int id, Stage stage, String metric, String change) {}

  /** One of the top attempts. */
  private record Attempt(int id, int step, Stage stage, Metric metric, String plan) {}

  private final Task task;
  private final Map<Integer, Brief> briefs = new HashMap<>();
  private final Map<Stage, int[]> stageCounts = new EnumMap<>(Stage.class);
  private final Map<String, Integer> reasons = new LinkedHashMap<>();
  private final Deque<Improvement> progress = new ArrayDeque<>();
  private final List<Attempt> top = new ArrayList<>();
  private int improvements;
  private int nodes;
  private int good;
  private @Nullable Node best;
  private String bestAnalysis = "";
  private TokenUsage usage = TokenUsage.ZERO;
  private double cost;
  private Duration nodeTime = Duration.ZERO;
  private Duration runTime = Duration.ZERO;

  /** A report of {@code task} with no node yet. */
  public RunReport(Task task) {
    this.task = Objects.requireNonNull(task, "task");
    for (Stage stage : Stage.values()) stageCounts.put(stage, new int[2]);
  }

  /**
   * Returns the report for the nodes of one run.
   *
   * @param task the run's task
   * @param nodes the journal's nodes in the order they finished
   * @param stopReason why the search stopped; null while it is still running
   * @param elapsed the wall time the search has run so far
   */
  public static String markdown(
      Task task, List<Node> nodes, @Nullable StopReason stopReason, Duration elapsed) {
    return markdown(task, nodes, stopReason, null, elapsed);
  }

  /**
   * Returns the report for the nodes of one run that may have stopped on an error.
   *
   * @param failure what ended the search when an error that no later step could avoid stopped it
   *     (it then wins over {@code stopReason}); null otherwise
   * @see #markdown(Task, List, StopReason, Duration)
   */
  public static String markdown(
      Task task,
      List<Node> nodes,
      @Nullable StopReason stopReason,
      @Nullable String failure,
      Duration elapsed) {
    Objects.requireNonNull(nodes, "nodes");
    RunReport report = new RunReport(task);
    for (Node node : nodes) report.add(node);
    return report.markdown(stopReason, failure, elapsed);
  }

  /** The number of nodes added. */
  public int size() {
    return nodes;
  }

  /**
   * Adds a finished node to the aggregates, in constant time apart from the top attempts' list of
   * {@value #TOP_ATTEMPTS}. A node whose id was added before is ignored.
   *
   * @return whether the node was added, false when its id was added before
   */
  public boolean add(Node node) {
    Objects.requireNonNull(node, "node");
    List<Integer> parents = node.parents();
    Brief brief =
        new Brief(
            node.id(),
            parents.isEmpty() ? null : parents.get(0),
            parents.size() > 1 ? parents.get(1) : null,
            node.stage(),
            node.isBuggy() ? "buggy" : metric(node));
    if (briefs.putIfAbsent(node.id(), brief) != null) return false;
    nodes++;
    stageCounts.get(node.stage())[node.isBuggy() ? 1 : 0]++;
    usage = usage.plus(node.usage());
    cost += node.cost();
    Duration took = Duration.between(node.startedAt(), node.finishedAt());
    if (!took.isNegative()) nodeTime = nodeTime.plus(took);
    ExecutionResult e = node.execution();
    if (e != null) runTime = runTime.plus(e.duration());
    if (node.isBuggy()) {
      String reason = bugReason(node);
      if (!reasons.containsKey(reason) && reasons.size() >= MAX_REASONS) reason = OTHER_REASONS;
      reasons.merge(reason, 1, Integer::sum);
      return true;
    }
    good++;
    Node previous = best;
    if (previous == null || node.metric().isBetterThan(previous.metric())) {
      best = node;
      bestAnalysis = Text.cut(node.analysis(), 1000);
      improvements++;
      progress.addLast(
          new Improvement(
              node.step(),
              node.id(),
              node.stage(),
              metric(node),
              previous == null ? "first" : change(node, previous)));
      if (progress.size() > PROGRESS_ROWS) progress.removeFirst();
    }
    addAttempt(node);
    return true;
  }

  private void addAttempt(Node node) {
    Comparator<Attempt> order =
        (a, b) -> {
          int byMetric = b.metric().compareTo(a.metric());
          return byMetric != 0 ? byMetric : Integer.compare(a.step(), b.step());
        };
    String plan = node.plan().isBlank() ? "(no plan)" : Text.cut(oneLine(node.plan()), PLAN_CHARS);
    Attempt attempt = new Attempt(node.id(), node.step(), node.stage(), node.metric(), plan);
    if (top.size() == TOP_ATTEMPTS && order.compare(attempt, top.get(TOP_ATTEMPTS - 1)) >= 0) {
      return;
    }
    top.add(attempt);
    top.sort(order);
    if (top.size() > TOP_ATTEMPTS) top.remove(TOP_ATTEMPTS);
  }

  /**
   * Returns the report of the nodes added so far.
   *
   * @param stopReason why the search stopped; null while it is still running
   * @param failure what ended the search when an error that no later step could avoid stopped it
   *     (it then wins over {@code stopReason}); null otherwise
   * @param elapsed the wall time the search has run so far
   */
  public String markdown(
      @Nullable StopReason stopReason, @Nullable String failure, Duration elapsed) {
    Objects.requireNonNull(elapsed, "elapsed");
    StringBuilder out = new StringBuilder();
    out.append("# AIDE run report\n\n");
    task(out);
    outcome(out, stopReason, failure, elapsed);
    progress(out);
    topAttempts(out);
    stages(out);
    bugs(out);
    tokens(out);
    time(out, elapsed);
    return out.toString();
  }

  private void task(StringBuilder out) {
    out.append("## Task\n\n");
    out.append(quote(task.goal())).append('\n');
    String evaluation = task.evaluation();
    out.append("- **Evaluation:** ")
        .append(
            evaluation == null ? "not stated; the reviewer judged the metric" : line(evaluation))
        .append('\n');
    out.append("- **Language:** ").append(line(task.language().name())).append('\n');
    Direction direction = task.direction();
    if (direction != null) {
      out.append("- **Direction:** ").append(better(direction)).append(" (set by the task)\n");
    } else if (best != null) {
      out.append("- **Direction:** ")
          .append(better(best.metric().direction()))
          .append(" (decided by the reviewer)\n");
    }
    out.append('\n');
  }

  private void outcome(
      StringBuilder out,
      @Nullable StopReason stopReason,
      @Nullable String failure,
      Duration elapsed) {
    out.append("## Outcome\n\n");
    Node best = this.best;
    if (best == null) {
      out.append("- **Best metric:** none; ")
          .append(
              nodes == 0
                  ? "no node finished"
                  : "no node ran cleanly with a metric (" + nodes + " buggy)")
          .append('\n');
    } else {
      out.append("- **Best metric:** ")
          .append(metric(best))
          .append(" (")
          .append(better(best.metric().direction()))
          .append("), node ")
          .append(best.id())
          .append(" (")
          .append(best.stage())
          .append(", step ")
          .append(best.step())
          .append(")\n");
      out.append("- **Lineage:** ").append(lineageText(best.id())).append('\n');
    }
    out.append("- **Nodes:** ")
        .append(nodes)
        .append(" finished, ")
        .append(good)
        .append(" good, ")
        .append(nodes - good)
        .append(" buggy\n");
    out.append("- **Wall time:** ").append(Text.duration(elapsed)).append('\n');
    if (failure != null) {
      out.append("- **Stopped:** on an error that no later step could avoid; fix its cause and run")
          .append(" again with the same output directory to resume:\n\n")
          .append(quote(Text.cut(failure, 2000)));
    } else {
      out.append("- **Stopped:** ").append(stopText(stopReason)).append('\n');
    }
    if (best != null && !bestAnalysis.isBlank()) {
      out.append("\nThe reviewer on node ").append(best.id()).append(":\n\n");
      out.append(quote(bestAnalysis));
    }
    out.append('\n');
  }

  /**
   * The chain of first parents from a draft (or the first node whose parent was not added) down to
   * node {@code last}, at most {@value #LINEAGE_SHOWN} steps of it with the middle elided.
   */
  private String lineageText(int last) {
    List<Brief> chain = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    Brief brief = briefs.get(last);
    while (brief != null && seen.add(brief.id())) {
      chain.add(brief);
      brief = brief.parent() == null ? null : briefs.get(brief.parent());
    }
    java.util.Collections.reverse(chain);
    int head = 5;
    int tail = LINEAGE_SHOWN - head;
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      if (chain.size() > LINEAGE_SHOWN && i == head) {
        steps.add("… " + (chain.size() - LINEAGE_SHOWN) + " more nodes …");
        i = chain.size() - tail;
      }
      Brief b = chain.get(i);
      StringBuilder s = new StringBuilder();
      s.append("node ").append(b.id()).append(' ').append(b.stage());
      if (b.second() != null) s.append(" with node ").append(b.second());
      s.append(" (").append(b.metric()).append(')');
      steps.add(s.toString());
    }
    return String.join(" → ", steps);
  }

  private void progress(StringBuilder out) {
    if (progress.isEmpty()) return;
    out.append("## How the best improved\n\n");
    if (improvements > progress.size()) {
      out.append("The last ")
          .append(progress.size())
          .append(" of ")
          .append(improvements)
          .append(" improvements.\n\n");
    }
    out.append("| Step | Node | Stage | Best metric | Change |\n");
    out.append("|---:|---:|---|---:|---:|\n");
    for (Improvement row : progress) {
      out.append("| ")
          .append(row.step())
          .append(" | ")
          .append(row.id())
          .append(" | ")
          .append(row.stage())
          .append(" | ")
          .append(row.metric())
          .append(" | ")
          .append(row.change())
          .append(" |\n");
    }
    out.append('\n');
  }

  private static String change(Node node, Node previous) {
    BigDecimal delta =
        BigDecimal.valueOf(node.metric().value())
            .subtract(BigDecimal.valueOf(previous.metric().value()))
            .round(new MathContext(4));
    String text = delta.stripTrailingZeros().toPlainString();
    return delta.signum() > 0 ? "+" + text : text;
  }

  private void topAttempts(StringBuilder out) {
    if (top.isEmpty()) return;
    out.append("## Top attempts\n\n");
    for (int i = 0; i < top.size(); i++) {
      Attempt attempt = top.get(i);
      out.append("### ")
          .append(i + 1)
          .append(". Node ")
          .append(attempt.id())
          .append(": ")
          .append(Text.number(attempt.metric().value()))
          .append(" (")
          .append(attempt.stage())
          .append(", step ")
          .append(attempt.step())
          .append(")\n\n");
      out.append(quote(attempt.plan())).append('\n');
    }
  }

  private void stages(StringBuilder out) {
    if (nodes == 0) return;
    out.append("## Nodes by stage\n\n");
    out.append("| Stage | Good | Buggy | Total |\n");
    out.append("|---|---:|---:|---:|\n");
    int good = 0;
    int buggy = 0;
    for (Map.Entry<Stage, int[]> e : stageCounts.entrySet()) {
      int[] c = e.getValue();
      if (c[0] + c[1] == 0) continue;
      row(out, e.getKey().name(), c[0], c[1]);
      good += c[0];
      buggy += c[1];
    }
    row(out, "**All**", good, buggy);
    out.append('\n');
  }

  private static void row(StringBuilder out, String label, int good, int buggy) {
    out.append("| ")
        .append(label)
        .append(" | ")
        .append(good)
        .append(" | ")
        .append(buggy)
        .append(" | ")
        .append(good + buggy)
        .append(" |\n");
  }

  private void bugs(StringBuilder out) {
    if (reasons.isEmpty()) return;
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(reasons.entrySet());
    sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue())); // stable: first seen first
    out.append("## Why nodes were buggy\n\n");
    out.append("| Reason | Nodes |\n");
    out.append("|---|---:|\n");
    for (Map.Entry<String, Integer> e : sorted) {
      out.append("| ").append(cell(e.getKey())).append(" | ").append(e.getValue()).append(" |\n");
    }
    out.append('\n');
  }

  private static String bugReason(Node node) {
    ExecutionResult e = node.execution();
    if (e != null && e.timedOut()) return "timed out";
    if (e != null && e.errorType() != null) return "raised " + e.errorType();
    if (e != null && e.exitCode() != 0) return "exited with code " + e.exitCode();
    String failure = node.failure();
    if (failure != null && !failure.isBlank()) {
      return Text.cut(oneLine(failure.lines().findFirst().orElse(failure)), 120);
    }
    return "the reviewer judged it buggy";
  }

  private void tokens(StringBuilder out) {
    TokenUsage total = usage;
    out.append("## Tokens and cost\n\n");
    out.append("| Tokens | Count |\n");
    out.append("|---|---:|\n");
    out.append("| Input | ").append(count(total.input())).append(" |\n");
    out.append("| of which cached | ").append(count(total.cachedInput())).append(" |\n");
    out.append("| Output | ").append(count(total.output())).append(" |\n");
    out.append("| of which reasoning | ").append(count(total.reasoning())).append(" |\n");
    out.append("| **Total** | ").append(count(total.total())).append(" |\n\n");
    out.append("**Cost:** ")
        .append(String.format(Locale.ROOT, "$%.4f", cost))
        .append(" (US dollars at the prices the search was given; models without a price count as")
        .append(" 0)\n\n");
  }

  private void time(StringBuilder out, Duration elapsed) {
    out.append("## Time\n\n");
    out.append("| | Time |\n");
    out.append("|---|---:|\n");
    out.append("| Wall time of the search | ").append(Text.duration(elapsed)).append(" |\n");
    out.append("| Nodes, summed (LLM calls and runs) | ")
        .append(Text.duration(nodeTime))
        .append(" |\n");
    out.append("| Runs of the code, summed | ").append(Text.duration(runTime)).append(" |\n");
    if (nodes > 0) {
      out.append("| Mean per node | ")
          .append(Text.duration(nodeTime.dividedBy(nodes)))
          .append(" |\n");
    }
    out.append('\n');
  }

  private static String stopText(@Nullable StopReason reason) {
    if (reason == null) return "not yet; the search was still running when this was written";
    String why =
        switch (reason) {
          case STEPS_DONE -> "the journal reached the number of steps the search was given";
          case TOKEN_BUDGET -> "the nodes spent the token budget";
          case COST_BUDGET -> "the nodes spent the cost budget";
          case TOO_MANY_FAILURES -> "too many nodes in a row were buggy";
          case TARGET_REACHED -> "the best node reached the target metric";
          case TIME_LIMIT -> "the time limit passed";
          case CANCELLED -> "the search was cancelled";
          case LLM_FAILING -> "the same LLM failure met several calls in a row";
          case EXECUTION_FAILING -> "several executions in a row failed at once the same way";
        };
    return why + " (`" + reason.name() + "`)";
  }

  private static String better(Direction direction) {
    return direction == Direction.MAXIMIZE ? "higher is better" : "lower is better";
  }

  private static String metric(Node node) {
    return node.metric().isWorst() ? "none" : Text.number(node.metric().value());
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Text on one line, whitespace runs made single spaces, HTML tags made harmless. */
  private static String oneLine(String text) {
    return String.join(" ", text.strip().split("\\s+"));
  }

  private static String line(String text) {
    return oneLine(text).replace("<", "&lt;");
  }

  private static String cell(String text) {
    return line(text).replace("|", "\\|");
  }

  /** Text as a Markdown block quote, one {@code >} line per line of text. */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder();
    for (String l : text.strip().replace("<", "&lt;").split("\n", -1)) {
      out.append(l.isBlank() ? ">" : "> " + l.stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
