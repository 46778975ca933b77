package dev.aide.core.internal;

import dev.aide.core.internal.ColumnStats.ValueCount;
import dev.aide.core.internal.DataTree.DirNode;
import dev.aide.core.internal.DataTree.FileNode;
import dev.aide.core.internal.DataTree.Node;
import dev.aide.core.internal.DataTree.NoteNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the text of {@link DataOverview} from the tree and the previews: the one place that
 * decides what the model reads about the data (which columns and values are shown, and how).
 *
 * <p>The full form is the tree then one section per preview; the short form is the tree alone, with
 * the shape of each previewed CSV file. Sizes are in SI units (1 kB = 1000 B); names and values
 * have control characters replaced, so each stays on one line.
 *
 * <p>A CSV file whose statistics are cut lists every column name (up to {@value
 * CsvSummary#MAX_NAMES}) in one wrapped list. Of a {@link TrainTestPair}, the training file names
 * its likely targets (its columns that the test file lacks) and describes them first; a test file
 * with no column of its own is described as "same columns as train.csv, without ..." and its shape,
 * instead of its statistics.
 */
final class OverviewRenderer {
  /** Example values shown per column. */
  static final int MAX_EXAMPLES = 4;

  /** Characters of a column name shown. */
  static final int MAX_COLUMN_NAME_CHARS = 40;

  /** Lines of column names are wrapped at this many characters, where a name allows. */
  static final int WRAP_CHARS = 100;

  /** Likely target columns named in one line. */
  static final int MAX_TARGETS_SHOWN = 10;

  private static final String INDENT = "  ";

  private OverviewRenderer() {}

  /** The tree, each preview, and how many previewable files were not previewed. */
  static String full(
      DirNode tree,
      Map<FileNode, FilePreview> previews,
      int notPreviewed,
      List<TrainTestPair> pairs) {
    StringBuilder sb = new StringBuilder("Files:\n");
    renderTree(sb, tree, "", Map.of());
    for (Map.Entry<FileNode, FilePreview> e : previews.entrySet()) {
      sb.append('\n');
      renderPreview(sb, e.getKey(), e.getValue(), pairs);
    }
    if (notPreviewed > 0) {
      sb.append('\n')
          .append("(")
          .append(plural(notPreviewed, "more file"))
          .append(" not previewed)\n");
    }
    return sb.toString();
  }

  /** The tree alone, with the shape of each CSV file and why a file could not be read. */
  static String shortForm(
      DirNode tree, Map<FileNode, FilePreview> previews, List<TrainTestPair> pairs) {
    Map<FileNode, String> notes = new HashMap<>();
    for (Map.Entry<FileNode, FilePreview> e : previews.entrySet()) {
      if (e.getValue() instanceof CsvSummary csv) {
        TrainTestPair asTrain = pairOf(pairs, e.getKey(), true);
        TrainTestPair asTest = pairOf(pairs, e.getKey(), false);
        String note = shape(csv);
        if (asTrain != null) {
          note += ", " + shortTargets(asTrain);
        } else if (asTest != null && asTest.sameColumns()) {
          note += ", " + sameColumnsAs(asTest);
        }
        notes.put(e.getKey(), note);
      } else if (e.getValue() instanceof FilePreview.Failure failure) {
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
          .append(DataTree.MAX_ENTRIES_PER_DIR)
          .append(" entries)\n");
    }
  }

  private static void renderPreview(
      StringBuilder sb, FileNode file, FilePreview preview, List<TrainTestPair> pairs) {
    String name = shownName(file.rel());
    if (preview instanceof FilePreview.Failure failure) {
      sb.append(name).append(": could not be read (").append(failure.reason()).append(")\n");
    } else if (preview instanceof CsvSummary csv) {
      renderCsv(sb, name, csv, pairOf(pairs, file, true), pairOf(pairs, file, false));
    } else if (preview instanceof TextPreview text) {
      renderText(sb, name, file.size(), text);
    }
  }

  private static void renderCsv(
      StringBuilder sb,
      String name,
      CsvSummary csv,
      @Nullable TrainTestPair asTrain,
      @Nullable TrainTestPair asTest) {
    sb.append(name).append(": ");
    if (csv.columnCount() == 0) {
      sb.append("empty\n");
      return;
    }
    sb.append(shape(csv));
    if (asTest != null && asTest.sameColumns()) {
      sb.append(", ").append(sameColumnsAs(asTest)).append('\n');
      return;
    }
    if (csv.statsRows() == 0) {
      sb.append(", columns: ");
      appendNames(sb, csv);
      if (asTrain != null) {
        sb.append(INDENT).append(targets(asTrain)).append('\n');
      }
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
    if (asTrain != null) {
      sb.append(INDENT).append(targets(asTrain)).append('\n');
    }
    if (csv.columnCount() > csv.columns().size()) {
      sb.append(INDENT).append("All columns: ");
      appendNames(sb, csv);
    }
    for (int i = 0; i < csv.columns().size(); i++) {
      sb.append(INDENT)
          .append("- ")
          .append(columnName(csv.header().get(i)))
          .append(": ")
          .append(describe(csv.columns().get(i)))
          .append('\n');
    }
    if (csv.columnCount() > csv.columns().size()) {
      sb.append(INDENT)
          .append("... the statistics of ")
          .append(plural(csv.columnCount() - csv.columns().size(), "more column"))
          .append(" are not shown")
          .append('\n');
    }
  }

  /**
   * Appends the names of {@code csv}'s columns, comma-separated and wrapped at about {@value
   * #WRAP_CHARS} characters, then a line break.
   */
  private static void appendNames(StringBuilder sb, CsvSummary csv) {
    List<String> items = new ArrayList<>();
    for (String column : csv.names()) {
      items.add(columnName(column));
    }
    if (csv.columnCount() > csv.names().size()) {
      items.add("... and " + (csv.columnCount() - csv.names().size()) + " more");
    }
    int lineStart = sb.lastIndexOf("\n") + 1;
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      if (i > 0) {
        sb.append(',');
        if (sb.length() - lineStart + 1 + item.length() > WRAP_CHARS) {
          sb.append('\n');
          lineStart = sb.length();
          sb.append(INDENT).append(INDENT);
        } else {
          sb.append(' ');
        }
      }
      sb.append(item);
    }
    sb.append('\n');
  }

  /** "Likely target (in train.csv, not in test.csv): SalePrice". */
  private static String targets(TrainTestPair pair) {
    List<String> names = pair.trainOnly();
    StringBuilder sb =
        new StringBuilder(names.size() == 1 ? "Likely target" : "Likely targets")
            .append(" (in ")
            .append(shownName(pair.train().name()))
            .append(", not in ")
            .append(shownName(pair.test().name()))
            .append("): ");
    appendList(sb, names);
    return sb.toString();
  }

  /** "likely target: SalePrice (not in test.csv)". */
  private static String shortTargets(TrainTestPair pair) {
    StringBuilder sb =
        new StringBuilder(pair.trainOnly().size() == 1 ? "likely target: " : "likely targets: ");
    appendList(sb, pair.trainOnly());
    return sb.append(" (not in ").append(shownName(pair.test().name())).append(")").toString();
  }

  /** "same columns as train.csv, without SalePrice". */
  private static String sameColumnsAs(TrainTestPair pair) {
    StringBuilder sb =
        new StringBuilder("same columns as ")
            .append(shownName(pair.train().name()))
            .append(", without ");
    appendList(sb, pair.trainOnly());
    return sb.toString();
  }

  private static void appendList(StringBuilder sb, List<String> names) {
    List<String> shown = new ArrayList<>();
    for (String name : names.subList(0, Math.min(MAX_TARGETS_SHOWN, names.size()))) {
      shown.add(columnName(name));
    }
    sb.append(String.join(", ", shown));
    if (names.size() > shown.size()) {
      sb.append(" and ").append(names.size() - shown.size()).append(" more");
    }
  }

  private static @Nullable TrainTestPair pairOf(
      List<TrainTestPair> pairs, FileNode file, boolean asTrain) {
    for (TrainTestPair pair : pairs) {
      if ((asTrain ? pair.train() : pair.test()).equals(file)) {
        return pair;
      }
    }
    return null;
  }

  /**
   * One column's line after its name: type, range or values, unique and missing counts. Numeric
   * columns show their range; other columns their values when at most {@value #MAX_EXAMPLES},
   * examples when each came once or there are too many to count, else the most common ones.
   */
  static String describe(ColumnStats column) {
    String type = column.type();
    if (type.equals("empty")) {
      return "no values, all " + column.missing() + " missing";
    }
    List<ValueCount> values = column.values();
    StringBuilder sb = new StringBuilder(type);
    String unique =
        column.moreDistinct()
            ? "more than " + ColumnStats.MAX_DISTINCT + " unique"
            : values.size() + " unique";
    if (type.equals("int") || type.equals("float")) {
      sb.append(", ")
          .append(Text.abbreviate(column.minText(), ColumnStats.MAX_SHOWN_VALUE_CHARS))
          .append(" to ")
          .append(Text.abbreviate(column.maxText(), ColumnStats.MAX_SHOWN_VALUE_CHARS))
          .append(", ")
          .append(unique);
    } else {
      sb.append(", ").append(unique);
      boolean allOnce = values.stream().allMatch(c -> c.count() == 1);
      boolean fewValues = !column.moreDistinct() && values.size() <= MAX_EXAMPLES;
      if (!fewValues && (column.moreDistinct() || allOnce)) {
        sb.append(", e.g. ");
        List<String> examples = new ArrayList<>();
        for (ValueCount c : values.subList(0, Math.min(MAX_EXAMPLES, values.size()))) {
          examples.add(quote(c.shown()));
        }
        sb.append(String.join(", ", examples));
      } else {
        sb.append(fewValues ? ": " : ", most common: ");
        List<String> top = new ArrayList<>();
        values.stream()
            .sorted(Comparator.comparingLong(ValueCount::count).reversed())
            .limit(MAX_EXAMPLES)
            .forEach(c -> top.add(quote(c.shown()) + " (" + c.count() + ")"));
        sb.append(String.join(", ", top));
      }
    }
    if (column.missing() > 0) {
      sb.append(", ").append(column.missing()).append(" missing");
    }
    return sb.toString();
  }

  private static String shape(CsvSummary csv) {
    String rows = plural(csv.rows(), "row");
    return (csv.allRowsCounted()
            ? rows
            : "at least "
                + rows
                + " (counting stopped after "
                + CsvSummary.MAX_COUNTED_CHARS
                + " characters)")
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
  static String fenceFor(String body) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < body.length(); i++) {
      run = body.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return "`".repeat(Math.max(3, longest + 1));
  }

  /** A size in SI units with one decimal from 1 kB on, rounded up to the next unit at 1000. */
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
  static String quote(String s) {
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
    return stripped.isEmpty()
        ? "(no name)"
        : shownName(Text.abbreviate(stripped, MAX_COLUMN_NAME_CHARS));
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
