package dev.aide.core.internal;

import dev.aide.core.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Splits a coder's answer into its plan (the text before the first fenced code block) and its code
 * (the fenced blocks of the task's language, joined).
 *
 * <p>Blocks tagged with one of the language's fence tags are taken; when there are none, untagged
 * blocks are. Blocks of other languages (a {@code bash} block with install commands, say) are never
 * taken as code. A block left open at the end of the answer counts as a block.
 */
final class CodeBlocks {
  /**
   * The parts of an answer.
   *
   * @param plan the text before the first block, or the text outside the blocks when nothing
   *     precedes it
   * @param code the code, or null when the answer holds no block of the language
   */
  public record Parsed(String plan, @Nullable String code) {}

  private record Block(String tag, String body) {}

  private CodeBlocks() {}

  public static Parsed parse(String answer, Language language) {
    String[] lines = answer.replace("\r\n", "\n").split("\n", -1);
    List<Block> blocks = new ArrayList<>();
    StringBuilder outside = new StringBuilder();
    int firstBlockLine = -1;

    int i = 0;
    while (i < lines.length) {
      String fence = openingFence(lines[i]);
      if (fence == null) {
        outside.append(lines[i]).append('\n');
        i++;
        continue;
      }
      if (firstBlockLine < 0) firstBlockLine = i;
      String tag = lines[i].strip().substring(fence.length()).strip();
      int space = tag.indexOf(' ');
      if (space >= 0) tag = tag.substring(0, space);
      StringBuilder body = new StringBuilder();
      i++;
      while (i < lines.length && !isClosingFence(lines[i], fence)) {
        body.append(lines[i]).append('\n');
        i++;
      }
      i++; // skip the closing fence, if any
      blocks.add(new Block(tag.toLowerCase(Locale.ROOT), body.toString()));
    }

    List<String> code = new ArrayList<>();
    for (Block block : blocks) {
      if (matches(block.tag(), language)) code.add(trimBlankLines(block.body()));
    }
    if (code.isEmpty()) {
      for (Block block : blocks) {
        if (block.tag().isEmpty()) code.add(trimBlankLines(block.body()));
      }
    }
    code.removeIf(String::isBlank);

    String plan;
    if (firstBlockLine > 0) {
      plan = String.join("\n", List.of(lines).subList(0, firstBlockLine)).strip();
    } else {
      plan = outside.toString().strip();
    }
    return new Parsed(plan, code.isEmpty() ? null : String.join("\n\n", code));
  }

  /** Removes blank lines at both ends, keeping the first line's indentation. */
  private static String trimBlankLines(String text) {
    String trimmed = text.stripTrailing();
    int start = 0;
    int newline;
    while ((newline = trimmed.indexOf('\n', start)) >= 0
        && trimmed.substring(start, newline).isBlank()) {
      start = newline + 1;
    }
    return trimmed.substring(start);
  }

  private static boolean matches(String tag, Language language) {
    if (tag.isEmpty()) return false;
    if (language.fenceTags().contains(tag)) return true;
    // "python3" and the like
    String withoutDigits = tag.replaceAll("[0-9.]+$", "");
    return language.fenceTags().contains(withoutDigits);
  }

  /** Returns the fence ("```" or "~~~", possibly longer) that opens a block on line, or null. */
  private static @Nullable String openingFence(String line) {
    String stripped = line.strip();
    for (char c : new char[] {'`', '~'}) {
      int n = 0;
      while (n < stripped.length() && stripped.charAt(n) == c) n++;
      if (n >= 3) {
        String rest = stripped.substring(n);
        if (c == '`' && rest.indexOf('`') >= 0) return null; // inline code, not a fence
        return stripped.substring(0, n);
      }
    }
    return null;
  }

  private static boolean isClosingFence(String line, String fence) {
    String stripped = line.strip();
    if (!stripped.startsWith(fence)) return false;
    for (int k = 0; k < stripped.length(); k++) {
      if (stripped.charAt(k) != fence.charAt(0)) return false;
    }
    return true;
  }
}
