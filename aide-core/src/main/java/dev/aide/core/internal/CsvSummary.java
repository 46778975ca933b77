package dev.aide.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape and column statistics of a CSV or TSV file, read as UTF-8 and streamed, never loaded
 * whole.
 *
 * <p>The header is the first non-blank record (a leading byte order mark dropped); statistics of
 * its first {@value #MAX_COLUMNS} columns come from the first {@value #STATS_ROWS} rows, while rows
 * are counted to the end of the file, or up to {@value #MAX_COUNTED_CHARS} characters, after which
 * {@code allRowsCounted} is false.
 *
 * @param rows the rows after the header (all of them when {@code allRowsCounted})
 * @param columnCount the header's fields, 0 for a file without records
 * @param header the names of the first {@value #MAX_COLUMNS} columns
 * @param columns the statistics of those columns
 * @param statsRows the rows the statistics come from
 * @param raggedRows the rows with another number of fields than the header
 */
record CsvSummary(
    long rows,
    boolean allRowsCounted,
    int columnCount,
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

  /** Reads the file at {@code path}, whose fields are separated by {@code delimiter}. */
  static CsvSummary read(Path path, char delimiter) throws IOException {
    try (Reader reader = FilePreview.utf8Reader(path)) {
      return read(reader, delimiter);
    }
  }

  /** Reads {@code reader} to its end (or the counting limit); does not close it. */
  static CsvSummary read(Reader reader, char delimiter) throws IOException {
    CsvParser parser = new CsvParser(reader, delimiter, MAX_COLUMNS);
    if (!parser.next(true)) {
      return new CsvSummary(0, true, 0, List.of(), List.of(), 0, 0);
    }
    int columnCount = parser.fieldCount();
    List<String> header = new ArrayList<>(parser.fields());
    if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1));
    }
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
        columns.get(i).add(i < fields.size() ? fields.get(i) : "");
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
    return new CsvSummary(rows, allCounted, columnCount, header, columns, statsRows, ragged);
  }
}
