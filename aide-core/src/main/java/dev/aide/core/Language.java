package dev.aide.core;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The language a solution is written in: how prompts name it, which file the code is saved to,
 * which command runs that file, and which tags mark its fenced code blocks.
 *
 * <p>{@link #PYTHON} is the default. Use {@link #JAVA} or {@link #BASH}, or make your own:
 *
 * <pre>{@code
 * Language node = new Language("JavaScript", "solution.js", List.of("node", "solution.js"),
 *     List.of("javascript", "js"));
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param name the name prompts use, e.g. "Python"
 * @param fileName the file the code is saved to in the node's workspace, e.g. "solution.py"
 * @param command the command an executor runs in the workspace, e.g. {@code [python3, solution.py]}
 * @param fenceTags the tags after the opening fence that mark a block of this language, lower case,
 *     e.g. {@code [python, py]}
 */
public record Language(String name, String fileName, List<String> command, List<String> fenceTags) {
  /** Python 3, run as {@code python3 solution.py}. */
  public static final Language PYTHON =
      new Language(
          "Python", "solution.py", List.of("python3", "solution.py"), List.of("python", "py"));

  /** Java, a single source file run as {@code java Main.java}. */
  public static final Language JAVA =
      new Language("Java", "Main.java", List.of("java", "Main.java"), List.of("java"));

  /** A Bash script, run as {@code bash solution.sh}. */
  public static final Language BASH =
      new Language(
          "Bash", "solution.sh", List.of("bash", "solution.sh"), List.of("bash", "sh", "shell"));

  public Language {
    requireText(name, "name");
    requireText(fileName, "fileName");
    if (fileName.contains("/") || fileName.contains("\\")) {
      throw new IllegalArgumentException("fileName must be a plain file name, was " + fileName);
    }
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    if (command.isEmpty()) throw new IllegalArgumentException("command must not be empty");
    fenceTags =
        Objects.requireNonNull(fenceTags, "fenceTags").stream()
            .map(tag -> tag.toLowerCase(Locale.ROOT))
            .toList();
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) throw new IllegalArgumentException(what + " must not be blank");
  }
}
