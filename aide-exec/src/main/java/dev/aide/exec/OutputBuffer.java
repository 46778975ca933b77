package dev.aide.exec;

/**
 * Keeps the first and the last characters a program wrote, and counts those cut in between, so that
 * any amount of output costs bounded memory.
 *
 * <p>Thread-safe: one thread appends while another may read the text.
 */
final class OutputBuffer {
  private final int headLimit;
  private final StringBuilder head;
  private final char[] tail;
  private int tailStart;
  private int tailSize;
  private long total;

  /** Makes a buffer that keeps at most {@code maxChars} characters, half head and half tail. */
  OutputBuffer(int maxChars) {
    if (maxChars < 2) throw new IllegalArgumentException("maxChars < 2: " + maxChars);
    this.headLimit = maxChars / 2;
    this.head = new StringBuilder();
    this.tail = new char[maxChars - headLimit];
  }

  synchronized void append(char[] chars, int offset, int length) {
    total += length;
    int toHead = Math.min(length, headLimit - head.length());
    head.append(chars, offset, toHead);
    offset += toHead;
    length -= toHead;
    if (length == 0) return;
    if (length >= tail.length) {
      System.arraycopy(chars, offset + length - tail.length, tail, 0, tail.length);
      tailStart = 0;
      tailSize = tail.length;
      return;
    }
    int end = (tailStart + tailSize) % tail.length;
    int first = Math.min(length, tail.length - end);
    System.arraycopy(chars, offset, tail, end, first);
    System.arraycopy(chars, offset + first, tail, 0, length - first);
    int overflow = Math.max(0, tailSize + length - tail.length);
    tailStart = (tailStart + overflow) % tail.length;
    tailSize = Math.min(tail.length, tailSize + length);
  }

  /** How many characters were written but not kept. */
  synchronized long truncatedChars() {
    return total - head.length() - tailSize;
  }

  /** The kept characters, with a line saying how many were cut where they were cut. */
  synchronized String text() {
    StringBuilder out = new StringBuilder(head.length() + tailSize + 50).append(head);
    long cut = truncatedChars();
    if (cut > 0) out.append("\n[... ").append(cut).append(" characters cut ...]\n");
    int first = Math.min(tailSize, tail.length - tailStart);
    out.append(tail, tailStart, first).append(tail, 0, tailSize - first);
    return out.toString();
  }
}
