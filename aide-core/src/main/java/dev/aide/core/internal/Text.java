package dev.aide.core.internal;

/** Small text helpers shared by the prompts and the memory. */
final class Text {
  private Text() {}

  /** Returns text cut to at most max characters, marking the cut. */
  static String cut(String text, int max) {
    String t = text.strip();
    if (t.length() <= max) return t;
    return t.substring(0, Math.max(0, max - 15)) + " ... (cut)";
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

  /** Formats a metric value without a trailing ".0" on whole numbers. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
    return Double.toString(value);
  }
}
