package dev.aide.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code bwrap} command line that runs a program in a sandbox: no network, its own PID,
 * IPC and UTS namespaces, no capabilities, a read-only view of the host's file system, the
 * workspace and {@code input/} read-only, and only {@code working/} and a private {@code /tmp}
 * writable; it dies with its parent.
 *
 * <p>Immutable and thread-safe.
 */
final class Bubblewrap {
  /** Where the sandboxed program sees its scratch directory (its HOME and TMPDIR). */
  static final String SCRATCH = "/tmp";

  /** The isolation every sandboxed run gets, before the workspace's mounts. */
  static final List<String> ISOLATION =
      List.of(
          "--unshare-net",
          "--unshare-pid",
          "--unshare-ipc",
          "--unshare-uts",
          "--die-with-parent",
          "--cap-drop",
          "ALL",
          "--ro-bind",
          "/",
          "/",
          "--dev",
          "/dev",
          "--proc",
          "/proc");

  private final Path bwrap;

  Bubblewrap(Path bwrap) {
    this.bwrap = bwrap;
  }

  /**
   * Returns the command that runs {@code command} in the sandbox. All paths are real (symbolic
   * links resolved) and absolute.
   *
   * @param workspace the workspace, the sandbox's working directory (read-only)
   * @param input where {@code input/} leads, or null when it is missing
   * @param working the writable {@code working/}
   * @param scratch the directory mounted writable as {@code /tmp}
   */
  List<String> wrap(
      Path workspace, @Nullable Path input, Path working, Path scratch, List<String> command) {
    List<String> args = new ArrayList<>();
    args.add(bwrap.toString());
    args.addAll(ISOLATION);
    // The private /tmp comes first, so that a workspace under the host's /tmp is mounted over it.
    bind(args, "--bind", scratch, Path.of(SCRATCH));
    bind(args, "--ro-bind", workspace, workspace);
    if (input != null && !input.startsWith(workspace)) bind(args, "--ro-bind", input, input);
    bind(args, "--bind", working, working);
    args.add("--chdir");
    args.add(workspace.toString());
    args.addAll(command);
    return args;
  }

  /**
   * Runs {@code true} in the sandbox, and returns null when that works or else what went wrong
   * (user namespaces may be disabled, for instance).
   */
  @Nullable String probe() {
    List<String> args = new ArrayList<>();
    args.add(bwrap.toString());
    args.addAll(ISOLATION);
    args.add("true");
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output;
      try (InputStream in = process.getInputStream()) {
        output = in.readNBytes(4096);
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "bwrap did not finish within 10 s";
      }
      if (process.exitValue() == 0) return null;
      return "bwrap exited with code "
          + process.exitValue()
          + ": "
          + new String(output, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "bwrap could not start: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while trying bwrap";
    }
  }

  private static void bind(List<String> args, String how, Path source, Path target) {
    args.add(how);
    args.add(source.toString());
    args.add(target.toString());
  }
}
