package dev.aide.examples.cli;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.aide.core.Direction;
import dev.aide.core.Language;
import dev.aide.core.MetricReader;
import dev.aide.core.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The task and settings a run recorded in its {@code run.json}, read back to resume it.
 *
 * @param python the Python the run chose (the "python" property the command line records), or null
 *     when the run recorded none
 */
record RunFile(
    Task task,
    int steps,
    @Nullable Long seed,
    @Nullable String python,
    @Nullable String coderModel,
    @Nullable String reviewerModel) {
  /** The name under which the command line records its Python in run.json's properties. */
  static final String PYTHON_PROPERTY = "python";

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final Pattern READER = Pattern.compile("(line|jsonField)\\((.+)\\)");

  /**
   * Reads {@code dir/run.json}.
   *
   * @throws AideCommand.UsageException when the directory holds no readable run
   */
  static RunFile read(Path dir) {
    Path file = dir.resolve("run.json");
    if (!Files.isRegularFile(file)) {
      throw new AideCommand.UsageException(
          "--resume " + dir + ": there is no run.json, so this is not a run's output directory");
    }
    try {
      if (!(JSON.fromJson(Files.readString(file)) instanceof Map<?, ?> run)
          || !(run.get("task") instanceof Map<?, ?> task)) {
        throw new AideCommand.UsageException(file + " holds no task");
      }
      Map<?, ?> settings = run.get("settings") instanceof Map<?, ?> m ? m : Map.of();
      Task.Builder b =
          Task.builder()
              .goal(text(task, "goal"))
              .evaluation(optional(task, "evaluation"))
              .instructions(optional(task, "instructions"))
              .startingSolution(optional(task, "startingSolution"))
              .language(language(optional(task, "language")));
      String data = optional(task, "dataDir");
      if (data != null) b.dataDir(Path.of(data));
      String direction = optional(task, "direction");
      if (direction != null) b.direction(Direction.valueOf(direction));
      if (task.get("timeoutSeconds") instanceof Number seconds) {
        b.timeout(Duration.ofSeconds(seconds.longValue()));
      }
      String reader = optional(task, "metricReader");
      if (reader != null) b.metricReader(reader(reader));
      int steps = settings.get("steps") instanceof Number n ? n.intValue() : 20;
      Long seed = settings.get("seed") instanceof Number n ? n.longValue() : null;
      Map<?, ?> properties = settings.get("properties") instanceof Map<?, ?> m ? m : Map.of();
      String python = optional(properties, PYTHON_PROPERTY);
      return new RunFile(
          b.build(),
          steps,
          seed,
          python,
          optional(settings, "coderModel"),
          optional(settings, "reviewerModel"));
    } catch (IOException | RuntimeException e) {
      if (e instanceof AideCommand.UsageException usage) throw usage;
      throw new AideCommand.UsageException("cannot resume from " + file + ": " + e.getMessage());
    }
  }

  private static String text(Map<?, ?> map, String key) {
    String value = optional(map, key);
    if (value == null) throw new IllegalArgumentException("missing " + key);
    return value;
  }

  private static @Nullable String optional(Map<?, ?> map, String key) {
    Object value = map.get(key);
    return value == null ? null : value.toString();
  }

  private static Language language(@Nullable String name) {
    if (name == null || name.equals(Language.PYTHON.name())) return Language.PYTHON;
    if (name.equals(Language.JAVA.name())) return Language.JAVA;
    if (name.equals(Language.BASH.name())) return Language.BASH;
    throw new IllegalArgumentException("the command line cannot resume a " + name + " task");
  }

  private static MetricReader reader(String recorded) {
    Matcher m = READER.matcher(recorded);
    if (!m.matches()) throw new IllegalArgumentException("unknown metric reader " + recorded);
    return m.group(1).equals("line")
        ? MetricReader.line(m.group(2))
        : MetricReader.jsonField(m.group(2));
  }
}
