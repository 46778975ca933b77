package dev.aide.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of one CSV column over the rows scanned: its type ({@code int}, {@code float}, {@code
 * bool}, {@code text}, or {@code empty} when it has no values), the range of a numeric column, the
 * first {@value #MAX_DISTINCT} distinct values with their counts, and the number of missing values
 * (empty, or one of {@code NA N/A NaN nan null NULL None}). Values are stripped first. Not safe for
 * use by several threads at once.
 */
final class ColumnStats {
  /** Distinct values tracked per column. */
  static final int MAX_DISTINCT = 1_000;

  /** Characters of a value kept for showing. */
  static final int MAX_SHOWN_VALUE_CHARS = 30;

  private long present;
  private long missing;
  private boolean maybeInt = true;
  private boolean maybeFloat = true;
  private boolean maybeBool = true;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private String minText = "";
  private String maxText = "";
  private final Map<String, ValueCount> counts = new HashMap<>();
  private final List<ValueCount> firstSeen = new ArrayList<>();
  private boolean moreDistinct;

  /** A distinct value, cut to {@value #MAX_SHOWN_VALUE_CHARS} characters, and how often it came. */
  static final class ValueCount {
    private final String shown;
    private long count = 1;

    private ValueCount(String shown) {
      this.shown = shown;
    }

    /** The value as shown, at most {@value #MAX_SHOWN_VALUE_CHARS} characters. */
    String shown() {
      return shown;
    }

    /** How many rows hold the value. */
    long count() {
      return count;
    }
  }

  /** Adds the raw value of one row. */
  void add(String raw) {
    String value = raw.strip();
    if (isMissing(value)) {
      missing++;
      return;
    }
    present++;
    if (maybeInt && !isInteger(value)) {
      maybeInt = false;
    }
    if (maybeFloat) {
      if (maybeInt || isDecimal(value)) {
        double d = Double.parseDouble(value);
        if (d < min) {
          min = d;
          minText = value;
        }
        if (d > max) {
          max = d;
          maxText = value;
        }
      } else {
        maybeFloat = false;
      }
    }
    if (maybeBool && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      maybeBool = false;
    }
    String key =
        value.length() <= 100
            ? value
            : value.substring(0, 64) + '\u0000' + value.length() + ':' + value.hashCode();
    ValueCount count = counts.get(key);
    if (count != null) {
      count.count++;
    } else if (counts.size() < MAX_DISTINCT) {
      count = new ValueCount(Text.abbreviate(value, MAX_SHOWN_VALUE_CHARS));
      counts.put(key, count);
      firstSeen.add(count);
    } else {
      moreDistinct = true;
    }
  }

  /** {@code empty}, {@code int}, {@code float}, {@code bool} or {@code text}. */
  String type() {
    if (present == 0) {
      return "empty";
    }
    if (maybeInt) {
      return "int";
    }
    if (maybeFloat) {
      return "float";
    }
    return maybeBool ? "bool" : "text";
  }

  /** The number of missing values. */
  long missing() {
    return missing;
  }

  /** The smallest value of a numeric column as written, uncut. */
  String minText() {
    return minText;
  }

  /** The largest value of a numeric column as written, uncut. */
  String maxText() {
    return maxText;
  }

  /** The tracked distinct values in the order first seen. */
  List<ValueCount> values() {
    return Collections.unmodifiableList(firstSeen);
  }

  /** Whether there are more than {@value #MAX_DISTINCT} distinct values. */
  boolean moreDistinct() {
    return moreDistinct;
  }

  private static boolean isMissing(String value) {
    return switch (value) {
      case "", "NA", "N/A", "NaN", "nan", "null", "NULL", "None" -> true;
      default -> false;
    };
  }

  /** {@code [+-]?digits}. */
  private static boolean isInteger(String s) {
    int i = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
    if (i == s.length()) {
      return false;
    }
    for (; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@code [+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?}, which Double.parseDouble takes. */
  private static boolean isDecimal(String s) {
    int i = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
    int n = s.length();
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
