package dev.aide.core.internal;

import dev.aide.core.Direction;
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
 * <p>Stateless and safe to use from any thread.
 */
public final class RunReport {
  /** How many good nodes the report lists with their plans. */
  static final int TOP_ATTEMPTS = 5;

  /** Plans of the top attempts are cut to this many characters. */
  static final int PLAN_CHARS = 400;

  private RunReport() {}

  /**
   * Returns the report for the nodes of one run.
   *
   * @param task the run's task
   * @param nodes the journal's nodes in the order they finished
   * @param best the best node, normally {@link dev.aide.core.Journal#best()}; null when there is
   *     none
   * @param stopReason why the search stopped; null while it is still running
   * @param elapsed the wall time the search has run so far
   */
  public static String markdown(
      Task task,
      List<Node> nodes,
      @Nullable Node best,
      @Nullable StopReason stopReason,
      Duration elapsed) {
    return markdown(task, nodes, best, stopReason, null, elapsed);
  }

  /**
   * Returns the report for the nodes of one run that may have stopped on an error.
   *
   * @param failure what ended the search when an error that no later step could avoid stopped it
   *     (it then wins over {@code stopReason}); null otherwise
   * @see #markdown(Task, List, Node, StopReason, Duration)
   */
  public static String markdown(
      Task task,
      List<Node> nodes,
      @Nullable Node best,
      @Nullable StopReason stopReason,
      @Nullable String failure,
      Duration elapsed) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(elapsed, "elapsed");
    StringBuilder out = new StringBuilder();
    out.append("# AIDE run report\n\n");
    task(out, task, best);
    outcome(out, nodes, best, stopReason, failure, elapsed);
    progress(out, nodes);
    topAttempts(out, nodes);
    stages(out, nodes);
    bugs(out, nodes);
    tokens(out, nodes);
    time(out, nodes, elapsed);
    return out.toString();
  }

  /**
   * The good nodes that were better than every good node before them, in step order: the steps at
   * which the best improved.
   */
  static List<Node> newBests(List<Node> nodes) {
    List<Node> byStep = new ArrayList<>(nodes);
    byStep.sort(Comparator.comparingInt(Node::step)); // stable: ties keep the journal's order
    List<Node> result = new ArrayList<>();
    Node best = null;
    for (Node node : byStep) {
      if (node.isBuggy()) continue;
      if (best == null || node.metric().isBetterThan(best.metric())) {
        best = node;
        result.add(node);
      }
    }
    return result;
  }

  /**
   * The chain of first parents from a draft (or the first node whose parent is not among {@code
   * nodes}) down to {@code last}, both included.
   */
  static List<Node> lineage(List<Node> nodes, Node last) {
    Map<Integer, Node> byId = new HashMap<>();
    for (Node node : nodes) byId.putIfAbsent(node.id(), node);
    Deque<Node> chain = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    Node node = last;
    while (node != null && seen.add(node.id())) {
      chain.addFirst(node);
      Integer parent = node.parentId();
      node = parent == null ? null : byId.get(parent);
    }
    return List.copyOf(chain);
  }

  private static void task(StringBuilder out, Task task, @Nullable Node best) {
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

  private static void outcome(
      StringBuilder out,
      List<Node> nodes,
      @Nullable Node best,
      @Nullable StopReason stopReason,
      @Nullable String failure,
      Duration elapsed) {
    out.append("## Outcome\n\n");
    long good = nodes.stream().filter(n -> !n.isBuggy()).count();
    if (best == null) {
      out.append("- **Best metric:** none; ")
          .append(
              nodes.isEmpty()
                  ? "no node finished"
                  : "no node ran cleanly with a metric (" + nodes.size() + " buggy)")
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
      out.append("- **Lineage:** ").append(lineageText(nodes, best)).append('\n');
    }
    out.append("- **Nodes:** ")
        .append(nodes.size())
        .append(" finished, ")
        .append(good)
        .append(" good, ")
        .append(nodes.size() - good)
        .append(" buggy\n");
    out.append("- **Wall time:** ").append(Text.duration(elapsed)).append('\n');
    if (failure != null) {
      out.append("- **Stopped:** on an error that no later step could avoid; fix its cause and run")
          .append(" again with the same output directory to resume:\n\n")
          .append(quote(Text.cut(failure, 2000)));
    } else {
      out.append("- **Stopped:** ").append(stopText(stopReason)).append('\n');
    }
    if (best != null && !best.analysis().isBlank()) {
      out.append("\nThe reviewer on node ").append(best.id()).append(":\n\n");
      out.append(quote(Text.cut(best.analysis(), 1000)));
    }
    out.append('\n');
  }

  private static String lineageText(List<Node> nodes, Node best) {
    List<String> steps = new ArrayList<>();
    for (Node node : lineage(nodes, best)) {
      StringBuilder s = new StringBuilder();
      s.append("node ").append(node.id()).append(' ').append(node.stage());
      if (node.parents().size() > 1) {
        s.append(" with node ").append(node.parents().get(1));
      }
      s.append(" (").append(node.isBuggy() ? "buggy" : metric(node)).append(')');
      steps.add(s.toString());
    }
    return String.join(" → ", steps);
  }

  private static void progress(StringBuilder out, List<Node> nodes) {
    List<Node> bests = newBests(nodes);
    if (bests.isEmpty()) return;
    out.append("## How the best improved\n\n");
    out.append("| Step | Node | Stage | Best metric | Change |\n");
    out.append("|---:|---:|---|---:|---:|\n");
    Node previous = null;
    for (Node node : bests) {
      out.append("| ")
          .append(node.step())
          .append(" | ")
          .append(node.id())
          .append(" | ")
          .append(node.stage())
          .append(" | ")
          .append(metric(node))
          .append(" | ")
          .append(previous == null ? "first" : change(node, previous))
          .append(" |\n");
      previous = node;
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

  private static void topAttempts(StringBuilder out, List<Node> nodes) {
    List<Node> good = new ArrayList<>();
    for (Node node : nodes) {
      if (!node.isBuggy()) good.add(node);
    }
    if (good.isEmpty()) return;
    good.sort(
        (a, b) -> {
          int byMetric = b.metric().compareTo(a.metric());
          return byMetric != 0 ? byMetric : Integer.compare(a.step(), b.step());
        });
    int shown = Math.min(TOP_ATTEMPTS, good.size());
    out.append("## Top attempts\n\n");
    for (int i = 0; i < shown; i++) {
      Node node = good.get(i);
      out.append("### ")
          .append(i + 1)
          .append(". Node ")
          .append(node.id())
          .append(": ")
          .append(metric(node))
          .append(" (")
          .append(node.stage())
          .append(", step ")
          .append(node.step())
          .append(")\n\n");
      String plan =
          node.plan().isBlank() ? "(no plan)" : Text.cut(oneLine(node.plan()), PLAN_CHARS);
      out.append(quote(plan)).append('\n');
    }
  }

  private static void stages(StringBuilder out, List<Node> nodes) {
    if (nodes.isEmpty()) return;
    Map<Stage, int[]> counts = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) counts.put(stage, new int[2]);
    for (Node node : nodes) counts.get(node.stage())[node.isBuggy() ? 1 : 0]++;
    out.append("## Nodes by stage\n\n");
    out.append("| Stage | Good | Buggy | Total |\n");
    out.append("|---|---:|---:|---:|\n");
    int good = 0;
    int buggy = 0;
    for (Map.Entry<Stage, int[]> e : counts.entrySet()) {
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

  private static void bugs(StringBuilder out, List<Node> nodes) {
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (Node node : nodes) {
      if (node.isBuggy()) reasons.merge(bugReason(node), 1, Integer::sum);
    }
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

  private static void tokens(StringBuilder out, List<Node> nodes) {
    TokenUsage total = TokenUsage.ZERO;
    double cost = 0;
    for (Node node : nodes) {
      total = total.plus(node.usage());
      cost += node.cost();
    }
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

  private static void time(StringBuilder out, List<Node> nodes, Duration elapsed) {
    Duration nodeTime = Duration.ZERO;
    Duration runTime = Duration.ZERO;
    for (Node node : nodes) {
      Duration took = Duration.between(node.startedAt(), node.finishedAt());
      if (!took.isNegative()) nodeTime = nodeTime.plus(took);
      ExecutionResult e = node.execution();
      if (e != null) runTime = runTime.plus(e.duration());
    }
    out.append("## Time\n\n");
    out.append("| | Time |\n");
    out.append("|---|---:|\n");
    out.append("| Wall time of the search | ").append(Text.duration(elapsed)).append(" |\n");
    out.append("| Nodes, summed (LLM calls and runs) | ")
        .append(Text.duration(nodeTime))
        .append(" |\n");
    out.append("| Runs of the code, summed | ").append(Text.duration(runTime)).append(" |\n");
    if (!nodes.isEmpty()) {
      out.append("| Mean per node | ")
          .append(Text.duration(nodeTime.dividedBy(nodes.size())))
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
