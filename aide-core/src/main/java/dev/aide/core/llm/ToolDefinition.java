package dev.aide.core.llm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may call.
 *
 * <p>The schema is copied deeply and keeps the order of its keys as given (build it from {@link
 * LinkedHashMap}s, not {@code Map.of}, to choose that order), so that the same definition is
 * written to the same request bytes in every run, which providers' prompt caching relies on.
 * Instances are immutable and safe to share.
 *
 * @param name the function's name, e.g. {@code submit_review}
 * @param description what the function is for, shown to the model
 * @param parameters the JSON schema of the arguments, as nested maps, lists, strings, numbers,
 *     booleans and nulls; an unmodifiable copy in the order given
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    parameters = copyMap(Objects.requireNonNull(parameters, "parameters"), "parameters");
  }

  static Map<String, Object> copyMap(Map<?, ?> map, String path) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new IllegalArgumentException(
            path + " has a key that is not a string: " + entry.getKey());
      }
      String key = (String) entry.getKey();
      copy.put(key, copy(entry.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static @Nullable Object copy(@Nullable Object value, String path) {
    if (value instanceof Map) return copyMap((Map<?, ?>) value, path);
    if (value instanceof List) {
      List<@Nullable Object> copy = new ArrayList<>();
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) copy.add(copy(list.get(i), path + "[" + i + "]"));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
