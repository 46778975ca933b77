package dev.aide.core.internal.repo;

/**
 * One change the coder asked for, as {@link SearchReplace#parse} read it: {@code block} is its
 * 1-based number in the answer and {@code line} the answer's line where it starts.
 */
public sealed interface Edit {
  String path();

  int block();

  int line();

  /** Replace the text {@code search} (empty: create the file) with {@code replace}. */
  record Replace(String path, String search, String replace, int block, int line) implements Edit {}

  /** Make the file's whole content {@code content} (a new file, or a small one rewritten). */
  record WholeFile(String path, String content, int block, int line) implements Edit {}

  /** Delete the file. */
  record Delete(String path, int block, int line) implements Edit {}
}
