package dev.aide.core;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a run's metric straight from its output, so that the score does not depend on the reviewer
 * reading it right.
 *
 * <p>A task opts in with {@link Task.Builder#metricReader}. The value read becomes the node's
 * metric; a run whose output holds none is buggy; a reviewer's metric that disagrees is kept as a
 * warning on the node. Use {@link #line(String)} for lines like {@code metric: 0.8123} or {@link
 * #jsonField(String)} for JSON lines like {@code {"rmse": 0.14}}; the last match in the output
 * wins. Implementations must be stateless and safe to share.
 *
 * <p>The built-in readers have a {@link #spec()}, such as {@code line(metric)}, which {@code
 * run.json} records and {@link #parse} turns back into an equal reader, so that a resumed run reads
 * its metric as before. A reader of your own has none unless it returns one that {@link #parse}
 * reads.
 */
@FunctionalInterface
public interface MetricReader {
  /** Returns the metric in {@code output}, or empty when there is none or it is not finite. */
  OptionalDouble read(String output);

  /**
   * Returns a line this reader reads, such as {@code accuracy: 0.8123}, which the coder's prompt
   * shows as the way to print the metric; null (the default) when there is none to show, and the
   * prompt then asks for {@code metric: <value>}.
   */
  default @Nullable String example() {
    return null;
  }

  /**
   * Returns the text that {@link #parse} turns back into this reader, such as {@code line(metric)}
   * or {@code jsonField(rmse)}; null (the default) for a reader of your own, which a resumed run
   * cannot rebuild by itself.
   */
  default @Nullable String spec() {
    return null;
  }

  /**
   * Returns the built-in reader that {@code spec} describes: {@code line(NAME)} for {@link
   * #line(String)} and {@code jsonField(FIELD)} for {@link #jsonField(String)}, as {@link #spec()}
   * returns them. The name is everything between the first {@code (} and the last {@code )}, so it
   * may hold parentheses itself.
   *
   * @throws IllegalArgumentException if {@code spec} is neither form, or its name is blank
   */
  static MetricReader parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.endsWith(")")) {
      if (spec.startsWith("line(")) {
        return line(spec.substring("line(".length(), spec.length() - 1));
      }
      if (spec.startsWith("jsonField(")) {
        return jsonField(spec.substring("jsonField(".length(), spec.length() - 1));
      }
    }
    throw new IllegalArgumentException(
        "unknown metric reader \""
            + spec
            + "\": expected line(NAME) or jsonField(FIELD), as MetricReader.spec() returns them");
  }

  /**
   * Returns a reader of lines {@code <name>: <number>} or {@code <name> = <number>} (the name is
   * matched without regard to case), e.g. {@code line("metric")} reads {@code Metric: 0.81}.
   */
  static MetricReader line(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) throw new IllegalArgumentException("name must not be blank");
    Pattern pattern =
        Pattern.compile(
            "^\\s*"
                + Pattern.quote(name)
                + "\\s*[:=]\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*$",
            Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
    return new BuiltInMetricReader() {
      @Override
      public OptionalDouble read(String output) {
        Matcher m = pattern.matcher(output);
        OptionalDouble last = OptionalDouble.empty();
        while (m.find()) last = finite(Double.parseDouble(m.group(1)));
        return last;
      }

      @Override
      public String example() {
        return name + ": 0.8123";
      }

      @Override
      public String spec() {
        return "line(" + name + ")";
      }
    };
  }

  /**
   * Returns a reader of JSON objects on a line of their own that hold a numeric field {@code
   * field}, e.g. {@code jsonField("rmse")} reads {@code {"rmse": 0.14, "fold": 3}}.
   */
  static MetricReader jsonField(String field) {
    Objects.requireNonNull(field, "field");
    if (field.isBlank()) throw new IllegalArgumentException("field must not be blank");
    JsonAdapter<Object> json = new Moshi.Builder().build().adapter(Object.class).lenient();
    return new BuiltInMetricReader() {
      @Override
      public OptionalDouble read(String output) {
        OptionalDouble last = OptionalDouble.empty();
        for (String line : output.split("\n")) {
          String t = line.strip();
          if (!t.startsWith("{") || !t.endsWith("}") || !t.contains(field)) continue;
          try {
            if (json.fromJson(t) instanceof Map<?, ?> map && map.get(field) instanceof Number n) {
              OptionalDouble value = finite(n.doubleValue());
              if (value.isPresent()) last = value;
            }
          } catch (IOException | RuntimeException e) {
            // not a JSON line; skip it
          }
        }
        return last;
      }

      @Override
      public String example() {
        return "{\"" + field + "\": 0.8123}";
      }

      @Override
      public String spec() {
        return "jsonField(" + field + ")";
      }
    };
  }

  private static OptionalDouble finite(double value) {
    return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
  }
}
