package dev.aide.core;

import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorProvider;
import dev.aide.core.exec.Redactor;
import dev.aide.core.internal.RunStore;
import dev.aide.core.internal.SearchEngine;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmClientProvider;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.search.SearchPolicies;
import dev.aide.core.search.SearchPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Runs AIDE's tree search over code: drafts solutions with an LLM, runs them, has their output
 * reviewed and scored, and keeps debugging and improving the best ones until the steps are spent.
 *
 * <pre>{@code
 * Result result = Aide.optimize(task);            // LLM and executor found on the classpath
 *
 * Result result = Aide.builder()
 *     .coder(llm, "gpt-4.1").reviewer(llm, "gpt-4.1-mini")
 *     .executor(executor)
 *     .steps(50).seed(7)
 *     .outputDir(Path.of("runs/house-prices"))
 *     .listener(event -> System.out.println(event))
 *     .build()
 *     .run(task);
 * }</pre>
 *
 * <p>An {@code Aide} is an immutable configuration and is safe to share; each {@link #run} is an
 * independent search. A run writes {@code run.json}, {@code journal.jsonl}, {@code best/} and the
 * nodes' workspaces to its output directory, and running again with the same output directory and
 * task resumes it.
 */
public final class Aide {
  /** The number of steps (nodes) a search takes unless told otherwise. */
  public static final int DEFAULT_STEPS = 20;

  /** The most workers a search may have; each is a thread with its own LLM calls and runs. */
  public static final int MAX_WORKERS = 256;

  /** The temperature of the coder's and the reviewer's requests unless told otherwise. */
  public static final double DEFAULT_TEMPERATURE = 0.5;

  /** The highest temperature a role may have (OpenAI's limit; Anthropic's is 1). */
  public static final double MAX_TEMPERATURE = 2.0;

  private final LlmClient coder;
  private final String coderModel;
  private final LlmClient reviewer;
  private final String reviewerModel;
  private final Executor executor;
  private final SearchPolicy policy;
  private final SearchEngine.Limits limits;
  private final Map<String, ModelPrice> prices;
  private final int workers;
  private final @Nullable Long seed;
  private final @Nullable Path outputDir;
  private final List<SearchListener> listeners;
  private final Map<String, String> properties;
  private final Clock clock;
  private final RunStore.JournalOpener journalOpener;
  private final Redactor redactor;
  private final @Nullable Double reproduceTolerance;
  private final SearchEngine.Sampling sampling;
  private final @Nullable Task resumedTask;

  private Aide(Builder b, LlmClient coder, String coderModel, Executor executor) {
    this.coder = coder;
    this.coderModel = coderModel;
    this.reviewer = b.reviewer != null ? b.reviewer : coder;
    this.reviewerModel = b.reviewerModel != null ? b.reviewerModel : coderModel;
    this.executor = executor;
    this.policy = b.policy;
    this.limits =
        new SearchEngine.Limits(
            b.steps,
            b.tokenBudget,
            b.costBudget,
            b.timeLimit,
            b.targetMetric,
            b.maxConsecutiveFailures);
    this.prices = Map.copyOf(b.prices);
    this.workers = b.workers;
    this.seed = b.seed;
    this.outputDir = b.outputDir;
    this.listeners = List.copyOf(b.listeners);
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    this.clock = b.clock;
    this.journalOpener = b.journalOpener;
    this.redactor = Redactor.ofEnvironment(b.environment).with(b.secrets);
    this.sampling =
        new SearchEngine.Sampling(b.coderTemperature, b.reviewerTemperature, b.maxOutputTokens);
    this.resumedTask = b.resumedTask;
    this.reproduceTolerance = b.reproduceTolerance;
  }

  /**
   * Searches for a solution to {@code task} with the defaults: the LLM client and executor found
   * through {@link ServiceLoader} (add aide-llm and aide-exec to the classpath), {@value
   * #DEFAULT_STEPS} steps, the greedy policy, and a new directory under {@code aide-runs/}.
   *
   * @throws AideException if no LLM client or executor is configured (the message says what to add
   *     or set), or the search had to stop
   */
  public static Result optimize(Task task) {
    return builder().build().run(task);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder preset to resume the run in {@code dir} with everything its {@code run.json}
   * records (task, models, limits, steps, workers, seed, prices, properties, sampling settings, a
   * built-in policy); give it an LLM client and an executor (else they are found through {@link
   * ServiceLoader}), change what you like, and call {@link #run()}. The same as {@code
   * RunDirectory.open(dir).resume()}; see {@link RunDirectory#resume()}.
   *
   * <pre>{@code
   * Result result = Aide.resume(Path.of("runs/house-prices"))
   *     .executor(executor)
   *     .steps(40)
   *     .build()
   *     .run();
   * }</pre>
   *
   * @throws AideException if {@code dir} is not a run's output directory or its run.json cannot be
   *     read; see {@link RunDirectory#open}
   */
  public static Builder resume(Path dir) {
    return RunDirectory.open(dir).resume();
  }

  /**
   * Resumes the run this configuration was made for by {@link #resume(Path)} (or {@link
   * RunDirectory#resume()}) with its recorded task; see {@link #run(Task)}.
   *
   * @throws IllegalStateException if this configuration was not made to resume a run
   * @throws AideException as {@link #run(Task)} does
   */
  public Result run() {
    return start().await();
  }

  /**
   * Starts resuming the run this configuration was made for by {@link #resume(Path)}, in the
   * background; see {@link #start(Task)}.
   *
   * @throws IllegalStateException if this configuration was not made to resume a run
   * @throws AideException as {@link #start(Task)} does
   */
  public Search start() {
    Task task = resumedTask;
    if (task == null) {
      throw new IllegalStateException(
          "this Aide resumes no run: pass the task to run(task), or make the builder with"
              + " Aide.resume(dir)");
    }
    return start(task);
  }

  /**
   * Searches for a solution to {@code task} and returns what it found. Interrupting the calling
   * thread cancels the search: it then returns with stop reason {@link StopReason#CANCELLED}.
   *
   * @throws AideException if the output directory holds a run of another task or of another metric
   *     direction, or an error that no later step could avoid (bad credentials, a missing
   *     interpreter, the same persistent LLM or execution failure several times in a row: see
   *     {@link AideException#stopReason()}) stopped the search; the nodes finished by then are on
   *     disk and running again resumes
   */
  public Result run(Task task) {
    return start(task).await();
  }

  /**
   * Starts searching for a solution to {@code task} in the background and returns at once, after
   * the output directory has been opened (or resumed).
   *
   * @throws AideException if the output directory holds a run of another task or cannot be written
   */
  public Search start(Task task) {
    Objects.requireNonNull(task, "task");
    Path dir = outputDir != null ? outputDir : defaultOutputDir();
    return new Search(
        new SearchEngine(
            new SearchEngine.Config(
                task,
                coder,
                coderModel,
                reviewer,
                reviewerModel,
                executor,
                policy,
                limits,
                prices,
                workers,
                seed,
                dir.toAbsolutePath().normalize(),
                listeners,
                clock,
                properties,
                redactor,
                sampling,
                reproduceTolerance),
            journalOpener));
  }

  private static Path defaultOutputDir() {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    return Path.of("aide-runs", stamp);
  }

  /** Configures an {@link Aide}. Not safe for use by several threads at once. */
  public static final class Builder {
    private @Nullable LlmClient coder;
    private @Nullable String coderModel;
    private @Nullable LlmClient reviewer;
    private @Nullable String reviewerModel;
    private @Nullable Executor executor;
    private SearchPolicy policy = SearchPolicies.greedy();
    private int steps = DEFAULT_STEPS;
    private @Nullable Long tokenBudget;
    private @Nullable Double costBudget;
    private @Nullable Duration timeLimit;
    private @Nullable Double targetMetric;
    private @Nullable Integer maxConsecutiveFailures;
    private double coderTemperature = DEFAULT_TEMPERATURE;
    private double reviewerTemperature = DEFAULT_TEMPERATURE;
    private @Nullable Integer maxOutputTokens;
    private @Nullable Double reproduceTolerance;
    private final Map<String, ModelPrice> prices = new HashMap<>();
    private int workers = 1;
    private @Nullable Long seed;
    private @Nullable Path outputDir;
    private final List<SearchListener> listeners = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();
    private Map<String, String> environment = System.getenv();
    private Clock clock = Clock.systemUTC();
    private RunStore.JournalOpener journalOpener = RunStore.JournalOpener.FILES;
    private @Nullable Task resumedTask;

    private Builder() {}

    /**
     * Presets the task and models of a run being resumed: {@link Aide#run()} runs the task, and an
     * LLM client found through {@link ServiceLoader} gets the recorded models instead of its own
     * default; {@link #coder} and {@link #reviewer} replace them.
     */
    Builder resuming(Task task, String coderModel, String reviewerModel) {
      this.resumedTask = Objects.requireNonNull(task, "task");
      this.coderModel = requireModel(coderModel);
      this.reviewerModel = requireModel(reviewerModel);
      return this;
    }

    /** Sets the client and model that write code. Unset: found through {@link ServiceLoader}. */
    public Builder coder(LlmClient client, String model) {
      this.coder = Objects.requireNonNull(client, "client");
      this.coderModel = requireModel(model);
      return this;
    }

    /** Sets the client and model that review runs. Unset: the coder's. */
    public Builder reviewer(LlmClient client, String model) {
      this.reviewer = Objects.requireNonNull(client, "client");
      this.reviewerModel = requireModel(model);
      return this;
    }

    /** Sets what runs the code. Unset: found through {@link ServiceLoader}. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the search policy. Default {@link SearchPolicies#greedy()}. */
    public Builder policy(SearchPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how many nodes the journal holds when the search ends, counting those of a resumed run;
     * at least 1. Default {@value #DEFAULT_STEPS}.
     */
    public Builder steps(int steps) {
      if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, was " + steps);
      this.steps = steps;
      return this;
    }

    /**
     * Stops the search once its nodes have spent {@code tokens} input and output tokens, counting
     * those of a resumed run. Nodes in flight when the budget is reached are finished, so the total
     * may pass it by what they spend. Unset: no token budget.
     */
    public Builder tokenBudget(long tokens) {
      if (tokens < 1) throw new IllegalArgumentException("tokenBudget must be >= 1, was " + tokens);
      this.tokenBudget = tokens;
      return this;
    }

    /**
     * Stops the search once its nodes have cost {@code dollars}, counting those of a resumed run,
     * at the prices given with {@link #price}. Nodes in flight when the budget is reached are
     * finished, so the total may pass it by what they cost. Unset: no cost budget.
     */
    public Builder costBudget(double dollars) {
      if (!(dollars > 0) || Double.isInfinite(dollars)) {
        throw new IllegalArgumentException(
            "costBudget must be positive and finite, was " + dollars);
      }
      this.costBudget = dollars;
      return this;
    }

    /**
     * Cancels the search once it has run for {@code limit} (counted from this run's start, not a
     * resumed run's first); nodes in flight then are abandoned. Unset: no time limit.
     */
    public Builder timeLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("timeLimit must be positive, was " + limit);
      }
      this.timeLimit = limit;
      return this;
    }

    /**
     * Cancels the search once the best node's metric reaches {@code target} (at least it when
     * larger is better, at most it when smaller is); nodes in flight then are abandoned. Unset: no
     * target.
     */
    public Builder targetMetric(double target) {
      if (!Double.isFinite(target)) {
        throw new IllegalArgumentException("targetMetric must be finite, was " + target);
      }
      this.targetMetric = target;
      return this;
    }

    /**
     * Ends the search once {@code count} nodes in a row were buggy, as when the LLM or the
     * environment keeps failing; nodes in flight then are finished. Recorded in {@code run.json} as
     * {@code maxConsecutiveFailures}. Unset: no limit.
     */
    public Builder maxConsecutiveFailures(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("maxConsecutiveFailures must be >= 1, was " + count);
      }
      this.maxConsecutiveFailures = count;
      return this;
    }

    /**
     * Sets the sampling temperature of the coder's requests, from 0 to {@value #MAX_TEMPERATURE}:
     * lower gives more predictable code, higher more varied drafts. Default {@value
     * #DEFAULT_TEMPERATURE}, as the reference agent uses. Recorded in {@code run.json} as {@code
     * coderTemperature}. A reasoning model (o1, o3, o4, gpt-5) takes no temperature: its client
     * leaves it out of the request.
     *
     * @throws IllegalArgumentException if {@code temperature} is not from 0 to {@value
     *     #MAX_TEMPERATURE}
     */
    public Builder coderTemperature(double temperature) {
      this.coderTemperature = requireTemperature("coderTemperature", temperature);
      return this;
    }

    /**
     * Sets the sampling temperature of the reviewer's requests (the reviews and the question of the
     * metric's direction), from 0 to {@value #MAX_TEMPERATURE}. Default {@value
     * #DEFAULT_TEMPERATURE}, as the reference agent uses. Recorded in {@code run.json} as {@code
     * reviewerTemperature}. A reasoning model takes no temperature: its client leaves it out.
     *
     * @throws IllegalArgumentException if {@code temperature} is not from 0 to {@value
     *     #MAX_TEMPERATURE}
     */
    public Builder reviewerTemperature(double temperature) {
      this.reviewerTemperature = requireTemperature("reviewerTemperature", temperature);
      return this;
    }

    /**
     * Limits every answer of the coder and the reviewer to {@code tokens} output tokens (a
     * reasoning model's hidden reasoning included); a coder's answer cut off at the limit is asked
     * for again. Recorded in {@code run.json} as {@code maxOutputTokens}. Unset: the provider's
     * default (the Anthropic client's {@code defaultMaxTokens}).
     *
     * @throws IllegalArgumentException if {@code tokens} is less than 1
     */
    public Builder maxOutputTokens(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("maxOutputTokens must be >= 1, was " + tokens);
      }
      this.maxOutputTokens = tokens;
      return this;
    }

    /**
     * Runs the best node once more when the search ends, in a fresh workspace, and checks that its
     * metric comes back within {@code tolerance} (an absolute difference, e.g. 0.01 for an AUC).
     * The outcome is in {@link Result#reproduction()}, {@code run.json} ({@code reproduction}) and
     * report.md, reproduced or not; it does not change the best node. The new run's metric is the
     * harness's score where the task has a {@link Task#holdout() holdout} or {@link Task#scorer()
     * scorer}, else what the task's {@link MetricReader} reads; a task with neither is refused when
     * the search starts.
     *
     * @throws IllegalArgumentException if {@code tolerance} is negative or not a number
     */
    public Builder reproduceBest(double tolerance) {
      if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
        throw new IllegalArgumentException(
            "reproduceBest's tolerance must be a number >= 0, was " + tolerance);
      }
      this.reproduceTolerance = tolerance;
      return this;
    }

    /** Sets what {@code model}'s tokens cost, for {@link Node#cost()} and {@link #costBudget}. */
    public Builder price(String model, ModelPrice price) {
      this.prices.put(requireModel(model), Objects.requireNonNull(price, "price"));
      return this;
    }

    /**
     * Sets how many nodes are worked on at once: from 1 to {@value #MAX_WORKERS}. Default 1. A
     * search never starts more workers than it has steps left.
     */
    public Builder workers(int workers) {
      if (workers < 1 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException(
            "workers must be from 1 to " + MAX_WORKERS + ", was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Sets the seed of the search's random choices. Unset: a random seed, recorded in {@code
     * run.json} and reused when the run is resumed.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets the directory the run writes to; a directory that holds a run of the same task is
     * resumed. Unset: a new directory under {@code aide-runs/} for each run.
     */
    public Builder outputDir(Path outputDir) {
      this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
      return this;
    }

    /** Adds a listener for the search's events. */
    public Builder listener(SearchListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Records {@code value} under {@code name} in the "properties" object of the settings in {@code
     * run.json}, for the caller to read back when resuming (the command line records the Python it
     * chose). Recorded when the run starts, not when it is resumed; run.json is plain text, so
     * never record a secret here. Setting a name again replaces its value.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder property(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) throw new IllegalArgumentException("property name must not be blank");
      this.properties.put(name, value);
      return this;
    }

    /**
     * Adds secrets to cut out of what programs print, as {@code [redacted]}, before it reaches the
     * journal, the LLM's prompts and the reports: an API key or password given in code rather than
     * through the environment. The values of the environment's secret-looking variables ({@code
     * *_KEY}, {@code *TOKEN*}, {@code *SECRET*}, {@code *PASSWORD*}, ...) and the passwords of URLs
     * in it are cut out anyway; see {@link Redactor}. Values shorter than {@value
     * Redactor#MIN_LENGTH} characters are not taken for secrets.
     */
    public Builder redact(String... values) {
      for (String value : values) secrets.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the environment providers read and whose secrets are redacted; the process environment
     * by default. For tests.
     */
    Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Sets the clock for timestamps. For tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets how the journal file is opened for appending. For tests that inject I/O faults. */
    Builder journalOpener(RunStore.JournalOpener opener) {
      this.journalOpener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /**
     * Returns the configuration, finding an LLM client and an executor through {@link
     * ServiceLoader} where none was set.
     *
     * @throws AideException if no LLM client or executor is set or found; the message lists what
     *     was tried and says which module to add or which builder method to call
     */
    public Aide build() {
      LlmClient client = coder;
      String model = coderModel;
      if (client == null) {
        LlmClientProvider.Configured found = findLlm(environment);
        client = found.client();
        if (model == null) model = found.model();
      }
      Executor exec = executor != null ? executor : findExecutor();
      if (costBudget != null) {
        String reviewing = reviewerModel != null ? reviewerModel : model;
        for (String used : List.of(model, reviewing)) {
          if (!prices.containsKey(used)) {
            throw new AideException(
                "costBudget needs the price of model "
                    + used
                    + ": call Aide.builder().price(\""
                    + used
                    + "\", new ModelPrice(input, output, cachedInput))");
          }
        }
      }
      return new Aide(this, client, model, exec);
    }

    private static double requireTemperature(String name, double temperature) {
      if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
        throw new IllegalArgumentException(
            name + " must be from 0 to " + MAX_TEMPERATURE + ", was " + temperature);
      }
      return temperature;
    }

    private static String requireModel(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) throw new IllegalArgumentException("model must not be blank");
      return model;
    }

    private static LlmClientProvider.Configured findLlm(Map<String, String> environment) {
      List<String> tried = new ArrayList<>();
      try {
        for (LlmClientProvider provider : ServiceLoader.load(LlmClientProvider.class)) {
          Optional<LlmClientProvider.Configured> configured = provider.configure(environment);
          if (configured.isPresent()) return configured.get();
          tried.add(provider.requirements());
        }
      } catch (ServiceConfigurationError | RuntimeException e) {
        throw new AideException("Could not load an LLM client provider: " + e.getMessage(), e);
      }
      if (tried.isEmpty()) {
        throw new AideException(
            "No LLM client is configured. Add the module dev.aide:aide-llm to the classpath and"
                + " set OPENAI_API_KEY or ANTHROPIC_API_KEY, or pass a client with"
                + " Aide.builder().coder(client, model).");
      }
      throw new AideException(
          "No LLM client is configured. Tried:\n  - "
              + String.join("\n  - ", tried)
              + "\nOr pass a client with Aide.builder().coder(client, model).");
    }

    private static Executor findExecutor() {
      try {
        for (ExecutorProvider provider : ServiceLoader.load(ExecutorProvider.class)) {
          return provider.create();
        }
      } catch (ServiceConfigurationError | RuntimeException e) {
        throw new AideException("Could not create the default executor: " + e.getMessage(), e);
      }
      throw new AideException(
          "No executor is configured. Add the module dev.aide:aide-exec to the classpath, or pass"
              + " one with Aide.builder().executor(executor).");
    }
  }
}
