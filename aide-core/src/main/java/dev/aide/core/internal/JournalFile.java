package dev.aide.core.internal;

import dev.aide.core.AideException;
import dev.aide.core.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The nodes of one {@code journal.jsonl}, read back by the position of their line: the nodes {@link
 * RunStore} appends and loads keep only what policies and the memory summary need in memory, and
 * read their plan, code and execution from here on demand. The file only grows, so a line's
 * position stays valid; a small cache keeps the nodes read or written last.
 *
 * <p>Safe for use by several threads at once.
 */
final class JournalFile {
  /** How many nodes the cache holds by default: about 1 MB with 15 KB nodes. */
  static final int DEFAULT_CACHED_NODES = 64;

  private final Path file;
  private final int cachedNodes;

  /** The nodes read or written last, by the position of their line; guarded by itself. */
  private final LinkedHashMap<Long, Node> cache;

  JournalFile(Path file, int cachedNodes) {
    if (cachedNodes < 1) throw new IllegalArgumentException("cachedNodes must be >= 1");
    this.file = file;
    this.cachedNodes = cachedNodes;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Node> eldest) {
            return size() > JournalFile.this.cachedNodes;
          }
        };
  }

  Path file() {
    return file;
  }

  /**
   * Returns a node with {@code full}'s values that reads its plan, code and execution back from the
   * line at {@code offset}, {@code length} bytes long (without its newline), where {@code full} was
   * written.
   */
  Node back(Node full, long offset, int length) {
    remember(offset, full);
    return NodeAccess.backedBy(full, new Line(this, offset, length, full.id()));
  }

  private void remember(long offset, Node full) {
    synchronized (cache) {
      cache.put(offset, full);
    }
  }

  private Node read(Line line) {
    synchronized (cache) {
      Node hit = cache.get(line.offset());
      if (hit != null) return hit;
    }
    byte[] bytes = new byte[line.length()];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, line.offset() + buffer.position()) < 0) {
          throw cannotRead(
              line,
              "the file ends at byte "
                  + channel.size()
                  + ", before the end of the node's line (bytes "
                  + line.offset()
                  + " to "
                  + (line.offset() + line.length())
                  + "): it was truncated",
              null);
        }
      }
    } catch (NoSuchFileException e) {
      throw cannotRead(line, "the file no longer exists", e);
    } catch (IOException e) {
      throw cannotRead(line, e.toString(), e);
    }
    Node node;
    try {
      node = NodeJson.read(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw cannotRead(
          line, "the line at byte " + line.offset() + " changed: " + e.getMessage(), e);
    }
    if (node.id() != line.id()) {
      throw cannotRead(
          line, "the line at byte " + line.offset() + " now holds node " + node.id(), null);
    }
    remember(line.offset(), node);
    return node;
  }

  private AideException cannotRead(Line line, String why, @Nullable Throwable cause) {
    return new AideException(
        "cannot read node "
            + line.id()
            + "'s plan, code and output back from "
            + file
            + ": "
            + why
            + "; the journal of a run must not be changed while the run's nodes are in use",
        cause);
  }

  /** Where one node's line is. */
  private record Line(JournalFile journal, long offset, int length, int id)
      implements NodeAccess.StoredNode {
    @Override
    public Node load() {
      return journal.read(this);
    }

    @Override
    public String toString() {
      return journal.file() + " bytes " + offset + " to " + (offset + length);
    }
  }
}
