package dev.aide.core.internal;

import dev.aide.core.Aide;
import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Language;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Reproduction;
import dev.aide.core.Result;
import dev.aide.core.SearchEvent;
import dev.aide.core.SearchListener;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import dev.aide.core.internal.NodeRunner.FatalException;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.search.Action;
import dev.aide.core.search.InFlight;
import dev.aide.core.search.SearchPolicy;
import dev.aide.core.search.SearchState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one search, the scheduler: asks the policy for actions, has its {@link NodeRunner} turn each
 * into a node (prompt, coder, execution, review, score), records it, and stops when the steps are
 * spent, a limit is reached or the run fails.
 *
 * <p>Choosing an action and recording a node happen under one lock, so the policy always sees a
 * consistent journal and the actions in flight; LLM calls and executions happen outside it, on as
 * many worker threads as configured. An error that no later step could avoid ends the search after
 * the nodes in flight finish; everything finished is on disk by then.
 */
public final class SearchEngine {
  private static final Logger log = LoggerFactory.getLogger(SearchEngine.class);

  /** The least time between two rewrites of report.md and tree-meta.js while the search runs. */
  static final Duration REPORT_INTERVAL = Duration.ofSeconds(5);

  /** How long a cancelled search waits for its workers to wind down before leaving them. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(10);

  /**
   * When a search stops. Steps are always set; the others are null when unused.
   *
   * @param steps the journal's size at which the search ends
   * @param tokens the tokens after which it ends
   * @param cost the dollars after which it ends
   * @param time the wall-clock time after which it is cancelled
   * @param target the metric at which it is cancelled, as reached by the best node
   * @param maxConsecutiveFailures the number of buggy nodes in a row after which it ends
   *     (run.json's {@code maxConsecutiveFailures}, {@link
   *     dev.aide.core.Aide.Builder#maxConsecutiveFailures})
   */
  public record Limits(
      int steps,
      @Nullable Long tokens,
      @Nullable Double cost,
      @Nullable Duration time,
      @Nullable Double target,
      @Nullable Integer maxConsecutiveFailures) {}

  /** The settings of one search; {@code properties} are recorded in run.json as they are. */
  public record Config(
      Task task,
      LlmClient coder,
      String coderModel,
      LlmClient reviewer,
      String reviewerModel,
      Executor executor,
      SearchPolicy policy,
      Limits limits,
      Map<String, ModelPrice> prices,
      int workers,
      @Nullable Long seed,
      Path outputDir,
      List<SearchListener> listeners,
      Clock clock,
      Map<String, String> properties,
      Redactor redactor,
      Sampling sampling,
      @Nullable Double reproduceTolerance) {}

  /**
   * The sampling settings of each role's requests, recorded in run.json as {@code
   * coderTemperature}, {@code reviewerTemperature} and {@code maxOutputTokens}.
   *
   * @param coderTemperature the temperature of the coder's requests
   * @param reviewerTemperature the temperature of the reviewer's requests (reviews and the metric
   *     direction)
   * @param maxOutputTokens the output-token limit of every request, or null for the provider's
   *     default
   */
  public record Sampling(
      double coderTemperature, double reviewerTemperature, @Nullable Integer maxOutputTokens) {
    /** {@link dev.aide.core.Aide.Builder}'s defaults: 0.5 for both roles, no output limit. */
    public static final Sampling DEFAULT =
        new Sampling(Aide.DEFAULT_TEMPERATURE, Aide.DEFAULT_TEMPERATURE, null);

    /** A request of the coder's with these settings. */
    public ChatRequest.Builder coder(String model) {
      return ChatRequest.builder()
          .model(model)
          .temperature(coderTemperature)
          .maxOutputTokens(maxOutputTokens);
    }

    /** A request of the reviewer's with these settings. */
    public ChatRequest.Builder reviewer(String model) {
      return ChatRequest.builder()
          .model(model)
          .temperature(reviewerTemperature)
          .maxOutputTokens(maxOutputTokens);
    }
  }

  private final Config config;
  private final Task task;
  private final Object lock = new Object();
  private final Map<Integer, Action> inFlight = new LinkedHashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private final Streaks streaks = new Streaks();
  private final RunStore store;
  private final ReportWriter reports;
  private final Prompts prompts;
  private final NodeRunner runner;
  private final long seed;
  private Instant runStartedAt = Instant.EPOCH;
  private volatile @Nullable Direction runDirection;
  private volatile InterpreterProbe.@Nullable Packages packages;

