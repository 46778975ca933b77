package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.MetricReader;
import dev.aide.core.Node;
import dev.aide.core.Repository;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.search.Action;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The coder's and the reviewer's prompts for a repository task: the editable files in full where
 * they fit, a bounded map of the rest, the parent's diff and its evaluation output, the gate's
 * failures when debugging, and the SEARCH/REPLACE edit format. Immutable; safe to share.
 */
final class RepoPrompts {
  /** The most characters of editable files shown in full in one prompt. */
  static final int MAX_FILES_CHARS = 60_000;

  /** The most characters of one editable file shown in full. */
  static final int MAX_FILE_CHARS = 24_000;

  /** The most characters of the map of the other files. */
  static final int MAX_MAP_CHARS = 6_000;

  /**
   * The most characters of read-only files shown in full (the tests and the benchmark of a small
   * project, say), those named after an editable file first.
   */
  static final int MAX_READ_ONLY_CHARS = 20_000;

  /** The most characters of one read-only file shown in full. */
  static final int MAX_READ_ONLY_FILE_CHARS = 8_000;

  /** The most characters of a diff shown in a prompt. */
  static final int MAX_DIFF_CHARS = 20_000;

  /** The most characters of a failed step's output shown when debugging. */
  static final int MAX_FAILURE_CHARS = 5_000;

  static final String EDIT_FORMAT =
      """
      Start with a short plan in plain text (3 to 5 sentences). Then give your changes as \
      SEARCH/REPLACE blocks. To change a file, write its path on a line of its own, then one or \
      more blocks:

      src/main/java/demo/Example.java
      <<<<<<< SEARCH
          for (int i = 0; i < items.size(); i++) {
      =======
          for (Item item : items) {
      >>>>>>> REPLACE

      - The SEARCH part must match the file's current text exactly, indentation included, and \
      only once: include enough lines to make it unique.
      - The blocks of one answer are matched against the files as shown above, not as earlier \
      blocks leave them, and must not overlap: put neighbouring changes in one block. Their order \
      does not matter.
      - An empty SEARCH part creates a new file. To replace a small file whole, write its path and \
      then its whole new content in a fenced code block. To delete a file, write a line \
      `DELETE path/to/File`.
      - Only the files you may edit can be changed or created.""";

  private static final Pattern JAVA_SIGNATURE =
      Pattern.compile(
          "^\\s*(public|protected)\\s+(?!return\\b)[^;=]*?(\\(|\\bclass\\b|\\binterface\\b|\\benum\\b"
              + "|\\brecord\\b).*$");
  private static final Pattern PYTHON_SIGNATURE =
      Pattern.compile("^(    )?(async\\s+)?(def|class)\\s+\\w+.*$");
  private static final Pattern FAILURE_LINE =
      Pattern.compile(
          "(?i)(\\[ERROR]|error:|error\\b|FAIL|expected|exception|assert|traceback|^E\\s|"
              + "^\\s*File \"|Tests run:.*Failures)");
  private static final Pattern NOISE_LINE =
      Pattern.compile(
          "(?i)(\\[Help 1]|re-run Maven|full stack trace|for more information about the errors"
              + "|^\\[ERROR]\\s*$|^\\[ERROR] -> )");

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private final Task task;
  private final Repository repository;
  private final Prompts prompts;
  private final RepoRun repo;

  RepoPrompts(Task task, Prompts prompts, RepoRun repo) {
    this.task = task;
    this.repository = repo.repository();
    this.prompts = prompts;
    this.repo = repo;
  }

