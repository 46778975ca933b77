package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Workspaces laid out as the engine lays them out, requests, and process checks. */
final class TestSupport {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private TestSupport() {}

  static void assumePython() {
    assumeTrue(
        ProcessExecutor.findOnPath("python3", pathOrDefault()) != null,
        "this test needs python3 on PATH");
  }

  /**
   * Returns a builder of plain processes (the sandbox is the default; tests of the sandbox choose
   * it) whose {@code python3} is one that programs can run: python3 on PATH, unless the JVM is root
   * and that one lies where the unprivileged user cannot reach (a pyenv in {@code /root}); then
   * {@code /usr/bin/python3}.
   */
  static ProcessExecutor.Builder builder() {
    return ProcessExecutor.builder()
        .sandbox(ProcessExecutor.Sandbox.OFF)
        .interpreter("python3", python3());
  }

  static String python3() {
    Path onPath = ProcessExecutor.findOnPath("python3", pathOrDefault());
    if (onPath == null || !jvmIsRoot()) return "python3";
    RunAsUser nobody = RunAsUser.resolve(null);
    try {
      if (nobody.blocking(onPath, "x", dir -> false) == null
          && nobody.blocking(onPath.toRealPath(), "x", dir -> false) == null) {
        return onPath.toString();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path system = Path.of("/usr/bin/python3");
    assumeTrue(
        Files.isExecutable(system),
        "this test needs a python3 that nobody can run, e.g. /usr/bin/python3");
    return system.toString();
  }

  static String pathOrDefault() {
    String path = System.getenv("PATH");
    return path == null ? "/usr/bin:/bin" : path;
  }

  /**
   * Makes {@code root/<n>/} with {@code working/} and an empty {@code input/}. Like a run's output
   * directory, {@code root} is made readable by others (JUnit makes a {@code @TempDir} rwx------),
   * so that the unprivileged user a root JVM runs programs as can reach it.
   */
  static Path workspace(Path root) {
    try {
      openToOthers(root);
      Path workspace = root.resolve("ws" + NEXT.incrementAndGet());
      Files.createDirectories(workspace.resolve("working"));
      Files.createDirectories(workspace.resolve("input"));
      return workspace;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes a workspace whose {@code input} is a symbolic link to {@code data}, as the engine does.
   */
  static Path workspaceWithData(Path root, Path data) {
    try {
      openToOthers(root);
      Path workspace = root.resolve("ws" + NEXT.incrementAndGet());
      Files.createDirectories(workspace.resolve("working"));
      Files.createSymbolicLink(workspace.resolve("input"), data);
      return workspace;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Python code that defines {@code daemon(pid_file, keep_output, leave_workspace)}: it starts a
   * daemon that forks twice, calls setsid, and execs Python with an empty environment (so its
   * {@code /proc/<pid>/environ} holds no execution id). It writes its pid line to {@code pid_file};
   * with {@code keep_output} it keeps the run's output pipe and prints {@code daemon up}, else it
   * points its standard streams at {@code /dev/null}; with {@code leave_workspace} it moves to
   * {@code /}. The call returns once the daemon runs its last program.
   */
  static final String DAEMON =
      """
      import os, sys
      def daemon(pid_file, keep_output, leave_workspace):
          r, w = os.pipe()
          os.set_inheritable(w, True)
          if os.fork() == 0:
              os.setsid()
              if os.fork() == 0:
                  os.close(r)
                  with open(pid_file, 'w') as f:
                      f.write(f'{os.getpid()}\\n')
                  if not keep_output:
                      null = os.open(os.devnull, os.O_RDWR)
                      for fd in (0, 1, 2):
                          os.dup2(null, fd)
                  if leave_workspace:
                      os.chdir('/')
                  code = ("import os, sys, time; print('daemon up', flush=True);"
                          " os.write(int(sys.argv[1]), b'x'); time.sleep(600)")
                  os.execve(sys.executable, [sys.executable, '-c', code, str(w)], {})
              os._exit(0)
          os.close(w)
          os.read(r, 1)
          os.close(r)
      """;

  /** Kills the processes named in these pid files that still run, after a failed test. */
  static void killLeftovers(Path... pidFiles) {
    for (Path file : pidFiles) {
      if (!hasPidLine(file)) continue;
      ProcessHandle.of(readPid(file)).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Makes {@code dir} rwxr-xr-x, as directories made with the usual umask are. */
  static Path openToOthers(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** Whether this JVM runs as root, so that programs run as an unprivileged user. */
  static boolean jvmIsRoot() {
    return RunAsUser.jvmUid() == 0;
  }

  static ExecutionRequest python(String code, Path workspace) {
    return python(code, workspace, Duration.ofSeconds(30));
  }

  static ExecutionRequest python(String code, Path workspace, Duration timeout) {
    return new ExecutionRequest(
        code, "solution.py", List.of("python3", "solution.py"), workspace, timeout, Map.of());
  }

  /**
   * Whether a running program has written its whole pid line to {@code file}. A program opens the
   * file before it writes to it, so a file that exists may still be empty: a program ended at that
   * moment leaves no pid to check.
   */
  static boolean hasPidLine(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).endsWith("\n");
    } catch (IOException e) {
      return false; // not there yet
    }
  }

  /** Waits until {@link #hasPidLine}; the test's timeout bounds the wait. */
  static void awaitPidLine(Path file) throws InterruptedException {
    while (!hasPidLine(file)) Thread.sleep(10);
  }

  static long readPid(Path file) {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether a process runs. A zombie does not: where PID 1 does not reap orphans (some containers),
   * a killed orphan stays a zombie.
   */
  static boolean running(long pid) {
    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) return false;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  static void assertGone(Path pidFile) {
    assertThat(pidFile).as("the program wrote %s", pidFile.getFileName()).exists();
    long pid = readPid(pidFile);
    assertThat(running(pid)).as("process %d (%s) still runs", pid, pidFile.getFileName()).isFalse();
  }

  /** Deletes {@code dir} and everything in it, if it exists. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The live processes whose command line contains {@code commandLine}. */
  static List<Long> processesRunning(String commandLine) {
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          String cmdline =
              new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains(commandLine) && running(Long.parseLong(name))) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // Gone meanwhile.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /**
   * Makes a temporary directory, readable by others, where the sandbox shows the host's files:
   * under target/ unless the checkout lies in a directory the sandbox covers (a clone under /tmp or
   * a home), else under /var/cache, /opt, /srv or /mnt; skips the test where there is none.
   */
  static Path uncoveredDirectory(String prefix) throws IOException {
    List<Path> covered = new ArrayList<>();
    for (String dir : List.of("/tmp", "/home", "/root", "/run", "/var/tmp")) {
      covered.add(Path.of(dir));
    }
    covered.add(Path.of(System.getProperty("user.home", "/tmp")));
    for (String variable : List.of("HOME", "XDG_RUNTIME_DIR")) {
      String value = System.getenv(variable);
      if (value != null && value.startsWith("/") && !value.equals("/")) covered.add(Path.of(value));
    }
    for (Path base :
        List.of(
            Path.of("target").toAbsolutePath(),
            Path.of("/var/cache"),
            Path.of("/opt"),
            Path.of("/srv"),
            Path.of("/mnt"))) {
      if (!Files.isDirectory(base) || !Files.isWritable(base)) continue;
      Path real = base.toRealPath();
      if (covered.stream().anyMatch(dir -> real.startsWith(realOrSelf(dir)))) continue;
      return openToOthers(Files.createTempDirectory(real, prefix));
    }
    assumeTrue(false, "this test needs a writable directory that the sandbox does not cover");
    throw new AssertionError("unreachable");
  }

  private static Path realOrSelf(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }
}
