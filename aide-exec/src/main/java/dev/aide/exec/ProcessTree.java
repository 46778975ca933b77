package dev.aide.exec;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one execution, and the means to end them all: the process the executor started
 * and every process started from it, found by process group or session, by parentage, by the
 * execution's id in their environment, by a working directory in the workspace, or by holding the
 * write end of the run's output pipe. The last three also find a daemon that forked twice, left the
 * session and lost its parent; only processes started after the run's first one are examined. Where
 * the JVM can make cgroups (as root), a plain run's processes are also those in its {@link
 * RunCgroup}, which an unprivileged process cannot leave. Elsewhere a daemon that also clears its
 * environment (by exec), closes or replaces its standard output and error, and leaves the workspace
 * is not found; nor is a process whose {@code /proc} entries this JVM's user may not read (another
 * user's, or a set-user-id program's). On systems without {@code /proc} only the started process
 * and its descendants are found.
 *
 * <p>Thread-safe. Until {@link #close()}, a JVM shutdown hook kills the tree when the JVM exits.
 */
final class ProcessTree implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final Path PROC = Path.of("/proc");
  private static final long SELF = ProcessHandle.current().pid();
  private static final Set<ProcessTree> LIVE = ConcurrentHashMap.newKeySet();
  private static final int MAX_KILL_ROUNDS = 200;

  /**
   * Held for reading from a process's start until it is in {@link #LIVE}, and for writing by the
   * shutdown hook, so that the hook sees every process started before it and none starts after.
   */
  private static final ReadWriteLock STARTS = new ReentrantReadWriteLock();

  // Guarded by STARTS.
  private static boolean shuttingDown;

  static {
    try {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ProcessTree::killAllAtExit, "aide-exec-shutdown-killer"));
    } catch (IllegalStateException e) {
      log.debug("The JVM is shutting down; no shutdown hook for processes", e);
    }
  }

  private static void killAllAtExit() {
    STARTS.writeLock().lock();
    try {
      shuttingDown = true;
    } finally {
      STARTS.writeLock().unlock();
    }
    LIVE.forEach(ProcessTree::kill);
  }

  private final Process root;
  private final long rootPid;
  private final byte[] marker;
  private final long rootStart;
  private final Path workspace;

  /** The link text of the run's output pipe in {@code /proc/<pid>/fd}, e.g. {@code pipe:[123]}. */
  private final @Nullable String outputPipe;

  private volatile @Nullable Watchdog watchdog;
  private final @Nullable RunCgroup cgroup;

  private ProcessTree(
      Process root, String executionId, Path workspace, @Nullable RunCgroup cgroup) {
    this.root = root;
    this.cgroup = cgroup;
    this.rootPid = root.pid();
    this.marker =
        (ChildEnvironment.EXECUTION_ID + "=" + executionId).getBytes(StandardCharsets.UTF_8);
    this.workspace = workspace;
    Stat stat = Stat.read(rootPid, new byte[1024]);
    this.rootStart = stat == null ? -1 : stat.start;
    this.outputPipe = outputPipe(rootPid);
  }

  /**
   * Starts {@code builder}'s process, whose environment carries {@code executionId} and whose
   * working directory is {@code workspace} (a real path), and tracks it; with a {@code watchdog}
   * shell, also a {@link Watchdog} that kills the tree if the JVM dies before {@link #close()},
   * and, where the JVM can make one, a {@link RunCgroup} that holds the tree.
   *
   * @throws IOException if the process cannot start, or the JVM is shutting down
   */
  static ProcessTree start(
      ProcessBuilder builder, String executionId, Path workspace, Watchdog.@Nullable Shell watchdog)
      throws IOException {
    STARTS.readLock().lock();
    try {
      if (shuttingDown) throw new IOException("the JVM is shutting down");
      RunCgroup cgroup = watchdog == null ? null : RunCgroup.create(executionId);
      if (cgroup != null) {
        // Joined before the program runs, so that no child it forks in its first moments is
        // outside; a failure to join leaves the run to the other criteria.
        List<String> command = new ArrayList<>(watchdog.joinCgroup(cgroup.procs()));
        command.addAll(builder.command());
        builder.command(command);
      }
      Process root;
      try {
        root = builder.start();
      } catch (IOException | RuntimeException e) {
        if (cgroup != null) cgroup.remove();
        throw e;
      }
      ProcessTree tree = new ProcessTree(root, executionId, workspace, cgroup);
      LIVE.add(tree);
      if (watchdog != null && tree.rootStart >= 0) {
        tree.watchdog =
            Watchdog.start(
                watchdog,
                tree.rootPid,
                tree.rootStart,
                tree.outputPipe,
                executionId,
                workspace,
                cgroup == null ? null : cgroup.dir());
      }
      return tree;
    } finally {
      STARTS.readLock().unlock();
    }
  }

  /** The pipe the started process writes its output to, read while it lives, or null. */
  private static @Nullable String outputPipe(long pid) {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1")).toString();
      return link.startsWith("pipe:[") ? link : null;
    } catch (IOException | RuntimeException e) {
      return null; // no /proc, or the process has already ended
    }
  }

  Process root() {
    return root;
  }

  /** Asks every process to stop (SIGTERM), waits up to {@code grace}, then kills what is left. */
  void terminate(Duration grace) {
    List<ProcessHandle> members = members();
    members.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (!members.isEmpty() && System.nanoTime() < deadline) {
      sleepUninterruptibly(20);
      members = members();
    }
    kill();
  }

  /** Kills (SIGKILL) every process of the tree, again and again until none is left. */
  void kill() {
    for (int round = 0; round < MAX_KILL_ROUNDS; round++) {
      List<ProcessHandle> members = members();
      if (members.isEmpty()) return;
      members.forEach(ProcessHandle::destroyForcibly);
      sleepUninterruptibly(5);
    }
    log.warn("Processes of the run started as pid {} survived {} kills", rootPid, MAX_KILL_ROUNDS);
  }

  /** Kills what is left of the tree and stops tracking it. */
  @Override
  public void close() {
    try {
      kill();
    } finally {
      LIVE.remove(this);
      if (cgroup != null) cgroup.remove();
      Watchdog dog = watchdog;
      if (dog != null) dog.close();
    }
  }

  /** The live (not zombie) processes of the tree. */
  List<ProcessHandle> members() {
    String[] names = PROC.toFile().list();
    if (names == null) return descendantsWithoutProc();
    Map<Long, Stat> stats = new HashMap<>();
    byte[] buffer = new byte[1024];
    for (String name : names) {
      if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
      long pid;
      try {
        pid = Long.parseLong(name);
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == SELF) continue;
      Stat stat = Stat.read(pid, buffer);
      if (stat != null && stat.start >= rootStart) stats.put(pid, stat);
    }
    Set<Long> descendants = descendants(stats);
    Set<Long> contained = cgroup == null ? Set.of() : new HashSet<>(cgroup.pids());
    List<ProcessHandle> members = new ArrayList<>();
    for (Stat stat : stats.values()) {
      if (stat.dead()) continue;
      if (descendants.contains(stat.pid)
          || contained.contains(stat.pid)
          || stat.group == rootPid
          || stat.session == rootPid
          || worksInWorkspace(stat.pid)
          || carriesMarker(stat.pid)
          || holdsOutputPipe(stat.pid)) {
        ProcessHandle.of(stat.pid).ifPresent(members::add);
      }
    }
    return members;
  }

  private Set<Long> descendants(Map<Long, Stat> stats) {
    Stat rootStat = stats.get(rootPid);
    // Once the root is gone its children belong to another parent, and its pid may be reused.
    if (rootStat == null || rootStat.start != rootStart) return Set.of();
    Map<Long, List<Long>> children = new HashMap<>();
    for (Stat stat : stats.values()) {
      children.computeIfAbsent(stat.parent, k -> new ArrayList<>()).add(stat.pid);
    }
    Set<Long> found = new HashSet<>();
    ArrayDeque<Long> queue = new ArrayDeque<>(List.of(rootPid));
    while (!queue.isEmpty()) {
      long pid = queue.remove();
      if (found.add(pid)) queue.addAll(children.getOrDefault(pid, List.of()));
    }
    return found;
  }

  private boolean worksInWorkspace(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).startsWith(workspace);
    } catch (IOException | RuntimeException e) {
      return false; // gone, or not ours to read
    }
  }

  /**
   * Whether the process holds the output pipe open for writing. The JVM's read end does not count:
   * a process the JVM is starting for another run holds it for a moment, until it closes what it
   * inherited.
   */
  private boolean holdsOutputPipe(long pid) {
    if (outputPipe == null) return false;
    Path fds = Path.of("/proc/" + pid + "/fd");
    try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
      for (Path link : links) {
        if (outputPipe.equals(readLink(link)) && writable(pid, link.getFileName().toString())) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      return false; // gone, or not ours to read
    }
    return false;
  }

  private static @Nullable String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@code /proc/<pid>/fdinfo/<fd>} says the descriptor was opened for writing. */
  private static boolean writable(long pid, String fd) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
        if (line.startsWith("flags:")) {
          return (Integer.parseInt(line.substring(6).strip(), 8) & 3) != 0; // O_WRONLY or O_RDWR
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }

  private boolean carriesMarker(long pid) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
    for (int start = 0; start + marker.length <= environ.length; ) {
      if (matchesAt(environ, start)
          && (start + marker.length == environ.length || environ[start + marker.length] == 0)) {
        return true;
      }
      int end = start;
      while (end < environ.length && environ[end] != 0) end++;
      start = end + 1;
    }
    return false;
  }

  private boolean matchesAt(byte[] environ, int start) {
    for (int i = 0; i < marker.length; i++) {
      if (environ[start + i] != marker[i]) return false;
    }
    return true;
  }

  private List<ProcessHandle> descendantsWithoutProc() {
    List<ProcessHandle> members = new ArrayList<>();
    if (root.isAlive()) members.add(root.toHandle());
    root.descendants().filter(ProcessHandle::isAlive).forEach(members::add);
    return members;
  }

  private static void sleepUninterruptibly(long millis) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return;
        try {
          TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /**
   * The fields of {@code /proc/<pid>/stat} used here; {@code start} is in clock ticks since boot.
   */
  private static final class Stat {
    final long pid;
    final char state;
    final long parent;
    final long group;
    final long session;
    final long start;

    private Stat(long pid, char state, long parent, long group, long session, long start) {
      this.pid = pid;
      this.state = state;
      this.parent = parent;
      this.group = group;
      this.session = session;
      this.start = start;
    }

    /** Reads a process's stat, or returns null when it is gone or unreadable. */
    static @Nullable Stat read(long pid, byte[] buffer) {
      int length;
      try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
        length = in.readNBytes(buffer, 0, buffer.length);
      } catch (IOException | RuntimeException e) {
        return null;
      }
      String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
      // "pid (command) state ppid pgrp session ..."; the command may hold spaces and parentheses.
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      if (fields.length < 20) return null;
      try {
        return new Stat(
            pid,
            fields[0].charAt(0),
            Long.parseLong(fields[1]),
            Long.parseLong(fields[2]),
            Long.parseLong(fields[3]),
            Long.parseLong(fields[19]));
      } catch (RuntimeException e) {
        return null;
      }
    }

    boolean dead() {
      return state == 'Z' || state == 'X' || state == 'x';
    }
  }
}
