package dev.aide.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code bwrap} command line that runs a program in a sandbox: no network, its own PID,
 * IPC and UTS namespaces, no capabilities, a read-only view of the host's file system with the
 * users' home directories hidden, the workspace and {@code input/} read-only, and only {@code
 * working/} and a private {@code /tmp} writable; it dies with its parent.
 *
 * <p><b>Homes.</b> {@code /home}, {@code /root} and the JVM user's home are covered by empty
 * directories, so generated code cannot read keys, credentials or other projects there (and print
 * them into output that goes to the LLM). What a run needs from a home is shown again, read-only:
 * the installation of the program it runs (the parent of the directory holding it, before and after
 * links are followed: a virtualenv for {@code ~/venv/bin/python}, pyenv for {@code
 * ~/.pyenv/shims/python3}; only the directory itself when that parent is a home), the task's data,
 * the workspace, and the paths the user lists.
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
  private final List<Path> hidden;
  private final List<Path> readable;
  private final @Nullable Path users;

  Bubblewrap(Path bwrap) {
    this(bwrap, Path.of(System.getProperty("user.home", "/")), List.of());
  }

  /**
   * A sandbox that hides {@code /home}, {@code /root} and {@code userHome}, and shows {@code
   * readable} (existing absolute paths) again, read-only.
   */
  Bubblewrap(Path bwrap, Path userHome, List<Path> readable) {
    this.bwrap = bwrap;
    this.hidden = homes(userHome);
    this.readable = List.copyOf(readable);
    this.users = realPath(Path.of("/home"));
  }

  private static @Nullable Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Returns the directories that hold users' files: {@code /home}, {@code /root} and {@code
   * userHome}, those that exist, without one inside another, with links followed.
   */
  static List<Path> homes(Path userHome) {
    List<Path> homes = new ArrayList<>();
    for (Path candidate : List.of(Path.of("/home"), Path.of("/root"), userHome)) {
      Path real = realPath(candidate);
      // missing, not ours to see, or "/" (which is never hidden)
      if (real == null || real.getParent() == null || !Files.isDirectory(real)) continue;
      if (homes.stream().anyMatch(real::startsWith)) continue;
      homes.removeIf(home -> home.startsWith(real));
      homes.add(real);
    }
    return List.copyOf(homes);
  }

  /** The directories hidden from sandboxed programs. */
  List<Path> hidden() {
    return hidden;
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
    hide(args);
    // The private /tmp comes before the paths shown again and the workspace, so that those under
    // the host's /tmp are mounted over it.
    bind(args, "--bind", scratch, Path.of(SCRATCH));
    Set<Path> shown = new LinkedHashSet<>(readable);
    shown.addAll(installation(Path.of(command.get(0))));
    for (Path path : shown) {
      if (isHidden(path)) bind(args, "--ro-bind", path, path);
    }
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
    hide(args);
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

  /**
   * Returns where the program at {@code program} is installed: the parent of its directory, for the
   * path as given and with links followed, or the directory alone when that parent is or holds a
   * hidden directory (a program in {@code ~/bin} shows {@code ~/bin}, not the home).
   */
  List<Path> installation(Path program) {
    Set<Path> roots = new LinkedHashSet<>();
    roots.add(installRoot(program));
    Path real = realPath(program);
    if (real != null) roots.add(installRoot(real));
    return List.copyOf(roots);
  }

  private Path installRoot(Path program) {
    Path directory = program.toAbsolutePath().getParent();
    if (directory == null) return program;
    Path root = directory.getParent();
    return root == null || isHomeOrAbove(root) ? directory : root;
  }

  /** Whether {@code path} is a hidden directory, a user's home in {@code /home}, or above them. */
  private boolean isHomeOrAbove(Path path) {
    for (Path home : hidden) {
      if (home.startsWith(path)) return true;
      if (home.equals(users) && home.equals(path.getParent())) return true; // /home/alice
    }
    return false;
  }

  private boolean isHidden(Path path) {
    return hidden.stream().anyMatch(path::startsWith);
  }

  private void hide(List<String> args) {
    for (Path home : hidden) {
      args.add("--tmpfs");
      args.add(home.toString());
    }
  }

  private static void bind(List<String> args, String how, Path source, Path target) {
    args.add(how);
    args.add(source.toString());
    args.add(target.toString());
  }
}
