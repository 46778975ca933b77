package dev.aide.core;

import dev.aide.core.internal.RunFiles;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetrics;
import dev.aide.core.search.SearchPolicies;
import dev.aide.core.search.SearchPolicy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output directory of a run, read back: the task and settings its {@code run.json} records, the
 * library version that wrote it, and its journal.
 *
 * <pre>{@code
 * RunDirectory run = RunDirectory.open(Path.of("runs/house-prices"));
 * System.out.println(run.task().goal() + ": " + run.journal().size() + " nodes");
 *
 * Result more = run.resume()          // or Aide.resume(dir): everything recorded, preset
 *     .coder(llm, run.settings().coderModel())
 *     .executor(executor)
 *     .steps(run.settings().steps() + 10)
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Opening reads the files once and changes nothing, so a directory may be opened while a search
 * writes to it (its journal is then the nodes finished by that time). Instances are immutable and
 * safe to share.
 */
public final class RunDirectory {
  private static final Logger log = LoggerFactory.getLogger(RunDirectory.class);

  private final Path dir;
  private final int format;
  private final Task task;
  private final @Nullable String customMetricReader;
  private final @Nullable String customScorer;
  private final Settings settings;
  private final String libraryVersion;
  private final @Nullable Instant startedAt;
  private final @Nullable DirectionDecision directionDecision;
  private final Journal journal;

  private RunDirectory(
      Path dir,
      int format,
      Task task,
      @Nullable String customMetricReader,
      @Nullable String customScorer,
      Settings settings,
      String libraryVersion,
      @Nullable Instant startedAt,
      @Nullable DirectionDecision directionDecision,
      Journal journal) {
    this.dir = dir;
    this.format = format;
    this.task = task;
    this.customMetricReader = customMetricReader;
    this.customScorer = customScorer;
    this.settings = settings;
    this.libraryVersion = libraryVersion;
    this.startedAt = startedAt;
    this.directionDecision = directionDecision;
    this.journal = journal;
  }

  /**
   * The settings of a search as {@code run.json} records them.
   *
   * @param coderModel the model that wrote code
   * @param reviewerModel the model that reviewed runs
   * @param policy the policy's description ({@code toString()}), e.g. {@code GreedyPolicy{...}}
   * @param steps the nodes the journal was to hold when the search ended
   * @param tokenBudget the token budget, or null for none
   * @param costBudget the cost budget in dollars, or null for none
   * @param timeLimit the wall-clock limit, or null for none
   * @param targetMetric the metric at which the search was to stop, or null for none
   * @param maxConsecutiveFailures the buggy nodes in a row that were to end it, or null for no
   *     limit
   * @param workers the nodes worked on at once
   * @param seed the seed of the search's random choices
   * @param prices the models' prices (empty when none was given)
   * @param properties what the caller recorded with {@link Aide.Builder#property}
   * @param coderTemperature the temperature of the coder's requests, or null when run.json does not
   *     record one (written before it was recorded)
   * @param reviewerTemperature the temperature of the reviewer's requests, or null when run.json
   *     does not record one
   * @param maxOutputTokens the output-token limit of every request, or null for none
   */
  public record Settings(
      String coderModel,
      String reviewerModel,
      String policy,
      int steps,
      @Nullable Long tokenBudget,
      @Nullable Double costBudget,
      @Nullable Duration timeLimit,
      @Nullable Double targetMetric,
      @Nullable Integer maxConsecutiveFailures,
      int workers,
      long seed,
      Map<String, ModelPrice> prices,
      Map<String, String> properties,
      @Nullable Double coderTemperature,
      @Nullable Double reviewerTemperature,
      @Nullable Integer maxOutputTokens) {
    public Settings {
      Objects.requireNonNull(coderModel, "coderModel");
      Objects.requireNonNull(reviewerModel, "reviewerModel");
      Objects.requireNonNull(policy, "policy");
      prices = Map.copyOf(prices);
      properties = Map.copyOf(properties);
    }

    /** Settings without sampling settings, as run.json recorded them before it had them. */
    public Settings(
        String coderModel,
        String reviewerModel,
        String policy,
        int steps,
        @Nullable Long tokenBudget,
        @Nullable Double costBudget,
        @Nullable Duration timeLimit,
        @Nullable Double targetMetric,
        @Nullable Integer maxConsecutiveFailures,
        int workers,
        long seed,
        Map<String, ModelPrice> prices,
        Map<String, String> properties) {
      this(
          coderModel,
          reviewerModel,
          policy,
          steps,
          tokenBudget,
          costBudget,
          timeLimit,
          targetMetric,
          maxConsecutiveFailures,
          workers,
          seed,
          prices,
          properties,
          null,
          null,
          null);
    }
  }

  /**
   * How the metric's direction was settled before the first node, as {@code run.json}'s {@code
   * metricDirection} records it.
   *
   * @param direction the direction
   * @param decidedBy who decided, e.g. the reviewer's model
   * @param reason why, in the decider's words
   */
  public record DirectionDecision(Direction direction, String decidedBy, String reason) {
    public DirectionDecision {
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(decidedBy, "decidedBy");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Reads the run in {@code dir}: its {@code run.json} and {@code journal.jsonl} (unreadable
   * journal lines are skipped with a warning, as when resuming).
   *
   * @throws AideException if {@code dir} holds no {@code run.json} (it is not a run's output
   *     directory), run.json cannot be read or a field of it holds what it should not (the message
   *     names the file and the field, e.g. {@code task.timeout}), run.json was written by a newer
   *     version in a format this one cannot read, or the task's data directory no longer exists
   */
  public static RunDirectory open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path absolute = dir.toAbsolutePath().normalize();
    Path file = runFile(absolute);
    Map<String, @Nullable Object> run = RunFiles.read(file);
    Fields top = new Fields(file, "", run);
    int format = RunFiles.format(run);
    Fields taskFields = top.object("task");
    MetricReader reader = null;
    String custom = taskFields.text("customMetricReader");
    String spec = taskFields.text("metricReader");
    if (spec != null) {
      try {
        reader = MetricReader.parse(spec);
      } catch (IllegalArgumentException e) {
        // format 1 recorded a reader of the user's own by its toString()
        custom = spec;
      }
    }
    String customScorer = taskFields.text("scorer");
    Holdout holdout = null;
    if (taskFields.map.get("holdout") != null) {
      Fields h = taskFields.object("holdout");
      String target = h.required(h.text("target"), "target");
      String metric = h.required(h.text("metric"), "metric");
      if (Boolean.TRUE.equals(h.map.get("customMetric"))) {
        customScorer = "a holdout of " + target + " scored with a metric of its own, " + metric;
      } else {
        try {
          Holdout.Builder b = Holdout.builder(target, ScoreMetrics.named(metric)).id(h.text("id"));
          Double fraction = h.decimal("fraction");
          if (fraction != null) b.fraction(fraction);
          Long seed = h.whole("seed");
          if (seed != null) b.seed(seed);
          String submission = h.text("submission");
          if (submission != null) b.submission(submission);
          holdout = b.trainFile(h.text("trainFile")).testFile(h.text("testFile")).build();
        } catch (IllegalArgumentException e) {
          throw h.error("metric", "is not usable: " + e.getMessage());
        }
      }
    }
    Task task = task(taskFields, reader, holdout);
    Settings settings = settings(top);
    String version = top.text("libraryVersion");
    Instant startedAt = top.instant("startedAt");
    DirectionDecision decision = null;
    if (run.get("metricDirection") != null) {
      Fields d = top.object("metricDirection");
      decision =
          new DirectionDecision(
              d.required(d.direction("direction"), "direction"),
              d.required(d.text("decidedBy"), "decidedBy"),
              d.required(d.text("reason"), "reason"));
    }
    Journal journal = RunFiles.readJournal(absolute).readOnlyView();
    return new RunDirectory(
        absolute,
        format,
        task,
        custom,
        customScorer,
        settings,
        version == null ? "unknown" : version,
        startedAt,
        decision,
        journal);
  }

  /**
   * Reads only the settings of the run in {@code dir}: the models, steps, seed and the rest of
   * {@link Settings}, without rebuilding its task. Unlike {@link #open}, it works where the task
   * could not be rebuilt, for instance on another machine that lacks the run's data directory: what
   * a recording of the run needs to be replayed there.
   *
   * @throws AideException if {@code dir} holds no {@code run.json}, it cannot be read, it was
   *     written in a newer format, or a field of its settings holds what it should not
   */
  public static Settings readSettings(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path file = runFile(dir.toAbsolutePath().normalize());
    Map<String, @Nullable Object> run = RunFiles.read(file);
    RunFiles.format(run); // refuses a newer format
    return settings(new Fields(file, "", run));
  }

  private static Path runFile(Path absolute) {
    Path file = absolute.resolve(RunFiles.RUN_FILE);
    if (!Files.isRegularFile(file)) {
      throw new AideException(
          absolute
              + " is not a run's output directory: it holds no "
              + RunFiles.RUN_FILE
              + (Files.isDirectory(absolute) ? "" : " (the directory does not exist)")
              + ". Name the directory a search wrote (Aide.Builder.outputDir).");
    }
    return file;
  }

  private static Settings settings(Fields top) {
    Fields s = top.object("settings");
    return new Settings(
        s.required(s.text("coderModel"), "coderModel"),
        s.required(s.text("reviewerModel"), "reviewerModel"),
        s.required(s.text("policy"), "policy"),
        s.required(s.integer("steps"), "steps"),
        s.whole("tokenBudget"),
        s.decimal("costBudget"),
        s.duration("timeLimit"),
        s.decimal("targetMetric"),
        s.integer("maxConsecutiveFailures"),
        s.required(s.integer("workers"), "workers"),
        s.required(s.whole("seed"), "seed"),
        prices(s),
        properties(s),
        s.decimal("coderTemperature"),
        s.decimal("reviewerTemperature"),
        s.integer("maxOutputTokens"));
  }

  /** The directory, absolute. */
  public Path dir() {
    return dir;
  }

  /**
   * The format of its {@code run.json}: 1 for files written before the format was recorded, which
   * record a language by its name only and the timeout in whole seconds.
   */
  public int format() {
    return format;
  }

  /**
   * The task, with everything run.json records of it. A metric reader of the user's own cannot be
   * rebuilt: the task then has none, and {@link #customMetricReader()} describes the one the run
   * had.
   */
  public Task task() {
    return task;
  }

  /**
   * The {@code toString()} of the run's metric reader when it was one of the user's own (without a
   * {@link MetricReader#spec()}), which {@link #task()} lacks; null when the run had none or a
   * built-in one. Set it again with {@code task().newBuilder().metricReader(...)}.
   */
  public @Nullable String customMetricReader() {
    return customMetricReader;
  }

  /**
   * What the run's harness scorer was when {@link #task()} cannot have it: a {@link
   * dev.aide.core.score.Scorer} of the user's, or a holdout scored with a metric of the user's own;
   * null when the run had none or a holdout with a built-in metric (which the task has). Set it
   * again with {@code task().newBuilder().scorer(...)} or {@code .holdout(...)}.
   */
  public @Nullable String customScorer() {
    return customScorer;
  }

  /** The settings the search recorded when it started. */
  public Settings settings() {
    return settings;
  }

  /** The version of the library that started the run, or "unknown". */
  public String libraryVersion() {
    return libraryVersion;
  }

  /** When the run started, or null when run.json does not say. */
  public @Nullable Instant startedAt() {
    return startedAt;
  }

  /**
   * How the metric's direction was settled before the first node, or null when it was not (the task
   * set it, or the reviewer could not be asked).
   */
  public @Nullable DirectionDecision directionDecision() {
    return directionDecision;
  }

  /** The nodes finished when the directory was opened, read-only. */
  public Journal journal() {
    return journal;
  }

  /**
   * Returns a builder preset to resume this run: its output directory, task, models, limits, steps,
   * workers, seed, prices, properties, sampling settings (a run.json without them leaves the
   * builder's defaults), and its policy when it is a built-in one, with all its settings ({@link
   * SearchPolicies#parse}; a policy of your own is recorded only by its {@code toString()}: pass it
   * again with {@link Aide.Builder#policy}). The caller gives an LLM client and an executor (else
   * they are found through {@link java.util.ServiceLoader}, with the recorded models), may change
   * any setting, and runs with {@link Aide#run()}.
   *
   * @throws AideException if a recorded sampling setting is out of its range (the message names
   *     run.json and the setting)
   */
  public Aide.Builder resume() {
    Aide.Builder b = Aide.builder().resuming(task, settings.coderModel(), settings.reviewerModel());
    b.outputDir(dir).steps(settings.steps()).workers(settings.workers()).seed(settings.seed());
    if (settings.tokenBudget() != null) b.tokenBudget(settings.tokenBudget());
    if (settings.costBudget() != null) b.costBudget(settings.costBudget());
    if (settings.timeLimit() != null) b.timeLimit(settings.timeLimit());
    if (settings.targetMetric() != null) b.targetMetric(settings.targetMetric());
    if (settings.maxConsecutiveFailures() != null) {
      b.maxConsecutiveFailures(settings.maxConsecutiveFailures());
    }
    settings.prices().forEach(b::price);
    settings.properties().forEach(b::property);
    try {
      if (settings.coderTemperature() != null) b.coderTemperature(settings.coderTemperature());
      if (settings.reviewerTemperature() != null) {
        b.reviewerTemperature(settings.reviewerTemperature());
      }
      if (settings.maxOutputTokens() != null) b.maxOutputTokens(settings.maxOutputTokens());
    } catch (IllegalArgumentException e) {
      throw new AideException(dir.resolve(RunFiles.RUN_FILE) + ": " + e.getMessage(), e);
    }
    SearchPolicy policy = builtInPolicy(settings.policy());
    if (policy != null) {
      b.policy(policy);
    } else {
      log.warn(
          "The run in {} used the policy {}, which cannot be rebuilt from {}: resuming with {}"
              + " unless Aide.Builder.policy(...) sets it",
          dir,
          settings.policy(),
          RunFiles.RUN_FILE,
          SearchPolicies.greedy());
    }
    return b;
  }

  @Override
  public String toString() {
    return "RunDirectory{" + dir + ", " + task + ", " + journal.size() + " nodes}";
  }

  private static @Nullable SearchPolicy builtInPolicy(String description) {
    try {
      return SearchPolicies.parse(description);
    } catch (IllegalArgumentException e) {
      log.warn("{}", e.getMessage());
      return null;
    }
  }

  /** The repository run.json recorded ({@code task.repository}). */
  private static Repository repository(Fields r) {
    Path source = Path.of(r.required(r.text("source"), "source"));
    String commit = r.text("commit");
    List<String> edit = r.texts("edit");
    List<String> exclude = r.texts("exclude");
    try {
      Repository.Builder b =
          commit == null ? Repository.directory(source) : Repository.git(source, commit);
      if (edit != null) b.edit(edit.toArray(String[]::new));
      if (exclude != null) b.exclude(exclude.toArray(String[]::new));
      return b.buildStep(r.text("buildStep"))
          .gate(r.text("gate"))
          .eval(r.required(r.text("eval"), "eval"))
          .branch(r.text("branch"))
          .build();
    } catch (IllegalArgumentException e) {
      throw r.error("edit", "is not usable: " + e.getMessage());
    }
  }

  private static Task task(Fields t, @Nullable MetricReader reader, @Nullable Holdout holdout) {
    Task.Builder b =
        Task.builder()
            .goal(t.required(t.text("goal"), "goal"))
            .evaluation(t.text("evaluation"))
            .direction(t.direction("direction"))
            .startingSolution(t.text("startingSolution"))
            .instructions(t.text("instructions"))
            .language(language(t))
            .metricReader(reader)
            .expectedOutput(t.text("expectedOutput"))
            .holdout(holdout);
    Duration timeout = t.duration("timeout");
    if (timeout == null) {
      Long seconds = t.whole("timeoutSeconds");
      if (seconds != null) timeout = Duration.ofSeconds(seconds);
    }
    if (timeout != null) b.timeout(timeout);
    String data = t.text("dataDir");
    if (data != null) b.dataDir(Path.of(data));
    if (t.map.get("repository") != null) b.repository(repository(t.object("repository")));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // Task.Builder's messages start with the name of the setting they are about
      String message = String.valueOf(e.getMessage());
      String field = message.split(" ", 2)[0];
      if (field.equals("timeout") && t.map.get("timeout") == null) field = "timeoutSeconds";
      throw t.error(field, "is not usable: " + message);
    }
  }

  private static Language language(Fields t) {
    Object value = t.map.get("language");
    if (value == null) return Language.PYTHON;
    if (value instanceof String name) {
      for (Language known : List.of(Language.PYTHON, Language.JAVA, Language.BASH)) {
        if (known.name().equals(name)) return known;
      }
      throw t.error(
          "language",
          "names the language \""
              + name
              + "\", which is not built in, and run.json of format 1 records only its name; write the"
              + " language's fileName, command and fenceTags into the field as an object");
    }
    Fields l = t.object("language");
    try {
      return new Language(
          l.required(l.text("name"), "name"),
          l.required(l.text("fileName"), "fileName"),
          l.required(l.texts("command"), "command"),
          l.required(l.texts("fenceTags"), "fenceTags"));
    } catch (IllegalArgumentException e) {
      throw t.error("language", "is not usable: " + e.getMessage());
    }
  }

  private static Map<String, ModelPrice> prices(Fields s) {
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    if (s.map.get("prices") == null) return prices;
    Fields all = s.object("prices");
    for (Object key : all.map.keySet()) {
      String model = String.valueOf(key);
      Fields p = all.object(model);
      try {
        prices.put(
            model,
            new ModelPrice(
                p.required(p.decimal("inputPerMillion"), "inputPerMillion"),
                p.required(p.decimal("outputPerMillion"), "outputPerMillion"),
                p.required(p.decimal("cachedInputPerMillion"), "cachedInputPerMillion")));
      } catch (IllegalArgumentException e) {
        throw all.error(model, "is not usable: " + e.getMessage());
      }
    }
    return prices;
  }

  private static Map<String, String> properties(Fields s) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (s.map.get("properties") == null) return properties;
    Fields all = s.object("properties");
    for (Object key : all.map.keySet()) {
      String name = String.valueOf(key);
      properties.put(name, all.required(all.text(name), name));
    }
    return properties;
  }

  /** The fields of one JSON object of run.json, read with the type each should have. */
  private static final class Fields {
    final Path file;
    final String path;
    final Map<?, ?> map;

    Fields(Path file, String path, Map<?, ?> map) {
      this.file = file;
      this.path = path;
      this.map = map;
    }

    AideException error(String field, String problem) {
      return new AideException(file + ": field '" + path + field + "' " + problem);
    }

    private AideException wrongType(String field, String expected, Object value) {
      String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
      return error(field, "should be " + expected + ", was " + shown);
    }

    <T> T required(@Nullable T value, String field) {
      if (value == null) throw error(field, "is missing");
      return value;
    }

    Fields object(String field) {
      Object value = map.get(field);
      if (value == null) throw error(field, "is missing");
      if (!(value instanceof Map<?, ?> m)) throw wrongType(field, "an object", value);
      return new Fields(file, path + field + ".", m);
    }

    @Nullable String text(String field) {
      Object value = map.get(field);
      if (value == null || value instanceof String) return (String) value;
      throw wrongType(field, "a string", value);
    }

    @Nullable List<String> texts(String field) {
      Object value = map.get(field);
      if (value == null) return null;
      if (value instanceof List<?> list) {
        List<String> texts = new ArrayList<>();
        for (Object item : list) {
          if (!(item instanceof String text)) throw wrongType(field, "a list of strings", value);
          texts.add(text);
        }
        return texts;
      }
      throw wrongType(field, "a list of strings", value);
    }

    @Nullable Long whole(String field) {
      Object value = map.get(field);
      if (value == null) return null;
      if (value instanceof BigDecimal number) {
        try {
          return number.longValueExact();
        } catch (ArithmeticException e) {
          // named below
        }
      }
      throw wrongType(field, "a whole number", value);
    }

    @Nullable Integer integer(String field) {
      Long value = whole(field);
      if (value == null) return null;
      if (value != value.intValue()) throw wrongType(field, "a whole number of int size", value);
      return value.intValue();
    }

    @Nullable Double decimal(String field) {
      Object value = map.get(field);
      if (value == null) return null;
      if (value instanceof BigDecimal number) return number.doubleValue();
      throw wrongType(field, "a number", value);
    }

    @Nullable Duration duration(String field) {
      String text = text(field);
      if (text == null) return null;
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw wrongType(field, "an ISO-8601 duration such as PT10M", text);
      }
    }

    @Nullable Instant instant(String field) {
      String text = text(field);
      if (text == null) return null;
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw wrongType(field, "an instant such as 2026-01-05T10:00:00Z", text);
      }
    }

    @Nullable Direction direction(String field) {
      String text = text(field);
      if (text == null) return null;
      try {
        return Direction.valueOf(text);
      } catch (IllegalArgumentException e) {
        throw wrongType(field, "MAXIMIZE or MINIMIZE", text);
      }
    }
  }
}