  // Guarded by lock.
  private int nextId;
  private @Nullable Throwable fatal;
  private boolean storeFailed;
  private @Nullable StopReason stopReason;
  private boolean cancelled;
  private @Nullable Thread probing;
  private @Nullable Thread reproducing; // the thread running the best node again at the end
  private long tokensSpent;
  private double costSpent;
  private int failuresInARow;

  /**
   * Opens the run's output directory, resuming the run there if it holds one of the same task.
   *
   * @throws AideException if the directory holds another task's run or cannot be written
   */
  public SearchEngine(Config config) {
    this(config, RunStore.JournalOpener.FILES);
  }

  /**
   * Like {@link #SearchEngine(Config)}, appending to the journal through {@code journalOpener}.
   *
   * @throws AideException if the directory holds another task's run or cannot be written
   */
  public SearchEngine(Config config, RunStore.JournalOpener journalOpener) {
    this.config = config;
    this.task = config.task();
    if (config.reproduceTolerance() != null
        && !task.harnessScored()
        && task.metricReader() == null) {
      throw new AideException(
          "reproduceBest needs a metric that a run gives without the reviewer: give the task a"
              + " holdout, a scorer or a metric reader (Task.Builder.holdout, .scorer or"
              + " .metricReader)");
    }
    Long configured = config.seed();
    long newSeed = configured != null ? configured : ThreadLocalRandom.current().nextLong(1L << 31);
    this.store = RunStore.open(config.outputDir(), task, settings(newSeed), journalOpener);
    this.reports = store.reportWriter(REPORT_INTERVAL, this::elapsed);
    try {
      Long stored = store.storedSeed();
      this.seed = configured != null ? configured : stored != null ? stored : newSeed;
      this.runDirection = task.direction() != null ? task.direction() : store.recordedDirection();
      Journal journal = store.journal();
      this.nextId = journal.maxId() + 1;
      for (Node node : journal.nodes()) {
        tokensSpent += node.usage().total();
        costSpent += node.cost();
        failuresInARow = node.isBuggy() ? failuresInARow + 1 : 0;
      }
      HoldoutSplit holdout = store.holdout();
      // the overview shows what the programs read: with a holdout, its view of the data
      Path dataDir = store.programData();
      this.prompts =
          new Prompts(
              task,
              dataDir == null ? "" : DataOverview.of(dataDir, DataOverview.DEFAULT_MAX_CHARS),
              () -> packages,
              holdout == null ? null : holdout.submissionFormat());
      this.runner =
          new NodeRunner(
              config,
              prompts,
              journal.readOnlyView(),
              () -> Memory.summarize(store.journal(), task.harnessScored()),
              () -> runDirection,
              store::prepareWorkspace,
              new NodeRunner.Phases() {
                @Override
                public void entered(int id, SearchEvent.Phase phase) {
                  enterPhase(id, phase);
                }

                @Override
                public void progressed(int id, SearchEvent.Phase phase, long characters) {
                  progress(id, phase, characters);
                }
              },
              streaks,
              holdout != null ? holdout::score : task.scorer(),
              store.repository());
    } catch (RuntimeException | Error e) {
      store.close();
      throw e;
    }
  }

  /**
   * A read-only view of the journal, read back from disk when resuming; it grows as the search
   * runs.
   */
  public Journal journal() {
    return store.journal().readOnlyView();
  }

  public Path outputDir() {
    return config.outputDir();
  }

  /**
   * Stops the search: no new node starts, nodes in flight are abandoned (their threads are
   * interrupted, which stops executors that honour interrupts), and {@link #run} returns with
   * {@code reason}. Finished nodes stay in the journal. Does nothing once the search has stopped.
   */
  public void cancel(StopReason reason) {
    synchronized (lock) {
      if (reproducing != null) {
        reproducing.interrupt();
        return;
      }
      if (cancelled) return;
      cancelled = true;
      if (stopReason == null) stopReason = reason;
      for (Thread worker : workers) worker.interrupt();
      if (probing != null) probing.interrupt();
      lock.notifyAll();
    }
  }

