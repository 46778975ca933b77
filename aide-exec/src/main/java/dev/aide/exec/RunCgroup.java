package dev.aide.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup (v1, in the {@code freezer} hierarchy) that holds the processes of one plain run, where
 * the JVM may make one (as root, typically). A process cannot leave it without write access to
 * another cgroup (root has it), so it also finds a daemon that cleared its environment, closed its
 * output and left the workspace. Optional: where no such cgroup can be made, runs go without one.
 *
 * <p>The run's first process joins it before the program runs: a shell ({@link
 * Watchdog.Shell#joinCgroup}) writes its pid into {@link #procs()}, then execs the launcher, so
 * every child is in it from the start. Where that write fails the run goes on, found by the other
 * criteria of {@link ProcessTree}. The executor removes the cgroup after the run, the {@link
 * Watchdog} when the JVM died; an empty {@code aide-<id>} cgroup stays only where both were killed.
 * Thread-safe.
 */
final class RunCgroup {
  private static final Logger log = LoggerFactory.getLogger(RunCgroup.class);
  private static final Path MOUNT = Path.of("/sys/fs/cgroup/freezer");
  private static final int MAX_REMOVE_ROUNDS = 200;

  /** Where this JVM makes the runs' cgroups, or null where it cannot. */
  private static final @Nullable Path PARENT = parent();

  private final Path dir;

  private RunCgroup(Path dir) {
    this.dir = dir;
  }

  /** The JVM's own freezer cgroup, where it can make cgroups in it, or null. */
  private static @Nullable Path parent() {
    if (!Files.isDirectory(MOUNT)) return null;
    Path parent = MOUNT;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] fields = line.split(":", 3);
        if (fields.length == 3 && List.of(fields[1].split(",")).contains("freezer")) {
          Path own = MOUNT.resolve(fields[2].replaceFirst("^/+", ""));
          // Without a cgroup namespace a container sees its own cgroup as the mount's root.
          if (Files.isDirectory(own)) parent = own;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot read /proc/self/cgroup", e);
    }
    return Files.isWritable(parent) ? parent : null;
  }

  /** Makes the cgroup of the run {@code executionId}, or returns null where none can be made. */
  static @Nullable RunCgroup create(String executionId) {
    if (PARENT == null) return null;
    Path dir = PARENT.resolve("aide-" + executionId);
    try {
      Files.createDirectory(dir);
      return new RunCgroup(dir);
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot make the cgroup {}", dir, e);
      return null;
    }
  }

  /** Whether runs get a cgroup here. */
  static boolean available() {
    return PARENT != null;
  }

  Path dir() {
    return dir;
  }

  /** The file a process writes its pid into to join the cgroup (with the children it makes). */
  Path procs() {
    return dir.resolve("cgroup.procs");
  }

  /** The processes in the cgroup (zombies included), or none if it cannot be read. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        if (!line.isBlank()) pids.add(Long.parseLong(line.strip()));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot read {}", dir, e);
    }
    return pids;
  }

  /**
   * Removes the cgroup once the processes in it, which the caller has killed, have exited (a zombie
   * is no longer in it); logs a warning when some are still there after about a second.
   */
  void remove() {
    for (int round = 0; round < MAX_REMOVE_ROUNDS; round++) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    log.warn("Cannot remove the cgroup {}: processes {} are still in it", dir, pids());
  }
}
