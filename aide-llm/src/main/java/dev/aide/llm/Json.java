package dev.aide.llm;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads and writes JSON as plain maps, lists, strings, numbers and booleans. */
final class Json {
  private static final JsonAdapter<Object> ADAPTER =
      new Moshi.Builder().build().adapter(Object.class);

  private Json() {}

  /** Returns a JSON object of the given keys and values, in that order. */
  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Returns the JSON text of {@code value}; whole numbers are written without a fraction. */
  static String write(Object value) {
    return ADAPTER.toJson(wholeNumbersAsLongs(value));
  }

  /**
   * Returns the value of {@code text}.
   *
   * @throws IOException if {@code text} is not one JSON value
   */
  static @Nullable Object read(String text) throws IOException {
    try {
      return ADAPTER.fromJson(text);
    } catch (JsonDataException | JsonEncodingException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Returns {@code value} as a map with string keys, or null if it is not a JSON object. */
  @SuppressWarnings("unchecked")
  static @Nullable Map<String, Object> object(@Nullable Object value) {
    return value instanceof Map ? (Map<String, Object>) value : null;
  }

  /** Returns {@code map.get(key)} as a map, or null. */
  static @Nullable Map<String, Object> object(@Nullable Map<String, Object> map, String key) {
    return map == null ? null : object(map.get(key));
  }

  /** Returns {@code map.get(key)} as a list, or an empty list. */
  static List<?> list(@Nullable Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    return value instanceof List ? (List<?>) value : List.of();
  }

  /** Returns {@code map.get(key)} if it is a string, else null. */
  static @Nullable String string(@Nullable Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    return value instanceof String ? (String) value : null;
  }

  /**
   * Returns {@code map.get(key)} as text if it is a string or a number (a whole number without a
   * fraction), else null. Error codes come as either.
   */
  static @Nullable String stringOrNumber(@Nullable Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    if (value instanceof String) return (String) value;
    if (value instanceof Number) return String.valueOf(wholeNumbersAsLongs(value));
    return null;
  }

  /** Returns {@code map.get(key)} as a count: a non-negative whole number, else 0. */
  static long count(@Nullable Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    if (!(value instanceof Number)) return 0;
    double number = ((Number) value).doubleValue();
    return number > 0 && number < Long.MAX_VALUE ? (long) number : 0;
  }

  /**
   * Moshi reads every number as a double; this turns whole ones back into longs so that {@code 3}
   * is written as {@code 3}, not {@code 3.0}.
   */
  private static Object wholeNumbersAsLongs(Object value) {
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (number == Math.rint(number) && Math.abs(number) < 0x1p53) return (long) number;
      return value;
    }
    if (value instanceof Map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        Object entryValue = entry.getValue();
        copy.put(entry.getKey(), entryValue == null ? null : wholeNumbersAsLongs(entryValue));
      }
      return copy;
    }
    if (value instanceof List) {
      List<@Nullable Object> copy = new ArrayList<>();
      for (Object element : (List<?>) value) {
        copy.add(element == null ? null : wholeNumbersAsLongs(element));
      }
      return copy;
    }
    return value;
  }
}
