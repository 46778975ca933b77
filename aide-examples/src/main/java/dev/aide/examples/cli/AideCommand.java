package dev.aide.examples.cli;

import dev.aide.core.Aide;
import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Language;
import dev.aide.core.MetricReader;
import dev.aide.core.Node;
import dev.aide.core.Repository;
import dev.aide.core.Reproduction;
import dev.aide.core.Result;
import dev.aide.core.RunDirectory;
import dev.aide.core.Search;
import dev.aide.core.Task;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.Redactor;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmClientProvider;
import dev.aide.core.llm.ReplayingLlmClient;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetric;
import dev.aide.core.score.ScoreMetrics;
import dev.aide.core.score.Scorer;
import dev.aide.core.search.EvolutionaryPolicy;
import dev.aide.core.search.GreedyPolicy;
import dev.aide.core.search.MctsPolicy;
import dev.aide.core.search.SearchPolicies;
import dev.aide.core.search.SearchPolicy;
import dev.aide.exec.ProcessExecutor;
import dev.aide.exec.SlurmExecutor;
import dev.aide.llm.EnvironmentLlmClientProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code aide} command: runs a search from the command line. */
@Command(
    name = "aide",
    mixinStandardHelpOptions = true,
    version = "aide 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Searches for a solution to a task with an LLM: drafts programs, runs them, has the output"
          + " reviewed and scored, and keeps debugging and improving the best.",
      "",
      "The LLM comes from the environment: OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENAI_BASE_URL"
          + " (any OpenAI-compatible server) or a local Ollama; AIDE_MODEL names the model.",
      "",
      "Solutions run with the first Python of --python, AIDE_PYTHON, python3 and python on PATH"
          + " and /usr/bin/python3 that imports numpy, pandas and scikit-learn (for a task without"
          + " data, the first that runs). The chosen one is printed, recorded in run.json and"
          + " used again by --resume.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  aide --example breast-cancer",
      "  aide --data data/prices --goal \"Predict price for test.csv\" --direction min",
      "  aide --resume aide-runs/20261126-101500",
      "",
      "Exit codes: 0 a solution ran cleanly with a metric, 2 bad options, 3 no LLM or Python"
          + " (the message says what to set or install), 4 the search failed, 5 the search ended"
          + " without a solution that ran cleanly, 130 stopped by Ctrl-C (the resume command is"
          + " printed)."
    })
public final class AideCommand implements Callable<Integer> {
  static final int EXIT_USAGE = 2;
  static final int EXIT_SETUP = 3;
  static final int EXIT_FAILED = 4;
  static final int EXIT_NO_SOLUTION = 5;
  static final int EXIT_INTERRUPTED = 130;

  /** The longest --timeout accepted. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(30);

  /** The name under which the command line records its Python in run.json's properties. */
  static final String PYTHON_PROPERTY = "python";

  /**
   * The run property with the paths, one per line, that the sandbox shows besides
   * --sandbox-readable because the task needs them (a repository example's Maven or Python), so
   * that --resume shows them again.
   */
  static final String SANDBOX_READABLE_PROPERTY = "sandbox.readable";

  /** run.json's record of the executor ({@code slurm}; absent for local processes). */
  static final String EXECUTOR_PROPERTY = "executor";

  /** run.json's record of the Slurm options, under {@code slurm.<option>}. */
  static final String SLURM_PROPERTY = "slurm.";

  /** The system property the {@code aide} script sets to its own path. */
  static final String SCRIPT_PROPERTY = "aide.script";

