package dev.aide.core.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

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

  /** Reads the file at {@code path} named {@code name}; never throws on an I/O error. */
  static FilePreview read(String name, Path path) {
    try {
      return switch (typeOf(name)) {
        case CSV -> CsvSummary.read(path, ',');
        case TSV -> CsvSummary.read(path, '\t');
        case TEXT, OTHER -> TextPreview.read(path);
      };
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return new Failure(DataTree.describe(e));
    }
  }

  /** A UTF-8 reader of {@code path} that replaces malformed input instead of throwing. */
  static Reader utf8Reader(Path path) throws IOException {
    return new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8);
  }
}
