package dev.aide.core.internal.repo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The coder's SEARCH/REPLACE blocks: read from its answer, and applied to a tree all or nothing.
 *
 * <p>A block is a path on a line of its own, then {@code <<<<<<< SEARCH}, the text to find, {@code
 * =======}, its replacement and {@code >>>>>>> REPLACE}; several blocks may follow one path, inside
 * or outside a fenced code block. A fenced block right after a path line, without markers, is the
 * file's whole new content; {@code DELETE path} deletes a file. Blocks are matched against the
 * files as they were before the answer: exactly, else ignoring line endings and trailing spaces,
 * else with the indentation shifted uniformly, each only where it finds one place. Stateless.
 */
public final class SearchReplace {
  private static final Pattern SEARCH = Pattern.compile("(?i)^\\s*<{5,9}\\s*SEARCH\\s*$");
  private static final Pattern DIVIDER = Pattern.compile("^\\s*={5,9}\\s*$");
  private static final Pattern REPLACE = Pattern.compile("(?i)^\\s*>{5,9}\\s*REPLACE\\s*$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})(.*)$");
  private static final Pattern DELETE = Pattern.compile("(?i)^\\s*DELETE:?\\s+(\\S+)\\s*$");
  private static final Pattern PATH_PREFIX =
      Pattern.compile("(?i)^(#+\\s*|[-*]\\s+)?((file|path|filename)\\s*:\\s*)?");
  private static final Pattern LOOKS_LIKE_PATH =
      Pattern.compile("^[\\w.@+~-][\\w./@+~-]*(/[\\w.@+~-]*|\\.[A-Za-z0-9_]+)$");

  private SearchReplace() {}

  /** What tree the edits apply to. */
  public interface Tree {
    /** The file's current text; null when there is no such file or it is not text. */
    @Nullable String read(String path);

    /** Whether the coder may change or create {@code path}. */
    boolean editable(String path);

    /** The tree's files, for suggesting a path the coder may have meant; may be empty. */
    default Collection<String> paths() {
      return List.of();
    }
  }

  /** An answer read into its edits, the blocks it could not read, and the prose around them. */
  public record Parsed(List<Edit> edits, List<String> problems, String plan) {}

  /** The result of applying an answer's edits. */
  public sealed interface Outcome {}

  /** Every edit applied: the new content of each changed file, empty for a deleted one. */
  public record Applied(SortedMap<String, Optional<String>> changes) implements Outcome {}

  /** Nothing applied: what was wrong with each failing block. */
  public record Failed(List<Failure> failures, int blocks) implements Outcome {
    /** The text the coder reads to try again. */
    public String report() {
      StringBuilder out = new StringBuilder();
      out.append("Your edits were not applied: nothing was changed. ")
          .append(failures.size() == 1 ? "1 block" : failures.size() + " blocks")
          .append(" of ")
          .append(blocks)
          .append(" had a problem:\n\n");
      for (Failure f : failures) out.append(f.describe()).append("\n\n");
      if (failures.size() < blocks) out.append("The other blocks were fine.\n");
      return out.toString().strip() + "\n";
    }
  }

  /** Why one block failed: {@code block} 0 for a failure of the answer as a whole. */
  public record Failure(int block, int line, String path, String reason, String nearest) {
    String describe() {
      String head =
          block == 0
              ? ""
              : "Block " + block + " (" + path + ", line " + line + " of your answer): ";
      return head + reason + (nearest.isEmpty() ? "" : "\n" + nearest);
    }
  }

  // Reading.

