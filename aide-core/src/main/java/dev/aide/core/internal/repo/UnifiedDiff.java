package dev.aide.core.internal.repo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Git-style unified diffs of whole trees, and their application: what a repository node records
 * (its diff against the base and against its parent) and how its files are rebuilt from it.
 *
 * <p>The format is {@code git diff}'s: a {@code diff --git a/P b/P} header per file, {@code new
 * file mode 100644} or {@code deleted file mode 100644} where a side is absent, {@code ---}/{@code
 * +++} lines ({@code /dev/null} for an absent side), hunks with 3 lines of context, and {@code \ No
 * newline at end of file} after a line without one. Lines are split at {@code \n} only, so a CRLF
 * file's {@code \r} stays part of each line. {@code git apply} takes the output. Stateless.
 */
public final class UnifiedDiff {
  /** Lines of context around each change. */
  static final int CONTEXT = 3;

  /**
   * Past this many differences in one file, its changed middle is one deletion and one insertion.
   */
  static final int MAX_EDIT_DISTANCE = 4_000;

  private static final String NO_NEWLINE = "\\ No newline at end of file";

  private UnifiedDiff() {}

  /** How much a diff changes. */
  public record Stats(int files, int added, int removed) {}

  /**
   * The diff from {@code before} to {@code after}: every path of either map whose content differs
   * (null or missing = absent), in path order; empty when nothing differs.
   */
  public static String diff(
      SortedMap<String, @Nullable String> before, SortedMap<String, @Nullable String> after) {
    TreeMap<String, Boolean> paths = new TreeMap<>();
    for (String p : before.keySet()) paths.put(p, true);
    for (String p : after.keySet()) paths.put(p, true);
    StringBuilder out = new StringBuilder();
    for (String path : paths.keySet()) {
      String a = before.get(path);
      String b = after.get(path);
      if (a == null ? b == null : a.equals(b)) continue;
      file(out, path, a, b);
    }
    return out.toString();
  }

  private static void file(StringBuilder out, String path, @Nullable String a, @Nullable String b) {
    out.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
    if (a == null) out.append("new file mode 100644\n");
    if (b == null) out.append("deleted file mode 100644\n");
    List<String> x = lines(a);
    List<String> y = lines(b);
    if (x.isEmpty() && y.isEmpty()) return; // an empty file created or deleted: the header says it
    String tab = path.indexOf(' ') >= 0 ? "\t" : "";
    out.append("--- ").append(a == null ? "/dev/null" : "a/" + path + tab).append('\n');
    out.append("+++ ").append(b == null ? "/dev/null" : "b/" + path + tab).append('\n');
    hunks(out, x, y, script(x, y));
  }

