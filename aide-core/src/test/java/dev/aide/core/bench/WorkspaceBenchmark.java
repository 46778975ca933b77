package dev.aide.core.bench;

import dev.aide.core.internal.repo.BaseTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times making a repository node's tree, by {@link BaseTree#materialize} (hard links to the
 * read-only base, fresh files for the changed ones) against a plain recursive copy, and measures
 * the disk each adds: a tree of 1,000 files and 50 MB, 3 files changed per node, 20 nodes each way.
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.WorkspaceBenchmark [-Dexec.args="DIR"]
 * </pre>
 *
 * DIR (default: a new directory under the system's temporary directory) is where the trees are
 * made, on the file system to measure; it is removed at the end.
 */
public final class WorkspaceBenchmark {
  private static final int FILES = 1_000;
  private static final int BYTES = 50 * 1024 * 1024;
  private static final int NODES = 20;

  private WorkspaceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        args.length > 0
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("aide-workspace-bench");
    try {
      Path source = writeTree(dir.resolve("source"));
      Path snapshot = dir.resolve("base");
      long start = System.nanoTime();
      BaseTree base = BaseTree.snapshot(source, snapshot, List.of());
      double snapshotMs = (System.nanoTime() - start) / 1e6;
      List<String> files = base.files();
      List<Double> linked = new ArrayList<>();
      List<Double> copied = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        Map<String, Optional<String>> changes =
            Map.of(
                files.get(i), Optional.of("changed " + i + "\n"),
                files.get(i + 100), Optional.of("changed " + i + "\n"),
                files.get(i + 200), Optional.of("changed " + i + "\n"));
        Path ws = dir.resolve("linked-" + i);
        start = System.nanoTime();
        base.materialize(ws, changes);
        linked.add((System.nanoTime() - start) / 1e6);
        Path copy = dir.resolve("copied-" + i);
        start = System.nanoTime();
        copyTree(snapshot, copy);
        for (var e : changes.entrySet()) {
          Path f = copy.resolve(e.getKey());
          f.toFile().setWritable(true);
          Files.writeString(f, e.getValue().orElseThrow(), StandardCharsets.UTF_8);
        }
        copied.add((System.nanoTime() - start) / 1e6);
      }
      System.out.printf(
          Locale.ROOT,
          "tree: %d files, %.1f MB; snapshot %.0f ms%n",
          files.size(),
          BYTES / 1048576.0,
          snapshotMs);
      System.out.printf(
          Locale.ROOT,
          "hard links: median %.1f ms per tree, %s KB of disk per tree (du, links counted once)%n",
          median(linked),
          addedKb(snapshot, dir.resolve("linked-0")));
      System.out.printf(
          Locale.ROOT,
          "plain copy: median %.1f ms per tree, %s KB of disk per tree%n",
          median(copied),
          addedKb(snapshot, dir.resolve("copied-0")));
    } finally {
      deleteTree(dir);
    }
  }

  /** 1,000 files of random printable text, 50 MB in all, in 20 directories. */
  private static Path writeTree(Path root) throws IOException {
    Random random = new Random(7);
    int size = BYTES / FILES;
    byte[] bytes = new byte[size];
    for (int i = 0; i < FILES; i++) {
      for (int b = 0; b < size; b++)
        bytes[b] = (byte) (b % 80 == 79 ? '\n' : 'a' + random.nextInt(26));
      Path file = root.resolve("dir" + (i % 20)).resolve("file" + i + ".txt");
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    }
    return root;
  }

  /** What {@code tree} adds on disk to {@code base}: du counts a linked file once. */
  private static String addedKb(Path base, Path tree) throws Exception {
    Process p = new ProcessBuilder("du", "-sk", base.toString(), tree.toString()).start();
    List<String> lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    p.waitFor(1, TimeUnit.MINUTES);
    return lines.size() < 2 ? "?" : lines.get(1).split("\\s+")[0];
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        p.toFile().setWritable(true);
        Files.delete(p);
      }
    }
  }
}