  /**
   * Runs the search to its end on worker threads and returns what it found; call once.
   *
   * @throws AideException if an error that no later step could avoid stopped the search
   */
  public Result run() {
    Instant start = config.clock().instant();
    runStartedAt = start;
    try {
      Journal journal = store.journal();
      log.info(
          "Starting search in {}: {} steps, {} worker(s), seed {}, {} node(s) already done",
          config.outputDir(),
          config.limits().steps(),
          config.workers(),
          seed,
          journal.size());
      reports.start(journal.nodes()); // before any node is recorded; writes on its own thread
      synchronized (lock) {
        checkLimits(); // a resumed run may have spent a budget already
      }
      // A repository's base runs first: a broken base or command stops the run before any LLM call.
      if (journal.isEmpty() && task.repository() != null) runOnWorkers(1, true);
      if (!hasFailed()) {
        try {
          decideDirection();
        } catch (FatalException e) {
          synchronized (lock) {
            fatal = e.getCause();
          }
        }
      }
      if (task.language().equals(Language.PYTHON) && task.repository() == null && !hasFailed()) {
        probeInterpreter();
      }
      if (journal.isEmpty() && task.startingSolution() != null && !hasFailed()) {
        runOnWorkers(1, true);
      }
      // More workers than steps left would only wait: start no more threads than can be used.
      int stepsLeft = config.limits().steps() - journal.size();
      runOnWorkers(Math.max(1, Math.min(config.workers(), stepsLeft)), false);

      Result result;
      Throwable failure;
      synchronized (lock) {
        cancelled = true; // abandoned workers must not record anything after this
        failure = fatal;
      }
      if (failure != null) {
        reports.finish(null, describe(failure), elapsed()); // outside the lock: it waits
        throw new AideException(
            "The search stopped: "
                + describe(failure)
                + ". The "
                + journal.size()
                + " finished node(s) are in "
                + config.outputDir().resolve(RunStore.JOURNAL_FILE)
                + "; fix the cause and run again with the same output directory to resume.",
            failure,
            failure instanceof AideException stopped ? stopped.stopReason() : null);
      }
      StopReason reason;
      synchronized (lock) {
        reason = stopReason != null ? stopReason : StopReason.STEPS_DONE;
      }
      Reproduction reproduction = reason == StopReason.CANCELLED ? null : reproduceBest(journal);
      RepoRun repo = store.repository();
      if (repo != null && reason != StopReason.CANCELLED) repo.commitBest(journal.best());
      result =
          new Result(
              journal,
              config.outputDir(),
              reason,
              Duration.between(start, config.clock().instant()),
              reproduction);
      reports.reproduction(reproduction);
      reports.finish(result.stopReason(), null, elapsed());
      log.info("Search finished: {}", result);
      synchronized (lock) {
        emit(new SearchEvent.SearchFinished(result));
      }
      return result;
    } finally {
      reports.stop(); // a no-op after finish; else (an Error escaped) the writer must not linger
      synchronized (lock) {
        store.close();
      }
    }
  }

  /**
   * Runs the best node again when the search was asked to ({@link Config#reproduceTolerance}),
   * records the outcome in run.json and returns it; null when not asked or there is no best node.
   * {@link #cancel} interrupts it, and then it returns null.
   */
  private @Nullable Reproduction reproduceBest(Journal journal) {
    Double tolerance = config.reproduceTolerance();
    Node best = journal.best();
    if (tolerance == null || best == null) return null;
    synchronized (lock) {
      if (stopReason == StopReason.CANCELLED) return null;
      reproducing = Thread.currentThread();
    }
    try {
      log.info("Running the best node, {}, once more to check its metric", best.id());
      Reproduction reproduction =
          runner.rerun(best, store.prepareReproduction(best.id()), tolerance);
      log.info("Reproduction of the best {}", reproduction.describe());
      store.recordReproduction(reproduction);
      return reproduction;
    } catch (ExecutorException e) {
      log.warn("Could not run the best node again: {}", e.getMessage());
      return null;
    } finally {
      synchronized (lock) {
        reproducing = null;
        Thread.interrupted(); // a cancel's interrupt was for the reproduction only
      }
    }
  }