  private static final Pattern SHORT_DURATION =
      Pattern.compile("(?:(\\d+)D)?(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?");
  private static final Pattern ISO_DURATION =
      Pattern.compile("P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?");
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s@]*@");

  /** Arguments a POSIX shell takes as they are; others are quoted in the resume command. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  @Option(
      names = "--example",
      paramLabel = "NAME",
      description =
          "Run a shipped example task: breast-cancer (scikit-learn), speedup, or java-speedup and"
              + " python-speedup (searches over a source tree).")
  @Nullable String example;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The task's data directory (solutions see it as their input folder).")
  @Nullable Path data;

  @Option(names = "--goal", paramLabel = "TEXT", description = "What the solution should do.")
  @Nullable String goal;

  @Option(
      names = "--eval",
      paramLabel = "TEXT",
      description =
          "How a solution is scored; with --repo, the command (run by sh in the tree's root) whose"
              + " output holds the metric.")
  @Nullable String evaluation;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description =
          "Search over a source tree: each node is a patch over DIR (a directory, or with"
              + " --commit a git work tree), built, gated and measured by --build, --gate and"
              + " --eval (needs --edit).")
  @Nullable Path repo;

  @Option(
      names = "--commit",
      paramLabel = "REV",
      description =
          "With --repo: the base is the files git tracks at REV (e.g. HEAD); uncommitted changes to"
              + " them are refused.")
  @Nullable String commit;

  @Option(
      names = "--edit",
      paramLabel = "GLOB",
      description =
          "With --repo: the files the coder may edit or create, e.g. 'src/main/java/**'"
              + " (repeatable).")
  List<String> editGlobs = new ArrayList<>();

  @Option(
      names = "--gate",
      paramLabel = "CMD",
      description =
          "With --repo: a command whose failure makes a node buggy whatever its metric, e.g."
              + " 'mvn -q -o test'.")
  @Nullable String gate;

  @Option(
      names = "--build",
      paramLabel = "CMD",
      description = "With --repo: a command run before the gate in each node's tree.")
  @Nullable String buildCommand;

  @Option(
      names = "--branch",
      paramLabel = "NAME",
      description =
          "With --repo and --commit: at the end, commit the best patch on a new branch NAME of the"
              + " repository (its work tree and index are not touched). A name that is taken or"
              + " not valid is refused before the search starts.")
  @Nullable String branch;

  /** Paths the sandbox must show besides --sandbox-readable: a repository example's Maven. */
  private final List<Path> extraReadable = new ArrayList<>();

  @Option(
      names = "--direction",
      paramLabel = "max|min",
      description = "Whether a larger or smaller metric is better (default: the reviewer says).")
  @Nullable String direction;

  @Option(
      names = "--metric-line",
      paramLabel = "NAME",
      description = "Read the metric from an output line `NAME: <number>` instead of the review.")
  @Nullable String metricLine;

  @Option(
      names = "--expect",
      paramLabel = "FILE",
      description =
          "The file each run must write in its working folder, e.g. submission.csv; a run that"
              + " exits cleanly without it is buggy (--resume keeps the run's; another is refused).")
  @Nullable String expect;

  @Option(
      names = "--target",
      paramLabel = "COLUMN",
      description =
          "Hold out labelled rows of the training CSV and score each run's predictions for them"
              + " in the harness: the column to predict (needs --metric).")
  @Nullable String target;

  @Option(
      names = "--id",
      paramLabel = "COLUMN",
      description =
          "With --target: the column naming each row of the test and submission files (default:"
              + " rows match by position).")
  @Nullable String idColumn;

  @Option(
      names = "--metric",
      paramLabel = "NAME",
      description =
          "With --target: the harness's metric, one of accuracy, balanced_accuracy, roc_auc,"
              + " log_loss, f1, f1_macro, rmse, rmsle, mae, r2; it fixes the direction.")
  @Nullable String metricName;

  @Option(
      names = "--holdout",
      paramLabel = "FRACTION",
      description =
          "With --target: the fraction of labelled rows held out (default 0.2); 0 turns off an"
              + " example's holdout.")
  @Nullable Double holdoutFraction;

  @Option(
      names = "--score-command",
      paramLabel = "CMD",
      description =
          "A command of yours that scores each run: run by sh after the solution with the run's"
              + " working folder as its argument; its last line that is a number is the metric"
              + " (needs --direction).")
  @Nullable String scoreCommand;

  @Option(
      names = "--reproduce",
      paramLabel = "TOLERANCE",
      description =
          "At the end, run the best node again and check that its metric comes back within"
              + " TOLERANCE (recorded in run.json and report.md either way).")
  @Nullable Double reproduce;

  @Option(
      names = "--executor",
      paramLabel = "local|slurm",
      description =
          "Where solutions run: local processes (default), or one Slurm job each (the output"
              + " directory must be on a file system the compute nodes share); --resume keeps the"
              + " run's.")
  @Nullable String executorKind;

  @Option(names = "--slurm-partition", paramLabel = "NAME", description = "Slurm partition.")
  @Nullable String slurmPartition;

  @Option(names = "--slurm-cpus", paramLabel = "N", description = "CPUs per Slurm job.")
  @Nullable Integer slurmCpus;

  @Option(names = "--slurm-mem", paramLabel = "SIZE", description = "Memory per job, e.g. 8G.")
  @Nullable String slurmMem;

  @Option(names = "--slurm-gpus", paramLabel = "N", description = "GPUs per job (--gres=gpu:N).")
  @Nullable Integer slurmGpus;

  @Option(
      names = "--slurm-arg",
      paramLabel = "ARG",
      description = "An extra sbatch argument, e.g. --slurm-arg=--qos=short (repeatable).")
  List<String> slurmArgs = new ArrayList<>();

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Nodes in the journal when the search ends (default: 20).")
  @Nullable Integer steps;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Nodes worked on at once, 1 to "
              + Aide.MAX_WORKERS
              + " (default: 1; on --resume the number the run recorded).")
  @Nullable Integer workers;

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      description =
          "greedy, mcts or evolutionary (default: greedy; on --resume the policy the run"
              + " recorded).")
  @Nullable String policy;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description = "The model for coder and reviewer (default: AIDE_MODEL or the backend's).")
  @Nullable String model;

  @Option(names = "--coder-model", paramLabel = "MODEL", description = "The coder's model.")
  @Nullable String coderModel;

  @Option(names = "--reviewer-model", paramLabel = "MODEL", description = "The reviewer's model.")
  @Nullable String reviewerModel;

  @Option(
      names = "--coder-temperature",
      paramLabel = "T",
      description =
          "The coder's sampling temperature, 0 to 2 (default: 0.5; on --resume the one the run"
              + " recorded). Reasoning models get none.")
  @Nullable Double coderTemperature;

  @Option(
      names = "--reviewer-temperature",
      paramLabel = "T",
      description =
          "The reviewer's sampling temperature, 0 to 2 (default: 0.5; on --resume the one the run"
              + " recorded). Reasoning models get none.")
  @Nullable Double reviewerTemperature;

  @Option(
      names = "--max-output-tokens",
      paramLabel = "N",
      description =
          "The most tokens one answer of the coder or reviewer may have (default: the backend's;"
              + " on --resume the limit the run recorded).")
  @Nullable Integer maxOutputTokens;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Longest one execution may run, e.g. 90s, 10m, 1h, at most 30d (default: 1h).")
  @Nullable String timeout;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the run is written (default: aide-runs/<date-time>).")
  @Nullable Path outputDir;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the search's random choices.")
  @Nullable Long seed;

  @Option(
      names = "--resume",
      paramLabel = "DIR",
      description = "Resume the run in DIR with the task and settings recorded in DIR/run.json.")
  @Nullable Path resume;

  @Option(
      names = "--python",
      paramLabel = "PATH",
      description =
          "The Python to run solutions with (default: the first that has numpy, pandas and"
              + " scikit-learn, see above; on --resume the one the run recorded).")
  @Nullable String python;

  @Option(
      names = "--sandbox",
      paramLabel = "MODE",
      defaultValue = "best-effort",
      description =
          "best-effort (default), required or off: run solutions under bubblewrap, which keeps"
              + " them from your files, secrets and the network. best-effort runs them without it,"
              + " with a warning, where bubblewrap is missing or cannot work.")
  String sandbox = "best-effort";

  @Option(
      names = "--sandbox-readable",
      paramLabel = "PATH",
      description =
          "A path in a home directory that sandboxed solutions may read (the sandbox hides the"
              + " homes), e.g. ~/.local/lib for packages from pip install --user. Repeatable.")
  List<Path> sandboxReadable = new ArrayList<>();

  @Option(
      names = "--gpus",
      description =
          "Let solutions use the GPUs: in the sandbox the device nodes /dev/nvidia* and /dev/dri"
              + " are passed in. Fails (exit 3) where no such device exists.")
  boolean gpus;

  @Option(
      names = "--run-as",
      paramLabel = "USER",
      description =
          "When aide runs as root: the user solutions run as, a name or uid[:gid] (default"
              + " nobody). Generated code never runs as root.")
  @Nullable String runAs;

  @Option(
      names = "--record",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Write every LLM call into <out>/"
              + LlmRecordings.FILE
              + " (default), for --replay;"
              + " --no-record turns it off.")
  boolean record = true;

  @Option(
      names = "--replay",
      paramLabel = "FILE_OR_RUN_DIR",
      description =
          "Answer the LLM calls from a recording (a run directory's "
              + LlmRecordings.FILE
              + ") instead of the configured LLM, which is then not needed. With the recorded"
              + " run's task and one worker (and its seed, the default here) the search runs"
              + " again as recorded.")
  @Nullable Path replay;

  @Option(
      names = "--replay-fallback",
      description =
          "With --replay: ask the configured LLM what the recording does not answer, and append"
              + " its answers to the recording.")
  boolean replayFallback;

  private final Map<String, String> environment;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;

  /** The first words of a command that runs this program again, as the resume command needs. */
  List<String> launcher = defaultLauncher();

  AideCommand(Map<String, String> environment, PrintStream out, PrintStream err, boolean terminal) {
    this.environment = environment;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err, System.console() != null));
  }

  /** Runs the command and returns its exit code. */
  static int run(
      String[] args,
      Map<String, String> environment,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    CommandLine commandLine = new CommandLine(new AideCommand(environment, out, err, terminal));
    commandLine.setOut(new java.io.PrintWriter(out, true));
    commandLine.setErr(new java.io.PrintWriter(err, true));
    // picocli exits with 2 (EXIT_USAGE) on options it cannot parse
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    try {
      return search();
    } catch (UsageException e) {
      err.println("aide: " + redact(e.getMessage()));
      err.println("Run `aide --help` for the options.");
      return EXIT_USAGE;
    } catch (SetupException e) {
      err.println("aide: " + redact(e.getMessage()));
      return EXIT_SETUP;
    } catch (AideException e) {
      err.println();
      err.println("aide: " + redact(e.getMessage()));
      return EXIT_FAILED;
    } catch (RuntimeException | Error e) {
      // Whatever else went wrong (a bug, an exhausted JVM) ends in a message, not a stack trace
      // that could show a secret from the environment.
      err.println();
      err.println("aide: " + redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
      return EXIT_FAILED;
    }
  }

  /**
   * Returns {@code message} without the secrets of the environment: the values of variables whose
   * names look secret, and the user and password part of any URL.
   */
  String redact(@Nullable String message) {
    if (message == null) return "(no message)";
    String text = Redactor.ofEnvironment(environment).redact(message);
    return URL_USER_INFO.matcher(text).replaceAll("$1" + Redactor.REDACTED + "@");
  }

  private int search() {
    if (replayFallback && replay == null) {
      throw new UsageException("--replay-fallback needs --replay FILE_OR_RUN_DIR");
    }
    Path recording = replay == null ? null : LlmRecordings.source(replay);
    // With no LLM, the shipped example replays a recorded real search (see ExampleTasks).
    boolean shipped = false;
    LlmClientProvider.@Nullable Configured llm = null;
    if (recording == null && resume == null && ExampleTasks.hasRecording(example)) {
      llm = configuredLlm().orElse(null);
      shipped = llm == null;
    } else if (recording == null || replayFallback) {
      llm = llm();
    }
    RunPlan plan = plan();
    if (shipped) {
      recording = ExampleTasks.unpackRecording(example, plan.outputDir.resolve("recording"));
      RunDirectory.Settings settings = LlmRecordings.recordedSettings(recording);
      if (steps == null && settings != null) plan = plan.withSteps(settings.steps());
      out.println(ExampleTasks.replayNotice(true));
    }
    Task task = plan.task;
    Map<String, String> slurm = slurmSettings(plan.sampling);
    Executor executor =
        slurm == null ? executor(plan.python, task) : slurmExecutor(plan.python, slurm, task);
    // An option given now wins; a resumed run keeps the models it recorded; else the LLM's default.
    RunDirectory.@Nullable Settings recorded =
        recording == null ? null : LlmRecordings.recordedSettings(recording);
    String coderDefault =
        llm != null ? llm.model() : recorded != null ? recorded.coderModel() : null;
    String reviewerDefault =
        llm != null ? llm.model() : recorded != null ? recorded.reviewerModel() : null;
    if ((coderDefault == null && plan.coderModel == null && coderModel == null && model == null)
        || (reviewerDefault == null
            && plan.reviewerModel == null
            && reviewerModel == null
            && model == null)) {
      throw new UsageException(
          "--replay: no run.json beside " + recording + " names the models; give --model");
    }
    String coder =
        firstNonNull(coderModel, model, firstNonNull(plan.coderModel, null, coderDefault));
    String reviewer =
        firstNonNull(reviewerModel, model, firstNonNull(plan.reviewerModel, null, reviewerDefault));
    LlmClient client = llm == null ? null : llm.client();
    String llmName = client == null ? "" : client.getClass().getSimpleName();
    ReplayingLlmClient replaying = null;
    if (recording != null) {
      replaying =
          shipped
              ? ReplayingLlmClient.openInRecordedOrder(recording)
              : client == null
                  ? ReplayingLlmClient.open(recording)
                  : ReplayingLlmClient.open(recording, client);
      out.printf(
          Locale.ROOT,
          "Replaying the LLM's answers from %s (%d recorded calls)%s%n",
          recording,
          replaying.recordedCalls(),
          client == null
              ? "; no LLM is asked"
              : "; what it does not answer goes to " + llmName + " and is appended to it");
      llmName = "the recording";
      client = replaying;
    }
    Path recordTo = plan.outputDir.resolve(LlmRecordings.FILE).toAbsolutePath().normalize();
    LlmRecordings.Lazy recorder =
        record && !recordTo.equals(recording) ? LlmRecordings.recordLazily(client, recordTo) : null;
    if (recorder != null) client = recorder;
    int workers = this.workers != null ? this.workers : plan.workers;
    if (workers < 1 || workers > Aide.MAX_WORKERS) {
      throw new UsageException(
          "--workers must be from 1 to " + Aide.MAX_WORKERS + ", was " + workers);
    }
    SearchPolicy policy = plan.policy;

    Search search;
    Progress progress;
    try {
      Aide.Builder builder =
          Aide.builder()
              .coder(client, coder)
              .reviewer(client, reviewer)
              .executor(executor)
              .policy(policy)
              .steps(plan.steps)
              .workers(workers)
              .outputDir(plan.outputDir);
      sampling(builder, plan.sampling);
      if (reproduce != null) {
        try {
          builder.reproduceBest(reproduce);
        } catch (IllegalArgumentException e) {
          throw new UsageException("--reproduce must be a number >= 0, was " + reproduce);
        }
      }
      // a replay draws what the recorded run drew unless told otherwise
      Long chosenSeed =
          seed != null
              ? seed
              : plan.seed != null ? plan.seed : recorded != null ? recorded.seed() : null;
      if (chosenSeed != null) builder.seed(chosenSeed);
      if (plan.python != null) builder.property(PYTHON_PROPERTY, plan.python);
      if (!extraReadable.isEmpty()) {
        builder.property(
            SANDBOX_READABLE_PROPERTY,
            String.join("\n", extraReadable.stream().map(Path::toString).toList()));
      }
      if (slurm != null) {
        builder.property(EXECUTOR_PROPERTY, "slurm");
        slurm.forEach((key, value) -> builder.property(SLURM_PROPERTY + key, value));
        out.println(
            "Executor: Slurm, one job per run "
                + slurm
                + (((SlurmExecutor) executor).sandboxed()
                    ? ", in bubblewrap on the node"
                    : ", without a sandbox"));
      }
      if (plan.python != null) out.println("Python: " + plan.python);
      if (executor instanceof ProcessExecutor) out.println(protection((ProcessExecutor) executor));
      progress = new Progress(out, terminal, plan.steps, Clock.systemUTC());
      search = builder.listener(progress).build().start(task);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    progress.resumeFrom(search.journal());
    out.printf(
        Locale.ROOT,
        "Searching with %s (coder %s, reviewer %s), %s policy, %d steps, %d worker(s); writing"
            + " to %s%n",
        llmName,
        coder,
        reviewer,
        policyName(policy),
        plan.steps,
        workers,
        search.outputDir());

    AtomicBoolean interrupted = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              interrupted.set(true);
              search.cancel();
              search.await();
              err.printf(
                  Locale.ROOT,
                  "%nStopped. The %d finished node(s) are saved in %s.%nResume with: %s%n",
                  search.journal().size(),
                  search.outputDir(),
                  resumeCommand(search.outputDir()));
            },
            "aide-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "aide-progress");
              thread.setDaemon(true);
              return thread;
            });
    if (terminal) ticker.scheduleAtFixedRate(progress::tick, 1, 1, TimeUnit.SECONDS);
    Result result;
    try {
      result = search.await();
    } catch (AideException e) {
      if (!interrupted.get()) {
        err.println();
        err.println("aide: " + redact(e.getMessage()));
        err.println("Resume with: " + resumeCommand(search.outputDir()));
      }
      return EXIT_FAILED;
    } finally {
      ticker.shutdownNow();
      close(recorder);
      close(replaying);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook reports
      }
    }
    if (interrupted.get()) return EXIT_INTERRUPTED;
    int exit = summarize(result, task);
    if (shipped) out.println(ExampleTasks.replayNotice(false));
    return exit;
  }

  /** Prints what the search found; returns the exit code: 0, or 5 when no node was good. */
  private int summarize(Result result, Task task) {
    Node best = result.best();
    out.println();
    out.printf(
        Locale.ROOT,
        "Done (%s): %d nodes, %d good, %d buggy, %d tokens.%n",
        result.stopReason(),
        result.journal().size(),
        result.journal().goodCount(),
        result.journal().buggyCount(),
        result.usage().total());
    if (best == null) {
      out.println("No solution ran cleanly with a metric; see report.md for why.");
    } else {
      out.printf(
          Locale.ROOT,
          "Best metric %s, %s is better (node %d, %s%s).%n",
          // words, not Metric's arrow: a console in the C locale prints it as '?'
          best.metric().value(),
          best.metric().direction() == Direction.MAXIMIZE ? "higher" : "lower",
          best.id(),
          best.stage().name().toLowerCase(Locale.ROOT),
          best.printedMetric() == null || !task.harnessScored()
              ? ""
              : "; the harness's score, the program printed " + best.printedMetric());
      Reproduction reproduction = result.reproduction();
      if (reproduction != null) out.println("Run again:     " + reproduction.describe());
    }
    Path dir = result.outputDir();
    if (task.repository() != null && Files.isRegularFile(dir.resolve("best/patch.diff"))) {
      out.println("Best patch:    " + dir.resolve("best/patch.diff") + " (git apply takes it)");
      out.println("Patched tree:  " + dir.resolve("best/tree"));
      String branch = task.repository().branch();
      if (branch != null) out.println("Branch:        " + branchLine(task.repository(), branch));
    } else if (Files.isDirectory(dir.resolve("best"))) {
      out.println("Best solution: " + dir.resolve("best"));
    }
    out.println("Tree:          " + dir.resolve("tree.html"));
    out.println("Report:        " + dir.resolve("report.md"));
    return best == null ? EXIT_NO_SOLUTION : 0;
  }

  /** Where the best patch was committed: the branch and its commit, or that it was not. */
  private static String branchLine(Repository repository, String branch) {
    try {
      Process git =
          new ProcessBuilder(
                  "git", "rev-parse", "--short", "--verify", "--quiet", "refs/heads/" + branch)
              .directory(repository.source().toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String commit =
          new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      if (git.waitFor() == 0 && !commit.isEmpty()) {
        return branch + " of " + repository.source() + " (commit " + commit + ")";
      }
    } catch (IOException e) {
      // said below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return branch + " was not made (the log above says why)";
  }

  /**
   * Returns the command that resumes the run in {@code dir}, runnable as printed in a POSIX shell:
   * the {@link #launcher}, then {@code --resume} with the options given now that concern how it
   * runs (workers, policy, models, sandbox, GPUs; and a Python named with --python; run.json
   * records the workers, policy and models too, but a given option wins), so that a sandboxed run
   * is not resumed without its sandbox, nor a GPU run without its GPUs. Arguments that need it are
   * quoted.
   */
  String resumeCommand(Path dir) {
    List<String> args = new ArrayList<>(launcher);
    args.addAll(List.of("--resume", dir.toString()));
    if (workers != null && workers != 1) {
      args.addAll(List.of("--workers", Integer.toString(workers)));
    }
    if (policy != null && !policy.equalsIgnoreCase("greedy")) {
      args.addAll(List.of("--policy", policy));
    }
    if (model != null) args.addAll(List.of("--model", model));
    if (coderModel != null) args.addAll(List.of("--coder-model", coderModel));
    if (reviewerModel != null) args.addAll(List.of("--reviewer-model", reviewerModel));
    if (python != null) args.addAll(List.of("--python", python));
    if (!sandbox.equalsIgnoreCase("best-effort")) args.addAll(List.of("--sandbox", sandbox));
    for (Path path : sandboxReadable) args.addAll(List.of("--sandbox-readable", path.toString()));
    if (gpus) args.add("--gpus");
    if (runAs != null) args.addAll(List.of("--run-as", runAs));
    StringBuilder command = new StringBuilder();
    for (String arg : args) {
      if (command.length() > 0) command.append(' ');
      command.append(
          SHELL_SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return command.toString();
  }

  /**
   * Sets the temperatures and the output-token limit: an option given now wins, else what the
   * resumed run recorded, else the library's defaults.
   */
  private void sampling(Aide.Builder builder, RunDirectory.@Nullable Settings recorded) {
    Double coder = coderTemperature;
    Double reviewer = reviewerTemperature;
    Integer tokens = maxOutputTokens;
    if (recorded != null) {
      if (coder == null) coder = recorded.coderTemperature();
      if (reviewer == null) reviewer = recorded.reviewerTemperature();
      if (tokens == null) tokens = recorded.maxOutputTokens();
    }
    try {
      if (coder != null) builder.coderTemperature(coder);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--coder-temperature must be from 0 to 2, was " + coder);
    }
    try {
      if (reviewer != null) builder.reviewerTemperature(reviewer);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--reviewer-temperature must be from 0 to 2, was " + reviewer);
    }
    try {
      if (tokens != null) builder.maxOutputTokens(tokens);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--max-output-tokens must be at least 1, was " + tokens);
    }
  }

  /** What to run: the task, where, and with which settings. */
  private record RunPlan(
      Task task,
      Path outputDir,
      int steps,
      @Nullable Long seed,
      @Nullable String python,
      @Nullable String coderModel,
      @Nullable String reviewerModel,
      int workers,
      SearchPolicy policy,
      RunDirectory.@Nullable Settings sampling) {
    RunPlan withSteps(int newSteps) {
      return new RunPlan(
          task,
          outputDir,
          newSteps,
          seed,
          python,
          coderModel,
          reviewerModel,
          workers,
          policy,
          sampling);
    }
  }

  private RunPlan plan() {
    checkRepositoryOptions();
    if (resume != null) {
      if (example != null || data != null || goal != null) {
        throw new UsageException("--resume takes the task from run.json; drop --example/--goal");
      }
      RunDirectory run = openRun(resume);
      // what the task's programs read besides the workspace: a repository example's Maven
      // prepared in the run directory, or its Python's installation
      String readable = run.settings().properties().get(SANDBOX_READABLE_PROPERTY);
      if (readable != null) {
        readable.lines().map(Path::of).filter(Files::exists).forEach(extraReadable::add);
      }
      Path maven = resume.resolve("maven");
      if (readable == null && run.task().repository() != null && Files.isDirectory(maven)) {
        extraReadable.add(maven); // a run from before the property
      }
      if (holdoutOptionsGiven() || scoreCommand != null) {
        throw new UsageException(
            "--resume keeps the run's own scoring (run.json records it); drop --target/--id/"
                + "--metric/--holdout/--score-command, or start a new run in another --out");
      }
      if (run.task().scorer() == null
          && run.task().holdout() == null
          && run.customScorer() != null) {
        throw new UsageException(
            "--resume "
                + resume
                + ": the run was scored by "
                + run.customScorer()
                + ", which the command line cannot rebuild; resume it from that program"
                + " (Aide.resume)");
      }
      Task task = withOverrides(run.task());
      if (task.metricReader() == null && run.customMetricReader() != null) {
        throw new UsageException(
            "--resume "
                + resume
                + ": the run read its metric with "
                + run.customMetricReader()
                + ", a metric reader of its program's own that the command line cannot rebuild;"
                + " resume it from that program (Aide.resume), or pass --metric-line NAME");
      }
      RunDirectory.Settings recorded = run.settings();
      return new RunPlan(
          task,
          resume,
          steps != null ? steps : recorded.steps(),
          recorded.seed(),
          choosePython(task, recorded.properties().get(PYTHON_PROPERTY)),
          recorded.coderModel(),
          recorded.reviewerModel(),
          recorded.workers(),
          policy != null ? policy(policy) : recordedPolicy(recorded.policy()),
          recorded);
    }
    Task task;
    Path dir = outputDir != null ? outputDir : defaultOutputDir();
    if (example != null) {
      if (goal != null || data != null) {
        throw new UsageException("--example brings its own goal and data; drop --goal/--data");
      }
      if (ExampleTasks.isRepository(example)) {
        task = withOverrides(repositoryExample(example, dir));
      } else {
        try {
          task = ExampleTasks.task(example, dir.resolve("data"));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
        task = withOverrides(task);
      }
    } else if (repo != null) {
      task = withOverrides(repositoryTask(repo));
    } else {
      if (goal == null) {
        throw new UsageException("say what to do: --goal TEXT (with --data DIR), or --example");
      }
      Task.Builder b = Task.builder().goal(goal).evaluation(evaluation).dataDir(data);
      try {
        task = withOverrides(b.build());
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return new RunPlan(
        task,
        dir,
        steps != null ? steps : 20,
        null,
        choosePython(task, null),
        null,
        null,
        1,
        policy != null ? policy(policy) : SearchPolicies.greedy(),
        null);
  }

  /**
   * Opens the run directory named by --resume; a directory that holds no readable run is exit 2.
   */
  private static RunDirectory openRun(Path dir) {
    try {
      return RunDirectory.open(dir);
    } catch (AideException e) {
      throw new UsageException("--resume " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The repository example {@code name} in run directory {@code dir}: java-speedup with a Maven
   * prepared there for its gate, python-speedup with a Python that has pytest.
   */
  private Task repositoryExample(String name, Path dir) {
    String py = null;
    if (name.equals(ExampleProjects.PYTHON_SPEEDUP)) {
      try {
        py = Pythons.find(python, null, environment, Pythons.Need.PYTEST);
      } catch (IllegalStateException e) {
        throw new SetupException(e.getMessage());
      }
    }
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    try {
      ExampleTasks.RepositoryExample chosen =
          ExampleTasks.repositoryTask(
              name,
              dir,
              project -> {
                out.println(
                    "Preparing a Maven for the example's gate in "
                        + dir.resolve("maven")
                        + " (once; offline, from your local Maven repository)");
                return MavenSupport.prepare(
                    MavenSupport.find(properties, environment),
                    dir.resolve("maven"),
                    project,
                    MavenSupport.userRepository(properties),
                    Duration.ofMinutes(10),
                    environment);
              },
              py);
      extraReadable.addAll(chosen.readable());
      return chosen.task();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new SetupException(e.getMessage());
    }
  }

  /** The task of --repo: its base, --edit, --build, --gate and --eval (the command). */
  private Task repositoryTask(Path dir) {
    if (editGlobs.isEmpty()) {
      throw new UsageException(
          "--repo needs --edit GLOB: the files the coder may change, e.g. --edit"
              + " 'src/main/java/**'");
    }
    if (evaluation == null) {
      throw new UsageException(
          "--repo needs --eval CMD: the command whose output holds the metric, e.g. --eval"
              + " 'java -cp target/classes demo.Bench' with --metric-line time_ms");
    }
    if (!Files.isDirectory(dir)) throw new UsageException("--repo " + dir + ": no such directory");
    try {
      Repository.Builder r =
          commit == null ? Repository.directory(dir) : Repository.git(dir, commit);
      Repository repository =
          r.edit(editGlobs.toArray(String[]::new))
              .buildStep(buildCommand)
              .gate(gate)
              .eval(evaluation)
              .branch(branch)
              .build();
      String line = metricLine != null ? metricLine : "metric";
      return Task.builder()
          .goal(
              goal != null
                  ? goal
                  : "Improve the metric that the evaluation prints (`"
                      + line
                      + ": <number>`) while the gate keeps passing.")
          .evaluation("The `" + line + "` line that `" + evaluation + "` prints.")
          .dataDir(data)
          .repository(repository)
          .metricReader(MetricReader.line(line))
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Refuses the --repo options where there is no --repo to apply them to. */
  private void checkRepositoryOptions() {
    boolean given =
        !editGlobs.isEmpty()
            || gate != null
            || buildCommand != null
            || commit != null
            || branch != null;
    if (given && repo == null) {
      throw new UsageException(
          resume != null
              ? "--resume keeps the run's repository settings (run.json records them); drop"
                  + " --edit/--gate/--build/--commit/--branch"
              : "--edit, --gate, --build, --commit and --branch need --repo DIR");
    }
    if (repo != null && (example != null || resume != null)) {
      throw new UsageException("--repo starts a new run of its own; drop --example/--resume");
    }
    if (branch != null && commit == null) {
      throw new UsageException("--branch needs --commit REV: a branch starts from a commit");
    }
  }

  private Task withOverrides(Task task) {
    Task.Builder b = task.newBuilder();
    // with --repo, --eval is the evaluation command, set on the repository
    if (evaluation != null && task.repository() == null) b.evaluation(evaluation);
    if (direction != null) b.direction(direction(direction));
    if (metricLine != null) b.metricReader(MetricReader.line(metricLine));
    if (expect != null) b.expectedOutput(expect);
    if (timeout != null) b.timeout(duration(timeout));
    scoring(task, b);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Whether any of --target, --id, --metric and --holdout was given. */
  private boolean holdoutOptionsGiven() {
    return target != null || idColumn != null || metricName != null || holdoutFraction != null;
  }

  /**
   * Applies --target, --id, --metric, --holdout and --score-command to {@code b}, whose task is
   * {@code task}: a new holdout, a change to the task's own (an example's), none (--holdout 0), or
   * a scoring command.
   */
  private void scoring(Task task, Task.Builder b) {
    boolean holdoutOptions = holdoutOptionsGiven();
    if (scoreCommand != null) {
      if (holdoutOptions) {
        throw new UsageException(
            "--score-command scores runs itself; drop --target/--id/--metric/--holdout");
      }
      if (scoreCommand.isBlank()) throw new UsageException("--score-command is blank");
      b.holdout(null)
          .scorer(Scorer.command(List.of("sh", "-c", scoreCommand + " \"$1\"", "aide-scorer")));
      return;
    }
    if (!holdoutOptions) return;
    Holdout old = task.holdout();
    if (holdoutFraction != null && holdoutFraction == 0) {
      if (target != null || idColumn != null || metricName != null) {
        throw new UsageException("--holdout 0 turns the holdout off; drop --target/--id/--metric");
      }
      if (old != null && expect == null) b.expectedOutput(old.submission());
      b.holdout(null);
      if (direction == null) b.direction(task.direction());
      return;
    }
    String column = target != null ? target : old == null ? null : old.target();
    String metric = metricName != null ? metricName : old == null ? null : old.metric().name();
    if (column == null || metric == null) {
      throw new UsageException(
          "a holdout needs --target COLUMN and --metric NAME (e.g. --target SalePrice --metric"
              + " rmsle); --id and --holdout are optional");
    }
    if (task.dataDir() == null) {
      throw new UsageException(
          "--target needs --data DIR: the labelled training CSV is read there");
    }
    ScoreMetric scoreMetric;
    try {
      scoreMetric = ScoreMetrics.named(metric);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--metric: " + e.getMessage());
    }
    Holdout.Builder h;
    try {
      h = Holdout.builder(column, scoreMetric);
      h.id(idColumn != null ? idColumn : old == null ? null : old.id());
      if (holdoutFraction != null) h.fraction(holdoutFraction);
      else if (old != null) h.fraction(old.fraction());
      if (expect != null) h.submission(expect);
      else if (old != null) h.submission(old.submission());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    b.holdout(h.build());
    if (direction == null) b.direction(null); // the metric decides
  }

  /**
   * Returns the Python to run {@code task}'s solutions with (null for a task in another language):
   * --python, else the one the resumed run recorded, else the first found; one that imports numpy,
   * pandas and scikit-learn when the task has data, else one that runs.
   */
  private @Nullable String choosePython(Task task, @Nullable String recorded) {
    // a repository's commands name their own programs
    if (!task.language().equals(Language.PYTHON) || task.repository() != null) return null;
    Pythons.Need need =
        task.dataDir() != null ? Pythons.Need.SCIENTIFIC : Pythons.Need.STANDARD_LIBRARY;
    try {
      return Pythons.find(python, recorded, environment, need);
    } catch (IllegalStateException e) {
      throw new SetupException(e.getMessage());
    }
  }

  /** The LLM the environment configures; empty when it names none (settings that fail throw). */
  private Optional<LlmClientProvider.Configured> configuredLlm() {
    Map<String, String> env = new HashMap<>(environment);
    if (model != null) env.put("AIDE_MODEL", model);
    try {
      return new EnvironmentLlmClientProvider().configure(env);
    } catch (RuntimeException e) {
      throw new SetupException(
          "the LLM settings in the environment cannot be used: "
              + e.getMessage()
              + "\nCheck OPENAI_BASE_URL and ANTHROPIC_BASE_URL (e.g."
              + " OPENAI_BASE_URL=http://localhost:8000/v1), then run again.");
    }
  }

  private LlmClientProvider.Configured llm() {
    Optional<LlmClientProvider.Configured> configured = configuredLlm();
    EnvironmentLlmClientProvider provider = new EnvironmentLlmClientProvider();
    if (configured.isPresent()) return configured.get();
    throw new SetupException(
        String.join(
            "\n",
            "no LLM is configured. Set one of these, then run again:",
            "  export OPENAI_API_KEY=sk-...                     # OpenAI (model gpt-4.1)",
            "  export ANTHROPIC_API_KEY=sk-ant-...              # Anthropic (model"
                + " claude-sonnet-4-5)",
            "  export OPENAI_BASE_URL=http://localhost:8000/v1  # an OpenAI-compatible server"
                + " (vLLM, LM Studio, ...)",
            "  ollama serve && export AIDE_MODEL=qwen2.5-coder  # a local Ollama on port 11434",
            "  export AIDE_MODEL=...                            # optional: the model to use",
            "What was tried: " + provider.requirements()));
  }

  /**
   * The Slurm settings: the options given now, else those the resumed run recorded; null for local
   * processes.
   */
  private @Nullable Map<String, String> slurmSettings(RunDirectory.@Nullable Settings recorded) {
    Map<String, String> old = recorded == null ? Map.of() : recorded.properties();
    String kind =
        executorKind != null ? executorKind : old.getOrDefault(EXECUTOR_PROPERTY, "local");
    boolean slurmOptions =
        slurmPartition != null
            || slurmCpus != null
            || slurmMem != null
            || slurmGpus != null
            || !slurmArgs.isEmpty();
    switch (kind.toLowerCase(Locale.ROOT)) {
      case "local":
        if (slurmOptions) throw new UsageException("the --slurm-* options need --executor slurm");
        return null;
      case "slurm":
        break;
      default:
        throw new UsageException("--executor must be local or slurm, was " + kind);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : old.entrySet()) {
      if (e.getKey().startsWith(SLURM_PROPERTY)) {
        settings.put(e.getKey().substring(SLURM_PROPERTY.length()), e.getValue());
      }
    }
    if (slurmPartition != null) settings.put("partition", slurmPartition);
    if (slurmCpus != null) settings.put("cpus", slurmCpus.toString());
    if (slurmMem != null) settings.put("mem", slurmMem);
    if (slurmGpus != null) settings.put("gpus", slurmGpus.toString());
    if (!slurmArgs.isEmpty()) settings.put("args", String.join("\n", slurmArgs));
    return settings;
  }

  private Executor slurmExecutor(
      @Nullable String pythonPath, Map<String, String> settings, Task task) {
    SlurmExecutor.Builder b = SlurmExecutor.builder();
    if (pythonPath != null) b.interpreter("python3", pythonPath);
    if (runAs != null) b.runAs(runAs);
    // the sandbox on the compute node (probed by one job); GPUs there only without it
    boolean withGpus = settings.get("gpus") != null && !settings.get("gpus").equals("0");
    ProcessExecutor.Sandbox mode = sandboxMode();
    b.sandbox(
        withGpus && mode == ProcessExecutor.Sandbox.BEST_EFFORT
            ? ProcessExecutor.Sandbox.OFF
            : mode);
    if (task.holdout() != null && task.dataDir() != null) b.sandboxHidden(task.dataDir());
    try {
      String partition = settings.get("partition");
      if (partition != null) b.partition(partition);
      String cpus = settings.get("cpus");
      if (cpus != null) b.cpus(Integer.parseInt(cpus));
      String mem = settings.get("mem");
      if (mem != null) b.memory(mem);
      String gpus = settings.get("gpus");
      if (gpus != null) b.gpus(Integer.parseInt(gpus));
      String args = settings.get("args");
      if (args != null) b.sbatchArguments(args.split("\n"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new SetupException(e.getMessage());
    }
  }

  private Executor executor(@Nullable String pythonPath, Task task) {
    ProcessExecutor.Builder b = ProcessExecutor.builder();
    // programs of a task with a holdout read the harness's view of the data, never the original
    if (task.holdout() != null && task.dataDir() != null) b.sandboxHidden(task.dataDir());
    if (pythonPath != null) b.interpreter("python3", pythonPath);
    b.sandbox(sandboxMode());
    for (Path path : sandboxReadable) {
      if (!Files.exists(path))
        throw new UsageException("--sandbox-readable " + path + ": no such file");
    }
    List<Path> readable = new ArrayList<>(sandboxReadable);
    readable.addAll(extraReadable);
    b.sandboxReadable(readable.toArray(Path[]::new));
    b.gpus(gpus);
    if (runAs != null) b.runAs(runAs);
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new SetupException(e.getMessage());
    }
  }

  private ProcessExecutor.Sandbox sandboxMode() {
    switch (sandbox.toLowerCase(Locale.ROOT)) {
      case "off":
        return ProcessExecutor.Sandbox.OFF;
      case "best-effort":
        return ProcessExecutor.Sandbox.BEST_EFFORT;
      case "required":
        return ProcessExecutor.Sandbox.REQUIRED;
      default:
        throw new UsageException("--sandbox must be off, best-effort or required, was " + sandbox);
    }
  }

  /** One line that says how solutions run: in the sandbox or not, and as which user. */
  String protection(ProcessExecutor executor) {
    String user = executor.runsAs();
    String as = user == null ? "" : ", as " + user;
    if (executor.sandboxed()) return "Sandbox: bubblewrap" + as;
    if (sandbox.equalsIgnoreCase("off")) return "Sandbox: off (--sandbox off)" + as;
    return "Sandbox: none, bubblewrap cannot work here (see the warning above)" + as;
  }

  /** The --policy name of a built-in policy, else its description. */
  static String policyName(SearchPolicy policy) {
    if (policy instanceof GreedyPolicy) return "greedy";
    if (policy instanceof MctsPolicy) return "mcts";
    if (policy instanceof EvolutionaryPolicy) return "evolutionary";
    return policy.toString();
  }

  /** The policy a resumed run recorded: a built-in one, which the command line alone makes. */
  private SearchPolicy recordedPolicy(String description) {
    SearchPolicy policy;
    try {
      policy = SearchPolicies.parse(description);
    } catch (IllegalArgumentException e) {
      policy = null;
    }
    if (policy == null) {
      throw new UsageException(
          "--resume "
              + resume
              + ": the run used the policy "
              + description
              + ", which the command line cannot rebuild; pass --policy NAME");
    }
    return policy;
  }

  static SearchPolicy policy(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "greedy":
        return SearchPolicies.greedy();
      case "mcts":
        return SearchPolicies.mcts();
      case "evolutionary":
        return SearchPolicies.evolutionary();
      default:
        throw new UsageException("--policy must be greedy, mcts or evolutionary, was " + name);
    }
  }

  static Direction direction(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "max":
      case "maximize":
        return Direction.MAXIMIZE;
      case "min":
      case "minimize":
        return Direction.MINIMIZE;
      default:
        throw new UsageException("--direction must be max or min, was " + text);
    }
  }

  /**
   * Reads 90s, 10m, 1h, 1h30m, 2d, a number of seconds or an ISO-8601 duration such as PT10M, up to
   * {@link #MAX_TIMEOUT}.
   */
  static Duration duration(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    UsageException tooLarge =
        new UsageException(
            "--timeout " + text + " is too large; the most is 30d (" + MAX_TIMEOUT + ")");
    Duration d;
    if (t.startsWith("P")) {
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        // a well-formed duration that Duration cannot hold is one of absurd size
        if (ISO_DURATION.matcher(t).matches() && t.matches(".*\\d.*")) throw tooLarge;
        throw new UsageException("--timeout must look like 90s, 10m or 1h, was " + text);
      }
    } else {
      String form = t.matches("\\d+") ? t + "S" : t;
      Matcher m = SHORT_DURATION.matcher(form);
      if (form.isEmpty() || !m.matches()) {
        throw new UsageException("--timeout must look like 90s, 10m or 1h, was " + text);
      }
      BigDecimal seconds = BigDecimal.ZERO;
      long[] unit = {86_400, 3_600, 60, 1};
      for (int i = 0; i < unit.length; i++) {
        String group = m.group(i + 1);
        if (group != null) {
          seconds = seconds.add(new BigDecimal(group).multiply(BigDecimal.valueOf(unit[i])));
        }
      }
      if (seconds.compareTo(BigDecimal.valueOf(MAX_TIMEOUT.toSeconds())) > 0) throw tooLarge;
      d = Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
    if (d.compareTo(MAX_TIMEOUT) > 0) throw tooLarge;
    return d;
  }

  /**
   * Returns the first words of a command that runs this program again: {@code ./aide} when started
   * by the {@code aide} script from its own directory, else the script's absolute path; {@code java
   * -jar} with the jar's absolute path when started from a jar; else {@code java -cp} with the
   * class path.
   *
   * @param script the path the {@code aide} script passed in {@value #SCRIPT_PROPERTY}, if any
   * @param codeSource the jar or directory this class was loaded from, if known
   * @param cwd the working directory
   */
  static List<String> launcher(
      @Nullable String script, @Nullable Path codeSource, Path cwd, String classPath) {
    if (script != null && !script.isBlank()) {
      Path path = cwd.resolve(script).toAbsolutePath().normalize();
      Path parent = path.getParent();
      if (parent != null && sameDirectory(parent, cwd)) return List.of("./" + path.getFileName());
      return List.of(path.toString());
    }
    if (codeSource != null && codeSource.toString().endsWith(".jar")) {
      return List.of("java", "-jar", codeSource.toAbsolutePath().normalize().toString());
    }
    return List.of("java", "-cp", classPath, AideCommand.class.getName());
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.equals(b.toAbsolutePath().normalize());
    }
  }

  private static List<String> defaultLauncher() {
    Path codeSource = null;
    try {
      var source = AideCommand.class.getProtectionDomain().getCodeSource();
      if (source != null) codeSource = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      // unknown: the class path form below still runs
    }
    return launcher(
        System.getProperty(SCRIPT_PROPERTY),
        codeSource,
        Path.of(System.getProperty("user.dir", ".")),
        System.getProperty("java.class.path", ""));
  }

  private static Path defaultOutputDir() {
    return Path.of(
        "aide-runs",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
  }

  private void close(@Nullable AutoCloseable recording) {
    if (recording == null) return;
    try {
      recording.close();
    } catch (Exception e) {
      err.println("aide: cannot close the LLM recording: " + redact(e.getMessage()));
    }
  }

  private static String firstNonNull(@Nullable String a, @Nullable String b, String c) {
    return a != null ? a : b != null ? b : c;
  }

  /** Bad options: exit 2 with the message and a pointer to --help. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Something the machine lacks (an LLM, a Python): exit 3 with what to do. */
  static final class SetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SetupException(String message) {
      super(message);
    }
  }
}
