package dev.aide.core.internal.repo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A set of globs over relative, '/'-separated paths: a path matches when any glob matches it.
 *
 * <p>{@code *} is any characters but '/', {@code ?} one character but '/', {@code **} any
 * characters including '/', {@code **}{@code /} zero or more directories (so {@code **}{@code
 * /*.java} matches {@code A.java} too), {@code {a,b}} one of the alternatives (which may hold
 * wildcards themselves), {@code [abc]}, {@code [a-z]} and {@code [!abc]} a character class, and
 * {@code \} makes the next character literal. A glob with no wildcard matches that path and, when
 * it names a directory, everything under it; a glob that ends with '/' matches everything under the
 * directories it names. A leading {@code ./} is ignored.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Globs implements Predicate<String> {
  private final List<String> globs;
  private final List<Pattern> patterns;

  private Globs(List<String> globs, List<Pattern> patterns) {
    this.globs = globs;
    this.patterns = patterns;
  }

  /**
   * Returns the globs as one predicate.
   *
   * @throws IllegalArgumentException when a glob is empty, absolute, has a {@code ..} segment, an
   *     unclosed {@code {} or {@code [}, or a {@code }} with no {@code {}; the message names the
   *     glob and says what to change
   */
  public static Globs of(List<String> globs) {
    Objects.requireNonNull(globs, "globs");
    List<Pattern> patterns = new ArrayList<>(globs.size());
    for (String glob : globs) {
      Objects.requireNonNull(glob, "a glob is null");
      patterns.add(Pattern.compile(toRegex(glob)));
    }
    return new Globs(List.copyOf(globs), List.copyOf(patterns));
  }

  /** Returns whether one of the globs matches {@code path} (relative, '/'-separated). */
  @Override
  public boolean test(String path) {
    for (Pattern p : patterns) {
      if (p.matcher(path).matches()) return true;
    }
    return false;
  }

  /** Returns the globs as given. */
  public List<String> globs() {
    return globs;
  }

  /** Returns the globs, e.g. {@code [src/main/java/**, pom.xml]}. */
  @Override
  public String toString() {
    return globs.toString();
  }

  /** Translates one glob into a regular expression over a whole path. */
  static String toRegex(String glob) {
    String g = glob;
    while (g.startsWith("./")) g = g.substring(2);
    if (g.isEmpty()) throw bad(glob, "it is empty; name a file, a directory or a pattern");
    if (g.startsWith("/") || g.matches("[A-Za-z]:[/\\\\].*")) {
      throw bad(glob, "it is absolute; write it relative to the tree's root, e.g. src/**");
    }
    for (String segment : g.split("/", -1)) {
      if (segment.equals("..")) {
        throw bad(glob, "it has a '..' segment; globs cannot leave the tree");
      }
    }
    boolean underDirectory = g.endsWith("/");
    if (underDirectory) g = g.substring(0, g.length() - 1);
    StringBuilder regex = new StringBuilder();
    boolean wildcard = false;
    int braces = 0;
    int lastOpenBrace = -1;
    int i = 0;
    while (i < g.length()) {
      char c = g.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 == g.length()) {
            throw bad(glob, "it ends with '\\', which escapes nothing; remove it");
          }
          regex.append(Pattern.quote(String.valueOf(g.charAt(i + 1))));
          i += 2;
          continue;
        }
        case '*' -> {
          wildcard = true;
          if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
            boolean atSegmentStart = i == 0 || g.charAt(i - 1) == '/';
            if (atSegmentStart && i + 2 < g.length() && g.charAt(i + 2) == '/') {
              regex.append("(?:.*/)?");
              i += 3;
            } else {
              regex.append(".*");
              i += 2;
            }
            continue;
          }
          regex.append("[^/]*");
        }
        case '?' -> {
          wildcard = true;
          regex.append("[^/]");
        }
        case '[' -> {
          wildcard = true;
          i = characterClass(glob, g, i, regex);
          continue;
        }
        case '{' -> {
          wildcard = true;
          braces++;
          lastOpenBrace = i;
          regex.append("(?:");
        }
        case '}' -> {
          if (braces == 0) {
            throw bad(
                glob,
                "the '}' at position " + (i + 1) + " closes no '{'; remove it or write '\\}'");
          }
          braces--;
          regex.append(')');
        }
        case ',' -> regex.append(braces > 0 ? "|" : ",");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    if (braces > 0) {
      throw bad(
          glob,
          "the '{' at position "
              + (lastOpenBrace + 1)
              + " is never closed; add '}' or write '\\{'");
    }
    if (underDirectory) return regex + "/.*";
    return wildcard ? regex.toString() : regex + "(?:/.*)?";
  }

  /** Appends the class that starts at {@code start} and returns the index after its ']'. */
  private static int characterClass(String glob, String g, int start, StringBuilder regex) {
    int i = start + 1;
    boolean negated = i < g.length() && (g.charAt(i) == '!' || g.charAt(i) == '^');
    if (negated) i++;
    StringBuilder members = new StringBuilder();
    boolean first = true;
    while (i < g.length() && (g.charAt(i) != ']' || first)) {
      char c = g.charAt(i);
      if (c == '/') {
        throw bad(
            glob,
            "the '[' at position " + (start + 1) + " holds a '/', which never matches; close it");
      }
      if (c == '-' && !first && i + 1 < g.length() && g.charAt(i + 1) != ']') {
        members.append('-');
      } else {
        if (c == '\\' && i + 1 < g.length()) c = g.charAt(++i);
        members.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
      }
      first = false;
      i++;
    }
    if (i >= g.length()) {
      throw bad(
          glob, "the '[' at position " + (start + 1) + " is never closed; add ']' or write '\\['");
    }
    regex.append("(?!/)[").append(negated ? "^" : "").append(members).append(']');
    return i + 1;
  }

  private static IllegalArgumentException bad(String glob, String why) {
    return new IllegalArgumentException("Bad glob '" + glob + "': " + why);
  }
}
