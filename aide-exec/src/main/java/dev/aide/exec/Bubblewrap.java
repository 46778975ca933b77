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
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code bwrap} command line that runs a program in a sandbox: no network, its own PID,
 * IPC and UTS namespaces, no capabilities, a read-only view of the host's file system with the
 * users' home directories and the host's socket directories hidden, the workspace and {@code
 * input/} read-only, and only {@code working/} and a private {@code /tmp} writable; it dies with
 * its parent.
 *
 * <p><b>Homes.</b> {@code /home}, {@code /root}, the JVM user's home ({@code user.home}) and {@code
 * $HOME} (they differ in containers and CI) are covered by empty directories, so generated code
 * cannot read keys, credentials or other projects there (and print them into output that goes to
 * the LLM). What a run needs from a home is shown again, read-only: the installation of the program
 * it runs (the parent of the directory holding it, before and after links are followed: a
 * virtualenv for {@code ~/venv/bin/python}, pyenv for {@code ~/.pyenv/shims/python3}; only the
 * directory itself when that parent is a home), the task's data, the workspace, and the paths the
 * user lists. A home that is a system directory ({@code /usr}, {@code /etc}, ..., or inside one) is
 * not hidden.
 *
 * <p><b>Sockets.</b> The network namespace does not cover Unix sockets on the file system: one the
 * sandbox can see is one it can connect to (a Docker socket would be a full escape), so the usual
 * places of host sockets are covered by empty directories too, those that exist, links followed:
 * {@link #SOCKET_DIRECTORIES} ({@code /run}, which {@code /var/run} usually links to, {@code
 * /var/tmp}, the LXD and Incus directories, MySQL's) and {@code $XDG_RUNTIME_DIR}; the host's
 * {@code /tmp} and {@code /dev/shm} are replaced anyway. A socket elsewhere (a daemon configured to
 * put it in another directory) stays reachable when its permissions let the program's user connect;
 * there is no option to hide more: move such a socket under {@code /run} or restrict its
 * permissions. Abstract Unix sockets belong to the network namespace, so none of the host's is
 * reachable.
 *
 * <p><b>Other users.</b> The directories bwrap makes on the way to what it binds in a covered
 * directory or in the private {@code /tmp} are made 0755 (bwrap would make them 0700), so that a
 * program switched to another user than bwrap's can pass them.
 *
 * <p><b>GPUs.</b> {@code --dev /dev} gives a minimal {@code /dev}; the GPU device nodes passed to
 * the constructor ({@link #gpuDevices(Path)}) are bound into it with {@code --dev-bind}.
 *
 * <p>Immutable and thread-safe.
 */
final class Bubblewrap {
  /** Where the sandboxed program sees its scratch directory (its HOME and TMPDIR). */
  static final String SCRATCH = "/tmp";

  /**
   * The usual directories of host sockets, covered by empty directories where they exist: {@code
   * /run} and {@code /var/run} (systemd, D-Bus, Docker, containerd, PostgreSQL, ...), {@code
   * /var/tmp}, LXD's and Incus's directories and MySQL's (its socket on Red Hat systems).
   */
  static final List<Path> SOCKET_DIRECTORIES =
      List.of(
          Path.of("/run"),
          Path.of("/var/run"),
          Path.of("/var/tmp"),
          Path.of("/var/lib/lxd"),
          Path.of("/var/snap/lxd"),
          Path.of("/var/lib/incus"),
          Path.of("/var/lib/mysql"));

  /** System directories that are never hidden, nor anything in or above them. */
  private static final List<Path> SYSTEM =
      List.of(
          Path.of("/usr"),
          Path.of("/bin"),
          Path.of("/sbin"),
          Path.of("/lib"),
          Path.of("/lib32"),
          Path.of("/lib64"),
          Path.of("/libx32"),
          Path.of("/etc"),
          Path.of("/boot"),
          Path.of("/dev"),
          Path.of("/proc"),
          Path.of("/sys"));

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

  /** What setpriv needs to switch users in the sandbox: added back after {@code --cap-drop ALL}. */
  static final List<String> SWITCH_CAPABILITIES =
      List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID");

  private final Path bwrap;
  private final List<Path> hidden;

  /** The hidden directories and the host's /tmp, which the private /tmp replaces. */
  private final List<Path> covered;

  private final List<Path> readable;
  private final List<Path> devices;
  private final @Nullable Path users;

  /** A sandbox that hides the homes, with the JVM user's, and the socket directories. */
  Bubblewrap(Path bwrap) {
    this(
        bwrap,
        List.of(Path.of(System.getProperty("user.home", "/"))),
        SOCKET_DIRECTORIES,
        List.of(),
        List.of());
  }

  /**
   * A sandbox that hides {@code /home}, {@code /root}, {@code userHomes} and {@code socketDirs}
   * (those that exist), shows {@code readable} (existing absolute paths) again, read-only, and
   * binds {@code devices} (device nodes or directories of them, from {@link #gpuDevices(Path)})
   * into its {@code /dev} under their own names.
   */
  Bubblewrap(
      Path bwrap,
      List<Path> userHomes,
      List<Path> socketDirs,
      List<Path> readable,
      List<Path> devices) {
    this.bwrap = bwrap;
    List<Path> all = new ArrayList<>(homes(userHomes));
    all.addAll(socketDirs);
    this.hidden = outermost(all);
    List<Path> covered = new ArrayList<>(hidden);
    Path tmp = realPath(Path.of(SCRATCH));
    if (tmp != null) covered.add(tmp);
    this.covered = List.copyOf(covered);
    this.readable = List.copyOf(readable);
    this.devices = List.copyOf(devices);
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
   * userHomes}, those that exist, without one inside another, with links followed.
   */
  static List<Path> homes(List<Path> userHomes) {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/home"), Path.of("/root")));
    candidates.addAll(userHomes);
    return outermost(candidates);
  }

  /**
   * Returns the real paths of those {@code candidates} that are existing directories, without one
   * inside another, and without {@code /} and the {@linkplain #SYSTEM system directories}.
   */
  private static List<Path> outermost(List<Path> candidates) {
    List<Path> dirs = new ArrayList<>();
    for (Path candidate : candidates) {
      if (!candidate.isAbsolute()) continue;
      Path real = realPath(candidate);
      // missing, not ours to see, or "/" (which is never hidden)
      if (real == null || real.getParent() == null || !Files.isDirectory(real)) continue;
      if (SYSTEM.stream().anyMatch(system -> real.startsWith(system) || system.startsWith(real))) {
        continue;
      }
      if (dirs.stream().anyMatch(real::startsWith)) continue;
      dirs.removeIf(dir -> dir.startsWith(real));
      dirs.add(real);
    }
    return List.copyOf(dirs);
  }

  /**
   * Returns the GPU device nodes in {@code dev} (normally {@code /dev}): the entries whose names
   * start with {@code nvidia} (among them the directory {@code nvidia-caps}) and the directory
   * {@code dri}, sorted by name; empty when there are none.
   */
  static List<Path> gpuDevices(Path dev) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dev)) {
      entries
          .filter(
              entry -> {
                String name = entry.getFileName().toString();
                return name.startsWith("nvidia")
                    || (name.equals("dri") && Files.isDirectory(entry));
              })
          .sorted()
          .forEach(found::add);
    } catch (IOException e) {
      return List.of();
    }
    return List.copyOf(found);
  }

  /** The directories hidden from sandboxed programs: the homes and the socket directories. */
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
    return wrap(workspace, input, working, scratch, command, List.of());
  }

  /**
   * Returns the command that runs {@code command} in the sandbox as another user: {@code
   * switchUser} is the {@code setpriv} command line (without the program) that bwrap, still root so
   * that it can bind what the user cannot reach, runs inside. It keeps only the capabilities
   * setpriv needs to switch; the switch clears them, and bwrap's no_new_privs keeps them cleared.
   */
  List<String> wrap(
      Path workspace,
      @Nullable Path input,
      Path working,
      Path scratch,
      List<String> command,
      List<String> switchUser) {
    List<String> args = new ArrayList<>();
    isolate(args, !switchUser.isEmpty());
    // The private /tmp comes before the paths shown again and the workspace, so that those under
    // the host's /tmp are mounted over it.
    bind(args, "--bind", scratch, Path.of(SCRATCH));
    Set<Path> made = new LinkedHashSet<>();
    for (Path path : shown(Path.of(command.get(0)))) {
      makeParents(args, path, made);
      bind(args, "--ro-bind", path, path);
    }
    makeParents(args, workspace, made);
    bind(args, "--ro-bind", workspace, workspace);
    if (input != null && !input.startsWith(workspace)) {
      makeParents(args, input, made);
      bind(args, "--ro-bind", input, input);
    }
    bind(args, "--bind", working, working);
    args.add("--chdir");
    args.add(workspace.toString());
    if (!switchUser.isEmpty()) {
      args.addAll(switchUser);
      args.add("--");
    }
    args.addAll(command);
    return args;
  }

  /**
   * The covered paths that a run of {@code program} shows again: the readable ones and its
   * installation, never a whole home or the host's /tmp (as for a program kept directly in one).
   */
  List<Path> shown(Path program) {
    Set<Path> shown = new LinkedHashSet<>(readable);
    // A bare name (found on PATH where the program runs, as on a Slurm node) shows nothing more.
    List<Path> installation = program.isAbsolute() ? installation(program) : List.of();
    for (Path path : installation) {
      if (!isHomeOrAbove(path)) shown.add(path);
    }
    shown.removeIf(path -> !isCovered(path));
    return List.copyOf(shown);
  }

  /**
   * Whether the sandbox makes directory {@code dir} itself, readable by all (mode 0755), rather
   * than showing the host's: {@code dir} is in a hidden directory (an empty tmpfs) or in the
   * private /tmp, and not in any of the {@code bound} paths.
   */
  boolean makes(Path dir, List<Path> bound) {
    if (mountAbove(dir) == null && !hidden.contains(dir) && !dir.equals(Path.of(SCRATCH))) {
      return false;
    }
    return bound.stream().noneMatch(dir::startsWith);
  }

  /**
   * The sandbox's mount {@code target} lies in, below it: the hidden directory (a tmpfs) or the
   * private /tmp, where bwrap makes the directories on the way; null when {@code target} is
   * elsewhere (on the host's read-only root, where those directories exist) or is the mount itself.
   */
  private @Nullable Path mountAbove(Path target) {
    Path top = null;
    for (Path dir : hidden) {
      if (target.startsWith(dir) && !target.equals(dir)) top = dir;
    }
    Path scratch = Path.of(SCRATCH);
    if (top == null && target.startsWith(scratch) && !target.equals(scratch)) top = scratch;
    return top;
  }

  /**
   * Makes the directories leading to {@code target} that lie in a hidden directory or in /tmp with
   * mode 0755: bwrap would make them 0700, which another user than bwrap's cannot pass.
   */
  private void makeParents(List<String> args, Path target, Set<Path> made) {
    Path top = mountAbove(target);
    if (top == null) return;
    List<Path> parents = new ArrayList<>();
    for (Path p = target.getParent(); p != null && !p.equals(top); p = p.getParent()) {
      parents.add(0, p);
    }
    for (Path parent : parents) {
      if (!made.add(parent)) continue;
      args.add("--perms");
      args.add("0755");
      args.add("--dir");
      args.add(parent.toString());
    }
  }

  /**
   * Runs {@code true} in the sandbox, with the same isolation, devices and hidden directories as
   * {@link #wrap}, and returns null when that works or else what went wrong (user namespaces may be
   * disabled, for instance).
   */
  @Nullable String probe() {
    return probe(List.of());
  }

  /**
   * Runs {@code true} in the sandbox as the user {@code switchUser} (a setpriv command line, or
   * empty for none) switches to, and returns null when that works or else what went wrong.
   */
  @Nullable String probe(List<String> switchUser) {
    String problem = run(switchUser);
    if (problem == null || switchUser.isEmpty() || run(List.of()) != null) return problem;
    return "bwrap works, but "
        + String.join(" ", switchUser)
        + " cannot switch users inside it ("
        + problem
        + ")";
  }

  /**
   * The command that runs {@code true} in the sandbox, with the same isolation, devices and hidden
   * directories as {@link #wrap}, as the user {@code switchUser} switches to (or none when empty).
   */
  List<String> probeCommand(List<String> switchUser) {
    List<String> args = new ArrayList<>();
    isolate(args, !switchUser.isEmpty());
    if (!switchUser.isEmpty()) {
      args.addAll(switchUser);
      args.add("--");
    }
    args.add("true");
    return args;
  }

  private @Nullable String run(List<String> switchUser) {
    List<String> args = probeCommand(switchUser);
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

  /**
   * Whether {@code path} is a hidden directory or the host's {@code /tmp}, a user's home in {@code
   * /home}, or above them.
   */
  private boolean isHomeOrAbove(Path path) {
    for (Path home : covered) {
      if (home.startsWith(path)) return true;
      if (home.equals(users) && home.equals(path.getParent())) return true; // /home/alice
    }
    return false;
  }

  /** Whether {@code path} lies in a hidden directory or the host's {@code /tmp}. */
  private boolean isCovered(Path path) {
    return covered.stream().anyMatch(path::startsWith);
  }

  /**
   * Adds bwrap, the isolation (with the capabilities setpriv needs when {@code switching} users),
   * the GPU devices and the hidden directories.
   */
  private void isolate(List<String> args, boolean switching) {
    args.add(bwrap.toString());
    args.addAll(ISOLATION);
    if (switching) args.addAll(SWITCH_CAPABILITIES);
    for (Path device : devices) {
      bind(args, "--dev-bind", device, Path.of("/dev").resolve(device.getFileName().toString()));
    }
    for (Path dir : hidden) {
      args.add("--tmpfs");
      args.add(dir.toString());
    }
  }

  private static void bind(List<String> args, String how, Path source, Path target) {
    args.add(how);
    args.add(source.toString());
    args.add(target.toString());
  }
}
