package dev.aide.core.internal;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The file tree of a data directory, for {@link DataOverview}: what is listed, in which order, and
 * what is only counted or named.
 *
 * <p>Entries are sorted by name. A directory keeps at most {@value #FILES_PER_DIR} files and
 * {@value #DIRS_PER_DIR} subdirectories (the first by name) and counts the rest; directories more
 * than {@value #MAX_DEPTH} levels deep, or beyond the first {@value #MAX_LISTED_DIRS} listed, are
 * named but not listed. Hidden entries (names starting with {@code .}) are left out. Symbolic links
 * are never followed out of the directory: a link to a regular file inside it is that file, any
 * other link a note. No I/O error escapes: it becomes a note or a directory's problem.
 */
final class DataTree {
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

  private DataTree() {}

  /** An entry of the tree. */
  sealed interface Node permits FileNode, DirNode, NoteNode {
    String name();
  }

  /**
   * A regular file; {@code rel} is its path from the root with {@code /}, {@code path} is where to
   * read it (a link's target inside the tree).
   */
  record FileNode(String name, String rel, Path path, long size) implements Node {}

  /** A file or link shown with a note instead of a size. */
  record NoteNode(String name, String note, boolean isDir) implements Node {}

  /**
   * A listed directory: its shown children, what was only counted, whether the listing stopped at
   * {@value #MAX_ENTRIES_PER_DIR} entries, and why it could not be listed, if so.
   */
  record DirNode(
      String name,
      List<Node> children,
      int otherFiles,
      long otherBytes,
      int otherDirs,
      boolean stoppedEarly,
      @Nullable String problem)
      implements Node {}

  /** Lists {@code root}, a real path of a directory; its own name is empty. */
  static DirNode walk(Path root) {
    return new Walker(root).list(root, "", "", 0);
  }

  /** The shown files of the tree in the order they are shown, depth first. */
  static List<FileNode> files(DirNode dir) {
    List<FileNode> out = new ArrayList<>();
    collectFiles(dir, out);
    return out;
  }

  private static void collectFiles(DirNode dir, List<FileNode> out) {
    for (Node child : dir.children()) {
      if (child instanceof FileNode file) {
        out.add(file);
      } else if (child instanceof DirNode sub) {
        collectFiles(sub, out);
      }
    }
  }

  /** The name of what went wrong, for the text: the exception's simple class name. */
  static String describe(Exception e) {
    Throwable cause = e instanceof DirectoryIteratorException d ? d.getCause() : e;
    return cause == null ? e.getClass().getSimpleName() : cause.getClass().getSimpleName();
  }

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
}
