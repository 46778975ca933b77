package dev.aide.core.internal;

import dev.aide.core.Language;
import dev.aide.core.MetricReader;
import dev.aide.core.Node;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.score.Holdout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Builds the messages sent to the coder (draft, improve, debug) and to the reviewer.
 *
 * <p>Each prompt is a system message (the introduction) and a user message made of named sections:
 * task, memory of earlier attempts, previous code and its output where relevant, response format,
 * solution and implementation guidelines, environment and data overview. Immutable; safe to share.
 */
final class Prompts {
  /** The most characters of a run's output shown in a prompt: its head and its tail. */
  static final int MAX_OUTPUT_CHARS = 5_000;

  /** The most files of a run's {@code ./working} listed in the review prompt. */
  static final int MAX_LISTED_FILES = 50;

  private final Task task;
  private final String dataOverview;
  private final Supplier<InterpreterProbe.@Nullable Packages> packages;
  private final @Nullable String submissionFormat;

  /**
   * @param task the task
   * @param dataOverview the preview of the data directory, or empty when there is none
   */
  public Prompts(Task task, String dataOverview) {
    this(task, dataOverview, () -> null);
  }

  /**
   * @param task the task
   * @param dataOverview the preview of the data directory, or empty when there is none
   * @param packages what the run's Python interpreter has, as {@link InterpreterProbe} found; null
   *     while unknown (not probed, or the probe failed)
   */
  public Prompts(
      Task task, String dataOverview, Supplier<InterpreterProbe.@Nullable Packages> packages) {
    this(task, dataOverview, packages, null);
  }

  /**
   * @param task the task
   * @param dataOverview the preview of the data directory, or empty when there is none
   * @param packages what the run's Python interpreter has, as {@link InterpreterProbe} found; null
   *     while unknown (not probed, or the probe failed)
   * @param submissionFormat what the task's holdout needs the submission to hold ({@link
   *     HoldoutSplit#submissionFormat()}); null when the task has no holdout
   */
  Prompts(
      Task task,
      String dataOverview,
      Supplier<InterpreterProbe.@Nullable Packages> packages,
      @Nullable String submissionFormat) {
    this.task = task;
    this.dataOverview = dataOverview;
    this.packages = packages;
    this.submissionFormat = submissionFormat;
  }

  /** Returns the messages asking for the first draft: {@code draft(memory, 0)}. */
  public List<ChatMessage> draft(String memory) {
    return draft(memory, 0);
  }

  /**
   * Returns the messages asking for a draft, a solution written from the task alone.
   *
   * @param memory the memory of earlier attempts, or empty when there is none
   * @param earlierDrafts how many drafts have finished before this one: only the first is called a
   *     first solution; a later one is asked for another independent draft
   */
  public List<ChatMessage> draft(String memory, int earlierDrafts) {
    boolean first = earlierDrafts == 0;
    boolean remembers = !memory.isBlank();
    Sections s = new Sections();
    taskSections(s);
    s.add("Memory of earlier attempts", memory);
    s.add("Response format", responseFormat());
    s.add(
        "Solution guidelines",
        (first
                ? "- Write a simple, sound first solution: it will be improved in later steps.\n"
                : "- "
                    + (earlierDrafts == 1 ? "1 draft" : earlierDrafts + " drafts")
                    + " came before this one: write another independent, simple and sound"
                    + " solution; the best drafts will be improved in later steps.\n")
            + (remembers
                ? "- Take a different approach from the earlier attempts listed in the memory"
                    + (Memory.showsFailures(memory)
                        ? ", and do not repeat the mistakes that made the failed ones fail.\n"
                        : ".\n")
                : "")
            + """
            - Do not spend the run on ensembles or long hyperparameter searches yet.
            - Score the solution with the evaluation the task names. Where there is no separate \
            validation set, hold out part of the training data or use cross-validation.
            - Do not plan exploratory data analysis.""");
    implementationSections(s);
    return messages(
        "You are an expert engineer who solves tasks whose results can be measured, such as"
            + " machine-learning competitions or making code faster. "
            + (first
                ? "Plan a solution to the task below"
                : "Plan another independent solution to the task below"
                    + (remembers ? ", unlike the earlier attempts in the memory," : ""))
            + " and implement it in "
            + language().name()
            + ".",
        s);
  }

