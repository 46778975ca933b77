package dev.aide.core.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.aide.core.AideException;
import dev.aide.core.Journal;
import dev.aide.core.Language;
import dev.aide.core.MetricReader;
import dev.aide.core.Repository;
import dev.aide.core.Task;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetric;
import dev.aide.core.score.ScoreMetrics;
import dev.aide.core.score.Scorer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads {@code run.json}, the record of a run's task and settings, and reads a run's
 * journal without changing it.
 *
 * <p>run.json is read into a tree of maps, lists, strings, booleans and {@link BigDecimal}s, so
 * that every number comes back as it was written (a seed of {@code Long.MAX_VALUE} too), and
 * written back from such a tree. Format 1 (no {@code format} field) recorded the language by its
 * name only and the timeout in whole seconds; format {@value #FORMAT} records the whole language,
 * the timeout as an ISO-8601 duration, the metric reader's {@link MetricReader#spec()} and the
 * models' prices, and the task's expected output where it names one (files without it read as a
 * task that expects none).
 */
public final class RunFiles {
  private static final Logger log = LoggerFactory.getLogger(RunFiles.class);

  /** The format of run.json this version writes, and the newest it reads. */
  public static final int FORMAT = 2;

  /** The file name of the run record in an output directory. */
  public static final String RUN_FILE = RunStore.RUN_FILE;

  /** The file name of the journal in an output directory. */
  public static final String JOURNAL_FILE = RunStore.JOURNAL_FILE;

  /** Reads and writes JSON trees whose numbers are {@link BigDecimal}s, exactly as written. */
  private static final JsonAdapter<@Nullable Object> TREE =
      new JsonAdapter<@Nullable Object>() {
        @Override
        public @Nullable Object fromJson(JsonReader reader) throws IOException {
          return readValue(reader);
        }

        @Override
        public void toJson(JsonWriter writer, @Nullable Object value) throws IOException {
          writeValue(writer, value);
        }
      };

  private RunFiles() {}

  /** run.json's field with {@link HoldoutSplit#fingerprint()}, the rows the run is scored on. */
  static final String HOLDOUT_FINGERPRINT = "holdoutFingerprint";

  /**
   * run.json's field with the base tree a repository task's run copied ({@link RepoRun#record}).
   */
  static final String REPOSITORY_BASE = "repositoryBase";

  /**
   * Returns the text of a new run.json for {@code task} and {@code settings}.
   *
   * @param holdoutFingerprint the {@link HoldoutSplit#fingerprint()} of the task's holdout, or null
   * @param base what {@link RepoRun#record} says of a repository task's base, or null
   */
  static String runJson(
      Task task,
      Map<String, Object> settings,
      @Nullable String holdoutFingerprint,
      @Nullable Map<String, @Nullable Object> base) {
    Map<String, @Nullable Object> taskMap = new LinkedHashMap<>();
    taskMap.put("goal", task.goal());
    taskMap.put("evaluation", task.evaluation());
    taskMap.put("dataDir", task.dataDir() == null ? null : task.dataDir().toString());
    taskMap.put("direction", task.direction() == null ? null : task.direction().name());
    taskMap.put("startingSolution", task.startingSolution());
    taskMap.put("timeout", task.timeout().toString());
    taskMap.put("timeoutSeconds", task.timeout().toSeconds());
    taskMap.put("instructions", task.instructions());
    taskMap.put("language", language(task.language()));
    if (task.expectedOutput() != null) taskMap.put("expectedOutput", task.expectedOutput());
    MetricReader reader = task.metricReader();
    if (reader != null) {
      String spec = reader.spec();
      if (spec != null) {
        taskMap.put("metricReader", spec);
      } else {
        taskMap.put("customMetricReader", String.valueOf(reader));
      }
    }
    Holdout holdout = task.holdout();
    if (holdout != null) taskMap.put("holdout", holdout(holdout));
    Scorer scorer = task.scorer();
    if (scorer != null) taskMap.put("scorer", String.valueOf(scorer));
    Repository repository = task.repository();
    if (repository != null) taskMap.put("repository", repository(repository));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("format", FORMAT);
    run.put("task", taskMap);
    if (holdoutFingerprint != null) run.put(HOLDOUT_FINGERPRINT, holdoutFingerprint);
    if (base != null) run.put(REPOSITORY_BASE, base);
    run.put("settings", settings);
    run.put("libraryVersion", RunStore.libraryVersion());
    run.put("startedAt", Instant.now().toString());
    return write(run);
  }

  /**
   * Returns {@code holdout} as run.json records it: every setting, the metric by name ({@code
   * customMetric} true when it is not the built-in of that name, which cannot be rebuilt).
   */
  static Map<String, @Nullable Object> holdout(Holdout holdout) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("target", holdout.target());
    map.put("id", holdout.id());
    map.put("metric", holdout.metric().name());
    if (!isBuiltIn(holdout.metric())) map.put("customMetric", true);
    map.put("fraction", holdout.fraction());
    map.put("seed", holdout.seed());
    map.put("trainFile", holdout.trainFile());
    map.put("testFile", holdout.testFile());
    map.put("submission", holdout.submission());
    return map;
  }

  /** Returns {@code repository} as run.json records it: every setting. */
  static Map<String, @Nullable Object> repository(Repository repository) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("source", repository.source().toString());
    map.put("commit", repository.commit());
    map.put("edit", repository.editable());
    map.put("exclude", repository.excludes());
    map.put("buildStep", repository.buildStep());
    map.put("gate", repository.gate());
    map.put("eval", repository.eval());
    map.put("branch", repository.branch());
    return map;
  }

  /** Whether {@code metric} is the one {@link ScoreMetrics#named} gives for its name. */
  private static boolean isBuiltIn(ScoreMetric metric) {
    try {
      ScoreMetric named = ScoreMetrics.named(metric.name());
      return named.getClass() == metric.getClass()
          && named.direction() == metric.direction()
          && named.prediction() == metric.prediction();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Returns {@code prices} as run.json records them: by model, sorted, each with its 3 prices. */
  static Map<String, Object> prices(Map<String, ModelPrice> prices) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String model : new TreeMap<>(prices).keySet()) {
      ModelPrice price = prices.get(model);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("inputPerMillion", price.inputPerMillion());
      entry.put("outputPerMillion", price.outputPerMillion());
      entry.put("cachedInputPerMillion", price.cachedInputPerMillion());
      map.put(model, entry);
    }
    return map;
  }

  /** Returns {@code language} as run.json records it. */
  static Map<String, Object> language(Language language) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", language.name());
    map.put("fileName", language.fileName());
    map.put("command", language.command());
    map.put("fenceTags", language.fenceTags());
    return map;
  }

  /**
   * Whether the language recorded in run.json ({@code recorded}: a name in format 1, a map in
   * format 2) is {@code language}; a format-1 name matches any language of that name.
   */
  static boolean sameLanguage(@Nullable Object recorded, Language language) {
    if (recorded instanceof Map<?, ?> map) {
      return language(language).equals(map);
    }
    return language.name().equals(recorded);
  }

  /**
   * Reads {@code runFile} into a tree of maps, lists, strings, booleans and {@link BigDecimal}s.
   *
   * @throws AideException if the file cannot be read, is not a JSON object, or was written in a
   *     format newer than {@value #FORMAT}; the message names the file and what to do
   */
  public static Map<String, @Nullable Object> read(Path runFile) {
    Object value;
    try {
      String text = Files.readString(runFile, StandardCharsets.UTF_8);
      value = TREE.fromJson(text);
    } catch (IOException | RuntimeException e) {
      throw new AideException(
          runFile
              + " cannot be read ("
              + e.getMessage()
              + "); choose another output directory, or delete this one to start over",
          e);
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new AideException(
          runFile
              + " holds no JSON object; choose another output directory, or delete this one to"
              + " start over");
    }
    @SuppressWarnings("unchecked") // readValue makes maps with string keys
    Map<String, @Nullable Object> run = (Map<String, @Nullable Object>) value;
    Object format = run.get("format");
    if (format != null) {
      if (!(format instanceof BigDecimal number) || number.signum() <= 0) {
        throw new AideException(
            runFile + ": field 'format' should be a positive whole number, was " + format);
      }
      if (number.compareTo(BigDecimal.valueOf(FORMAT)) > 0) {
        throw new AideException(
            runFile
                + " was written by a newer version of AIDE (run.json format "
                + number.toPlainString()
                + "; this version, "
                + RunStore.libraryVersion()
                + ", reads formats up to "
                + FORMAT
                + "). Open it with that version or a newer one.");
      }
    }
    return run;
  }

  /** Returns the format of a run read by {@link #read}: 1 when it records none. */
  public static int format(Map<String, @Nullable Object> run) {
    return run.get("format") instanceof BigDecimal n ? n.intValue() : 1;
  }

  /** Returns {@code tree} (as {@link #read} gives it, or of Java numbers) as indented JSON. */
  static String write(Object tree) {
    return TREE.indent("  ").toJson(tree) + "\n";
  }

  /**
   * Reads the journal of the run in {@code dir} without changing the file: unreadable lines and a
   * torn last line are skipped with a warning. Returns an empty journal when there is no file.
   *
   * @throws AideException if the file cannot be read
   */
  public static Journal readJournal(Path dir) {
    Path file = dir.resolve(JOURNAL_FILE);
    if (!Files.exists(file)) return new Journal();
    try {
      return RunStore.readJournal(file);
    } catch (IOException e) {
      throw new AideException("cannot read " + file + ": " + e, e);
    }
  }

  private static @Nullable Object readValue(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          map.put(name, readValue(reader));
        }
        reader.endObject();
        return map;
      case BEGIN_ARRAY:
        List<@Nullable Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) list.add(readValue(reader));
        reader.endArray();
        return list;
      case STRING:
        return reader.nextString();
      case NUMBER:
        return new BigDecimal(reader.nextString());
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        return reader.nextNull();
      default:
        throw new IOException("unexpected " + reader.peek() + " at " + reader.getPath());
    }
  }

  private static void writeValue(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        writer.name(String.valueOf(entry.getKey()));
        writeValue(writer, entry.getValue());
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object item : list) writeValue(writer, item);
      writer.endArray();
    } else if (value instanceof Number number) {
      writer.value(number);
    } else if (value instanceof Boolean bool) {
      writer.value(bool);
    } else {
      writer.value(value.toString());
    }
  }
}
