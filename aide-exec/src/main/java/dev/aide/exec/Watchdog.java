package dev.aide.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small shell process, one per plain run, that ends the run's processes when the JVM dies during
 * the run (kill -9, a crash, the out-of-memory killer), which no shutdown hook survives.
 *
 * <p>It runs in its own session with {@code /} as working directory and reads a pipe from the JVM.
 * When the run ends, {@link #close()} writes {@code done} and the watchdog exits. When the pipe
 * reaches its end without that line, the JVM is gone: the watchdog stops (SIGSTOP) every process
 * started since the run's first one that belongs to the run by the criteria of {@link ProcessTree}
 * — the run's session, group or {@link RunCgroup}, a parent already stopped, the execution id in
 * its environment, a working directory in the workspace, the run's output pipe among its
 * descriptors — until a round finds no more, then kills them all (SIGKILL) and removes the run's
 * cgroup once it is empty. Stopping first keeps a process from forking away while the others are
 * found. It needs only POSIX {@code sh}, {@code readlink}, {@code tr} and {@code ls} (coreutils),
 * as slim containers have them; no procps.
 *
 * <p>Thread-safe for one run: {@link #close()} may be called more than once.
 */
final class Watchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  /**
   * Arguments: root pid, its start time in clock ticks, output pipe link, execution id, workspace,
   * the run's cgroup directory (or empty).
   */
  static final String SCRIPT =
      String.join(
          "\n",
          "trap '' HUP INT QUIT",
          "IFS= read -r line",
          "[ \"$line\" = done ] && exit 0",
          "root=$1 start=$2 pipe=$3 marker=\""
              + ChildEnvironment.EXECUTION_ID
              + "=$4\" ws=$5 cg=$6",
          "found=' '",
          "round=0",
          "while [ \"$round\" -lt 100 ]; do",
          "  round=$((round + 1))",
          "  new=",
          "  procs=",
          "  [ -n \"$cg\" ] && procs=\" $(tr '\\n' ' ' < \"$cg/cgroup.procs\") \"",
          "  for d in /proc/[0-9]*; do",
          "    p=${d#/proc/}",
          "    [ \"$p\" = \"$$\" ] && continue",
          "    case \"$found\" in *\" $p \"*) continue ;; esac",
          "    stat=",
          "    IFS= read -r stat < \"$d/stat\" || continue",
          "    set -- ${stat##*\") \"}",
          "    [ \"${20:-0}\" -ge \"$start\" ] || continue",
          "    m=",
          "    case \"$procs\" in *\" $p \"*) m=1 ;; esac",
          "    case \" $3 $4 \" in *\" $root \"*) m=1 ;; esac",
          "    case \"$found\" in *\" $2 \"*) m=1 ;; esac",
          "    if [ -z \"$m\" ]; then",
          "      case \"$(readlink \"$d/cwd\")\" in \"$ws\" | \"$ws\"/*) m=1 ;; esac",
          "    fi",
          "    if [ -z \"$m\" ]; then",
          "      env=\"$(tr '\\0' '\\n' < \"$d/environ\")",
          "\"",
          "      case \"$env\" in \"$marker",
          "\"* | *\"",
          "$marker",
          "\"*) m=1 ;; esac",
          "    fi",
          "    if [ -z \"$m\" ] && [ -n \"$pipe\" ]; then",
          "      case \"$(ls -l \"$d/fd\")\" in *\"$pipe\"*) m=1 ;; esac",
          "    fi",
          "    if [ -n \"$m\" ]; then",
          "      kill -STOP \"$p\"",
          "      found=\"$found$p \"",
          "      new=1",
          "    fi",
          "  done",
          "  [ -n \"$new\" ] || break",
          "done",
          "for p in $found; do kill -KILL \"$p\"; done",
          "[ -n \"$cg\" ] || exit 0",
          "i=0",
          "while [ \"$i\" -lt 30 ]; do",
          "  for p in $(cat \"$cg/cgroup.procs\"); do kill -KILL \"$p\"; done",
          "  rmdir \"$cg\" && exit 0",
          "  i=$((i + 1))",
          "  sleep 1",
          "done",
          "");

  /**
   * How to run the script: {@code command} starts a POSIX shell in a session of its own (e.g.
   * {@code [/usr/bin/setsid, /bin/sh]}), and {@code path} is the PATH on which it finds {@code
   * readlink}, {@code tr} and {@code ls}.
   */
  record Shell(List<String> command, String path) {
    Shell {
      command = List.copyOf(command);
    }

    /**
     * Finds {@code setsid} and {@code sh} on {@code path}, or returns null (and logs why) where
     * either is missing or there is no {@code /proc}.
     */
    /**
     * The command prefix that makes a program join a cgroup before it runs: this shell writes its
     * own pid into {@code procs}, then execs the rest of the command line in its place.
     */
    List<String> joinCgroup(Path procs) {
      return List.of(
          command.get(command.size() - 1),
          "-c",
          "echo $$ > \"$0\" 2>/dev/null; exec \"$@\"",
          procs.toString());
    }

    static @Nullable Shell find(String path) {
      if (!Files.isDirectory(Path.of("/proc/self/fd"))) return null;
      Path setsid = ProcessExecutor.findOnPath("setsid", path);
      Path sh = ProcessExecutor.findOnPath("sh", path);
      if (setsid == null || sh == null) {
        log.warn(
            "setsid (util-linux) or sh is not on PATH ({}): if the JVM is killed during a run, the"
                + " run's processes may stay",
            path);
        return null;
      }
      return new Shell(List.of(setsid.toString(), sh.toString()), path);
    }
  }

  private final Process process;
  private boolean closed;

  private Watchdog(Process process) {
    this.process = process;
  }

  /**
   * Starts a watchdog for the run whose first process is {@code rootPid}, or returns null (and logs
   * why) when it cannot start; the run then goes on without one.
   *
   * @param shell how to run the script
   * @param outputPipe the link text of the run's output pipe, e.g. {@code pipe:[123]}, or null
   */
  static @Nullable Watchdog start(
      Shell shell,
      long rootPid,
      long rootStart,
      @Nullable String outputPipe,
      String executionId,
      Path workspace,
      @Nullable Path cgroup) {
    List<String> command = new ArrayList<>(shell.command());
    command.addAll(
        List.of(
            "-c",
            SCRIPT,
            "aide-watchdog",
            Long.toString(rootPid),
            Long.toString(rootStart),
            outputPipe == null ? "" : outputPipe,
            executionId,
            workspace.toString(),
            cgroup == null ? "" : cgroup.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of("/").toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(Map.of("PATH", shell.path(), "LC_ALL", "C"));
    try {
      return new Watchdog(builder.start());
    } catch (IOException e) {
      log.warn(
          "Cannot start the watchdog of the run started as pid {}; if the JVM is killed during"
              + " it, its processes may stay: {}",
          rootPid,
          e.toString());
      return null;
    }
  }

  /** Tells the watchdog that the run ended, and waits for it to exit. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try (OutputStream in = process.getOutputStream()) {
      in.write("done\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      log.debug("The watchdog {} has already ended", process.pid(), e);
    }
    boolean interrupted = false;
    try {
      if (process.waitFor(10, TimeUnit.SECONDS)) return;
    } catch (InterruptedException e) {
      interrupted = true;
    }
    // It must not outlive the run; what it would have killed has been killed by then.
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