  /** The coder's messages for {@code action}, whose first parent's changes are {@code parent}. */
  List<ChatMessage> coder(Action action, String memory, Map<String, Optional<String>> parent) {
    List<Node> parents = action.parents();
    Prompts.Sections s = new Prompts.Sections();
    prompts.taskSections(s);
    s.add("How an attempt is measured", measurement("your edits"));
    s.add("Memory of earlier attempts", memory);
    s.add("Files you may edit", editableFiles(parent));
    Set<String> shown = readOnlyShown(parent);
    s.add("Read-only files that bear on them", readOnlyFiles(parent, shown));
    s.add("Other files of the repository (read only)", map(parent, shown));
    String intro;
    switch (action.stage()) {
      case DRAFT -> {
        s.add(
            "Guidelines",
            "- Propose one sound change to the base that should improve the metric. One change may"
                + " take several blocks (an import, a helper, the code that uses them).");
        intro =
            "Improve the codebase below for the task: change its files so that the metric gets"
                + " better while the gate keeps passing.";
      }
      case IMPROVE -> {
        Node p = parents.get(0);
        s.add(
            "Current changes (attempt " + p.id() + ", metric " + Prompts.metric(p) + ")",
            diffBlock(p.code()));
        s.add("Their evaluation output", Prompts.executionReport(p.execution(), null));
        s.add(
            "Guidelines",
            "- Propose exactly one further change, small enough that its effect can be measured on"
                + " its own, and say in the plan why it should improve the metric. One change may"
                + " take several blocks (an import, a helper, the code that uses them).\n"
                + "- The files above already include the current changes: your blocks apply to"
                + " them.");
        intro =
            p.code().isBlank()
                ? "You are improving the codebase below as it is (attempt "
                    + p.id()
                    + ", its base). Make one specific change that should improve the metric."
                : "You are improving a working change to a codebase (attempt "
                    + p.id()
                    + "). Make one specific further change that should improve the metric.";
      }
      case DEBUG -> {
        Node p = parents.get(0);
        s.add("Current changes (attempt " + p.id() + ", failed)", diffBlock(p.code()));
        s.add("What failed", failure(p));
        if (!p.analysis().isEmpty()) s.add("Reviewer's findings", p.analysis());
        s.add(
            "Guidelines",
            "- Start the plan with the cause of the failure, then say how you fix it.\n"
                + "- Keep what worked; change only what the fix needs. The files above already"
                + " include the failed changes: your blocks apply to them.");
        intro =
            "Your previous change to the codebase below failed (attempt "
                + p.id()
                + "). Find the cause from the output, and fix it.";
      }
      case CROSSOVER -> {
        Node a = parents.get(0);
        Node b = parents.get(1);
        s.add(
            "First change (attempt " + a.id() + ", metric " + Prompts.metric(a) + ")",
            diffBlock(a.code()));
        s.add(
            "Second change (attempt " + b.id() + ", metric " + Prompts.metric(b) + ")",
            diffBlock(b.code()));
        s.add(
            "Guidelines",
            "- The files above include the first change. Bring in what makes the second one"
                + " score well, and say in the plan what you take from each.");
        intro =
            "Below are two working changes to a codebase. Combine their strengths into one"
                + " change that should score better than both.";
      }
      default -> throw new IllegalStateException("unknown stage " + action.stage());
    }
    s.add("Response format", EDIT_FORMAT);
    return Prompts.messages("You are an expert engineer. " + intro, s);
  }

  /** The message that asks the coder again when its blocks did not apply. */
  ChatMessage editsFailed(String report) {
    return ChatMessage.user(
        report.strip()
            + "\n\nAnswer again with the complete set of SEARCH/REPLACE blocks, every block against"
            + " the files as shown in the first message.");
  }

  /** The message that asks the coder again when its answer held no usable blocks. */
  ChatMessage askAgainForEdits(String problem) {
    return ChatMessage.user(
        "Your answer "
            + problem
            + ". Reply again with a short plan followed by SEARCH/REPLACE blocks, each after the"
            + " path of its file on a line of its own, in the format of the first message.");
  }

  /**
   * The reviewer's messages for a node whose whole diff is {@code diff} and eval ran; {@code
   * baseNode} is the unchanged base's node, whose output the change's is compared with (null while
   * the base itself is reviewed).
   */
  List<ChatMessage> review(
      String diff, ExecutionResult eval, @Nullable Node baseNode, boolean withTool) {
    boolean base = diff.isBlank();
    String passed =
        repository.gate() != null
            ? "The gate `" + repository.gate() + "` passed."
            : repository.buildStep() != null ? "The build passed." : "";
    Prompts.Sections s = new Prompts.Sections();
    prompts.taskSections(s);
    s.add("How an attempt is measured", measurement("the coder's edits"));
    s.add(
        "The change (a diff against the base)",
        base
            ? "(none: this run is the base as it is, the baseline later changes are measured against)"
            : diffBlock(diff));
    if (!base && baseNode != null && baseNode.execution() != null) {
      // what the results were before the change, so that the reviewer can see they are kept
      s.add(
          "For comparison: the unchanged base's evaluation output (metric "
              + Prompts.metric(baseNode)
              + ")",
          Prompts.executionReport(baseNode.execution(), null));
    }
    s.add(
        "Evaluation output (`" + repository.eval() + "`, its standard output and error)",
        (passed.isEmpty() ? "" : passed + "\n") + Prompts.executionReport(eval, null));
    s.add("Instructions", prompts.reviewInstructions(withTool));
    return Prompts.messages(
        "You are an expert engineer reviewing "
            + (base ? "the baseline run of a codebase, unchanged." : "a change to a codebase.")
            + " Decide from the evaluation output whether the run succeeded and report the metric"
            + " it printed.",
        s);
  }