  /**
   * Returns the messages asking for one improvement of {@code parent}, a good node, which they name
   * with its id and metric.
   */
  public List<ChatMessage> improve(Node parent, String memory) {
    String named = "attempt " + parent.id() + ", metric " + metric(parent);
    Sections s = new Sections();
    taskSections(s);
    s.add("Memory of earlier attempts", memory);
    s.add("Previous solution (" + named + ")", codeBlock(parent.code()));
    s.add("Response format", responseFormat());
    s.add(
        "Improvement guidelines",
        """
        - Propose exactly one change, small enough that its effect can be measured on its own.
        - Say in the plan why the change should raise the score.
        """
            + (memory.isBlank()
                ? ""
                : "- The change should differ from those already tried in the memory.\n")
            + "- Write the whole improved program, not only the changed part.");
    implementationSections(s);
    return messages(
        "You are an expert engineer improving a working solution ("
            + named
            + ") to the task below. Make one specific change that should raise its score, and"
            + " implement the complete improved solution in "
            + language().name()
            + ".",
        s);
  }

  public List<ChatMessage> crossover(Node first, Node second, String memory) {
    Sections s = new Sections();
    taskSections(s);
    s.add("Memory of earlier attempts", memory);
    s.add("First solution (metric " + metric(first) + ")", codeBlock(first.code()));
    s.add("Second solution (metric " + metric(second) + ")", codeBlock(second.code()));
    s.add("Response format", responseFormat());
    s.add(
        "Crossover guidelines",
        """
        - Say in the plan what each solution does better and how the new one combines it.
        - Keep the parts that make each solution score well; drop what makes either worse.
        - Write the whole new program, not only the changed parts.""");
    implementationSections(s);
    return messages(
        "You are an expert engineer. Below are two working solutions to the task. Write one"
            + " solution in "
            + language().name()
            + " that combines their strengths and should score better than both.",
        s);
  }

  static String metric(Node node) {
    return node.metric().isWorst() ? "none" : Text.number(node.metric().value());
  }

  public List<ChatMessage> debug(Node parent) {
    Sections s = new Sections();
    taskSections(s);
    s.add("Previous (buggy) solution", codeBlock(parent.code()));
    s.add("Execution output", executionReport(parent.execution(), parent.failure()));
    if (!parent.analysis().isEmpty()) s.add("Reviewer's findings", parent.analysis());
    s.add("Response format", responseFormat());
    s.add(
        "Bug-fix guidelines",
        """
        - Start the plan with the cause of the failure, then say how you fix it.
        - Keep what worked; change only what the fix needs.
        - Write the whole corrected program, not only the changed part.""");
    implementationSections(s);
    return messages(
        "You are an expert engineer. Your previous solution to the task below failed or has a"
            + " bug. Find the cause from its output, fix it, and write the complete corrected"
            + " solution in "
            + language().name()
            + ".",
        s);
  }

  /** The message that asks the coder again when its answer held no code. */
  public ChatMessage askAgainForCode(String reason) {
    return ChatMessage.user(
        "Your answer "
            + reason
            + ". Reply again with a short plan followed by exactly one fenced code block (```"
            + fenceTag()
            + ") that holds the complete program.");
  }

  /**
   * Returns the messages asking the reviewer to judge a run.
   *
   * @param withTool whether the reviewer is offered {@code submit_review}; when not, it is asked
   *     for the same fields as a JSON object
   */
  public List<ChatMessage> review(String code, ExecutionResult execution, boolean withTool) {
    return review(code, execution, Map.of(), withTool);
  }

