package dev.aide.core.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * Small text helpers shared by the prompts, the memory, the reports and the data overview: the one
 * place where text is cut short and durations are written for people.
 *
 * <p>Public only for {@link #abbreviate}, which {@code Task.toString()} in the API package uses;
 * the other helpers stay package-private.
 */
public final class Text {
  private Text() {}

  /** Returns text cut to at most max characters, marking the cut. */
  static String cut(String text, int max) {
    String t = text.strip();
    if (t.length() <= max) return t;
    return t.substring(0, Math.max(0, max - 15)) + " ... (cut)";
  }

  /**
   * Returns s when it has at most max characters, else its head and {@code "..."} in max characters
   * or one fewer, never splitting a surrogate pair.
   */
  public static String abbreviate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, safeEnd(s, max - 3)) + "...";
  }

  /**
   * Returns a preview of text in at most maxChars characters: cut after a line break when one falls
   * in the second half of the room, else mid-line, then a line that says where it was cut.
   */
  static String cutAtLine(String text, int maxChars) {
    String marker = "... (preview cut at " + maxChars + " characters)";
    int room = maxChars - marker.length();
    int lineEnd = text.lastIndexOf('\n', room - 1);
    int end = lineEnd >= room / 2 ? lineEnd + 1 : safeEnd(text, room - 1);
    String kept = text.substring(0, end);
    return (kept.endsWith("\n") ? kept : kept + "\n") + marker;
  }

  /**
   * Returns text cut to at most max characters like {@link #cut}, but at the last space in the room
   * when one falls in its second half, so that no word is split; mid-word otherwise.
   */
  static String cutAtWord(String text, int max) {
    String t = text.strip();
    if (t.length() <= max) return t;
    String marker = " ... (cut)";
    int room = Math.max(0, max - marker.length());
    int end = room;
    while (end > 0 && !Character.isWhitespace(t.charAt(end))) end--;
    if (end < room / 2) end = safeEnd(t, room);
    return t.substring(0, end).stripTrailing() + marker;
  }

  /** An end index at most {@code end} that does not split a surrogate pair. */
  static int safeEnd(String s, int end) {
    if (end <= 0) {
      return 0;
    }
    if (end >= s.length()) {
      return s.length();
    }
    return Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
  }

  /**
   * Returns text with its middle cut out when longer than max: the head and the tail, and how many
   * characters were left out between them.
   */
  static String headAndTail(String text, int max) {
    if (text.length() <= max) return text;
    int half = max / 2;
    int omitted = text.length() - 2 * half;
    return text.substring(0, half)
        + "\n[... "
        + omitted
        + " characters cut ...]\n"
        + text.substring(text.length() - half);
  }

  /**
   * Formats a duration the way a person reads it, for the reports: 850 ms, 4.2 s, 3 min 12 s, 2 h
   * 05 min. A negative duration is 0 ms.
   */
  static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) return ms + " ms";
    if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    long s = ms / 1000;
    if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /**
   * Formats a duration in one whole unit, rounded down, for the prompts: 850 ms, 90 s, 12 min, 3 h
   * (seconds below 2 min, minutes below 2 h).
   */
  static String roughDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < 1) return d.toMillis() + " ms";
    if (seconds < 120) return seconds + " s";
    if (seconds < 7200) return (seconds / 60) + " min";
    return (seconds / 3600) + " h";
  }

  /** Formats a metric value without a trailing ".0" on whole numbers. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
    return Double.toString(value);
  }
}
