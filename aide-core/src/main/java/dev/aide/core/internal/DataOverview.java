package dev.aide.core.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * A plain-text overview of a task's data directory, written into the prompts so that the model
 * knows which files it has and what is in them.
 *
 * <p>The overview has two parts:
 *
 * <ol>
 *   <li>The file tree, sorted by name, with human-readable sizes in SI units (1 kB = 1000 B). A
 *       directory shows at most {@value #FILES_PER_DIR} files and {@value #DIRS_PER_DIR}
 *       subdirectories; the rest are summed up in one line. Directories more than {@value
 *       #MAX_DEPTH} levels deep, or beyond the first {@value #MAX_LISTED_DIRS} listed, are named
 *       but not listed.
 *   <li>For the first {@value #MAX_PREVIEWED_FILES} files of the tree that it knows how to read:
 *       <ul>
 *         <li>CSV ({@code .csv}) and TSV ({@code .tsv}) files: the number of rows and columns and,
 *             for each of the first {@value #MAX_COLUMNS} columns, its type ({@code int}, {@code
 *             float}, {@code bool} or {@code text}), the range of a numeric column or the number of
 *             unique values and the most common ones of another column, and the number of missing
 *             values (empty, or one of {@code NA N/A NaN nan null NULL None}). Files are read as
 *             UTF-8 and streamed, never loaded whole; column statistics come from the first {@value
 *             #STATS_ROWS} rows (the text says so when there are more), while rows are counted to
 *             the end of the file, or up to {@value #MAX_COUNTED_CHARS} characters, after which the
 *             count is given as "at least". Quoted fields may hold delimiters, doubled quotes and
 *             line breaks; blank lines are not rows.
 *         <li>Text files ({@code .txt .md .json .jsonl .yaml .yml}): the whole content when it is
 *             at most {@value #INLINE_CHARS} characters, otherwise the first lines (at most {@value
 *             #HEAD_LINES} lines and {@value #INLINE_CHARS} characters) and how much was cut.
 *       </ul>
 *       Other files appear in the tree only.
 * </ol>
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
 * <p>The class is stateless, so it is safe to call from several threads at once.
 */
public final class DataOverview {
  /** The length limit used for prompts unless configured otherwise. */
  public static final int DEFAULT_MAX_CHARS = 6_000;

  /** The smallest accepted {@code maxChars}. */
  static final int MIN_MAX_CHARS = 100;

  /** Files shown per directory; the others are counted. */
  static final int FILES_PER_DIR = 8;

  /** Subdirectories shown per directory; the others are counted. */
  static final int DIRS_PER_DIR = 8;

  /** Directories deeper than this are named but not listed. */
  static final int MAX_DEPTH = 8;

  /** At most this many directories are listed in all. */
  static final int MAX_LISTED_DIRS = 64;

  /** A directory's listing stops after this many entries. */
  static final int MAX_ENTRIES_PER_DIR = 100_000;

  /** At most this many CSV and text files get a content preview. */
  static final int MAX_PREVIEWED_FILES = 20;

  /** Column statistics come from at most this many rows. */
  static final int STATS_ROWS = 100_000;

  /** Rows of a CSV file are counted up to this many characters of it. */
  static final long MAX_COUNTED_CHARS = 2_000_000_000L;

  /** Columns described per CSV file. */
  static final int MAX_COLUMNS = 30;

  /** Distinct values tracked per column. */
  static final int MAX_DISTINCT = 1_000;

  /** Example values shown per column. */
  static final int MAX_EXAMPLES = 4;

  /** Characters of a field kept for the statistics. */
  static final int MAX_FIELD_CHARS = 1_000;

  /** Characters of an example value or a column name shown. */
  static final int MAX_SHOWN_VALUE_CHARS = 30;

  /** Text files up to this many characters are shown whole. */
  static final int INLINE_CHARS = 1_000;

  /** Lines shown of a longer text file. */
  static final int HEAD_LINES = 20;

  private static final String INDENT = "  ";

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

    DirNode tree = new Walker(root).list(root, "", "", 0);
    List<FileNode> previewable = new ArrayList<>();
    collectPreviewable(tree, previewable);
    int notPreviewed = Math.max(0, previewable.size() - MAX_PREVIEWED_FILES);
    Map<FileNode, Preview> previews = new LinkedHashMap<>();
    for (FileNode file : previewable.subList(0, previewable.size() - notPreviewed)) {
      previews.put(file, preview(file));
    }

    String full = renderFull(tree, previews, notPreviewed);
    if (full.length() <= maxChars) {
      return full;
    }
    String shortForm = renderShort(tree, previews);
    if (shortForm.length() <= maxChars) {
      return shortForm;
    }
    return Text.cutAtLine(shortForm, maxChars);
  }

  // ---------------------------------------------------------------------------------------------
  // The tree

  private sealed interface Node permits FileNode, DirNode, NoteNode {
    String name();
  }

  /** A regular file; {@code path} is where to read it (a link's target inside the tree). */
  private record FileNode(String name, String rel, Path path, long size) implements Node {}

  /** A file or link shown with a note instead of a size. */
  private record NoteNode(String name, String note, boolean isDir) implements Node {}

  private record DirNode(
      String name,
      List<Node> children,
      int otherFiles,
      long otherBytes,
      int otherDirs,
      boolean stoppedEarly,
      @Nullable String problem)
      implements Node {}

  private enum Kind {
    FILE,
    DIR,
    NOTE
  }

  private record Entry(String name, Path path, Kind kind, long size, String note) {}

  private static final class Walker {
    private final Path root;
    private int listedDirs;

    Walker(Path root) {
      this.root = root;
    }

    DirNode list(Path dir, String name, String rel, int depth) {
      listedDirs++;
      Comparator<Entry> byNameDescending = Comparator.comparing(Entry::name).reversed();
      PriorityQueue<Entry> files = new PriorityQueue<>(byNameDescending);
      PriorityQueue<Entry> dirs = new PriorityQueue<>(byNameDescending);
      int fileCount = 0;
      int dirCount = 0;
      long fileBytes = 0;
      boolean stoppedEarly = false;
      String problem = null;
      int scanned = 0;
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path path : stream) {
          Path fileName = path.getFileName();
          String entryName = fileName == null ? "" : fileName.toString();
          if (entryName.isEmpty() || entryName.startsWith(".")) {
            continue;
          }
          if (scanned == MAX_ENTRIES_PER_DIR) {
            stoppedEarly = true;
            break;
          }
          scanned++;
          Entry entry = classify(path, entryName);
          if (entry.kind() == Kind.DIR) {
            dirCount++;
            keepSmallest(dirs, entry, DIRS_PER_DIR);
          } else {
            fileCount++;
            fileBytes += entry.size();
            keepSmallest(files, entry, FILES_PER_DIR);
          }
        }
      } catch (IOException | DirectoryIteratorException | SecurityException e) {
        problem = "could not be listed: " + describe(e);
      }

      List<Entry> shown = new ArrayList<>(files);
      shown.addAll(dirs);
      shown.sort(Comparator.comparing(Entry::name));
      List<Node> children = new ArrayList<>();
      long shownBytes = 0;
      for (Entry entry : shown) {
        String childRel = rel.isEmpty() ? entry.name() : rel + "/" + entry.name();
        switch (entry.kind()) {
          case FILE -> {
            children.add(new FileNode(entry.name(), childRel, entry.path(), entry.size()));
            shownBytes += entry.size();
          }
          case NOTE -> children.add(new NoteNode(entry.name(), entry.note(), false));
          case DIR -> {
            if (depth + 1 > MAX_DEPTH || listedDirs >= MAX_LISTED_DIRS) {
              children.add(new NoteNode(entry.name(), "contents not listed", true));
            } else {
              children.add(list(entry.path(), entry.name(), childRel, depth + 1));
            }
          }
        }
      }
      return new DirNode(
          name,
          children,
          fileCount - files.size(),
          fileBytes - shownBytes,
          dirCount - dirs.size(),
          stoppedEarly,
          problem);
    }

    private Entry classify(Path path, String name) {
      try {
        BasicFileAttributes attrs =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isDirectory()) {
          return new Entry(name, path, Kind.DIR, 0, "");
        }
        if (attrs.isRegularFile()) {
          return new Entry(name, path, Kind.FILE, attrs.size(), "");
        }
        if (attrs.isSymbolicLink()) {
          return classifyLink(path, name);
        }
        return new Entry(name, path, Kind.NOTE, 0, "special file, not read");
      } catch (IOException | SecurityException e) {
        return new Entry(name, path, Kind.NOTE, 0, "unreadable: " + describe(e));
      }
    }

    private Entry classifyLink(Path path, String name) {
      Path target;
      try {
        target = path.toRealPath();
      } catch (IOException | SecurityException e) {
        return new Entry(name, path, Kind.NOTE, 0, "broken symbolic link");
      }
      if (!target.startsWith(root)) {
        return new Entry(
            name, path, Kind.NOTE, 0, "symbolic link out of the directory, not followed");
      }
      try {
        BasicFileAttributes attrs =
            Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isRegularFile()) {
          return new Entry(name, target, Kind.FILE, attrs.size(), "");
        }
      } catch (IOException | SecurityException e) {
        return new Entry(name, path, Kind.NOTE, 0, "unreadable: " + describe(e));
      }
      return new Entry(name, path, Kind.NOTE, 0, "symbolic link, not followed");
    }

    private static void keepSmallest(PriorityQueue<Entry> heap, Entry entry, int limit) {
      heap.add(entry);
      if (heap.size() > limit) {
        heap.poll();
      }
    }
  }

  private static void collectPreviewable(DirNode dir, List<FileNode> out) {
    for (Node child : dir.children()) {
      if (child instanceof FileNode file && kindOf(file.name()) != FileType.OTHER) {
        out.add(file);
      } else if (child instanceof DirNode sub) {
        collectPreviewable(sub, out);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Previews

  private enum FileType {
    CSV,
    TSV,
    TEXT,
    OTHER
  }

  private static FileType kindOf(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return FileType.CSV;
    }
    if (lower.endsWith(".tsv")) {
      return FileType.TSV;
    }
    for (String ext : new String[] {".txt", ".md", ".json", ".jsonl", ".yaml", ".yml"}) {
      if (lower.endsWith(ext)) {
        return FileType.TEXT;
      }
    }
    return FileType.OTHER;
  }

  private sealed interface Preview permits CsvSummary, TextPreview, Failure {}

  private record Failure(String reason) implements Preview {}

  private static Preview preview(FileNode file) {
    try {
      return switch (kindOf(file.name())) {
        case CSV -> summarizeCsv(file.path(), ',');
        case TSV -> summarizeCsv(file.path(), '\t');
        case TEXT, OTHER -> readText(file.path());
      };
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return new Failure(describe(e));
    }
  }

  private static String describe(Exception e) {
    Throwable cause = e instanceof DirectoryIteratorException d ? d.getCause() : e;
    return cause == null ? e.getClass().getSimpleName() : cause.getClass().getSimpleName();
  }

  private static Reader utf8Reader(Path path) throws IOException {
    // The decoder of InputStreamReader replaces malformed input instead of throwing.
    return new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // CSV

  private record CsvSummary(
      long rows,
      boolean allRowsCounted,
      int columnCount,
      List<String> header,
      List<ColumnStats> columns,
      long statsRows,
      long raggedRows)
      implements Preview {}

  private static CsvSummary summarizeCsv(Path path, char delimiter) throws IOException {
    try (Reader reader = utf8Reader(path)) {
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

  /**
   * A streaming CSV parser: RFC 4180 quoting ({@code "a, ""b"""}), line breaks inside quotes, LF,
   * CRLF or CR line ends; lenient about stray quotes. Blank lines are skipped.
   */
  private static final class CsvParser {
    private final Reader in;
    private final char delimiter;
    private final int maxFields;
    private final char[] buffer = new char[1 << 16];
    private int pos;
    private int len;
    private long charsRead;
    private final List<String> fields = new ArrayList<>();
    private int fieldCount;
    private final StringBuilder field = new StringBuilder();

    CsvParser(Reader in, char delimiter, int maxFields) {
      this.in = in;
      this.delimiter = delimiter;
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

    long charsRead() {
      return charsRead;
    }

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
     * Reads the next non-blank record; keeps its fields when {@code keep}. Returns false at the
     * end.
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
      if (keep && field.length() < MAX_FIELD_CHARS && fieldCount < maxFields) {
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

  /** Statistics of one column over the rows scanned. */
  private static final class ColumnStats {
    private long present;
    private long missing;
    private boolean maybeInt = true;
    private boolean maybeFloat = true;
    private boolean maybeBool = true;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private String minText = "";
    private String maxText = "";
    private final Map<String, ValueCount> counts = new HashMap<>();
    private final List<ValueCount> firstSeen = new ArrayList<>();
    private boolean moreDistinct;

    void add(String raw) {
      String value = raw.strip();
      if (isMissing(value)) {
        missing++;
        return;
      }
      present++;
      if (maybeInt && !isInteger(value)) {
        maybeInt = false;
      }
      if (maybeFloat) {
        if (maybeInt || isDecimal(value)) {
          double d = Double.parseDouble(value);
          if (d < min) {
            min = d;
            minText = value;
          }
          if (d > max) {
            max = d;
            maxText = value;
          }
        } else {
          maybeFloat = false;
        }
      }
      if (maybeBool && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        maybeBool = false;
      }
      String key =
          value.length() <= 100
              ? value
              : value.substring(0, 64) + '\u0000' + value.length() + ':' + value.hashCode();
      ValueCount count = counts.get(key);
      if (count != null) {
        count.n++;
      } else if (counts.size() < MAX_DISTINCT) {
        count = new ValueCount(Text.abbreviate(value, MAX_SHOWN_VALUE_CHARS));
        counts.put(key, count);
        firstSeen.add(count);
      } else {
        moreDistinct = true;
      }
    }

    String type() {
      if (present == 0) {
        return "empty";
      }
      if (maybeInt) {
        return "int";
      }
      if (maybeFloat) {
        return "float";
      }
      return maybeBool ? "bool" : "text";
    }

    String describe() {
      String type = type();
      if (type.equals("empty")) {
        return "no values, all " + missing + " missing";
      }
      StringBuilder sb = new StringBuilder(type);
      String unique =
          moreDistinct ? "more than " + MAX_DISTINCT + " unique" : firstSeen.size() + " unique";
      if (type.equals("int") || type.equals("float")) {
        sb.append(", ")
            .append(Text.abbreviate(minText, MAX_SHOWN_VALUE_CHARS))
            .append(" to ")
            .append(Text.abbreviate(maxText, MAX_SHOWN_VALUE_CHARS))
            .append(", ")
            .append(unique);
      } else {
        sb.append(", ").append(unique);
        boolean allOnce = firstSeen.stream().allMatch(c -> c.n == 1);
        boolean fewValues = !moreDistinct && firstSeen.size() <= MAX_EXAMPLES;
        if (!fewValues && (moreDistinct || allOnce)) {
          sb.append(", e.g. ");
          List<String> examples = new ArrayList<>();
          for (ValueCount c : firstSeen.subList(0, Math.min(MAX_EXAMPLES, firstSeen.size()))) {
            examples.add(quote(c.shown));
          }
          sb.append(String.join(", ", examples));
        } else {
          sb.append(fewValues ? ": " : ", most common: ");
          List<String> top = new ArrayList<>();
          firstSeen.stream()
              .sorted(Comparator.comparingLong((ValueCount c) -> c.n).reversed())
              .limit(MAX_EXAMPLES)
              .forEach(c -> top.add(quote(c.shown) + " (" + c.n + ")"));
          sb.append(String.join(", ", top));
        }
      }
      if (missing > 0) {
        sb.append(", ").append(missing).append(" missing");
      }
      return sb.toString();
    }

    private static boolean isMissing(String value) {
      return switch (value) {
        case "", "NA", "N/A", "NaN", "nan", "null", "NULL", "None" -> true;
        default -> false;
      };
    }

    /** {@code [+-]?digits}. */
    private static boolean isInteger(String s) {
      int i = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
      if (i == s.length()) {
        return false;
      }
      for (; i < s.length(); i++) {
        if (!isDigit(s.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    /**
     * {@code [+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?}, which Double.parseDouble takes.
     */
    private static boolean isDecimal(String s) {
      int i = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
      int n = s.length();
      int digits = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
      if (i < n && s.charAt(i) == '.') {
        i++;
        while (i < n && isDigit(s.charAt(i))) {
          i++;
          digits++;
        }
      }
      if (digits == 0) {
        return false;
      }
      if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        i++;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
          i++;
        }
        int expDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
          i++;
          expDigits++;
        }
        if (expDigits == 0) {
          return false;
        }
      }
      return i == n;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  private static final class ValueCount {
    final String shown;
    long n = 1;

    ValueCount(String shown) {
      this.shown = shown;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text

  /**
   * The start of a text file: {@code text} is all of it when {@code whole}, else its first {@code
   * lines} lines ({@code lines} is 0 when even the first line was cut).
   */
  private record TextPreview(String text, boolean whole, int lines, long shownBytes, boolean binary)
      implements Preview {}

  private static TextPreview readText(Path path) throws IOException {
    char[] chars = new char[INLINE_CHARS + 1];
    int n = 0;
    try (Reader reader = utf8Reader(path)) {
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
    text = text.substring(0, INLINE_CHARS);
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

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private static String renderFull(
      DirNode tree, Map<FileNode, Preview> previews, int notPreviewed) {
    StringBuilder sb = new StringBuilder("Files:\n");
    renderTree(sb, tree, "", Map.of());
    for (Map.Entry<FileNode, Preview> e : previews.entrySet()) {
      sb.append('\n');
      renderPreview(sb, e.getKey(), e.getValue());
    }
    if (notPreviewed > 0) {
      sb.append('\n')
          .append("(")
          .append(plural(notPreviewed, "more file"))
          .append(" not previewed)\n");
    }
    return sb.toString();
  }

  private static String renderShort(DirNode tree, Map<FileNode, Preview> previews) {
    Map<FileNode, String> notes = new HashMap<>();
    for (Map.Entry<FileNode, Preview> e : previews.entrySet()) {
      if (e.getValue() instanceof CsvSummary csv) {
        notes.put(e.getKey(), shape(csv));
      } else if (e.getValue() instanceof Failure failure) {
        notes.put(e.getKey(), "could not be read: " + failure.reason());
      }
    }
    StringBuilder sb =
        new StringBuilder("Files (column details and file contents left out for length):\n");
    renderTree(sb, tree, "", notes);
    return sb.toString();
  }

  private static void renderTree(
      StringBuilder sb, DirNode dir, String indent, Map<FileNode, String> notes) {
    if (dir.problem() != null) {
      sb.append(indent).append("(").append(dir.problem()).append(")\n");
    } else if (dir.children().isEmpty()) {
      sb.append(indent).append("(empty)\n");
    }
    for (Node child : dir.children()) {
      sb.append(indent).append(shownName(child.name()));
      if (child instanceof FileNode file) {
        sb.append(" (").append(humanSize(file.size()));
        String note = notes.get(file);
        if (note != null) {
          sb.append(", ").append(note);
        }
        sb.append(")\n");
      } else if (child instanceof NoteNode note) {
        sb.append(note.isDir() ? "/" : "").append(" (").append(note.note()).append(")\n");
      } else if (child instanceof DirNode sub) {
        sb.append("/\n");
        renderTree(sb, sub, indent + INDENT, notes);
      }
    }
    if (dir.otherFiles() > 0) {
      sb.append(indent)
          .append("... and ")
          .append(plural(dir.otherFiles(), "other file"))
          .append(" (")
          .append(humanSize(dir.otherBytes()))
          .append(")\n");
    }
    if (dir.otherDirs() > 0) {
      sb.append(indent)
          .append("... and ")
          .append(dir.otherDirs())
          .append(dir.otherDirs() == 1 ? " other directory\n" : " other directories\n");
    }
    if (dir.stoppedEarly()) {
      sb.append(indent)
          .append("... (listing stopped after ")
          .append(MAX_ENTRIES_PER_DIR)
          .append(" entries)\n");
    }
  }

  private static void renderPreview(StringBuilder sb, FileNode file, Preview preview) {
    String name = shownName(file.rel());
    if (preview instanceof Failure failure) {
      sb.append(name).append(": could not be read (").append(failure.reason()).append(")\n");
    } else if (preview instanceof CsvSummary csv) {
      renderCsv(sb, name, csv);
    } else if (preview instanceof TextPreview text) {
      renderText(sb, name, file.size(), text);
    }
  }

  private static void renderCsv(StringBuilder sb, String name, CsvSummary csv) {
    sb.append(name).append(": ");
    if (csv.columnCount() == 0) {
      sb.append("empty\n");
      return;
    }
    sb.append(shape(csv));
    if (csv.statsRows() == 0) {
      sb.append(", columns: ");
      List<String> names = new ArrayList<>();
      for (String column : csv.header()) {
        names.add(columnName(column));
      }
      sb.append(String.join(", ", names));
      if (csv.columnCount() > csv.header().size()) {
        sb.append(", ... and ").append(csv.columnCount() - csv.header().size()).append(" more");
      }
      sb.append('\n');
      return;
    }
    sb.append(
        csv.statsRows() < csv.rows() || !csv.allRowsCounted()
            ? " (column stats from the first " + csv.statsRows() + " rows)"
            : "");
    sb.append('\n');
    if (csv.raggedRows() > 0) {
      sb.append(INDENT)
          .append("(")
          .append(plural(csv.raggedRows(), "row"))
          .append(csv.raggedRows() == 1 ? " has" : " have")
          .append(" a different number of fields than the header)\n");
    }
    for (int i = 0; i < csv.columns().size(); i++) {
      sb.append(INDENT)
          .append("- ")
          .append(columnName(csv.header().get(i)))
          .append(": ")
          .append(csv.columns().get(i).describe())
          .append('\n');
    }
    if (csv.columnCount() > csv.columns().size()) {
      sb.append(INDENT)
          .append("... and ")
          .append(plural(csv.columnCount() - csv.columns().size(), "more column"))
          .append('\n');
    }
  }

  private static String shape(CsvSummary csv) {
    String rows = plural(csv.rows(), "row");
    return (csv.allRowsCounted()
            ? rows
            : "at least " + rows + " (counting stopped after " + MAX_COUNTED_CHARS + " characters)")
        + " x "
        + plural(csv.columnCount(), "column");
  }

  private static void renderText(StringBuilder sb, String name, long size, TextPreview text) {
    sb.append(name);
    if (text.binary()) {
      sb.append(": looks binary, not shown\n");
      return;
    }
    if (text.whole() && text.text().isEmpty()) {
      sb.append(": empty\n");
      return;
    }
    String body = text.text().replace("\r\n", "\n").replace('\r', '\n');
    if (text.whole()) {
      sb.append(", full content:\n");
    } else {
      sb.append(", first ")
          .append(
              text.lines() > 0
                  ? plural(text.lines(), "line")
                  : text.text().length() + " characters")
          .append(" (")
          .append(humanSize(text.shownBytes()))
          .append(" of ")
          .append(humanSize(size))
          .append("; the remaining ")
          .append(humanSize(Math.max(0, size - text.shownBytes())))
          .append(" are cut):\n");
    }
    String fence = fenceFor(body);
    sb.append(fence).append('\n').append(body);
    if (!body.endsWith("\n")) {
      sb.append('\n');
    }
    sb.append(fence).append('\n');
  }

  /** A Markdown code fence longer than any run of backticks in {@code body}. */
  private static String fenceFor(String body) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < body.length(); i++) {
      run = body.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return "`".repeat(Math.max(3, longest + 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  static String humanSize(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double value = bytes;
    int unit = -1;
    do {
      value /= 1000;
      unit++;
    } while (Math.round(value * 10) >= 10_000 && unit < units.length - 1);
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** A value in double quotes with backslash escapes, so that quotes and line breaks show. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return sb.append('"').toString();
  }

  private static String columnName(String name) {
    String stripped = name.strip();
    return stripped.isEmpty() ? "(no name)" : shownName(Text.abbreviate(stripped, 40));
  }

  /** A file or column name with control characters replaced, so it stays on one line. */
  private static String shownName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.toString();
  }
}