  /**
   * Returns the messages asking the reviewer to judge a run, listing the files it wrote with the
   * sizes in {@code sizes} (by path relative to {@code ./working}; a file without one is listed
   * without a size).
   *
   * @param withTool whether the reviewer is offered {@code submit_review}; when not, it is asked
   *     for the same fields as a JSON object
   */
  public List<ChatMessage> review(
      String code, ExecutionResult execution, Map<String, Long> sizes, boolean withTool) {
    return review(code, execution, sizes, null, withTool);
  }

  /**
   * Like {@link #review(String, ExecutionResult, Map, boolean)}, showing the start of the task's
   * expected output: {@code expectedHead}, its first lines and how many it has (null when there is
   * none to show).
   */
  List<ChatMessage> review(
      String code,
      ExecutionResult execution,
      Map<String, Long> sizes,
      @Nullable String expectedHead,
      boolean withTool) {
    Sections s = new Sections();
    taskSections(s);
    s.add("Solution", codeBlock(code));
    s.add("Execution output", executionReport(execution, null));
    s.add("Files the run wrote in ./working", producedFiles(execution.files(), sizes));
    if (expectedHead != null) {
      s.add("The start of ./working/" + task.expectedOutput(), "```\n" + expectedHead + "\n```");
    }
    s.add("Instructions", reviewInstructions(withTool));
    return messages(
        "You are an expert engineer reviewing the output of a solution to the task below. Decide"
            + " whether the run succeeded and report the metric it printed.",
        s);
  }

  /**
   * The review's instructions: the fields of submit_review, or of the JSON object to reply with.
   */
  String reviewInstructions(boolean withTool) {
    String example = task.metricReader() == null ? null : task.metricReader().example();
    String fields =
        """
        - is_bug: true if the run failed, raised an error, or the output shows a bug;
        - summary: 2 to 3 sentences on what the output shows (the result, or the error and its \
        likely cause), without suggestions;
        """
            + (example == null
                ? "- metric: the validation metric the program printed, as a number, or null if it"
                    + " printed none;\n"
                : "- metric: the validation metric the program printed on a line like `"
                    + example
                    + "` (the last such line counts), as a number, or null if it printed none;\n")
            + (task.direction() == null
                ? """
                - lower_is_better: true if a lower metric is better (an error, a loss, a run \
                time), false if higher is better (accuracy, AUC)."""
                : "- lower_is_better: "
                    + (task.direction() == dev.aide.core.Direction.MINIMIZE)
                    + " (the task fixes it: "
                    + (task.direction() == dev.aide.core.Direction.MINIMIZE ? "lower" : "higher")
                    + " is better).");
    return withTool
        ? "Call the function submit_review with:\n" + fields
        : "Reply with only a JSON object with these fields:\n"
            + fields
            + "\nFor example: {\"is_bug\": false, \"summary\": \"...\", \"metric\": 0.85,"
            + " \"lower_is_better\": false}";
  }

  /**
   * The review prompt's list of the run's files: the first {@link #MAX_LISTED_FILES} with their
   * sizes, how many more there are, and whether the task's expected output is among them.
   */
  private String producedFiles(List<String> files, Map<String, Long> sizes) {
    StringBuilder out = new StringBuilder();
    if (files.isEmpty()) {
      out.append("(none)\n");
    } else {
      for (String file : files.subList(0, Math.min(files.size(), MAX_LISTED_FILES))) {
        Long size = sizes.get(file);
        out.append("- ").append(file);
        if (size != null) out.append(" (").append(OverviewRenderer.humanSize(size)).append(')');
        out.append('\n');
      }
      if (files.size() > MAX_LISTED_FILES) {
        out.append("... and ").append(files.size() - MAX_LISTED_FILES).append(" more files\n");
      }
    }
    String expected = task.expectedOutput();
    if (expected != null) {
      out.append(
          files.contains(expected)
              ? "The task expects ./working/" + expected + ": it is there."
              : "The task expects ./working/"
                  + expected
                  + ": it is missing, so the run counts as failed.");
    }
    return out.toString();
  }