  /** What a fatal failure was, for the message of the exception that ends the run. */
  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (failure instanceof Error || message == null || message.isBlank()) {
      return "an unexpected " + failure;
    }
    return message;
  }

  /**
   * Ends the search on {@code failure}, which {@link #run} rethrows: no new node starts and nodes
   * in flight are abandoned. The first failure wins.
   */
  private void failRun(Throwable failure) {
    synchronized (lock) {
      if (fatal == null) fatal = failure;
      if (cancelled) return;
      cancelled = true;
      for (Thread worker : workers) {
        if (worker != Thread.currentThread()) worker.interrupt();
      }
      lock.notifyAll();
    }
  }

  /**
   * Settles the metric's direction before the first node, when neither the task nor the run being
   * resumed did: one reviewer call, forced to {@code set_metric_direction} (with the fallbacks of
   * {@link AnswerFormat} where the backend refuses or ignores it), asked once more when unreadable,
   * recorded in {@code run.json}. When it fails, the first good node's review decides, as logged.
   */
  private void decideDirection() {
    if (runDirection != null) return;
    String problem = "";
    AnswerFormat format = runner.answerFormat();
    for (int answers = 0; answers < 2; ) {
      AnswerFormat.Mode mode = format.mode();
      boolean withTool = mode == AnswerFormat.Mode.TOOL;
      ChatRequest.Builder request =
          config.sampling().reviewer(config.reviewerModel()).messages(prompts.direction(withTool));
      AnswerFormat.ask(request, mode, DirectionAnswer.tool());
      ChatResponse response;
      try {
        response = config.reviewer().chat(request.build());
      } catch (LlmException e) {
        if (e.endsRun()) throw new FatalException(e);
        streaks.reviewer.failed(e);
        problem = "the call failed: " + e.getMessage();
        if (format.refused(mode, e, DirectionAnswer.TOOL_NAME)) continue;
        break;
      }
      format.answered(mode, response, DirectionAnswer.TOOL_NAME);
      answers++;
      streaks.reviewer.succeeded();
      synchronized (lock) {
        tokensSpent += response.usage().total();
        costSpent += runner.cost(config.reviewerModel(), response.usage());
      }
      try {
        DirectionAnswer answer = DirectionAnswer.parse(response);
        runDirection = answer.direction();
        log.info(
            "The reviewer set the metric's direction to {}: {}", runDirection, answer.reason());
        store.recordDirection(runDirection, "reviewer", answer.reason());
        return;
      } catch (Review.UnreadableException e) {
        problem = "the answer could not be read: " + e.getMessage();
      }
    }
    log.warn(
        "Could not ask the reviewer which way the metric is better ({}); the first good node's"
            + " review will decide it",
        problem);
  }

  /**
   * Finds out, once per run, which Python packages the nodes' interpreter has (read back from the
   * run directory when resuming), for the coder's prompts; {@link #cancel} interrupts it.
   */
  private void probeInterpreter() {
    synchronized (lock) {
      if (cancelled) return;
      probing = Thread.currentThread();
    }
    try {
      packages = InterpreterProbe.load(config.outputDir(), config.executor(), config.redactor());
    } finally {
      synchronized (lock) {
        probing = null;
        if (cancelled) Thread.interrupted(); // cancel's interrupt was for the probe only
      }
    }
  }

  private Map<String, Object> settings(long seed) {
    Limits limits = config.limits();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("coderModel", config.coderModel());
    settings.put("reviewerModel", config.reviewerModel());
    settings.put("policy", config.policy().toString());
    settings.put("steps", limits.steps());
    if (limits.tokens() != null) settings.put("tokenBudget", limits.tokens());
    if (limits.cost() != null) settings.put("costBudget", limits.cost());
    if (limits.time() != null) settings.put("timeLimit", limits.time().toString());
    if (limits.target() != null) settings.put("targetMetric", limits.target());
    if (limits.maxConsecutiveFailures() != null) {
      settings.put("maxConsecutiveFailures", limits.maxConsecutiveFailures());
    }
    settings.put("workers", config.workers());
    settings.put("seed", seed);
    Sampling sampling = config.sampling();
    settings.put("coderTemperature", sampling.coderTemperature());
    settings.put("reviewerTemperature", sampling.reviewerTemperature());
    if (sampling.maxOutputTokens() != null) {
      settings.put("maxOutputTokens", sampling.maxOutputTokens());
    }
    if (!config.prices().isEmpty()) settings.put("prices", RunFiles.prices(config.prices()));
    if (!config.properties().isEmpty()) settings.put("properties", config.properties());
    return settings;
  }

  /**
   * Runs {@code count} workers and waits for them: until they finish, or the time limit is reached,
   * or the search is cancelled (then at most {@link #CANCEL_GRACE} more).
   */
  private void runOnWorkers(int count, boolean startingSolution) {
    CountDownLatch done = new CountDownLatch(count);
    synchronized (lock) {
      if (cancelled) return;
      workers.clear();
      for (int i = 0; i < count; i++) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    if (startingSolution) {
                      runStartingSolution();
                    } else {
                      workerLoop();
                    }
                  } catch (Throwable t) { // an Error, or a bug in the engine or a user's callback
                    log.error("The search stops on an unexpected failure", t);
                    failRun(t);
                  } finally {
                    done.countDown();
                  }
                },
                "aide-worker-" + i);
        thread.setDaemon(true);
        workers.add(thread);
      }
      for (Thread thread : workers) thread.start();
    }
    Duration limit = config.limits().time();
    Instant deadline = limit == null ? null : runStartedAt.plus(limit);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          long waitMillis =
              deadline == null
                  ? Long.MAX_VALUE
                  : Math.max(0, Duration.between(config.clock().instant(), deadline).toMillis());
          if (done.await(Math.min(waitMillis, 1_000), TimeUnit.MILLISECONDS)) return;
          if (deadline != null && !config.clock().instant().isBefore(deadline)) {
            cancel(StopReason.TIME_LIMIT);
          }
        } catch (InterruptedException e) {
          interrupted = true;
          cancel(StopReason.CANCELLED);
        }
        if (isCancelled()) {
          awaitGrace(done);
          return;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  private static void awaitGrace(CountDownLatch done) {
    long deadline = System.nanoTime() + CANCEL_GRACE.toNanos();
    boolean interrupted = false;
    while (true) {
      try {
        if (!done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          log.warn(
              "{} worker(s) did not stop within {} s of the cancellation; leaving them",
              done.getCount(),
              CANCEL_GRACE.toSeconds());
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private boolean hasFailed() {
    synchronized (lock) {
      return fatal != null;
    }
  }

  private boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  private void runStartingSolution() {
    int id;
    synchronized (lock) {
      id = nextId++;
      inFlight.put(id, Action.draft());
      emit(new SearchEvent.NodeStarted(id, Stage.DRAFT, List.of()));
    }
    Node node = safeStep(id, Action.draft(), true);
    synchronized (lock) {
      inFlight.remove(id);
      lastProgress.remove(id);
      if (node != null && !cancelled && !storeFailed) record(node);
    }
  }

  private void workerLoop() {
    while (true) {
      int id;
      Action action;
      synchronized (lock) {
        if (cancelled || fatal != null || stopReason != null) return;
        Journal journal = store.journal();
        if (journal.size() + inFlight.size() >= config.limits().steps()) return;
        try {
          action = config.policy().next(state());
        } catch (RuntimeException e) {
          fatal = new AideException("the search policy failed: " + e, e);
          return;
        }
        id = nextId++;
        inFlight.put(id, action);
        emit(new SearchEvent.NodeStarted(id, action.stage(), parentIds(action)));
      }
      Node node = safeStep(id, action, false);
      synchronized (lock) {
        inFlight.remove(id);
        lastProgress.remove(id);
        if (cancelled || storeFailed) return;
        if (node != null) record(node);
      }
    }
  }

  /**
   * Checks the limits after a node was recorded: a spent budget or too many failures stop new nodes
   * from starting; a reached target cancels the search.
   */
  private void checkLimits() {
    Limits limits = config.limits();
    if (stopReason != null) return;
    if (limits.tokens() != null && tokensSpent >= limits.tokens()) {
      stopReason = StopReason.TOKEN_BUDGET;
    } else if (limits.cost() != null && costSpent >= limits.cost()) {
      stopReason = StopReason.COST_BUDGET;
    } else if (limits.maxConsecutiveFailures() != null
        && failuresInARow >= limits.maxConsecutiveFailures()) {
      stopReason = StopReason.TOO_MANY_FAILURES;
    } else if (limits.target() != null && reached(limits.target())) {
      cancel(StopReason.TARGET_REACHED);
    }
  }

  private boolean reached(double target) {
    Node best = store.journal().best();
    if (best == null) return false;
    double value = best.metric().value();
    return best.metric().direction() == Direction.MAXIMIZE ? value >= target : value <= target;
  }

  /** Runs a step; returns null (and sets {@link #fatal}) when it hit an error that ends the run. */
  private @Nullable Node safeStep(int id, Action action, boolean startingSolution) {
    try {
      return startingSolution ? runner.runStartingSolution(id) : runner.run(id, action);
    } catch (FatalException e) {
      synchronized (lock) {
        if (fatal == null && !cancelled)
          fatal = e.getCause(); // after a cancel, errors are expected
      }
      return null;
    } catch (RuntimeException e) {
      log.error("Internal error while running node {}", id, e);
      synchronized (lock) {
        if (fatal == null) fatal = new AideException("internal error in node " + id + ": " + e, e);
      }
      return null;
    } catch (Error e) {
      log.error("Node {} stopped the search on {}", id, e.toString(), e);
      synchronized (lock) {
        if (fatal == null) fatal = e;
      }
      return null;
    }
  }

  private void record(Node finished) {
    Journal journal = store.journal();
    Node node = finished.newBuilder().step(journal.size()).build();
    Direction established = journal.direction();
    if (!node.isBuggy() && established != null && node.metric().direction() != established) {
      // The reviewer changed its mind about the direction; the first good node's answer stands.
      node = node.newBuilder().metric(Metric.of(node.metric().value(), established)).build();
    }
    Node previousBest = journal.best();
    try {
      node = store.append(node); // keeps its plan, code and output on disk
    } catch (RuntimeException e) {
      storeFailed = true;
      failRun(e);
      return;
    }
    journal.add(node);
    tokensSpent += node.usage().total();
    costSpent += node.cost();
    failuresInARow = node.isBuggy() ? failuresInARow + 1 : 0;
    log.info(
        "Node {} ({}{}) finished: {}",
        node.id(),
        node.stage().name().toLowerCase(java.util.Locale.ROOT),
        node.parentId() == null ? "" : " of " + node.parentId(),
        node.isBuggy() ? "buggy" : node.metric());
    emit(new SearchEvent.NodeFinished(node));
    if (journal.best() == node) {
      try {
        store.writeBest(node);
      } catch (RuntimeException e) {
        storeFailed = true;
        failRun(e);
        return;
      }
      emit(new SearchEvent.NewBest(node, previousBest));
    }
    reports.recorded(node); // queued: the report writer's thread writes it
    checkLimits();
  }

  /** The wall time of the search so far. */
  private Duration elapsed() {
    return Duration.between(runStartedAt, config.clock().instant());
  }

  private SearchState state() {
    InFlight actions = InFlight.of(List.copyOf(inFlight.values()));
    int next = nextId;
    Journal journal = store.journal().readOnlyView();
    // Each step draws from a generator seeded by the run's seed and the id of the next node, so a
    // resumed run draws what an uninterrupted one would have drawn at the same step.
    RandomGenerator rng = new SplittableRandom(seed ^ (nextId * 0x9E3779B97F4A7C15L));
    return new SearchState() {
      @Override
      public Task task() {
        return task;
      }

      @Override
      public Journal journal() {
        return journal;
      }

      @Override
      public InFlight inFlight() {
        return actions;
      }

      @Override
      public int nextNodeId() {
        return next;
      }

      @Override
      public RandomGenerator random() {
        return rng;
      }
    };
  }

  /** Tells the listeners that node {@code id} entered {@code phase}, unless the search is over. */
  private void enterPhase(int id, SearchEvent.Phase phase) {
    synchronized (lock) {
      if (!cancelled) emit(new SearchEvent.NodePhase(id, phase));
    }
  }

  /** The least time between two {@link SearchEvent.NodeProgress} events of one node. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  /** Per node in flight: when its last progress event went out, and with how many characters. */
  private final Map<Integer, long[]> lastProgress = new HashMap<>();

  /**
   * Emits node {@code id}'s progress when {@link #PROGRESS_INTERVAL} has passed since its last and
   * the count grew; called on the HTTP reading thread, so it never waits for more than the lock.
   */
  private void progress(int id, SearchEvent.Phase phase, long characters) {
    long now = config.clock().millis();
    synchronized (lock) {
      if (cancelled || !inFlight.containsKey(id)) return;
      long[] last = lastProgress.get(id);
      if (last != null && (now - last[0] < PROGRESS_INTERVAL.toMillis() || characters == last[1])) {
        return;
      }
      lastProgress.put(id, new long[] {now, characters});
      emit(new SearchEvent.NodeProgress(id, phase, characters));
    }
  }

  private void emit(SearchEvent event) {
    for (SearchListener listener : config.listeners()) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("A search listener failed on {}; the search goes on", event, e);
      }
    }
  }

  private static List<Integer> parentIds(Action action) {
    return action.parents().stream().map(Node::id).toList();
  }
}