  /** How the harness builds, checks and measures each attempt. */
  private String measurement(String whose) {
    StringBuilder out = new StringBuilder();
    out.append("The harness applies ")
        .append(whose)
        .append(" to a fresh copy of the repository, then runs, in its root directory:\n");
    if (repository.buildStep() != null) {
      out.append("- the build: `").append(repository.buildStep()).append("`\n");
    }
    if (repository.gate() != null) {
      out.append("- the gate: `")
          .append(repository.gate())
          .append("`; if it fails, the attempt counts as failed whatever its metric\n");
    }
    out.append("- the evaluation: `").append(repository.eval()).append('`');
    MetricReader reader = task.metricReader();
    String example = reader == null ? null : reader.example();
    if (example != null)
      out.append(", whose output gives the metric on a line like `").append(example).append('`');
    Direction d = task.direction();
    if (d != null)
      out.append(d == Direction.MINIMIZE ? " (lower is better)" : " (higher is better)");
    out.append(".\nEach must finish within ")
        .append(Text.roughDuration(task.timeout()))
        .append('.');
    return out.toString();
  }

  /**
   * The editable files in full, as {@code changes} leave the base, those the changes touch first,
   * within {@link #MAX_FILES_CHARS}; the rest by path and size.
   */
  private String editableFiles(Map<String, Optional<String>> changes) {
    Set<String> paths = new LinkedHashSet<>();
    for (var e : changes.entrySet()) {
      if (e.getValue().isPresent() && repo.editable(e.getKey())) paths.add(e.getKey());
    }
    for (String path : repo.base().files()) {
      if (repo.editable(path) && !(changes.containsKey(path) && changes.get(path).isEmpty())) {
        paths.add(path);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("Globs: ").append(String.join(", ", repository.editable())).append("\n\n");
    List<String> notShown = new ArrayList<>();
    int budget = MAX_FILES_CHARS;
    for (String path : paths) {
      String text = repo.read(changes, path);
      if (text == null) {
        notShown.add(path + " (binary)");
      } else if (text.length() > MAX_FILE_CHARS || text.length() > budget) {
        notShown.add(path + " (" + text.lines().count() + " lines, too long to show)");
      } else {
        budget -= text.length();
        out.append(path).append("\n```").append(fence(path)).append('\n').append(text);
        if (!text.endsWith("\n")) out.append('\n');
        out.append("```\n\n");
      }
    }
    if (!notShown.isEmpty()) {
      out.append("Editable but not shown: ").append(String.join(", ", notShown)).append('\n');
    }
    return out.toString();
  }

  /**
   * The read-only text files to show in full, within {@link #MAX_READ_ONLY_CHARS}: first those
   * whose name holds an editable file's (AnagramsTest.java for Anagrams.java, test_freq.py for
   * freq.py), then the others in path order, each of at most {@link #MAX_READ_ONLY_FILE_CHARS}.
   */
  private Set<String> readOnlyShown(Map<String, Optional<String>> changes) {
    Set<String> stems = new LinkedHashSet<>();
    List<String> readOnly = new ArrayList<>();
    for (String path : repo.base().files()) {
      if (repo.editable(path)) {
        String stem = stem(path);
        if (stem.length() >= 3 && !stem.equals("__init__"))
          stems.add(stem.toLowerCase(Locale.ROOT));
      } else {
        readOnly.add(path);
      }
    }
    Set<String> ordered = new LinkedHashSet<>();
    for (String path : readOnly) {
      String name = stem(path).toLowerCase(Locale.ROOT);
      if (stems.stream().anyMatch(name::contains)) ordered.add(path);
    }
    ordered.addAll(readOnly);
    Set<String> shown = new LinkedHashSet<>();
    int budget = MAX_READ_ONLY_CHARS;
    for (String path : ordered) {
      long size = repo.base().size(path); // bytes, at least the characters: read only what fits
      if (size > MAX_READ_ONLY_FILE_CHARS || size > budget) continue;
      String text = repo.read(changes, path);
      if (text == null || text.length() > budget) continue;
      budget -= text.length();
      shown.add(path);
    }
    return shown;
  }

  private static String stem(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** The files {@link #readOnlyShown} chose, in full. */
  private String readOnlyFiles(Map<String, Optional<String>> changes, Set<String> shown) {
    StringBuilder out = new StringBuilder();
    for (String path : shown) {
      String text = Objects.requireNonNull(repo.read(changes, path));
      out.append(path).append("\n```").append(fence(path)).append('\n').append(text);
      if (!text.endsWith("\n")) out.append('\n');
      out.append("```\n\n");
    }
    return out.toString();
  }

  /**
   * The other files, but those shown in full: path and size, with the public signatures of Java and
   * Python files, within {@link #MAX_MAP_CHARS}.
   */
  private String map(Map<String, Optional<String>> changes, Set<String> inFull) {
    StringBuilder out = new StringBuilder();
    int left = 0;
    for (String path : repo.base().files()) {
      if (repo.editable(path) || inFull.contains(path)) continue;
      if (out.length() > MAX_MAP_CHARS) {
        left++;
        continue;
      }
      out.append("- ")
          .append(path)
          .append(" (")
          .append(OverviewRenderer.humanSize(repo.base().size(path)))
          .append(")\n");
      String text = repo.read(changes, path);
      if (text == null) continue;
      Pattern signature =
          path.endsWith(".java") ? JAVA_SIGNATURE : path.endsWith(".py") ? PYTHON_SIGNATURE : null;
      if (signature == null) continue;
      int shown = 0;
      for (String line : (Iterable<String>) text.lines()::iterator) {
        if (shown == 12 || !signature.matcher(line).matches()) continue;
        String sig = line.strip();
        if (sig.endsWith("{")) sig = sig.substring(0, sig.length() - 1).strip();
        out.append("    ").append(Text.cut(sig, 160)).append('\n');
        shown++;
      }
    }
    if (left > 0) out.append("... and ").append(left).append(" more files\n");
    return out.toString();
  }

  /** Why {@code node} failed: its failure and the lines of its output that tell. */
  private String failure(Node node) {
    ExecutionResult execution = node.execution();
    StringBuilder out = new StringBuilder();
    if (node.failure() != null) out.append(node.failure()).append(".\n");
    if (execution != null) {
      out.append("```\n").append(failureLines(execution.output())).append("\n```");
    }
    return out.toString();
  }

  /**
   * The lines of a failed step's output that say what failed (compiler errors, failing tests,
   * tracebacks) with the line after each, without Maven's boilerplate; the head and tail of the
   * output when none match.
   */
  static String failureLines(String output) {
    // without terminal colours, which Maven writes even in batch mode
    List<String> lines = ANSI.matcher(output).replaceAll("").strip().lines().toList();
    List<String> kept = new ArrayList<>();
    int keepNext = 0;
    for (String line : lines) {
      if (NOISE_LINE.matcher(line).find()) continue;
      if (FAILURE_LINE.matcher(line).find()) {
        kept.add(line);
        keepNext = 2;
      } else if (keepNext > 0) {
        kept.add(line);
        keepNext--;
      }
    }
    String text = kept.isEmpty() ? output.strip() : String.join("\n", kept);
    return Text.headAndTail(text, MAX_FAILURE_CHARS);
  }

  private static String diffBlock(String diff) {
    if (diff.isBlank()) return "(none: the base as it is)";
    return "```diff\n" + Text.headAndTail(diff.strip(), MAX_DIFF_CHARS) + "\n```";
  }

  private static String fence(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1);
    return switch (ext) {
      case "py" -> "python";
      case "kt" -> "kotlin";
      case "js" -> "javascript";
      case "ts" -> "typescript";
      case "sh" -> "bash";
      case "md" -> "markdown";
      case "yml" -> "yaml";
      default -> ext;
    };
  }
}