  /**
   * Returns the messages asking the reviewer, once before the first node, which way the task's
   * metric is better.
   *
   * @param withTool whether the reviewer is offered {@code set_metric_direction}; when not, it is
   *     asked for the same fields as a JSON object
   */
  public List<ChatMessage> direction(boolean withTool) {
    Sections s = new Sections();
    taskSections(s);
    MetricReader reader = task.metricReader();
    if (reader != null) {
      String example = reader.example();
      s.add(
          "Metric",
          example == null
              ? "The metric is read from each run's output by " + reader + "."
              : "The metric is read from each run's output, from a line like `" + example + "`.");
    }
    String fields =
        """
        - lower_is_better: true if a lower value of the task's metric is better (an error, a \
        loss, a run time), false if a higher value is better (accuracy, AUC, a score);
        - reason: one sentence naming the metric and why that way is better.""";
    s.add(
        "Instructions",
        withTool
            ? "Call the function set_metric_direction with:\n" + fields
            : "Reply with only a JSON object with these fields:\n"
                + fields
                + "\nFor example: {\"lower_is_better\": true, \"reason\": \"RMSE is an error.\"}");
    return messages(
        "You are an expert engineer. Before any solution to the task below is written, decide"
            + " from the task and its evaluation whether a lower or a higher value of its metric is"
            + " better. Every solution will be ranked that way.",
        s);
  }

  /** The guideline on printing the metric: the line the task's reader reads, when it shows one. */
  private String metricLine() {
    MetricReader reader = task.metricReader();
    String example = reader == null ? null : reader.example();
    if (task.harnessScored()) {
      return "- At the end, print your own validation metric on its own line, e.g. `"
          + (example == null ? "metric: 0.8123" : example)
          + "`. The harness's score ranks the solutions; a printed number more than 5% away"
          + " from it leaves a warning on the attempt (it does not change the score).\n";
    }
    if (example == null) {
      return "- At the end, print the validation metric on its own line, e.g. `metric: 0.8123`.\n";
    }
    return "- At the end, print the validation metric on its own line exactly in this form: `"
        + example
        + "` (with your value). The score is read from the last such line; a run without one"
        + " counts as failed.\n";
  }

  /** The coder's guideline on the file the task expects; empty when it expects none. */
  private String expectedOutputLine() {
    String expected = task.expectedOutput();
    if (expected == null) return "";
    return "- The program must write ./working/"
        + expected
        + "; a run that does not write it counts as failed, whatever it prints.\n";
  }

  void taskSections(Sections s) {
    s.add("Task", task.goal());
    s.add("Evaluation", task.evaluation());
    s.add("Scoring", scoring());
    s.add("Extra instructions", task.instructions());
  }

  /** How the harness scores a run where the task has a holdout or a scorer; else null. */
  private @Nullable String scoring() {
    if (!task.harnessScored()) return null;
    String better =
        task.direction() == dev.aide.core.Direction.MINIMIZE
            ? "lower is better"
            : "higher is better";
    Holdout holdout = task.holdout();
    if (holdout != null) {
      return (submissionFormat == null ? "" : submissionFormat + "\n")
          + "The harness scores these predictions itself, on rows whose labels it keeps ("
          + holdout.metric().name()
          + ", "
          + better
          + "), and its score ranks the solutions.";
    }
    return "The harness scores the files the run writes in ./working itself ("
        + better
        + "), and its score ranks the solutions.";
  }

  private void implementationSections(Sections s) {
    String fileName = language().fileName();
    s.add(
        "Implementation guidelines",
        "- The program runs as `"
            + String.join(" ", language().command())
            + "` in a directory that holds "
            + fileName
            + ", ./input and ./working.\n"
            + "- The task's data is in ./input (read only). Write every file the program makes,"
            + " such as predictions in submission.csv, to ./working.\n"
            + expectedOutputLine()
            + "- The program must finish within "
            + Text.roughDuration(task.timeout())
            + " and must not wait for input.\n"
            + metricLine()
            + "- Write one complete program in a single code block; it cannot import other files"
            + " of yours.");
    s.add("Environment", environment());
    s.add("Data overview", dataOverview);
  }

