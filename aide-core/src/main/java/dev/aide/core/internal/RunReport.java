package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Reproduction;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.TokenUsage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private @Nullable Reproduction reproduction; // set for the report being written

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
  private Duration earlierSessions = Duration.ZERO;

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

  /**
   * Sets the wall time of the sessions before this one of a resumed run, which the report adds to
   * the elapsed time it is given; see {@link #busyTime}.
   */
  public void earlierSessions(Duration time) {
    Objects.requireNonNull(time, "time");
    if (time.isNegative()) throw new IllegalArgumentException("time < 0: " + time);
    earlierSessions = time;
  }

  /**
   * Returns the wall time the sessions that made {@code nodes} spent on them: the time during which
   * at least one of them was running (the union of their start-to-finish intervals).
   *
   * <p>A resumed run's earlier sessions are counted this way, since run.json records only when the
   * first began: time between sessions, when the run was stopped, does not count, and neither does
   * a session's time outside its finished nodes (deciding the direction, a node cut off by the
   * stop), so the sum is a little short of the sessions' wall time, never over it.
   */
  public static Duration busyTime(List<Node> nodes) {
    List<Node> byStart = new ArrayList<>(nodes);
    byStart.sort(Comparator.comparing(Node::startedAt));
    Duration total = Duration.ZERO;
    @Nullable Instant from = null;
    @Nullable Instant to = null;
    for (Node node : byStart) {
      if (node.finishedAt().isBefore(node.startedAt())) continue;
      if (to == null || node.startedAt().isAfter(to)) {
        if (to != null) total = total.plus(Duration.between(from, to));
        from = node.startedAt();
        to = node.finishedAt();
      } else if (node.finishedAt().isAfter(to)) {
        to = node.finishedAt();
      }
    }
    if (to != null) total = total.plus(Duration.between(from, to));
    return total;
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
   * @param elapsed the wall time this session of the search has run so far (the {@linkplain
   *     #earlierSessions earlier sessions'} is added to it)
   */
  public String markdown(
      @Nullable StopReason stopReason, @Nullable String failure, Duration elapsed) {
    return markdown(stopReason, failure, elapsed, null);
  }

  /**
   * Like {@link #markdown(StopReason, String, Duration)}, with the best node's run again at the end
   * when there was one.
   */
  String markdown(
      @Nullable StopReason stopReason,
      @Nullable String failure,
      Duration elapsed,
      @Nullable Reproduction reproduction) {
    this.reproduction = reproduction;
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
    if (evaluation == null) {
      out.append("- **Evaluation:** not stated; the reviewer judged the metric\n");
    } else if (evaluation.strip().indexOf('\n') < 0) {
      out.append("- **Evaluation:** ").append(line(evaluation)).append('\n');
    } else {
      // Quoted within the list item, so that its code blocks and line breaks stay as written.
      out.append("- **Evaluation:**\n\n");
      quote(evaluation).lines().forEach(l -> out.append("  ").append(l).append('\n'));
      out.append('\n');
    }
    dev.aide.core.Repository repository = task.repository();
    if (repository == null) {
      out.append("- **Language:** ").append(line(task.language().name())).append('\n');
    } else {
      out.append("- **Repository:** ")
          .append(line(repository.source().toString()))
          .append(repository.commit() == null ? "" : " at " + line(repository.commit()))
          .append(", editing ")
          .append(line(String.join(", ", repository.editable())))
          .append('\n');
    }
    if (task.holdout() != null) {
      out.append("- **Scoring:** by the harness, on held-out labelled rows (")
          .append(line(String.valueOf(task.holdout())))
          .append("); a node's metric is that score, not the number its program printed\n");
    } else if (task.scorer() != null) {
      out.append("- **Scoring:** by the harness, with ")
          .append(line(String.valueOf(task.scorer())))
          .append("; a node's metric is its score\n");
    }
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
      if (task.harnessScored() && best.printedMetric() != null) {
        out.append("- **The best node's program printed:** ")
            .append(Text.number(best.printedMetric()))
            .append('\n');
      }
    }
    if (reproduction != null) {
      out.append("- **Run again:** ").append(line(reproduction.describe())).append('\n');
    }
    out.append("- **Nodes:** ")
        .append(nodes)
        .append(" finished, ")
        .append(good)
        .append(" good, ")
        .append(nodes - good)
        .append(" buggy\n");
    out.append("- **Wall time:** ").append(wallTime(elapsed)).append('\n');
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
    if (best != null && task.repository() != null) bestChange(out, best);
  }

  /** The most characters of the best change's diff that report.md shows. */
  static final int MAX_DIFF_CHARS = 12_000;

  /** A repository task's best change: its diff against the base, where it is, its size. */
  private static void bestChange(StringBuilder out, Node best) {
    String diff = best.code();
    out.append("## The best change\n\n");
    if (diff.isBlank()) {
      out.append("None: the base as it is was the best.\n\n");
      return;
    }
    dev.aide.core.internal.repo.UnifiedDiff.Stats stats =
        dev.aide.core.internal.repo.UnifiedDiff.stats(diff);
    out.append("`best/patch.diff` (against the base; `git apply` takes it), ")
        .append(stats.files())
        .append(stats.files() == 1 ? " file, +" : " files, +")
        .append(stats.added())
        .append(" -")
        .append(stats.removed())
        .append(" lines; the patched tree is `best/tree/`.\n\n")
        .append("````diff\n")
        .append(Text.headAndTail(diff.strip(), MAX_DIFF_CHARS))
        .append("\n````\n\n");
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

  /**
   * Why a node was buggy, on one line of at most {@value #REASON_CHARS} characters: the exception
   * with its message, the exit code or the time-out, with the node's failure where it says more.
   */
  static String bugReason(Node node) {
    ExecutionResult e = node.execution();
    String failure = firstLine(node.failure());
    String reason;
    if (e != null && e.timedOut()) {
      reason = "timed out";
    } else if (e != null && e.errorType() != null) {
      String message = firstLine(e.errorMessage());
      reason = "raised " + e.errorType() + (message.isEmpty() ? "" : ": " + message);
      failure = "";
    } else if (e != null && e.exitCode() != 0) {
      reason = "exited with code " + e.exitCode();
    } else {
      return failure.isEmpty() ? "the reviewer judged it buggy" : Text.cut(failure, REASON_CHARS);
    }
    return Text.cut(failure.isEmpty() ? reason : reason + ": " + failure, REASON_CHARS);
  }

  /** How many characters a reason for a buggy node keeps. */
  static final int REASON_CHARS = 160;

  /** The first non-blank line of {@code text} on one line, or "" when there is none. */
  private static String firstLine(@Nullable String text) {
    if (text == null) return "";
    return text.lines().filter(l -> !l.isBlank()).findFirst().map(RunReport::oneLine).orElse("");
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
    out.append("| Wall time of the search | ").append(wallTime(elapsed)).append(" |\n");
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

  /** The wall time of all sessions, and of each part when there were earlier sessions. */
  private String wallTime(Duration elapsed) {
    if (earlierSessions.isZero()) return Text.duration(elapsed);
    return Text.duration(earlierSessions.plus(elapsed))
        + " (this session "
        + Text.duration(elapsed)
        + ", earlier sessions "
        + Text.duration(earlierSessions)
        + ")";
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

  /** Text on one line, whitespace runs made single spaces. */
  private static String oneLine(String text) {
    return String.join(" ", text.strip().split("\\s+"));
  }

  /** Text on one line with HTML made harmless ({@code <} outside code spans as {@code &lt;}). */
  private static String line(String text) {
    return inline(oneLine(text));
  }

  private static String cell(String text) {
    return line(text).replace("|", "\\|");
  }

  /**
   * Text as a Markdown block quote, one {@code >} line per line of text, with HTML made harmless:
   * {@code <} is written as {@code &lt;} except in code (fenced or indented blocks, and code
   * spans), where Markdown shows it as it is and an entity would show literally.
   */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder();
    for (String l : safe(text)) out.append(l.isBlank() ? ">" : "> " + l).append('\n');
    return out.toString();
  }

  /** The opening line of a fenced code block: its fence and what follows it. */
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

  /** The first line of a list item, which may make a later indented line a paragraph. */
  private static final Pattern LIST_ITEM =
      Pattern.compile("^ {0,3}([-+*]|\\d{1,9}[.)])([ \t].*)?$");

  /**
   * The lines of {@code text} (leading and trailing blank lines and trailing whitespace removed)
   * with {@code <} written as {@code &lt;} outside code. Code is what CommonMark takes for it:
   * fenced blocks (up to the closing fence, or the end when there is none), indented blocks (four
   * columns, after a blank line, and not in a list, where such a line may be a paragraph) and code
   * spans on one line.
   */
  private static List<String> safe(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
      lines.add(l.stripTrailing());
    }
    while (!lines.isEmpty() && lines.get(0).isEmpty()) lines.remove(0);
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<String> out = new ArrayList<>();
    String fence = null;
    boolean previousBlank = true;
    boolean previousCode = false;
    boolean inList = false;
    for (String l : lines) {
      if (fence != null) {
        out.add(l);
        if (closes(l, fence)) {
          fence = null;
          previousBlank = true; // what follows cannot continue a paragraph
          previousCode = false;
        }
        continue;
      }
      if (l.isEmpty()) {
        out.add(l);
        previousBlank = true;
        continue;
      }
      Matcher opening = FENCE.matcher(l);
      boolean code = false;
      if (opening.matches()
          && !(opening.group(1).charAt(0) == '`' && opening.group(2).contains("`"))) {
        fence = opening.group(1);
        int at = opening.start(2);
        out.add(l.substring(0, at) + l.substring(at).replace("<", "&lt;"));
      } else if (indent(l) >= 4 && (previousBlank || previousCode) && !inList) {
        // Its indent as spaces: after "> " a tab would reach only the next tab stop.
        String rest = l.stripLeading();
        out.add(" ".repeat(indent(l)) + rest);
        code = true;
      } else {
        if (LIST_ITEM.matcher(l).matches()) {
          inList = true;
        } else if (previousBlank && indent(l) == 0) {
          inList = false;
        }
        out.add(inline(l));
      }
      previousBlank = false;
      previousCode = code;
    }
    return out;
  }

  /** Whether {@code line} closes a fenced block opened with {@code fence}. */
  private static boolean closes(String line, String fence) {
    String t = line.strip();
    if (indent(line) > 3 || t.length() < fence.length()) return false;
    for (int i = 0; i < t.length(); i++) {
      if (t.charAt(i) != fence.charAt(0)) return false;
    }
    return true;
  }

  /** The columns of whitespace {@code line} starts with, a tab reaching the next multiple of 4. */
  private static int indent(String line) {
    int columns = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ') {
        columns++;
      } else if (c == '\t') {
        columns += 4 - columns % 4;
      } else {
        break;
      }
    }
    return columns;
  }

  /**
   * One line of Markdown with {@code <} written as {@code &lt;} outside code spans: a run of
   * backticks up to the next run of the same length keeps its text as it is; a backslash escape is
   * kept whole.
   */
  private static String inline(String line) {
    StringBuilder out = new StringBuilder(line.length() + 16);
    int n = line.length();
    int i = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < n) {
        out.append(c).append(line.charAt(i + 1));
        i += 2;
      } else if (c == '`') {
        int run = run(line, i);
        int close = closingRun(line, i + run, run);
        int end = close < 0 ? i + run : close + run;
        out.append(line, i, end);
        i = end;
      } else {
        out.append(c == '<' ? "&lt;" : String.valueOf(c));
        i++;
      }
    }
    return out.toString();
  }

  /** The length of the run of backticks at {@code from}. */
  private static int run(String line, int from) {
    int end = from;
    while (end < line.length() && line.charAt(end) == '`') end++;
    return end - from;
  }

  /** Where the next run of exactly {@code length} backticks from {@code from} starts, or -1. */
  private static int closingRun(String line, int from, int length) {
    int i = from;
    while (i < line.length()) {
      if (line.charAt(i) == '`') {
        int run = run(line, i);
        if (run == length) return i;
        i += run;
      } else {
        i++;
      }
    }
    return -1;
  }
}
