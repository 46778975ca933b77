package dev.aide.core.internal;

import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.MetricReader;
import dev.aide.core.Node;
import dev.aide.core.Reproduction;
import dev.aide.core.SearchEvent;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.internal.repo.SearchReplace;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatProgress;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.score.Scorer;
import dev.aide.core.search.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node pipeline: turns one action and a node id into a finished node, or throws a {@link
 * FatalException} when it meets an error that no later step could avoid.
 *
 * <p>A node passes five stages, each one method that fills a {@link NodeDraft}:
 *
 * <ol>
 *   <li>{@link #prompt}: the messages for the action (task, data overview, memory, parent code and
 *       output);
 *   <li>{@link #code}: the coder LLM's plan and code, asked again up to {@link #CODER_RETRIES}
 *       times when no code came back;
 *   <li>{@link #execute}: the code run in the node's workspace, its output redacted;
 *   <li>{@link #review}: the reviewer LLM's forced {@code submit_review} call, or, as the backend
 *       refuses or ignores it, the same fields asked with a JSON schema, then as JSON text ({@link
 *       AnswerFormat});
 *   <li>{@link #score}: the metric (the harness's score where the task has a scorer, else the
 *       task's {@link MetricReader} over the reviewer's), its direction and the warnings where they
 *       disagree, and buggy when the task's expected output is missing; {@link #scoreWithoutReview}
 *       when the review failed.
 * </ol>
 *
 * <p>It holds no lock and starts no threads: the scheduler ({@link SearchEngine}) calls {@link
 * #run} from its workers, outside its lock. What the pipeline learns across nodes is shared: the
 * {@link Streaks} the scheduler keeps, and how the reviewer's backend is asked for its answers.
 * Thread-safe when its collaborators are.
 */
final class NodeRunner {
  private static final Logger log = LoggerFactory.getLogger(NodeRunner.class);

  /** A claimed metric further than this fraction from the harness's score is flagged. */
  static final double GAP_RELATIVE = 0.05;

  /** ... and further than this in absolute terms, so that tiny metrics are not flagged. */
  static final double GAP_ABSOLUTE = 0.01;

  /** How often the coder is asked again when its answer holds no code. */
  static final int CODER_RETRIES = 3;

  /** Prepares node {@code id}'s workspace and returns it. */
  @FunctionalInterface
  interface Workspaces {
    Path prepare(int id);
  }

  /** Told when a node enters a phase, and as an LLM's answer for it streams in. */
  @FunctionalInterface
  interface Phases {
    void entered(int id, SearchEvent.Phase phase);

    /** The call of node {@code id}'s {@code phase} has received {@code characters} so far. */
    default void progressed(int id, SearchEvent.Phase phase, long characters) {}
  }

  /** Carries an error that ends the run out of a step. */
  static final class FatalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalException(RuntimeException cause) {
      super(cause);
    }
  }

  private final SearchEngine.Config config;
  private final Task task;
  private final Prompts prompts;
  private final Journal journal;
  private final Supplier<String> memory;
  private final Supplier<@Nullable Direction> decidedDirection;
  private final Workspaces workspaces;
  private final Phases phases;
  private final Streaks streaks;
  private final @Nullable Scorer harness;
  private final @Nullable RepoRun repo;
  private final @Nullable RepoPrompts repoPrompts;
  private final AnswerFormat answerFormat = new AnswerFormat();

  /**
   * @param config the search's settings: task, LLMs and models, executor, redactor, prices, clock
   * @param prompts the prompts of the task
   * @param journal the search's journal, read only: the direction its first good node fixed
   * @param memory the memory summary shown to the coder
   * @param decidedDirection the direction decided before the first node, or null
   * @param workspaces prepares a node's workspace
   * @param phases told of each phase a node enters
   * @param streaks the failures in a row that stop the run, counted here
   * @param harness the harness's scorer of a run's working directory, or null when the task has
   *     none
   * @param repo the base tree of a repository task, or null for a task of one program
   */
  NodeRunner(
      SearchEngine.Config config,
      Prompts prompts,
      Journal journal,
      Supplier<String> memory,
      Supplier<@Nullable Direction> decidedDirection,
      Workspaces workspaces,
      Phases phases,
      Streaks streaks,
      @Nullable Scorer harness,
      @Nullable RepoRun repo) {
    this.config = config;
    this.task = config.task();
    this.prompts = prompts;
    this.journal = journal;
    this.memory = memory;
    this.decidedDirection = decidedDirection;
    this.workspaces = workspaces;
    this.phases = phases;
    this.streaks = streaks;
    this.harness = harness;
    this.repo = repo;
    this.repoPrompts = repo == null ? null : new RepoPrompts(task, prompts, repo);
  }

  /**
   * Runs node {@code id} for {@code action} through every stage.
   *
   * @throws FatalException on an error that ends the run
   */
  Node run(int id, Action action) {
    NodeDraft draft = new NodeDraft(id, action.stage(), action.parents(), config.clock().instant());
    phases.entered(id, SearchEvent.Phase.CODING);
    if (repo != null) return runRepository(action, draft, repo);
    String code = code(prompt(action), draft);
    if (code == null) return draft.finish();
    return runAndJudge(code, draft);
  }

  /**
   * Runs node {@code id}, a draft of the task's starting solution, without asking the coder.
   *
   * @throws FatalException on an error that ends the run
   */
  Node runStartingSolution(int id) {
    NodeDraft draft = new NodeDraft(id, Stage.DRAFT, List.of(), config.clock().instant());
    if (repo != null) return runBase(draft, repo);
    draft.plan = "The starting solution given with the task.";
    String code = task.startingSolution();
    if (code == null) return draft.finish();
    return runAndJudge(code, draft);
  }

  /**
   * How the reviewer is asked for its answers (a function call, a JSON schema, JSON text), shared
   * by the reviews and the direction question of the run.
   */
  AnswerFormat answerFormat() {
    return answerFormat;
  }

  /** What {@code usage} of {@code model} cost, by the configured prices; 0 when unpriced. */
  double cost(String model, TokenUsage usage) {
    ModelPrice price = config.prices().get(model);
    return price == null ? 0 : price.cost(usage);
  }

  private Node runAndJudge(String code, NodeDraft draft) {
    draft.code = code;
    ExecutionResult execution = execute(code, draft);
    if (execution == null) return draft.finish();
    phases.entered(draft.id, SearchEvent.Phase.REVIEWING);
    Review review = review(code, execution, draft);
    if (review == null) return scoreWithoutReview(execution, draft);
    return score(review, execution, draft);
  }

  /**
   * Runs {@code best}'s code again in {@code workspace} and scores it as its node was: the
   * harness's score where the task has a scorer, else the task's {@link MetricReader}'s.
   *
   * @throws ExecutorException when the executor cannot run anything (interrupted, misconfigured)
   */
  Reproduction rerun(Node best, Path workspace, double tolerance) {
    double metric = best.metric().value();
    ExecutionResult execution;
    try {
      execution = config.executor().execute(request(best.code(), workspace));
    } catch (ExecutorException e) {
      throw e;
    } catch (RuntimeException e) {
      return new Reproduction(best.id(), metric, null, tolerance, "the execution failed: " + e);
    }
    execution = config.redactor().redact(execution);
    if (execution.failed()) {
      String output = execution.output().strip();
      return new Reproduction(
          best.id(),
          metric,
          null,
          tolerance,
          (execution.timedOut() ? "it timed out" : "it exited with " + execution.exitCode())
              + (output.isEmpty() ? "" : ": " + Text.headAndTail(output, 300)));
    }
    String missing = missingExpectedOutput(execution);
    if (missing != null) return new Reproduction(best.id(), metric, null, tolerance, missing);
    if (harness != null) {
      NodeDraft draft = new NodeDraft(best.id(), best.stage(), List.of(), config.clock().instant());
      draft.workingDir = workspace.resolve("working");
      Double score = harnessScore(null, draft);
      return new Reproduction(
          best.id(), metric, score, tolerance, score == null ? draft.failure : null);
    }
    MetricReader reader = java.util.Objects.requireNonNull(task.metricReader());
    OptionalDouble read = reader.read(execution.output());
    return read.isPresent()
        ? new Reproduction(best.id(), metric, read.getAsDouble(), tolerance, null)
        : new Reproduction(
            best.id(), metric, null, tolerance, "the output holds no metric for " + reader);
  }

  /** The request that runs {@code code} in {@code workspace} as the task's language says. */
  private ExecutionRequest request(String code, Path workspace) {
    return new ExecutionRequest(
        code,
        task.language().fileName(),
        task.language().command(),
        workspace,
        task.timeout(),
        Map.of());
  }

  // The pipeline of a repository task: edits instead of a program, build, gate and eval.

  /** Runs a node of a repository task: the coder's edits on its parent's tree, then the steps. */
  private Node runRepository(Action action, NodeDraft draft, RepoRun repo) {
    Node parent = action.parents().isEmpty() ? null : action.parents().get(0);
    SortedMap<String, Optional<String>> parentChanges = repo.changes(parent);
    List<ChatMessage> messages =
        Objects.requireNonNull(repoPrompts).coder(action, memory.get(), parentChanges);
    SortedMap<String, Optional<String>> edits = edits(messages, draft, repo.tree(parentChanges));
    if (edits == null) return draft.finish();
    SortedMap<String, Optional<String>> changes = repo.combine(parentChanges, edits);
    draft.code = repo.diff(Map.of(), changes);
    draft.patch = repo.diff(parentChanges, changes);
    return runSteps(changes, draft, repo);
  }

  /**
   * Runs the base of a repository task unchanged, as its first node.
   *
   * @throws FatalException when a step fails on the base or its evaluation holds no metric: the
   *     search cannot tell a better change from a worse one, and refuses to start
   */
  private Node runBase(NodeDraft draft, RepoRun repo) {
    draft.plan = "The base as it is, unchanged.";
    phases.entered(draft.id, SearchEvent.Phase.RUNNING);
    ExecutionResult eval = executeSteps(new TreeMap<>(), draft, repo);
    String problem = null;
    if (eval == null) {
      problem = draft.failure;
      if (draft.execution != null && !draft.execution.output().isBlank()) {
        problem += " (its output: " + RepoPrompts.failureLines(draft.execution.output()) + ")";
      }
    } else {
      MetricReader reader = task.metricReader();
      if (reader != null && reader.read(eval.output()).isEmpty()) {
        problem =
            "the evaluation `"
                + repo.repository().eval()
                + "` printed no metric for "
                + reader
                + " to read (its output: "
                + Text.headAndTail(eval.output().strip(), 500)
                + ")";
      }
    }
    if (problem != null) {
      throw new FatalException(
          new AideException(
              "the unmodified base fails, so no change could be judged: "
                  + problem
                  + ". Fix the base or the commands, and run again"));
    }
    phases.entered(draft.id, SearchEvent.Phase.REVIEWING);
    Review review = review(draft.code, Objects.requireNonNull(eval), draft);
    if (review == null) return scoreWithoutReview(eval, draft);
    return score(review, eval, draft);
  }

  /** Runs the steps on the tree {@code changes} make and judges the node. */
  private Node runSteps(
      SortedMap<String, Optional<String>> changes, NodeDraft draft, RepoRun repo) {
    phases.entered(draft.id, SearchEvent.Phase.RUNNING);
    ExecutionResult eval = executeSteps(changes, draft, repo);
    if (eval == null) return draft.finish();
    phases.entered(draft.id, SearchEvent.Phase.REVIEWING);
    Review review = review(draft.code, eval, draft);
    if (review == null) return scoreWithoutReview(eval, draft);
    return score(review, eval, draft);
  }

  /**
   * Makes the node's tree and runs the build, the gate and the evaluation there, each with the
   * task's timeout; returns the evaluation, or null with the failed step's output and the reason in
   * {@code draft}.
   */
  private @Nullable ExecutionResult executeSteps(
      SortedMap<String, Optional<String>> changes, NodeDraft draft, RepoRun repo) {
    Path workspace;
    try {
      workspace = workspaces.prepare(draft.id);
      Path working = workspace.resolve("working");
      deleteTree(working);
      repo.materialize(working, changes);
    } catch (RuntimeException e) {
      log.warn("Node {}: its tree could not be made", draft.id, e);
      draft.failure = "the node's tree could not be made: " + e;
      return null;
    }
    draft.workingDir = workspace.resolve("working");
    var repository = repo.repository();
    List<String[]> steps = new ArrayList<>();
    if (repository.buildStep() != null) steps.add(new String[] {"build", repository.buildStep()});
    if (repository.gate() != null) steps.add(new String[] {"gate", repository.gate()});
    steps.add(new String[] {"eval", repository.eval()});
    ExecutionResult result = null;
    for (String[] step : steps) {
      String name = step[0];
      try {
        result = config.executor().execute(stepRequest(name, step[1], workspace));
      } catch (ExecutorException e) {
        throw new FatalException(e);
      } catch (RuntimeException e) {
        log.warn("Node {}: the {} step failed to run", draft.id, name, e);
        draft.failure = config.redactor().redact("the " + name + " step failed to run: " + e);
        return null;
      }
      result = config.redactor().redact(result);
      draft.execution = result;
      if (streaks.execution.failedTheSameWay(result)) throw executionFailing(result);
      if (result.failed()) {
        draft.failure =
            (name.equals("eval") ? "the evaluation" : "the " + name)
                + " `"
                + step[1]
                + "` "
                + (result.timedOut()
                    ? "timed out after " + Text.roughDuration(task.timeout())
                    : "failed with exit code " + result.exitCode());
        return null;
      }
    }
    return result;
  }

  /**
   * The script of a step: written into the workspace, as a program is, and run by {@code sh}, it
   * runs the command in the tree, {@code ./working}.
   */
  private ExecutionRequest stepRequest(String name, String command, Path workspace) {
    String file = ".aide-" + name + ".sh";
    return new ExecutionRequest(
        "cd ./working || exit 97\n" + command + "\n",
        file,
        List.of("sh", file),
        workspace,
        task.timeout(),
        Map.of());
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot clear " + dir, e);
    }
  }

  /**
   * Asks the coder for edits on {@code tree} until they apply: an answer without usable blocks, or
   * whose blocks do not apply, is sent back with what was wrong, up to {@link #CODER_RETRIES}
   * times. Returns the changed files, or null with the reason in {@code draft}.
   */
  private @Nullable SortedMap<String, Optional<String>> edits(
      List<ChatMessage> messages, NodeDraft draft, SearchReplace.Tree tree) {
    RepoPrompts prompts = Objects.requireNonNull(repoPrompts);
    List<ChatMessage> conversation = new ArrayList<>(messages);
    String problem = "";
    for (int attempt = 0; attempt <= CODER_RETRIES; attempt++) {
      ChatResponse response;
      try {
        response =
            config
                .coder()
                .chat(
                    config.sampling().coder(config.coderModel()).messages(conversation).build(),
                    progress(draft.id, SearchEvent.Phase.CODING));
      } catch (LlmException e) {
        if (e.endsRun()) throw new FatalException(e);
        if (streaks.coder.failed(e)) throw llmFailing("coder", config.coderModel(), e);
        draft.failure = "the coder call failed: " + e.getMessage();
        return null;
      }
      streaks.coder.succeeded();
      draft.coderUsage = draft.coderUsage.plus(response.usage());
      logCall("coder", draft.id, response);
      SearchReplace.Parsed parsed = SearchReplace.parse(response.text());
      if (draft.plan.isEmpty() || attempt == 0) draft.plan = parsed.plan();
      ChatMessage again;
      if (response.finishReason() == FinishReason.LENGTH) {
        problem = "was cut off at the output-token limit";
        again = prompts.askAgainForEdits(problem);
      } else if (!parsed.problems().isEmpty()) {
        problem = "had malformed blocks: " + String.join("; ", parsed.problems());
        again = prompts.askAgainForEdits(problem);
      } else if (parsed.edits().isEmpty()) {
        problem = "held no SEARCH/REPLACE blocks";
        again = prompts.askAgainForEdits(problem);
      } else {
        SearchReplace.Outcome outcome =
            SearchReplace.apply(parsed.edits(), tree, RepoRun.WHOLE_FILE_MAX_LINES);
        if (outcome instanceof SearchReplace.Applied applied) {
          draft.plan = parsed.plan();
          return new TreeMap<>(applied.changes());
        }
        String report = ((SearchReplace.Failed) outcome).report();
        problem = "had blocks that did not apply: " + Text.headAndTail(report.strip(), 1_500);
        again = prompts.editsFailed(report);
      }
      log.info("Node {}: the coder's answer {}; asking again", draft.id, Text.cut(problem, 200));
      conversation.add(ChatMessage.assistant(response.text()));
      conversation.add(again);
    }
    draft.failure =
        "the coder's answer "
            + problem
            + " in all "
            + (CODER_RETRIES + 1)
            + " attempts, so there was nothing to run";
    return null;
  }

  /** What tells the scheduler how much of node {@code id}'s answer in {@code phase} arrived. */
  private ChatProgress progress(int id, SearchEvent.Phase phase) {
    return characters -> phases.progressed(id, phase, characters);
  }

  // Stage 1: the prompt.

  private List<ChatMessage> prompt(Action action) {
    List<Node> parents = action.parents();
    return switch (action.stage()) {
      case DRAFT -> prompts.draft(memory.get(), journal.draftCount());
      case IMPROVE -> prompts.improve(parents.get(0), memory.get());
      case DEBUG -> prompts.debug(parents.get(0));
      case CROSSOVER -> prompts.crossover(parents.get(0), parents.get(1), memory.get());
    };
  }

  // Stage 2: the coder.

  /** Returns the code, or null with the reason recorded in {@code draft}. */
  private @Nullable String code(List<ChatMessage> messages, NodeDraft draft) {
    List<ChatMessage> conversation = new ArrayList<>(messages);
    String problem = "";
    for (int attempt = 0; attempt <= CODER_RETRIES; attempt++) {
      ChatResponse response;
      try {
        response =
            config
                .coder()
                .chat(
                    config.sampling().coder(config.coderModel()).messages(conversation).build(),
                    progress(draft.id, SearchEvent.Phase.CODING));
      } catch (LlmException e) {
        if (e.endsRun()) throw new FatalException(e);
        if (streaks.coder.failed(e)) throw llmFailing("coder", config.coderModel(), e);
        draft.failure = "the coder call failed: " + e.getMessage();
        return null;
      }
      streaks.coder.succeeded();
      draft.coderUsage = draft.coderUsage.plus(response.usage());
      logCall("coder", draft.id, response);
      CodeBlocks.Parsed parsed = CodeBlocks.parse(response.text(), task.language());
      if (draft.plan.isEmpty()) draft.plan = parsed.plan();
      if (response.finishReason() == FinishReason.LENGTH) {
        problem = "was cut off at the output-token limit";
      } else if (parsed.code() == null) {
        problem = "held no " + task.language().name() + " code block";
      } else {
        draft.plan = parsed.plan();
        return parsed.code();
      }
      log.info("Node {}: the coder's answer {}; asking again", draft.id, problem);
      conversation.add(ChatMessage.assistant(response.text()));
      conversation.add(prompts.askAgainForCode(problem));
    }
    draft.failure =
        "the coder's answer "
            + problem
            + " in all "
            + (CODER_RETRIES + 1)
            + " attempts, so there was no code to run";
    return null;
  }

  // Stage 3: the execution.

  /** Returns the redacted execution, or null with the reason recorded in {@code draft}. */
  private @Nullable ExecutionResult execute(String code, NodeDraft draft) {
    ExecutionResult execution;
    Path workspace;
    phases.entered(draft.id, SearchEvent.Phase.RUNNING);
    try {
      workspace = workspaces.prepare(draft.id);
      execution = config.executor().execute(request(code, workspace));
    } catch (ExecutorException e) {
      throw new FatalException(e);
    } catch (RuntimeException e) {
      log.warn("Node {}: the execution failed", draft.id, e);
      draft.failure = config.redactor().redact("the execution failed: " + e);
      return null;
    }
    execution = config.redactor().redact(execution);
    draft.execution = execution;
    draft.workingDir = workspace.resolve("working");
    if (streaks.execution.failedTheSameWay(execution)) throw executionFailing(execution);
    return execution;
  }

  // Stage 4: the reviewer.

  /** Returns the review, or null with the reason recorded in {@code draft}. */
  private @Nullable Review review(String code, ExecutionResult execution, NodeDraft draft) {
    String lastProblem = "";
    Map<String, Long> sizes =
        repoPrompts != null ? Map.of() : fileSizes(draft.workingDir, execution.files());
    String expectedHead = expectedHead(draft.workingDir, execution.files());
    for (int answers = 0; answers < 2; ) {
      AnswerFormat.Mode mode = answerFormat.mode();
      boolean withTool = mode == AnswerFormat.Mode.TOOL;
      ChatRequest.Builder request =
          config
              .sampling()
              .reviewer(config.reviewerModel())
              .messages(
                  repoPrompts != null
                      ? repoPrompts.review(code, execution, journal.get(0), withTool)
                      : prompts.review(code, execution, sizes, expectedHead, withTool));
      AnswerFormat.ask(request, mode, Review.tool());
      ChatResponse response;
      try {
        response =
            config
                .reviewer()
                .chat(request.build(), progress(draft.id, SearchEvent.Phase.REVIEWING));
      } catch (LlmException e) {
        if (e.endsRun()) throw new FatalException(e);
        if (streaks.reviewer.failed(e)) throw llmFailing("reviewer", config.reviewerModel(), e);
        // Only a refusal of the function or of the response format falls back; an unknown model
        // or a prompt over the context limit would fail the same way without it.
        if (answerFormat.refused(mode, e, Review.TOOL_NAME)) {
          lastProblem = "the review call failed: " + e.getMessage();
          continue;
        }
        draft.failure = "the review call failed: " + e.getMessage();
        return null;
      }
      streaks.reviewer.succeeded();
      draft.reviewerUsage = draft.reviewerUsage.plus(response.usage());
      logCall("reviewer", draft.id, response);
      answerFormat.answered(mode, response, Review.TOOL_NAME);
      answers++;
      try {
        return Review.parse(response);
      } catch (Review.UnreadableException e) {
        lastProblem = "the review could not be read: " + e.getMessage();
        log.info("Node {}: {}; asking again", draft.id, lastProblem);
      }
    }
    draft.failure = lastProblem;
    return null;
  }

  /** The most lines, and characters, of the expected output the review prompt shows. */
  static final int EXPECTED_HEAD_LINES = 5;

  static final int EXPECTED_HEAD_CHARS = 1_000;

  /**
   * The first {@link #EXPECTED_HEAD_LINES} lines of the task's expected output and how many lines
   * it has, so that the reviewer can check the submission's shape; null when the task expects no
   * file or the run did not write it.
   */
  private @Nullable String expectedHead(@Nullable Path workingDir, List<String> files) {
    String expected = task.expectedOutput();
    if (workingDir == null || expected == null || !files.contains(expected)) return null;
    List<String> head = new ArrayList<>();
    long lines = 0;
    try (java.io.BufferedReader in =
        Files.newBufferedReader(
            workingDir.resolve(expected), java.nio.charset.StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; lines++) {
        if (head.size() < EXPECTED_HEAD_LINES) head.add(Text.cut(line, 200));
      }
    } catch (IOException | RuntimeException e) {
      return null; // not text, or unreadable: the listing alone
    }
    String text = Text.cut(String.join("\n", head), EXPECTED_HEAD_CHARS);
    return text + (lines > head.size() ? "\n... (" + lines + " lines in all)" : "");
  }

  /**
   * The sizes in bytes of the first {@link Prompts#MAX_LISTED_FILES} of {@code files} in {@code
   * workingDir}; a file that cannot be read is left out.
   */
  private static Map<String, Long> fileSizes(@Nullable Path workingDir, List<String> files) {
    Map<String, Long> sizes = new HashMap<>();
    if (workingDir == null) return sizes;
    for (String file : files.subList(0, Math.min(files.size(), Prompts.MAX_LISTED_FILES))) {
      try {
        sizes.put(file, Files.size(workingDir.resolve(file)));
      } catch (IOException | RuntimeException e) {
        // the listing stays without this file's size
      }
    }
    return sizes;
  }

  // Stage 5: the score.

  /**
   * Why a run that exited cleanly is buggy all the same because it did not write the file the task
   * expects; null when the task expects none, the run failed anyway or the file is there.
   */
  private @Nullable String missingExpectedOutput(ExecutionResult execution) {
    String expected = task.expectedOutput();
    if (expected == null || execution.failed() || execution.files().contains(expected)) {
      return null;
    }
    return "the run exited cleanly but did not write ./working/"
        + expected
        + ", the output the task expects"
        + (execution.files().isEmpty()
            ? " (it wrote no files in ./working)"
            : " (it wrote " + Text.abbreviate(String.join(", ", execution.files()), 200) + ")");
  }

  /**
   * Finishes a reviewed node. The metric is the harness's score where the task has a scorer (a run
   * it cannot score is buggy with the reason; a program's claim far from it leaves a warning), else
   * the task's {@link MetricReader}'s where it has one (a run whose output holds none is buggy; a
   * reviewer who disagrees leaves a warning), else the reviewer's. The node is buggy when the
   * review says so, the run failed, no metric came back or the run did not write the task's
   * expected output (whatever the reviewer says). The printed and the reviewer's metrics are kept
   * on the node either way.
   */
  private Node score(Review review, ExecutionResult execution, NodeDraft draft) {
    draft.analysis = review.summary();

    Direction settled = knownDirection();
    Direction direction = direction(review.lowerIsBetter());
    draft.direction = direction;

    Double metric = review.metric();
    draft.reviewerMetric = metric;
    MetricReader reader = task.metricReader();
    if (reader != null) {
      OptionalDouble read = reader.read(execution.output());
      if (read.isEmpty()) {
        metric = null;
        if (!execution.failed() && harness == null) {
          draft.failure = "the output holds no metric for " + reader + " to read";
        }
      } else {
        if (metric != null && !closeEnough(metric, read.getAsDouble())) {
          draft.warnings.add(
              "the reviewer reported the metric "
                  + metric
                  + " but the output says "
                  + read.getAsDouble());
        }
        metric = read.getAsDouble();
        draft.printedMetric = metric;
      }
    }
    String missing = missingExpectedOutput(execution);
    if (missing != null) {
      draft.failure = missing;
      metric = null;
    } else if (harness != null) {
      metric = execution.failed() ? null : harnessScore(metric, draft);
    }
    boolean buggy = review.isBug() || execution.failed() || metric == null;
    if (!buggy) draft.metric = Metric.of(metric, direction);
    Boolean lowerIsBetter = review.lowerIsBetter();
    if (!buggy
        && settled != null
        && lowerIsBetter != null
        && Direction.fromLowerIsBetter(lowerIsBetter) != settled) {
      draft.warnings.add(
          "the reviewer said lower_is_better = "
              + lowerIsBetter
              + ", but the run's metric direction is "
              + settled
              + "; the node is scored "
              + settled);
    }
    return draft.finish();
  }

  /**
   * The harness's score of the run in {@code draft}, or null with the reason recorded when it
   * cannot be scored; warns when {@code claimed}, the program's own metric, is far from it.
   */
  private @Nullable Double harnessScore(@Nullable Double claimed, NodeDraft draft) {
    Scorer scorer = java.util.Objects.requireNonNull(harness);
    Path working = draft.workingDir;
    if (working == null) return null;
    double score;
    try {
      score = scorer.score(working);
    } catch (IllegalArgumentException | IOException e) {
      draft.failure = "the harness could not score the run: " + e.getMessage();
      return null;
    } catch (RuntimeException e) {
      log.warn("Node {}: the scorer {} failed", draft.id, scorer, e);
      draft.failure = "the harness's scorer failed: " + e;
      return null;
    }
    if (!Double.isFinite(score)) {
      draft.failure = "the harness's scorer gave " + score + ", not a finite number";
      return null;
    }
    if (claimed != null && largeGap(claimed, score)) {
      draft.warnings.add(
          "the program reported "
              + claimed
              + " but the harness scored its predictions "
              + score
              + ": its own validation is off (overfitting, a leak) or the number is not what it"
              + " claims");
    }
    return score;
  }

  /**
   * Whether a program's claimed metric is far from the harness's score: more than {@link
   * #GAP_RELATIVE} of the larger of the two in size, and more than {@link #GAP_ABSOLUTE}.
   */
  static boolean largeGap(double claimed, double score) {
    double gap = Math.abs(claimed - score);
    return gap > GAP_ABSOLUTE && gap > GAP_RELATIVE * Math.max(Math.abs(claimed), Math.abs(score));
  }

  /**
   * Finishes a node whose review failed: good when the run succeeded, wrote the task's expected
   * output and gets a metric without the reviewer (the harness's score where the task has a scorer,
   * else the task's {@link MetricReader}'s when the metric's direction is already known), with the
   * review's failure as a warning; else buggy with the review's failure, or the missing output.
   */
  private Node scoreWithoutReview(ExecutionResult execution, NodeDraft draft) {
    String missing = missingExpectedOutput(execution);
    if (missing != null) {
      draft.failure = missing + "; and there is no review (" + draft.failure + ")";
      return draft.finish();
    }
    MetricReader reader = task.metricReader();
    Direction known = knownDirection();
    OptionalDouble read = reader == null ? OptionalDouble.empty() : reader.read(execution.output());
    if (read.isPresent()) draft.printedMetric = read.getAsDouble();
    if (execution.failed() || known == null) return draft.finish();
    String reviewFailure = draft.failure;
    Double metric;
    String source;
    if (harness != null) {
      draft.failure = null;
      metric = harnessScore(draft.printedMetric, draft);
      if (metric == null) {
        draft.failure = draft.failure + "; and there is no review (" + reviewFailure + ")";
        return draft.finish();
      }
      source = "the harness's score";
    } else {
      if (read.isEmpty()) return draft.finish();
      metric = read.getAsDouble();
      source = "the one " + reader + " read from the output";
    }
    draft.warnings.add("there is no review (" + reviewFailure + "); the metric is " + source);
    draft.failure = null;
    draft.direction = known;
    draft.metric = Metric.of(metric, known);
    return draft.finish();
  }

  /**
   * The metric's direction where it is settled without a review: the task's, the one decided before
   * the first node, or the one the first good node fixed.
   */
  private @Nullable Direction knownDirection() {
    if (task.direction() != null) return task.direction();
    Direction decided = decidedDirection.get();
    if (decided != null) return decided;
    return journal.direction();
  }

  /**
   * The metric's direction: the task's when set, else the one decided before the first node, else
   * the one the first good node fixed, else the reviewer's answer, else larger is better.
   */
  private Direction direction(@Nullable Boolean lowerIsBetter) {
    Direction known = knownDirection();
    if (known != null) return known;
    return lowerIsBetter == null ? Direction.MAXIMIZE : Direction.fromLowerIsBetter(lowerIsBetter);
  }

  private static boolean closeEnough(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }

  // The fatal errors.

  /** The error that stops the search once executions keep failing at once the same way. */
  private FatalException executionFailing(ExecutionResult execution) {
    String output = execution.output().strip();
    String command = String.join(" ", task.language().command());
    return new FatalException(
        new AideException(
            "the last "
                + Streaks.SETUP_FAILURES
                + " executions all failed at once the same way (exit code "
                + execution.exitCode()
                + ", "
                + (output.isEmpty()
                    ? "no output"
                    : "the same output: " + Text.headAndTail(output, 300))
                + "), so the command `"
                + command
                + "` cannot run as configured. Check the program the executor runs for "
                + task.language().command().get(0)
                + " (the aide command's --python; ProcessExecutor.builder().interpreter(\""
                + task.language().command().get(0)
                + "\", path)): run it by hand on a small program",
            null,
            StopReason.EXECUTION_FAILING));
  }

  /** The error that stops the search once one role's calls keep failing the same way. */
  private static FatalException llmFailing(String role, String model, LlmException e) {
    String status = e.statusCode() == 0 ? "" : ", HTTP " + e.statusCode();
    return new FatalException(
        new AideException(
            "the "
                + role
                + "'s LLM calls (model "
                + model
                + ") failed "
                + Streaks.PERSISTENT_LLM_FAILURES
                + " times in a row with the same error ("
                + e.kind()
                + status
                + "): "
                + e.getMessage()
                + ". "
                + fixFor(e.kind(), role),
            e,
            StopReason.LLM_FAILING));
  }

  private static String fixFor(LlmException.Kind kind, String role) {
    return switch (kind) {
      case MODEL_NOT_FOUND ->
          "Check the "
              + role
              + "'s model name: set a model the server serves (Aide.builder()."
              + role
              + "(client, model); the aide command's --model or --"
              + role
              + "-model)";
      case UNREACHABLE -> "Check that the LLM server is running and that its URL is right";
      case CONTEXT_TOO_LONG ->
          "The prompt does not fit in the model's context: choose a model with a larger context,"
              + " or shorten the task's text and data (the data overview is part of every prompt)";
      case TOOLS_UNSUPPORTED -> "Choose a " + role + " model that accepts function calls";
      case RESPONSE_FORMAT_UNSUPPORTED ->
          "Choose a " + role + " model or server that accepts a JSON schema as response_format";
      case AUTHENTICATION -> "Check the API key and that it may use this model";
      case QUOTA -> "Add credit or quota to the account, or use another one";
      default -> "The server rejects the requests as sent: check the model and the server";
    };
  }

  static void logCall(String who, int nodeId, ChatResponse response) {
    if (log.isDebugEnabled()) {
      log.debug(
          "Node {}: {} call used {} input ({} cached) and {} output tokens, finish {}, request {}",
          nodeId,
          who,
          response.usage().input(),
          response.usage().cachedInput(),
          response.usage().output(),
          response.finishReason(),
          response.requestId());
    }
  }

  /** The parts of a node as the stages gather them. */
  private final class NodeDraft {
    final int id;
    final Stage stage;
    final List<Node> parents;
    final Instant startedAt;
    String plan = "";
    String code = "";
    String patch = "";
    @Nullable ExecutionResult execution;
    @Nullable Path workingDir;
    String analysis = "";
    @Nullable Metric metric;
    @Nullable Direction direction;
    TokenUsage coderUsage = TokenUsage.ZERO;
    TokenUsage reviewerUsage = TokenUsage.ZERO;
    @Nullable String failure;
    @Nullable Double printedMetric;
    @Nullable Double reviewerMetric;
    final List<String> warnings = new ArrayList<>();

    NodeDraft(int id, Stage stage, List<Node> parents, Instant startedAt) {
      this.id = id;
      this.stage = stage;
      this.parents = parents;
      this.startedAt = startedAt;
    }

    Node finish() {
      Direction d = direction != null ? direction : direction(null);
      return Node.builder()
          .id(id)
          .parents(parents.stream().map(Node::id).toList())
          .step(0)
          .stage(stage)
          .plan(plan)
          .code(code)
          .patch(patch)
          .execution(execution)
          .analysis(analysis)
          .metric(metric == null ? Metric.worst(d) : metric)
          .buggy(metric == null)
          .debugDepth(stage == Stage.DEBUG ? parents.get(0).debugDepth() + 1 : 0)
          .usage(coderUsage.plus(reviewerUsage))
          .cost(cost(config.coderModel(), coderUsage) + cost(config.reviewerModel(), reviewerUsage))
          .startedAt(startedAt)
          .finishedAt(config.clock().instant())
          .failure(failure)
          .warnings(warnings)
          .printedMetric(printedMetric)
          .reviewerMetric(reviewerMetric)
          .build();
    }
  }
}