  private String environment() {
    if (language().equals(Language.PYTHON)) return pythonEnvironment(packages.get());
    String name = language().name().toLowerCase(Locale.ROOT);
    if (name.equals("python")) {
      return "Python 3. Packages such as numpy, pandas, scikit-learn, scipy, xgboost, lightgbm"
          + " and torch may be installed; use what the task needs and do not install packages.";
    }
    if (name.equals("java")) {
      return "A JDK runs the single source file directly; use only the Java standard library."
          + " The public class must be named Main.";
    }
    return "The program is run as `" + String.join(" ", language().command()) + "`.";
  }

  /** The environment of the built-in Python: only the packages the probe saw import. */
  private static String pythonEnvironment(InterpreterProbe.@Nullable Packages packages) {
    if (packages == null) {
      return "Python 3. Which packages are installed is unknown: prefer the standard library, say"
          + " in the plan which packages the solution needs, and do not install packages.";
    }
    return "Python "
        + packages.python()
        + ". "
        + describePackages(packages)
        + ". Use only the installed packages and the standard library; do not install packages.";
  }

  /**
   * Names the installed packages with their versions and the missing ones, e.g. {@code Installed:
   * numpy 1.26.4, pandas 2.1.4; not installed: xgboost, torch}.
   */
  static String describePackages(InterpreterProbe.Packages packages) {
    String installed =
        packages.installed().isEmpty()
            ? "Installed: none of the common packages"
            : "Installed: "
                + packages.installed().stream()
                    .map(p -> p.version().isEmpty() ? p.name() : p.name() + " " + p.version())
                    .collect(Collectors.joining(", "));
    return packages.missing().isEmpty()
        ? installed
        : installed + "; not installed: " + String.join(", ", packages.missing());
  }

  private String responseFormat() {
    return "Start with a short plan in plain text (3 to 5 sentences), then write one fenced code"
        + " block (```"
        + fenceTag()
        + ") holding the complete program. Write nothing after the code block.";
  }

  private String codeBlock(String code) {
    return "```" + fenceTag() + "\n" + code.strip() + "\n```";
  }

  static String executionReport(@Nullable ExecutionResult execution, @Nullable String failure) {
    if (execution == null) {
      return failure == null
          ? "(the program did not run)"
          : "(the program did not run: " + failure + ")";
    }
    StringBuilder out = new StringBuilder();
    out.append("```\n").append(Text.headAndTail(execution.output().strip(), MAX_OUTPUT_CHARS));
    out.append("\n```\n");
    if (execution.truncatedChars() > 0) {
      out.append("(The executor cut ").append(execution.truncatedChars()).append(" characters.)\n");
    }
    if (execution.timedOut()) {
      out.append("The run was stopped at its time limit after ")
          .append(Text.roughDuration(execution.duration()))
          .append(".");
    } else {
      out.append("The run took ")
          .append(Text.roughDuration(execution.duration()))
          .append(" and exited with code ")
          .append(execution.exitCode())
          .append('.');
    }
    if (execution.errorType() != null) {
      out.append(" It raised ").append(execution.errorType());
      if (execution.errorMessage() != null) out.append(": ").append(execution.errorMessage());
      out.append('.');
    }
    if (failure != null) out.append("\nIt counts as failed: ").append(failure).append('.');
    return out.toString();
  }

  private Language language() {
    return task.language();
  }

  private String fenceTag() {
    List<String> tags = language().fenceTags();
    return tags.isEmpty() ? "" : tags.get(0);
  }

  static List<ChatMessage> messages(String introduction, Sections sections) {
    return List.of(ChatMessage.system(introduction), ChatMessage.user(sections.render()));
  }

  /** Named sections in order; a section with no content is left out. */
  static final class Sections {
    private final List<String> parts = new ArrayList<>();

    void add(String title, @Nullable String content) {
      if (content == null || content.isBlank()) return;
      parts.add("# " + title + "\n\n" + content.strip());
    }

    String render() {
      return String.join("\n\n", parts) + "\n";
    }
  }
}