  /** Reads {@code answer}'s edits. */
  public static Parsed parse(String answer) {
    List<String> lines = answer.replace("\r\n", "\n").replace('\r', '\n').lines().toList();
    List<Edit> edits = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> prose = new ArrayList<>();
    String path = null; // the path the next block belongs to
    String badPath = null; // a path line that named an absolute or escaping path
    int pathLine = -1; // index of the last path line
    int lastNonBlank = -1;
    int block = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (SEARCH.matcher(line).matches()) {
        block++;
        int start = i;
        List<String> search = new ArrayList<>();
        List<String> replace = new ArrayList<>();
        int j = i + 1;
        while (j < lines.size() && !DIVIDER.matcher(lines.get(j)).matches()) {
          if (SEARCH.matcher(lines.get(j)).matches() || REPLACE.matcher(lines.get(j)).matches()) {
            break;
          }
          search.add(lines.get(j++));
        }
        if (j >= lines.size() || !DIVIDER.matcher(lines.get(j)).matches()) {
          problems.add("block " + block + " (line " + (start + 1) + ") has no ======= line");
          i = j - 1;
          continue;
        }
        j++;
        while (j < lines.size() && !REPLACE.matcher(lines.get(j)).matches()) {
          if (SEARCH.matcher(lines.get(j)).matches() || DIVIDER.matcher(lines.get(j)).matches()) {
            break;
          }
          replace.add(lines.get(j++));
        }
        if (j >= lines.size() || !REPLACE.matcher(lines.get(j)).matches()) {
          problems.add(
              "block " + block + " (line " + (start + 1) + ") has no >>>>>>> REPLACE line");
          i = j - 1;
          continue;
        }
        i = j;
        lastNonBlank = i;
        if (path == null) {
          problems.add(
              "block "
                  + block
                  + " (line "
                  + (start + 1)
                  + ") has no file: write the file's path on a line of its own before it"
                  + (badPath == null ? "" : " (" + badPath + ")"));
          continue;
        }
        edits.add(
            new Edit.Replace(
                path, String.join("\n", search), String.join("\n", replace), block, start + 1));
        continue;
      }
      Matcher delete = DELETE.matcher(line);
      if (delete.matches()) {
        String p = pathOf(delete.group(1));
        block++;
        if (p == null || !safe(p)) {
          problems.add("line " + (i + 1) + ": DELETE needs a relative path inside the tree");
        } else {
          edits.add(new Edit.Delete(p, block, i + 1));
        }
        lastNonBlank = i;
        continue;
      }
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        int close = closingFence(lines, i, fence.group(1));
        boolean hasMarkers = false;
        for (int j = i + 1; j < close; j++) {
          if (SEARCH.matcher(lines.get(j)).matches()) hasMarkers = true;
        }
        String infoPath = infoPath(fence.group(2));
        if (infoPath != null && safe(infoPath)) {
          path = infoPath;
          pathLine = i;
        }
        if (hasMarkers) {
          lastNonBlank = i; // a wrapper: its blocks are read line by line
          continue;
        }
        boolean afterPath = path != null && (pathLine == lastNonBlank || pathLine == i);
        if (afterPath) {
          block++;
          String content = String.join("\n", lines.subList(i + 1, Math.min(close, lines.size())));
          edits.add(
              new Edit.WholeFile(path, content.isEmpty() ? "" : content + "\n", block, i + 1));
        } else {
          for (int j = i; j <= Math.min(close, lines.size() - 1); j++) prose.add(lines.get(j));
        }
        i = close;
        lastNonBlank = i;
        continue;
      }
      if (line.isBlank()) {
        prose.add(line);
        continue;
      }
      if (FENCE.matcher(line).matches() || DIVIDER.matcher(line).matches()) continue;
      if (REPLACE.matcher(line).matches()) continue;
      String p = pathOf(line);
      if (p != null) {
        if (safe(p)) {
          path = p;
          badPath = null;
        } else {
          path = null;
          badPath = "the path " + p + " is absolute or leaves the tree";
        }
        pathLine = i;
        lastNonBlank = i;
        continue;
      }
      prose.add(line);
      lastNonBlank = i;
    }
    return new Parsed(edits, problems, String.join("\n", prose).strip());
  }

  /** The index of the line that closes the fence opened at {@code open}, or the last line. */
  private static int closingFence(List<String> lines, int open, String marker) {
    for (int j = open + 1; j < lines.size(); j++) {
      String t = lines.get(j).strip();
      if (t.startsWith(marker.substring(0, 3)) && t.chars().allMatch(c -> c == marker.charAt(0))) {
        return j;
      }
    }
    return lines.size();
  }

  /** A path in a fence's info string ("java src/Foo.java", "src/Foo.java"), or null. */
  private static @Nullable String infoPath(String info) {
    for (String token : info.strip().split("\\s+")) {
      String p = pathOf(token);
      if (p != null && (p.contains("/") || p.contains("."))) return p;
    }
    return null;
  }

  /** The path a line names once its decorations are stripped, or null when it is not one. */
  static @Nullable String pathOf(String line) {
    String t = line.strip();
    t = PATH_PREFIX.matcher(t).replaceFirst("");
    t = t.replaceAll("^[*`'\"]+|[*`'\"]+$", "");
    if (t.endsWith(":")) t = t.substring(0, t.length() - 1);
    t = t.replaceAll("^[*`'\"]+|[*`'\"]+$", "");
    if (t.startsWith("./")) t = t.substring(2);
    if (t.isEmpty() || t.length() > 300) return null;
    boolean absolute = t.startsWith("/");
    String candidate = absolute ? t.substring(1) : t;
    if (!LOOKS_LIKE_PATH.matcher(candidate).matches()) return null;
    if (!candidate.contains("/")
        && !candidate.matches(".*[A-Za-z_][\\w-]*\\.[A-Za-z][A-Za-z0-9]*")) {
      return null;
    }
    return t;
  }

  /** Whether {@code path} is relative and stays inside the tree. */
  private static boolean safe(String path) {
    if (path.startsWith("/") || path.contains("\\")) return false;
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals("..") || part.equals(".")) return false;
    }
    return true;
  }

  // Applying.

  /** A matched region of one file: lines [from, to) become {@code replacement}. */
  private record Region(int from, int to, List<String> replacement, Edit edit) {}

  /**
   * Applies {@code edits} to {@code tree}, all or nothing.
   *
   * @param wholeFileMaxLines the longest existing file a whole-file block may replace
   */
  public static Outcome apply(List<Edit> edits, Tree tree, int wholeFileMaxLines) {
    List<Failure> failures = new ArrayList<>();
    Map<String, List<Edit>> byFile = new LinkedHashMap<>();
    for (Edit e : edits) byFile.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(e);
    SortedMap<String, Optional<String>> changes = new TreeMap<>();
    for (Map.Entry<String, List<Edit>> entry : byFile.entrySet()) {
      String path = entry.getKey();
      List<Edit> fileEdits = entry.getValue();
      if (!tree.editable(path)) {
        for (Edit e : fileEdits) {
          failures.add(
              new Failure(
                  e.block(),
                  e.line(),
                  path,
                  path
                      + " is not one of the files you may edit; change only those listed as"
                      + " editable.",
                  ""));
        }
        continue;
      }
      String original = tree.read(path);
      Optional<String> result =
          applyToFile(path, original, fileEdits, tree, wholeFileMaxLines, failures);
      if (result != null && !result.equals(Optional.ofNullable(original))) {
        changes.put(path, result);
      }
    }
    if (!failures.isEmpty()) return new Failed(failures, edits.size());
    if (changes.isEmpty()) {
      return new Failed(
          List.of(
              new Failure(
                  0,
                  0,
                  "",
                  "The blocks change nothing: each REPLACE part is the same as its SEARCH part, or"
                      + " the answer held no edits.",
                  "")),
          edits.size());
    }
    return new Applied(changes);
  }

  /** The file's new content (empty = deleted), or null when an edit failed (recorded). */
  private static @Nullable Optional<String> applyToFile(
      String path,
      @Nullable String original,
      List<Edit> edits,
      Tree tree,
      int wholeFileMaxLines,
      List<Failure> failures) {
    int before = failures.size();
    Optional<String> wholeResult = null;
    List<Edit.Replace> replaces = new ArrayList<>();
    for (Edit e : edits) {
      if (e instanceof Edit.Delete d) {
        {
          if (original == null) {
            failures.add(
                new Failure(
                    d.block(),
                    d.line(),
                    path,
                    "there is no file " + path + " to delete." + suggestion(path, tree),
                    ""));
          } else if (edits.size() > 1) {
            failures.add(
                new Failure(
                    d.block(),
                    d.line(),
                    path,
                    "the answer both deletes " + path + " and changes it; do one of the two.",
                    ""));
          } else {
            wholeResult = Optional.empty();
          }
        }
      } else if (e instanceof Edit.WholeFile w) {
        {
          long lines = original == null ? 0 : original.lines().count();
          if (original != null && lines > wholeFileMaxLines) {
            failures.add(
                new Failure(
                    w.block(),
                    w.line(),
                    path,
                    path
                        + " has "
                        + lines
                        + " lines, too many to replace whole (at most "
                        + wholeFileMaxLines
                        + "): change it with SEARCH/REPLACE blocks.",
                    ""));
          } else if (edits.size() > 1) {
            failures.add(
                new Failure(
                    w.block(),
                    w.line(),
                    path,
                    "the answer replaces "
                        + path
                        + " whole and also has other blocks for it; give"
                        + " one or the other.",
                    ""));
          } else {
            wholeResult = Optional.of(w.content());
          }
        }
      } else if (e instanceof Edit.Replace r) {
        replaces.add(r);
      }
    }
    if (failures.size() > before) return null;
    if (wholeResult != null) return wholeResult;
    // creation: one block with an empty SEARCH on a file that does not exist
    boolean crlf = original != null && original.contains("\r\n");
    String text = original == null ? null : crlf ? original.replace("\r\n", "\n") : original;
    if (text == null) {
      Edit.Replace first = replaces.get(0);
      if (!first.search().isBlank()) {
        failures.add(
            new Failure(
                first.block(),
                first.line(),
                path,
                "there is no file "
                    + path
                    + "."
                    + suggestion(path, tree)
                    + " To create it, give a block with an empty SEARCH part.",
                ""));
        return null;
      }
      if (replaces.size() > 1) {
        Edit.Replace second = replaces.get(1);
        failures.add(
            new Failure(
                second.block(),
                second.line(),
                path,
                path
                    + " is new: give its whole content in one block (blocks "
                    + first.block()
                    + " and "
                    + second.block()
                    + " both write it).",
                ""));
        return null;
      }
      String content = first.replace();
      return Optional.of(content.isEmpty() || content.endsWith("\n") ? content : content + "\n");
    }
    List<String> fileLines = splitLines(text);
    boolean finalNewline = text.endsWith("\n");
    List<Region> regions = new ArrayList<>();
    for (Edit.Replace r : replaces) {
      if (r.search().isBlank()) {
        failures.add(
            new Failure(
                r.block(),
                r.line(),
                path,
                "the SEARCH part is empty, but "
                    + path
                    + " exists: an empty SEARCH only creates a new"
                    + " file. Quote the lines to change.",
                ""));
        continue;
      }
      Region region = locate(r, fileLines, path, regions, failures);
      if (region != null) regions.add(region);
    }
    if (failures.size() > before) return null;
    regions.sort((a, b) -> Integer.compare(a.from(), b.from()));
    for (int k = 1; k < regions.size(); k++) {
      Region a = regions.get(k - 1);
      Region b = regions.get(k);
      if (b.from() < a.to()) {
        failures.add(
            new Failure(
                b.edit().block(),
                b.edit().line(),
                path,
                "blocks "
                    + a.edit().block()
                    + " and "
                    + b.edit().block()
                    + " both change lines "
                    + (b.from() + 1)
                    + "-"
                    + Math.min(a.to(), b.to())
                    + " of "
                    + path
                    + ": merge them into one block.",
                ""));
      }
    }
    if (failures.size() > before) return null;
    List<String> result = new ArrayList<>(fileLines);
    for (int k = regions.size() - 1; k >= 0; k--) {
      Region region = regions.get(k);
      result.subList(region.from(), region.to()).clear();
      result.addAll(region.from(), region.replacement());
    }
    String joined = String.join("\n", result);
    if (finalNewline && !result.isEmpty()) joined += "\n";
    if (crlf) joined = joined.replace("\n", "\r\n");
    return Optional.of(joined);
  }

  /** The lines of {@code text} without their {@code \n}; none for an empty text. */
  private static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (text.endsWith("\n")) lines.remove(lines.size() - 1);
    if (text.isEmpty()) lines.clear();
    return lines;
  }

  /**
   * Finds {@code r}'s SEARCH in {@code file}: exactly, else ignoring trailing whitespace, else with
   * a uniform indentation shift; returns the region, or null with the failure recorded.
   */
  private static @Nullable Region locate(
      Edit.Replace r,
      List<String> file,
      String path,
      List<Region> earlier,
      List<Failure> failures) {
    List<String> search = new ArrayList<>(List.of(r.search().split("\n", -1)));
    List<String> replace = new ArrayList<>(List.of(r.replace().split("\n", -1)));
    if (r.replace().isEmpty()) replace.clear();
    int lead = 0;
    while (!search.isEmpty() && search.get(0).isBlank()) {
      search.remove(0);
      lead++;
    }
    int trail = 0;
    while (!search.isEmpty() && search.get(search.size() - 1).isBlank()) {
      search.remove(search.size() - 1);
      trail++;
    }
    for (int k = 0; k < lead && !replace.isEmpty() && replace.get(0).isBlank(); k++) {
      replace.remove(0);
    }
    for (int k = 0;
        k < trail && !replace.isEmpty() && replace.get(replace.size() - 1).isBlank();
        k++) {
      replace.remove(replace.size() - 1);
    }
    for (int level = 0; level < 3; level++) {
      List<Integer> at = new ArrayList<>();
      String shift = null;
      boolean addIndent = false;
      for (int i = 0; i + search.size() <= file.size(); i++) {
        if (level < 2) {
          if (matches(file, i, search, level == 1)) at.add(i);
        } else {
          Indent indent = indentShift(file, i, search);
          if (indent != null) {
            at.add(i);
            shift = indent.shift();
            addIndent = indent.add();
          }
        }
      }
      if (at.size() == 1) {
        int i = at.get(0);
        List<String> replacement = replace;
        if (level == 2 && shift != null) replacement = reindent(replace, shift, addIndent);
        return new Region(i, i + search.size(), replacement, r);
      }
      if (at.size() > 1) {
        failures.add(
            new Failure(
                r.block(),
                r.line(),
                path,
                "the SEARCH text is in "
                    + path
                    + " "
                    + at.size()
                    + " times (lines "
                    + String.join(
                        ", ", at.stream().limit(10).map(i -> Integer.toString(i + 1)).toList())
                    + (level == 0 ? "" : ", ignoring whitespace")
                    + "): add lines around it so that it matches one place only.",
                ""));
        return null;
      }
    }
    String note = "";
    for (Region e : earlier) {
      if (String.join("\n", e.replacement()).contains(String.join("\n", search).strip())) {
        note =
            " It matches text that block "
                + e.edit().block()
                + " of your answer writes: every"
                + " block must quote the file as it is now, so merge the two.";
      }
    }
    failures.add(
        new Failure(
            r.block(),
            r.line(),
            path,
            "the SEARCH text is not in "
                + path
                + "."
                + note
                + " Copy it exactly from the file, indentation included.",
            nearest(file, search)));
    return null;
  }

  private static boolean matches(List<String> file, int at, List<String> search, boolean loose) {
    for (int k = 0; k < search.size(); k++) {
      String f = file.get(at + k);
      String s = search.get(k);
      if (loose ? !f.stripTrailing().equals(s.stripTrailing()) : !f.equals(s)) return false;
    }
    return true;
  }

  private record Indent(String shift, boolean add) {}

  /**
   * The uniform indentation that the file's lines at {@code at} have more ({@code add}) or less
   * than {@code search}'s, or null when the lines differ otherwise.
   */
  private static @Nullable Indent indentShift(List<String> file, int at, List<String> search) {
    String shift = null;
    Boolean add = null;
    for (int k = 0; k < search.size(); k++) {
      String f = file.get(at + k).stripTrailing();
      String s = search.get(k).stripTrailing();
      if (f.isEmpty() && s.isEmpty()) continue;
      if (f.isEmpty() || s.isEmpty() || !f.strip().equals(s.strip())) return null;
      String fi = f.substring(0, f.length() - f.stripLeading().length());
      String si = s.substring(0, s.length() - s.stripLeading().length());
      String d;
      boolean a;
      if (fi.startsWith(si)) {
        d = fi.substring(si.length());
        a = true;
      } else if (si.startsWith(fi)) {
        d = si.substring(fi.length());
        a = false;
      } else {
        return null;
      }
      if (shift == null) {
        shift = d;
        add = a;
      } else if (!shift.equals(d) || (!d.isEmpty() && add != a)) {
        return null;
      }
    }
    if (shift == null || shift.isEmpty()) return null;
    return new Indent(shift, add);
  }

  private static List<String> reindent(List<String> lines, String shift, boolean add) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.isBlank()) out.add(l);
      else if (add) out.add(shift + l);
      else out.add(l.startsWith(shift) ? l.substring(shift.length()) : l.stripLeading());
    }
    return out;
  }

  /** The window of {@code file} most like {@code search}, with line numbers, fenced. */
  static String nearest(List<String> file, List<String> search) {
    if (file.isEmpty() || search.isEmpty()) return "";
    int size = Math.min(search.size(), file.size());
    double best = -1;
    int bestAt = 0;
    for (int i = 0; i + size <= file.size(); i++) {
      double score = 0;
      for (int k = 0; k < size; k++) score += similarity(file.get(i + k), search.get(k));
      if (score > best) {
        best = score;
        bestAt = i;
      }
    }
    if (best <= 0.2 * size) return "No lines of the file are much like it.";
    int shown = Math.min(size, 30);
    StringBuilder out = new StringBuilder();
    out.append("The most similar lines there are ")
        .append(bestAt + 1)
        .append('-')
        .append(bestAt + shown)
        .append(":\n```\n");
    int width = Integer.toString(bestAt + shown).length();
    for (int k = 0; k < shown; k++) {
      String n = Integer.toString(bestAt + k + 1);
      out.append(" ".repeat(width - n.length()))
          .append(n)
          .append(" | ")
          .append(file.get(bestAt + k))
          .append('\n');
    }
    out.append("```");
    return out.toString();
  }

  /** How alike two lines are, 0 to 1: the Dice coefficient of their character pairs, trimmed. */
  static double similarity(String a, String b) {
    String x = a.strip().toLowerCase(Locale.ROOT);
    String y = b.strip().toLowerCase(Locale.ROOT);
    if (x.equals(y)) return 1;
    if (x.length() < 2 || y.length() < 2) return 0;
    Map<String, Integer> pairs = new java.util.HashMap<>();
    for (int i = 0; i + 1 < x.length(); i++) pairs.merge(x.substring(i, i + 2), 1, Integer::sum);
    int common = 0;
    for (int i = 0; i + 1 < y.length(); i++) {
      String p = y.substring(i, i + 2);
      Integer c = pairs.get(p);
      if (c != null && c > 0) {
        common++;
        pairs.put(p, c - 1);
      }
    }
    return 2.0 * common / (x.length() - 1 + y.length() - 1);
  }

  /** " Did you mean X?" for the tree's file with the same name, or empty. */
  private static String suggestion(String path, Tree tree) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    Set<String> seen = new HashSet<>();
    for (String p : tree.paths()) {
      if (p.substring(p.lastIndexOf('/') + 1).equals(name)) seen.add(p);
    }
    return seen.size() == 1 ? " Did you mean " + seen.iterator().next() + "?" : "";
  }
}
