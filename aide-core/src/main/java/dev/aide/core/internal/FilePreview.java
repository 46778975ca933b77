package dev.aide.core.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What {@link DataOverview} read of one file: a {@link CsvSummary}, a {@link TextPreview}, or a
 * {@link Failure} naming why the file could not be read. Which files get one is decided by name.
 */
sealed interface FilePreview permits CsvSummary, TextPreview, FilePreview.Failure {

  /** A file that could not be read; {@code reason} names the exception. */
  record Failure(String reason) implements FilePreview {}

  /** How a file is read, by its name's extension (any case). */
  enum Type {
    CSV,
    TSV,
    TEXT,
    OTHER
  }

  /** The type of a file named {@code name}. */
  static Type typeOf(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return Type.CSV;
    }
    if (lower.endsWith(".tsv")) {
      return Type.TSV;
    }
    for (String ext : new String[] {".txt", ".md", ".json", ".jsonl", ".yaml", ".yml"}) {
      if (lower.endsWith(ext)) {
        return Type.TEXT;
      }
    }
    return Type.OTHER;
  }

  /**
   * Reads the file at {@code path} named {@code name}, a CSV file with the columns named {@code
   * first} ahead of the others; never throws on an I/O error.
   */
  static FilePreview read(String name, Path path, List<String> first) {
    try {
      return switch (typeOf(name)) {
        case CSV -> CsvSummary.read(path, ',', first);
        case TSV -> CsvSummary.read(path, '\t', first);
        case TEXT, OTHER -> TextPreview.read(path);
      };
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return new Failure(DataTree.describe(e));
    }
  }

  /**
   * The header of the CSV or TSV file at {@code path} named {@code name}; null for another type of
   * file or when it cannot be read (reading it for its preview then says why).
   */
  static CsvSummary.@Nullable Header readHeader(String name, Path path) {
    try {
      return switch (typeOf(name)) {
        case CSV -> CsvSummary.readHeader(path, ',');
        case TSV -> CsvSummary.readHeader(path, '\t');
        case TEXT, OTHER -> null;
      };
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return null;
    }
  }

  /** A UTF-8 reader of {@code path} that replaces malformed input instead of throwing. */
  static Reader utf8Reader(Path path) throws IOException {
    return new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8);
  }
}
