package dev.aide.exec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The exception a Python program died of, read from the last traceback in its output.
 *
 * @param type the exception's name as Python printed it, e.g. {@code ValueError} or {@code
 *     sklearn.exceptions.NotFittedError}
 * @param message its message; null when it had none (e.g. a bare {@code MemoryError})
 */
record Traceback(String type, @Nullable String message) {
  private static final Pattern HEADER =
      Pattern.compile("\\s*(\\+ )?(Exception Group )?Traceback \\(most recent call last\\):\\s*");
  private static final Pattern FRAME = Pattern.compile("\\s*File \"[^\"]*\", line \\d+.*");
  private static final Pattern EXCEPTION =
      Pattern.compile("([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)(?:: ?(.*))?");
  private static final int MAX_MESSAGE_LINES = 10;
  private static final int MAX_MESSAGE_CHARS = 1_000;

  /**
   * Returns the exception of the last traceback in {@code output}, or null when there is none. A
   * syntax error, which Python reports with a file line but no "Traceback" header, counts too.
   */
  static @Nullable Traceback parse(String output) {
    String[] lines = output.split("\r?\n", -1);
    Traceback last = null;
    boolean inTraceback = false;
    boolean group = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (HEADER.matcher(line).matches()) {
        inTraceback = true;
        group = line.contains("Exception Group");
        continue;
      }
      String body = group && line.startsWith("  | ") ? line.substring(4) : line;
      if (FRAME.matcher(body).matches()) {
        inTraceback = true;
        continue;
      }
      if (!inTraceback || body.isEmpty() || Character.isWhitespace(body.charAt(0))) continue;
      inTraceback = false;
      group = false;
      Matcher m = EXCEPTION.matcher(body);
      if (m.matches()) last = new Traceback(m.group(1), message(m.group(2), lines, i + 1));
    }
    return last;
  }

  /**
   * The message on the exception's line and the lines that continue it, up to a blank or indented
   * line (an indented line starts the next part of a chained or grouped traceback).
   */
  private static @Nullable String message(@Nullable String first, String[] lines, int next) {
    StringBuilder message = new StringBuilder(first == null ? "" : first.strip());
    for (int i = next; i < lines.length && i < next + MAX_MESSAGE_LINES; i++) {
      String line = lines[i];
      if (line.isBlank()
          || Character.isWhitespace(line.charAt(0))
          || HEADER.matcher(line).matches()) {
        break;
      }
      if (message.length() > 0) message.append('\n');
      message.append(line.stripTrailing());
    }
    if (message.length() > MAX_MESSAGE_CHARS) {
      message.setLength(MAX_MESSAGE_CHARS);
      message.append("...");
    }
    return message.length() == 0 ? null : message.toString();
  }
}