  /** The lines of {@code text}, each with its {@code \n} but a last one without; none for null. */
  static List<String> lines(@Nullable String text) {
    List<String> lines = new ArrayList<>();
    if (text == null) return lines;
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      lines.add(text.substring(start, end));
      start = end;
    }
    return lines;
  }

  /**
   * For each line of {@code x} whether it is kept, as an edit script: a list of operations, ' '
   * (keep one line of each), '-' (drop a line of x), '+' (add a line of y), in order.
   */
  static char[] script(List<String> x, List<String> y) {
    int prefix = 0;
    while (prefix < x.size() && prefix < y.size() && x.get(prefix).equals(y.get(prefix))) prefix++;
    int suffix = 0;
    while (suffix < x.size() - prefix
        && suffix < y.size() - prefix
        && x.get(x.size() - 1 - suffix).equals(y.get(y.size() - 1 - suffix))) {
      suffix++;
    }
    List<String> xm = x.subList(prefix, x.size() - suffix);
    List<String> ym = y.subList(prefix, y.size() - suffix);
    StringBuilder ops = new StringBuilder();
    ops.append(" ".repeat(prefix));
    ops.append(myers(xm, ym));
    ops.append(" ".repeat(suffix));
    return ops.toString().toCharArray();
  }

  /**
   * Myers' O(ND) shortest edit script of {@code a} into {@code b}; a plain swap when D is large.
   */
  private static String myers(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    if (n == 0 || m == 0) return "-".repeat(n) + "+".repeat(m);
    int max = Math.min(n + m, MAX_EDIT_DISTANCE);
    int offset = max + 1;
    int[] v = new int[2 * max + 3];
    List<int[]> trace = new ArrayList<>();
    int found = -1;
    for (int d = 0; d <= max; d++) {
      trace.add(v.clone());
      for (int k = -d; k <= d; k += 2) {
        int xi;
        if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) {
          xi = v[offset + k + 1];
        } else {
          xi = v[offset + k - 1] + 1;
        }
        int yi = xi - k;
        while (xi < n && yi < m && a.get(xi).equals(b.get(yi))) {
          xi++;
          yi++;
        }
        v[offset + k] = xi;
        if (xi >= n && yi >= m) {
          found = d;
          break;
        }
      }
      if (found >= 0) break;
    }
    if (found < 0) return "-".repeat(n) + "+".repeat(m);
    // walk the trace back from (n, m)
    StringBuilder reversed = new StringBuilder();
    int xi = n;
    int yi = m;
    for (int d = found; d > 0; d--) {
      int[] pv = trace.get(d);
      int k = xi - yi;
      int prevK = (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1])) ? k + 1 : k - 1;
      int prevX = pv[offset + prevK];
      int prevY = prevX - prevK;
      while (xi > prevX && yi > prevY) {
        reversed.append(' ');
        xi--;
        yi--;
      }
      if (xi == prevX) {
        reversed.append('+');
        yi--;
      } else {
        reversed.append('-');
        xi--;
      }
    }
    while (xi > 0 && yi > 0) {
      reversed.append(' ');
      xi--;
      yi--;
    }
    return reversed.reverse().toString();
  }

  /** Writes the hunks of {@code ops} over {@code x} and {@code y}. */
  private static void hunks(StringBuilder out, List<String> x, List<String> y, char[] ops) {
    // positions in x and y before each op
    int[] xs = new int[ops.length + 1];
    int[] ys = new int[ops.length + 1];
    for (int i = 0; i < ops.length; i++) {
      xs[i + 1] = xs[i] + (ops[i] == '+' ? 0 : 1);
      ys[i + 1] = ys[i] + (ops[i] == '-' ? 0 : 1);
    }
    int i = 0;
    while (i < ops.length) {
      if (ops[i] == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      // extend while the next change is within 2 * CONTEXT kept lines
      while (true) {
        while (end < ops.length && ops[end] != ' ') end++;
        int next = end;
        while (next < ops.length && ops[next] == ' ') next++;
        if (next < ops.length && next - end <= 2 * CONTEXT) {
          end = next;
        } else {
          end = Math.min(ops.length, end + CONTEXT);
          break;
        }
      }
      int oldCount = xs[end] - xs[start];
      int newCount = ys[end] - ys[start];
      out.append("@@ -")
          .append(range(xs[start], oldCount))
          .append(" +")
          .append(range(ys[start], newCount))
          .append(" @@\n");
      for (int j = start; j < end; j++) {
        String line = ops[j] == '+' ? y.get(ys[j]) : x.get(xs[j]);
        out.append(ops[j]);
        if (line.endsWith("\n")) {
          out.append(line);
        } else {
          out.append(line).append('\n').append(NO_NEWLINE).append('\n');
        }
      }
      i = end;
    }
  }

  private static String range(int before, int count) {
    return (count == 0 ? before : before + 1) + "," + count;
  }

  /** One file's part of a diff. */
  record FilePatch(String path, boolean created, boolean deleted, List<Hunk> hunks) {}

  /**
   * One hunk: where it starts in the old file (1-based; 0 for none) and its lines with prefixes.
   */
  record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<String> lines) {}

  /**
   * Reads {@code diff} into its files.
   *
   * @throws IllegalArgumentException when it is not a diff of this format
   */
  static List<FilePatch> parse(String diff) {
    List<FilePatch> files = new ArrayList<>();
    List<String> lines = bareLines(diff);
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (!line.startsWith("diff --git ")) {
        throw new IllegalArgumentException("line " + (i + 1) + " of the diff is not a file header");
      }
      String rest = line.substring("diff --git ".length());
      if (rest.length() < 5 || (rest.length() - 5) % 2 != 0 || !rest.startsWith("a/")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": unreadable header " + line);
      }
      String path = rest.substring(2, 2 + (rest.length() - 5) / 2);
      i++;
      boolean created = false;
      boolean deleted = false;
      List<Hunk> hunks = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).startsWith("diff --git ")) {
        String l = lines.get(i);
        if (l.startsWith("new file mode")) {
          created = true;
          i++;
        } else if (l.startsWith("deleted file mode")) {
          deleted = true;
          i++;
        } else if (l.startsWith("--- ") || l.startsWith("+++ ")) {
          i++;
        } else if (l.startsWith("@@ ")) {
          int[] r = hunkHeader(l, i);
          List<String> body = new ArrayList<>();
          i++;
          int oldSeen = 0;
          int newSeen = 0;
          while (i < lines.size() && (oldSeen < r[1] || newSeen < r[3] || isNoNewline(lines, i))) {
            String b = lines.get(i);
            if (b.equals(NO_NEWLINE)) {
              body.add(b);
              i++;
              continue;
            }
            char op = b.isEmpty() ? ' ' : b.charAt(0);
            if (op == ' ' || op == '-') oldSeen++;
            if (op == ' ' || op == '+') newSeen++;
            if (op != ' ' && op != '-' && op != '+') {
              throw new IllegalArgumentException("line " + (i + 1) + ": not a hunk line: " + b);
            }
            body.add(b.isEmpty() ? " " : b);
            i++;
          }
          hunks.add(new Hunk(r[0], r[1], r[2], r[3], body));
        } else {
          i++; // index, mode and similarity lines
        }
      }
      files.add(new FilePatch(path, created, deleted, hunks));
    }
    return files;
  }

  /** The lines of {@code text} split at {@code \n} only, without it (a CR stays). */
  private static List<String> bareLines(String text) {
    List<String> result = new ArrayList<>();
    for (String l : lines(text)) result.add(l.endsWith("\n") ? l.substring(0, l.length() - 1) : l);
    return result;
  }

  private static boolean isNoNewline(List<String> lines, int i) {
    return lines.get(i).equals(NO_NEWLINE);
  }

  private static int[] hunkHeader(String line, int index) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*$")
            .matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("line " + (index + 1) + ": unreadable hunk " + line);
    }
    return new int[] {
      Integer.parseInt(m.group(1)),
      m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
      Integer.parseInt(m.group(3)),
      m.group(4) == null ? 1 : Integer.parseInt(m.group(4))
    };
  }

  /**
   * Applies {@code diff} to the files {@code read} gives (null = absent) and returns the new
   * content of every file it touches, empty for a deleted one.
   *
   * @throws IllegalArgumentException naming the file and hunk when a hunk's lines are not where it
   *     says, or the diff cannot be read
   */
  public static SortedMap<String, Optional<String>> apply(
      String diff, Function<String, @Nullable String> read) {
    SortedMap<String, Optional<String>> result = new TreeMap<>();
    for (FilePatch file : parse(diff)) {
      if (file.deleted()) {
        result.put(file.path(), Optional.empty());
        continue;
      }
      String old = file.created() ? null : read.apply(file.path());
      if (!file.created() && old == null) {
        throw new IllegalArgumentException(
            file.path() + ": the diff changes a file that is absent");
      }
      result.put(file.path(), Optional.of(applyHunks(file, lines(old))));
    }
    return result;
  }

  private static String applyHunks(FilePatch file, List<String> old) {
    StringBuilder out = new StringBuilder();
    int at = 0; // next line of old to copy
    int number = 0;
    for (Hunk hunk : file.hunks()) {
      number++;
      int start = hunk.oldCount() == 0 ? hunk.oldStart() : hunk.oldStart() - 1;
      if (start < at || start > old.size()) {
        throw new IllegalArgumentException(
            file.path()
                + ": hunk "
                + number
                + " starts at line "
                + hunk.oldStart()
                + ", out of order");
      }
      while (at < start) out.append(old.get(at++));
      List<String> body = hunk.lines();
      for (int j = 0; j < body.size(); j++) {
        String l = body.get(j);
        if (l.equals(NO_NEWLINE)) continue;
        boolean newline = j + 1 >= body.size() || !body.get(j + 1).equals(NO_NEWLINE);
        String text = l.substring(1) + (newline ? "\n" : "");
        char op = l.charAt(0);
        if (op == ' ' || op == '-') {
          if (at >= old.size() || !old.get(at).equals(text)) {
            throw new IllegalArgumentException(
                file.path()
                    + ": hunk "
                    + number
                    + " does not match line "
                    + (at + 1)
                    + " (expected "
                    + quote(text)
                    + ", found "
                    + (at < old.size() ? quote(old.get(at)) : "the end of the file")
                    + ")");
          }
          at++;
        }
        if (op == ' ' || op == '+') out.append(text);
      }
    }
    while (at < old.size()) out.append(old.get(at++));
    return out.toString();
  }

  private static String quote(String line) {
    String s = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
  }

  /** How many files, added and removed lines {@code diff} has. */
  public static Stats stats(String diff) {
    int files = 0;
    int added = 0;
    int removed = 0;
    boolean inHunk = false;
    for (String line : bareLines(diff)) {
      if (line.startsWith("diff --git ")) {
        files++;
        inHunk = false;
      } else if (line.startsWith("@@ ")) {
        inHunk = true;
      } else if (inHunk && line.startsWith("+")) {
        added++;
      } else if (inHunk && line.startsWith("-")) {
        removed++;
      }
    }
    return new Stats(files, added, removed);
  }

  /** The paths {@code diff} touches. */
  static List<String> paths(String diff) {
    return parse(diff).stream().map(FilePatch::path).toList();
  }

  /** For tests: the diff of a single file. */
  static String diff(String path, @Nullable String before, @Nullable String after) {
    SortedMap<String, @Nullable String> a = new TreeMap<>();
    SortedMap<String, @Nullable String> b = new TreeMap<>();
    a.put(path, before);
    b.put(path, after);
    return diff(a, b);
  }
}
