package dev.aide.core.internal;

import dev.aide.core.internal.DataTree.DirNode;
import dev.aide.core.internal.DataTree.FileNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plain-text overview of a task's data directory, written into the prompts so that the model
 * knows which files it has and what is in them.
 *
 * <p>The overview has two parts:
 *
 * <ol>
 *   <li>The file tree, sorted by name, with human-readable sizes in SI units (1 kB = 1000 B). A
 *       directory shows at most {@value DataTree#FILES_PER_DIR} files and {@value
 *       DataTree#DIRS_PER_DIR} subdirectories; the rest are summed up in one line. Directories more
 *       than {@value DataTree#MAX_DEPTH} levels deep, or beyond the first {@value
 *       DataTree#MAX_LISTED_DIRS} listed, are named but not listed.
 *   <li>For the first {@value #MAX_PREVIEWED_FILES} files of the tree that it knows how to read:
 *       <ul>
 *         <li>CSV ({@code .csv}) and TSV ({@code .tsv}) files: the number of rows and columns and,
 *             for each of the first {@value CsvSummary#MAX_COLUMNS} columns, its type ({@code int},
 *             {@code float}, {@code bool} or {@code text}), the range of a numeric column or the
 *             number of unique values and the most common ones of another column, and the number of
 *             missing values (empty, or one of {@code NA N/A NaN nan null NULL None}); when there
 *             are more columns, first the names of all of them (up to {@value
 *             CsvSummary#MAX_NAMES}, then a count) in one list, wrapped. Files are read as UTF-8
 *             and streamed, never loaded whole; column statistics come from the first {@value
 *             CsvSummary#STATS_ROWS} rows (the text says so when there are more), while rows are
 *             counted to the end of the file, or up to {@value CsvSummary#MAX_COUNTED_CHARS}
 *             characters, after which the count is given as "at least". Quoted fields may hold
 *             delimiters, doubled quotes and line breaks; blank lines are not rows.
 *         <li>Text files ({@code .txt .md .json .jsonl .yaml .yml}): the whole content when it is
 *             at most {@value TextPreview#INLINE_CHARS} characters, otherwise the first lines (at
 *             most {@value TextPreview#HEAD_LINES} lines and {@value TextPreview#INLINE_CHARS}
 *             characters) and how much was cut.
 *       </ul>
 *       Other files appear in the tree only.
 * </ol>
 *
 * <p>In each directory, a training file and a test file are paired (see {@link TrainTestPair}): the
 * columns of the training file that the test file lacks are named as its likely targets and
 * described first, and a test file with no column of its own is described as "same columns as
 * train.csv, without SalePrice" and its shape, instead of its statistics. The short form keeps both
 * notes.
 *
 * <p>The result is at most {@code maxChars} characters long. When the full overview is longer, a
 * short form is returned instead: the tree alone, with the shape ({@code rows x columns}) of each
 * previewed CSV file. When even that is too long, it is cut (at a line break where one is near) and
 * ends with the line {@code ... (preview cut at N characters)}, N being {@code maxChars}.
 *
 * <p>Counting rows reads each previewed CSV file to its end, which takes a few seconds per
 * gigabyte; memory use stays small whatever the file size.
 *
 * <p>Hidden files and directories (names starting with {@code .}) are left out. Symbolic links are
 * never followed out of the directory: a link to a regular file inside the directory is shown as
 * that file, any other link is listed as not followed. Files and directories that cannot be read
 * are reported as such in the text; no I/O error escapes. Nothing is printed or logged.
 *
 * <p>This class is the entry point; the work is split by concern: {@link DataTree} walks the
 * directory, {@link FilePreview} picks how a file is read, {@link CsvSummary} (with {@link
 * CsvParser} and {@link ColumnStats}) and {@link TextPreview} read it, and {@link OverviewRenderer}
 * writes the text.
 *
 * <p>The class is stateless, so it is safe to call from several threads at once.
 */
final class DataOverview {
  /** The length limit used for prompts unless configured otherwise. */
  public static final int DEFAULT_MAX_CHARS = 6_000;

  /** The smallest accepted {@code maxChars}. */
  static final int MIN_MAX_CHARS = 100;

  /** At most this many CSV and text files get a content preview. */
  static final int MAX_PREVIEWED_FILES = 20;

  private DataOverview() {}

  /**
   * Returns the overview of {@code dir}, at most {@code maxChars} characters long.
   *
   * @param dir an existing directory
   * @param maxChars the length limit, at least 100
   * @return the overview, never longer than {@code maxChars}
   * @throws IllegalArgumentException if {@code dir} is missing or not a directory, or {@code
   *     maxChars} is below 100
   */
  public static String of(Path dir, int maxChars) {
    Objects.requireNonNull(dir, "dir");
    if (maxChars < MIN_MAX_CHARS) {
      throw new IllegalArgumentException(
          "maxChars must be at least " + MIN_MAX_CHARS + ", got " + maxChars);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                  ? "Data directory is not a directory: "
                  : "Data directory does not exist: ")
              + dir);
    }
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException | SecurityException e) {
      root = dir.toAbsolutePath().normalize();
    }

    DirNode tree = DataTree.walk(root);
    List<FileNode> previewable = new ArrayList<>();
    for (FileNode file : DataTree.files(tree)) {
      if (FilePreview.typeOf(file.name()) != FilePreview.Type.OTHER) {
        previewable.add(file);
      }
    }
    int notPreviewed = Math.max(0, previewable.size() - MAX_PREVIEWED_FILES);
    List<FileNode> previewed = previewable.subList(0, previewable.size() - notPreviewed);
    List<TrainTestPair> pairs = TrainTestPair.find(headers(previewed));
    Map<FileNode, List<String>> first = new HashMap<>();
    for (TrainTestPair pair : pairs) {
      first.put(pair.train(), pair.trainOnly());
    }
    Map<FileNode, FilePreview> previews = new LinkedHashMap<>();
    for (FileNode file : previewed) {
      previews.put(
          file, FilePreview.read(file.name(), file.path(), first.getOrDefault(file, List.of())));
    }

    String full = OverviewRenderer.full(tree, previews, notPreviewed, pairs);
    if (full.length() <= maxChars) {
      return full;
    }
    String shortForm = OverviewRenderer.shortForm(tree, previews, pairs);
    if (shortForm.length() <= maxChars) {
      return shortForm;
    }
    return Text.cutAtLine(shortForm, maxChars);
  }

  /** The headers of the CSV and TSV files among {@code files} that could be read. */
  private static Map<FileNode, CsvSummary.Header> headers(List<FileNode> files) {
    Map<FileNode, CsvSummary.Header> headers = new LinkedHashMap<>();
    for (FileNode file : files) {
      CsvSummary.Header header = FilePreview.readHeader(file.name(), file.path());
      if (header != null) {
        headers.put(file, header);
      }
    }
    return headers;
  }
}
