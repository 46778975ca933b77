package dev.aide.llm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The secrets a client was given, to cut out of any text before it leaves the client. */
final class Secrets {
  /** Header values shorter than this are not taken for secrets (e.g. {@code 2023-06-01}). */
  private static final int MIN_LENGTH = 12;

  private final List<String> values;

  Secrets(@Nullable String apiKey, Collection<String> headerValues) {
    List<String> all = new ArrayList<>();
    if (apiKey != null && !apiKey.isEmpty()) all.add(apiKey);
    for (String value : headerValues) if (value.length() >= MIN_LENGTH) all.add(value);
    this.values = List.copyOf(all);
  }

  /** Returns {@code text} with every secret replaced by {@code [redacted]}. */
  String redact(String text) {
    String result = text;
    for (String value : values) result = result.replace(value, "[redacted]");
    return result;
  }
}
