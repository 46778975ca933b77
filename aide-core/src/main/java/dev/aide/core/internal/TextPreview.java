package dev.aide.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The start of a text file, read as UTF-8: all of it when it has at most {@value #INLINE_CHARS}
 * characters, else its first lines (at most {@value #HEAD_LINES} lines and {@value #INLINE_CHARS}
 * characters), or its first characters when even the first line is longer.
 *
 * @param text what is shown
 * @param whole whether {@code text} is the whole file
 * @param lines the lines of {@code text} when not whole; 0 when even the first line was cut
 * @param shownBytes the UTF-8 bytes of {@code text} when not whole
 * @param binary whether the start holds a NUL character (then nothing is shown)
 */
record TextPreview(String text, boolean whole, int lines, long shownBytes, boolean binary)
    implements FilePreview {

  /** Text files up to this many characters are shown whole. */
  static final int INLINE_CHARS = 1_000;

  /** Lines shown of a longer text file. */
  static final int HEAD_LINES = 20;

  /** Reads the start of the file at {@code path}. */
  static TextPreview read(Path path) throws IOException {
    char[] chars = new char[INLINE_CHARS + 1];
    int n = 0;
    try (Reader reader = FilePreview.utf8Reader(path)) {
      while (n < chars.length) {
        int r = reader.read(chars, n, chars.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    }
    String text = new String(chars, 0, n);
    if (text.indexOf('\0') >= 0) {
      return new TextPreview("", false, 0, 0, true);
    }
    if (n <= INLINE_CHARS) {
      return new TextPreview(text, true, 0, 0, false);
    }
    text = text.substring(0, Text.safeEnd(text, INLINE_CHARS));
    int lines = 0;
    int end = 0;
    for (int i = 0; i < text.length() && lines < HEAD_LINES; i++) {
      if (text.charAt(i) == '\n') {
        lines++;
        end = i + 1;
      }
    }
    if (lines == 0) {
      end = Text.safeEnd(text, INLINE_CHARS);
    }
    String shown = text.substring(0, end);
    long bytes = shown.getBytes(StandardCharsets.UTF_8).length;
    return new TextPreview(shown, false, lines, bytes, false);
  }
}
