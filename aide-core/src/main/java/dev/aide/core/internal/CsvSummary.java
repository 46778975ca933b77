package dev.aide.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape, column names and column statistics of a CSV or TSV file, read as UTF-8 and streamed,
 * never loaded whole.
 *
 * <p>The header is the first non-blank record (a leading byte order mark dropped). Its columns are
 * ordered with the ones named {@code first} (see {@link #read(Reader, char, List)}) ahead of the
 * others, which keep the file's order; the names of the first {@value #MAX_NAMES} columns in that
 * order are kept, and statistics of the first {@value #MAX_COLUMNS} come from the first {@value
 * #STATS_ROWS} rows, while rows are counted to the end of the file, or up to {@value
 * #MAX_COUNTED_CHARS} characters, after which {@code allRowsCounted} is false.
 *
 * @param rows the rows after the header (all of them when {@code allRowsCounted})
 * @param allRowsCounted whether {@code rows} counts every row
 * @param columnCount the header's fields, 0 for a file without records
 * @param names the names of the first {@value #MAX_NAMES} columns, in the order above
 * @param header the names of the first {@value #MAX_COLUMNS} of them, the described columns
 * @param columns the statistics of those columns
 * @param statsRows the rows the statistics come from
 * @param raggedRows the rows with another number of fields than the header
 */
record CsvSummary(
    long rows,
    boolean allRowsCounted,
    int columnCount,
    List<String> names,
    List<String> header,
    List<ColumnStats> columns,
    long statsRows,
    long raggedRows)
    implements FilePreview {

  /** Column statistics come from at most this many rows. */
  static final int STATS_ROWS = 100_000;

  /** Rows of a CSV file are counted up to this many characters of it. */
  static final long MAX_COUNTED_CHARS = 2_000_000_000L;

  /** Columns described per CSV file. */
  static final int MAX_COLUMNS = 30;

  /** Column names kept per CSV file. */
  static final int MAX_NAMES = 300;

  /** Column names read by {@link #readHeader}, and the furthest column that can come first. */
  static final int MAX_HEADER_NAMES = 2_000;

  /**
   * Reads the file at {@code path}, whose fields are separated by {@code delimiter}, putting the
   * columns named {@code first} ahead.
   */
  static CsvSummary read(Path path, char delimiter, List<String> first) throws IOException {
    try (Reader reader = FilePreview.utf8Reader(path)) {
      return read(reader, delimiter, first);
    }
  }

  /** Reads {@code reader} to its end (or the counting limit); does not close it. */
  static CsvSummary read(Reader reader, char delimiter) throws IOException {
    return read(reader, delimiter, List.of());
  }

  /**
   * Reads {@code reader} to its end (or the counting limit), putting the columns named {@code
   * first} (those among the first {@value #MAX_HEADER_NAMES} columns) ahead of the others, in the
   * order of {@code first}; does not close it.
   */
  static CsvSummary read(Reader reader, char delimiter, List<String> first) throws IOException {
    CsvParser parser = new CsvParser(reader, delimiter, MAX_HEADER_NAMES);
    if (!parser.next(true)) {
      return new CsvSummary(0, true, 0, List.of(), List.of(), List.of(), 0, 0);
    }
    int columnCount = parser.fieldCount();
    List<String> all = headerNames(parser);
    List<Integer> order = new ArrayList<>();
    boolean[] taken = new boolean[all.size()];
    for (String name : first) {
      int index = all.indexOf(name);
      if (index >= 0 && !taken[index]) {
        taken[index] = true;
        order.add(index);
      }
    }
    for (int i = 0; i < all.size() && order.size() < MAX_NAMES; i++) {
      if (!taken[i]) {
        order.add(i);
      }
    }
    List<String> names = new ArrayList<>();
    for (int index : order.subList(0, Math.min(MAX_NAMES, order.size()))) {
      names.add(all.get(index));
    }
    List<Integer> described = order.subList(0, Math.min(MAX_COLUMNS, order.size()));
    List<String> header = new ArrayList<>(names.subList(0, described.size()));
    parser.keep(described.stream().mapToInt(i -> i + 1).max().orElse(0));
    List<ColumnStats> columns = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      columns.add(new ColumnStats());
    }
    long rows = 0;
    long ragged = 0;
    while (rows < STATS_ROWS && parser.next(true)) {
      rows++;
      if (parser.fieldCount() != columnCount) {
        ragged++;
      }
      List<String> fields = parser.fields();
      for (int i = 0; i < columns.size(); i++) {
        int index = described.get(i);
        columns.get(i).add(index < fields.size() ? fields.get(index) : "");
      }
    }
    long statsRows = rows;
    boolean allCounted = true;
    while (true) {
      if (parser.charsRead() >= MAX_COUNTED_CHARS && !parser.atEnd()) {
        allCounted = false;
        break;
      }
      if (!parser.next(false)) {
        break;
      }
      rows++;
      if (parser.fieldCount() != columnCount) {
        ragged++;
      }
    }
    return new CsvSummary(rows, allCounted, columnCount, names, header, columns, statsRows, ragged);
  }

  /**
   * The names of the first {@value #MAX_HEADER_NAMES} columns of the file at {@code path}, whose
   * fields are separated by {@code delimiter}, and how many columns it has.
   */
  static Header readHeader(Path path, char delimiter) throws IOException {
    try (Reader reader = FilePreview.utf8Reader(path)) {
      CsvParser parser = new CsvParser(reader, delimiter, MAX_HEADER_NAMES);
      if (!parser.next(true)) {
        return new Header(List.of(), 0);
      }
      return new Header(headerNames(parser), parser.fieldCount());
    }
  }

  /**
   * A CSV file's column names (the first {@value #MAX_HEADER_NAMES}) and how many columns it has.
   */
  record Header(List<String> names, int columnCount) {
    /** Whether {@code names} holds every column. */
    boolean complete() {
      return names.size() == columnCount;
    }
  }

  private static List<String> headerNames(CsvParser parser) {
    List<String> names = new ArrayList<>(parser.fields());
    if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1));
    }
    return List.copyOf(names);
  }
}
