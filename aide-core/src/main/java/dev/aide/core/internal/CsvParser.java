package dev.aide.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming CSV parser: RFC 4180 quoting ({@code "a, ""b"""}), line breaks inside quotes, LF,
 * CRLF or CR line ends; lenient about stray quotes. Blank lines are skipped. It keeps the first
 * {@code maxFields} fields of a record, each cut to {@value #MAX_FIELD_CHARS} characters, and
 * counts all of them; {@link #whole} makes a parser that keeps every field whole, for code that
 * writes the records back. Not safe for use by several threads at once.
 */
final class CsvParser {
  /** Characters of a field kept. */
  static final int MAX_FIELD_CHARS = 1_000;

  private final Reader in;
  private final char delimiter;
  private int maxFields;
  private final int maxFieldChars;
  private final char[] buffer = new char[1 << 16];
  private int pos;
  private int len;
  private long charsRead;
  private final List<String> fields = new ArrayList<>();
  private int fieldCount;
  private final StringBuilder field = new StringBuilder();

  CsvParser(Reader in, char delimiter, int maxFields) {
    this(in, delimiter, maxFields, MAX_FIELD_CHARS);
  }

  private CsvParser(Reader in, char delimiter, int maxFields, int maxFieldChars) {
    this.in = in;
    this.delimiter = delimiter;
    this.maxFields = maxFields;
    this.maxFieldChars = maxFieldChars;
  }

  /** A parser that keeps every field of a record, each whole, however long. */
  static CsvParser whole(Reader in, char delimiter) {
    return new CsvParser(in, delimiter, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Keeps the first {@code maxFields} fields of the records read from now on. */
  void keep(int maxFields) {
    this.maxFields = maxFields;
  }

  /** The first {@code maxFields} fields of the last record, each cut to a maximum length. */
  List<String> fields() {
    return fields;
  }

  /** All fields of the last record. */
  int fieldCount() {
    return fieldCount;
  }

  /** Characters read from the reader so far, a little ahead of the records parsed. */
  long charsRead() {
    return charsRead;
  }

  /** Whether nothing is left to read. */
  boolean atEnd() throws IOException {
    return peek() == -1;
  }

  private int read() throws IOException {
    if (pos == len && !fill()) {
      return -1;
    }
    return buffer[pos++];
  }

  private int peek() throws IOException {
    if (pos == len && !fill()) {
      return -1;
    }
    return buffer[pos];
  }

  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(buffer, 0, buffer.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    pos = 0;
    len = n;
    charsRead += n;
    return true;
  }

  /**
   * Reads the next non-blank record; keeps its fields when {@code keep}. Returns false at the end.
   */
  boolean next(boolean keep) throws IOException {
    int c;
    do {
      c = read();
      if (c == '\r' && peek() == '\n') {
        read();
      }
    } while (c == '\n' || c == '\r');
    if (c == -1) {
      return false;
    }
    fields.clear();
    fieldCount = 0;
    field.setLength(0);
    boolean inQuotes = false;
    boolean atFieldStart = true;
    while (true) {
      if (c == -1) {
        endField(keep);
        return true;
      }
      if (inQuotes) {
        if (c == '"') {
          if (peek() == '"') {
            read();
            append(keep, '"');
          } else {
            inQuotes = false;
          }
        } else {
          append(keep, (char) c);
        }
      } else if (c == '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
      } else if (c == delimiter) {
        endField(keep);
        atFieldStart = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && peek() == '\n') {
          read();
        }
        endField(keep);
        return true;
      } else {
        append(keep, (char) c);
        atFieldStart = false;
      }
      c = read();
    }
  }

  private void append(boolean keep, char c) {
    if (keep && field.length() < maxFieldChars && fieldCount < maxFields) {
      field.append(c);
    }
  }

  private void endField(boolean keep) {
    if (keep && fieldCount < maxFields) {
      fields.add(field.toString());
    }
    field.setLength(0);
    fieldCount++;
  }
}
