package dev.aide.exec;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each solution as a local process in its workspace, inside a bubblewrap sandbox wherever one
 * works.
 *
 * <pre>{@code
 * Executor executor = ProcessExecutor.builder()
 *     .interpreter("python3", "/opt/venv/bin/python")   // run this wherever a command says python3
 *     .sandbox(ProcessExecutor.Sandbox.REQUIRED)         // default BEST_EFFORT
 *     .memoryLimit(8L << 30)
 *     .build();
 * }</pre>
 *
 * <p>For each request it writes the code to {@code workspace/fileName} and runs the command with
 * the workspace as working directory. Standard output and error are read together, in the order
 * written; only the first and last {@link Builder#maxOutputChars(int) maxOutputChars} characters
 * are kept, and the result says how many were cut. Absolute paths into the workspace are shortened
 * to relative ones ({@code solution.py}, {@code input/train.csv}), as the LLM should see them. When
 * the run fails, the exception of the last Python traceback in the output becomes the result's
 * error type and message.
 *
 * <p><b>Ending processes.</b> On Linux the program starts in its own session ({@code setsid}), and
 * its environment carries an execution id. At the time limit every process of the run gets SIGTERM,
 * and after {@link Builder#killGrace(Duration) killGrace} SIGKILL. A process of the run is one
 * started after its program that is in its session or process group, descends from it, carries that
 * id, holds the run's output pipe or works in the workspace; so also a daemon that forked twice,
 * left the session and cleared its environment. When the program exits by itself, whatever it left
 * running is killed before {@code execute} returns, and the result's duration lasts until then and
 * until the output ends. A shutdown hook kills the processes of runs still going when the JVM exits
 * normally; in a plain run a small watchdog shell, started in its own session, kills them when the
 * JVM dies without one (kill -9). Where the JVM may make cgroups (as root, with a cgroup v1 {@code
 * freezer} hierarchy), a plain run's processes are also those in a cgroup of its own, removed after
 * the run. Without one, a process that leaves the session, clears its environment, closes its
 * output and leaves the workspace escapes a plain run; the sandbox has no such gap, since ending it
 * ends its PID namespace and everything in it.
 *
 * <p><b>Sandbox.</b> With {@link Sandbox#BEST_EFFORT} (the default) or {@link Sandbox#REQUIRED} the
 * same command runs under bubblewrap ({@code bwrap}, Linux): no network, its own PID, IPC and UTS
 * namespaces, no capabilities, a read-only view of the host's file system, the workspace and {@code
 * input/} read-only, only {@code working/} and a private {@code /tmp} (the scratch directory, also
 * HOME and TMPDIR) writable; it dies with the JVM. The host's {@code /tmp} is not visible inside,
 * except for the installation of the program a command runs when it lies there. The users' homes
 * ({@code /home}, {@code /root}, the JVM user's home and {@code $HOME}) are hidden, so that
 * generated code cannot read keys or credentials there and print them into output that the LLM
 * reads; the installation of the program a command runs stays visible (the virtualenv of {@code
 * ~/venv/bin/python}, the pyenv of {@code ~/.pyenv/shims/python3}), and {@link
 * Builder#sandboxReadable(Path...)} shows more. The usual directories of host Unix sockets ({@code
 * /run}, {@code /var/run}, {@code /var/tmp}, {@code $XDG_RUNTIME_DIR}, and LXD's, Incus's and
 * MySQL's under {@code /var}) are covered by empty directories, so that the program cannot connect
 * to a Docker or D-Bus socket; a host socket elsewhere stays reachable if its permissions let the
 * program's user connect, and there is no option to hide it: move it under {@code /run} or restrict
 * its permissions. Abstract sockets are cut off with the network. With {@link
 * Builder#gpus(boolean)} the GPU device nodes are bound into the sandbox's {@code /dev}.
 *
 * <p><b>Users.</b> Generated code never runs as root. When the JVM runs as root, every program runs
 * as an unprivileged user, {@code nobody} by default or the one set with {@link
 * Builder#runAs(String)}, through {@code setpriv} (util-linux): with no supplementary groups, no
 * capabilities and no_new_privs, so that a set-user-ID program does not make it root again. The
 * plain process switches in the launcher; in the sandbox bwrap stays root to bind what that user
 * cannot reach and switches inside. {@code working/} and the scratch directory are made the user's
 * before each run; the workspace and the task's data stay readable, not writable, by it, and what
 * it wrote stays its own (the JVM, being root, can still list, copy and delete it). The user cannot
 * read root's files ({@code /etc/shadow}) nor, in a plain run, the JVM's environment in {@code
 * /proc/<pid>/environ}. When that user cannot reach the workspace, the task's data or the program
 * (a directory on the way is rwx------, such as {@code /root}), {@code execute} throws and names
 * the directory. <b>A JVM that is not root cannot switch users: a plain program runs as the JVM's
 * user and can read the JVM's environment, API keys included, through {@code /proc}</b>; the
 * sandbox, with its own PID namespace, cannot. Where {@code setpriv} is installed, a plain program
 * is killed when the JVM dies (its parent-death signal).
 *
 * <p><b>Environment.</b> The program's environment is built, not inherited: {@code PATH}, {@code
 * LANG}, {@code LC_ALL}, {@code LC_CTYPE}, {@code TZ}, {@code CUDA_VISIBLE_DEVICES}, {@code
 * PYTHONUSERBASE} and the thread-count variables ({@code OMP_NUM_THREADS}, {@code
 * OPENBLAS_NUM_THREADS}, {@code MKL_NUM_THREADS}, {@code NUMEXPR_NUM_THREADS}, {@code
 * VECLIB_MAXIMUM_THREADS}) are taken from the host; then come the variables set on the builder and
 * those of the request. {@code HOME} and {@code TMPDIR} point at a scratch directory {@code tmp/}
 * in the workspace, removed after the run; {@code PYTHONUNBUFFERED=1} keeps output in order. A
 * variable whose name looks like a secret ({@code *_KEY}, {@code *_TOKEN}, {@code *SECRET*}, {@code
 * *PASSWORD*}, ...) is never passed unless named in {@link Builder#allowSecret(String...)}.
 *
 * <p><b>Limits.</b> Memory (address space) and file size are limited with {@code prlimit} where it
 * is installed (util-linux); thread pools are sized through the thread-count variables.
 *
 * <p>Instances are immutable and safe for use by many threads at once; share one.
 */
public final class ProcessExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(ProcessExecutor.class);
  private static final String SCRATCH_DIR = "tmp";
  private static final int MAX_FILES = 10_000;

  /** Whether and how strictly to run programs in a bubblewrap sandbox. Immutable. */
  public enum Sandbox {
    /** Run programs as plain processes: chosen, so without a warning. */
    OFF,
    /** Run every program in the sandbox; {@link Builder#build()} fails where it cannot. */
    REQUIRED,
    /**
     * Use the sandbox where it works, else run plain processes and log a warning, once per {@link
     * Builder#build()}, that says what is then not protected. The default.
     */
    BEST_EFFORT
  }

  private final Map<String, String> interpreters;
  private final @Nullable Bubblewrap bubblewrap;
  private final Watchdog.@Nullable Shell watchdog;
  private final List<String> launcher;
  private final ChildEnvironment environment;
  private final int maxOutputChars;
  private final Duration killGrace;
  private final @Nullable RunAsUser user;
  private final List<String> switchUser;

  private ProcessExecutor(
      Builder builder,
      @Nullable Bubblewrap bubblewrap,
      List<String> launcher,
      ChildEnvironment environment,
      @Nullable RunAsUser user,
      List<String> switchUser) {
    this.interpreters = Map.copyOf(builder.interpreters);
    this.bubblewrap = bubblewrap;
    // The sandbox needs none: bwrap dies with the JVM, and its PID namespace with it.
    this.watchdog = bubblewrap == null ? Watchdog.Shell.find(environment.hostPath()) : null;
    this.launcher = List.copyOf(launcher);
    this.user = user;
    this.switchUser = List.copyOf(switchUser);
    this.environment = environment;
    this.maxOutputChars = builder.maxOutputChars;
    this.killGrace = builder.killGrace;
  }

  /**
   * Returns a builder with the defaults: the sandbox where it works ({@link Sandbox#BEST_EFFORT}),
   * no limits, 50,000 characters of output.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether programs run in the bubblewrap sandbox. */
  public boolean sandboxed() {
    return bubblewrap != null;
  }

  /**
   * The user programs run as when it is not the JVM's, e.g. {@code nobody (uid 65534, gid 65534)}
   * for a root JVM; null when they run as the JVM's user.
   */
  public @Nullable String runsAs() {
    return user == null ? null : user.toString();
  }

  /**
   * Runs {@code request} and returns its outcome. A program that fails, raises or times out is an
   * ordinary result.
   *
   * @throws ExecutorException when the workspace cannot be written, the command's program is not
   *     found, the program would run as another user who cannot reach the workspace, the task's
   *     data or the program (the message names the directory in the way), or the process cannot
   *     start
   */
  @Override
  public ExecutionResult execute(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    Path workspace = prepareWorkspace(request);
    Path scratch = workspace.resolve(SCRATCH_DIR);
    try {
      return run(request, workspace, scratch);
    } finally {
      deleteQuietly(scratch);
    }
  }

  private ExecutionResult run(ExecutionRequest request, Path workspace, Path scratch) {
    String executionId = UUID.randomUUID().toString();
    String scratchSeen = bubblewrap == null ? scratch.toString() : Bubblewrap.SCRATCH;
    Map<String, String> env =
        environment.forExecution(request.environment(), scratchSeen, executionId);
    List<String> command = command(request, workspace, scratch, env.get("PATH"));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workspace.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);

    OutputBuffer output = new OutputBuffer(maxOutputChars);
    long started = System.nanoTime();
    ProcessTree tree;
    try {
      tree = ProcessTree.start(builder, executionId, workspace, watchdog);
    } catch (IOException e) {
      throw new ExecutorException("Cannot start " + command + ": " + e.getMessage(), e);
    }
    Process process = tree.root();
    Thread reader = startReader(process, output);
    boolean timedOut;
    try {
      process.getOutputStream().close();
      timedOut = !process.waitFor(saturatedNanos(request.timeout()), TimeUnit.NANOSECONDS);
      if (timedOut) tree.terminate(killGrace);
      // Bounded: a process stuck in the kernel may outlive SIGKILL for a while.
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecutorException("Interrupted while running " + command, e);
    } catch (IOException e) {
      throw new ExecutorException("Cannot talk to the process of " + command, e);
    } finally {
      tree.close();
      awaitReader(reader);
    }
    // What execute waited for, up to the end of the output (a leftover process may hold it open).
    long nanos = System.nanoTime() - started;

    int exitCode = process.isAlive() ? -1 : process.exitValue();
    // A secret passed on purpose (allowSecret) is for the program to use, not to print.
    String text =
        Redactor.ofEnvironment(env)
            .redact(shortenPaths(output.text(), workspace, request.workspace()));
    Traceback traceback = timedOut || exitCode != 0 ? Traceback.parse(text) : null;
    return new ExecutionResult(
        text,
        output.truncatedChars(),
        exitCode,
        Duration.ofNanos(nanos),
        timedOut,
        traceback == null ? null : traceback.type(),
        traceback == null ? null : traceback.message(),
        listFiles(workspace.resolve("working")));
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private Path prepareWorkspace(ExecutionRequest request) {
    Path workspace = request.workspace().toAbsolutePath().normalize();
    String fileName = request.fileName();
    if (fileName.isBlank() || fileName.contains("/") || fileName.contains(File.separator)) {
      throw new ExecutorException("fileName must be a plain file name, was '" + fileName + "'");
    }
    try {
      if (!Files.isDirectory(workspace)) {
        throw new ExecutorException("The workspace is not a directory: " + workspace);
      }
      Files.createDirectories(workspace.resolve("working"));
      Files.createDirectories(workspace.resolve(SCRATCH_DIR));
      Files.writeString(workspace.resolve(fileName), request.code(), StandardCharsets.UTF_8);
      if (user != null) {
        user.own(workspace.resolve("working"), true);
        user.own(workspace.resolve(SCRATCH_DIR), false);
      }
      return workspace.toRealPath();
    } catch (IOException e) {
      throw new ExecutorException("Cannot write the workspace " + workspace + ": " + e, e);
    }
  }

  /** The full command line: launcher, sandbox, and the request's command with its program found. */
  private List<String> command(
      ExecutionRequest request, Path workspace, Path scratch, @Nullable String path) {
    List<String> command = new ArrayList<>(request.command());
    String name = command.get(0);
    String program = interpreters.getOrDefault(name, name);
    command.set(0, resolveProgram(name, program, workspace, path == null ? "" : path).toString());
    List<String> full = new ArrayList<>(launcher);
    Path input = null;
    try {
      input = workspace.resolve("input").toRealPath();
    } catch (IOException e) {
      log.debug("No input directory in {}", workspace, e);
    }
    if (bubblewrap == null) {
      if (user != null) checkReachable(user, workspace, input, command.get(0), dir -> false);
      full.addAll(command);
      return full;
    }
    try {
      Path working = workspace.resolve("working").toRealPath();
      if (user != null) {
        List<Path> bound = new ArrayList<>(bubblewrap.shown(Path.of(command.get(0))));
        bound.add(workspace);
        if (input != null) bound.add(input);
        checkReachable(user, workspace, input, command.get(0), dir -> bubblewrap.makes(dir, bound));
      }
      full.addAll(
          bubblewrap.wrap(workspace, input, working, scratch.toRealPath(), command, switchUser));
    } catch (IOException e) {
      throw new ExecutorException("Cannot resolve the workspace " + workspace + ": " + e, e);
    }
    return full;
  }

  /**
   * Throws when {@code user} cannot reach the workspace, the task's data or the program, so that
   * the run does not fail with a confusing FileNotFoundError or PermissionError.
   */
  private static void checkReachable(
      RunAsUser user,
      Path workspace,
      @Nullable Path input,
      String program,
      Predicate<Path> madeBySandbox) {
    Map<String, Map.Entry<Path, String>> needed = new LinkedHashMap<>();
    needed.put("the workspace", Map.entry(workspace, "rx"));
    if (input != null) needed.put("the task's data (input/)", Map.entry(input, "rx"));
    Path programPath = Path.of(program);
    needed.put("the program", Map.entry(programPath, "x"));
    try {
      needed.put("the program's file", Map.entry(programPath.toRealPath(), "x"));
    } catch (IOException e) {
      log.debug("Cannot resolve {}", programPath, e);
    }
    for (Map.Entry<String, Map.Entry<Path, String>> need : needed.entrySet()) {
      Path target = need.getValue().getKey();
      Path blocking = user.blocking(target, need.getValue().getValue(), madeBySandbox);
      if (blocking == null) continue;
      throw new ExecutorException(
          "The program runs as "
              + user
              + ", who cannot reach "
              + need.getKey()
              + " at "
              + target
              + ": "
              + blocking
              + " ("
              + RunAsUser.describe(blocking)
              + ") does not let that user "
              + (blocking.equals(target) ? "use it" : "pass")
              + ". Make it readable for others (chmod o+rx "
              + blocking
              + "), move "
              + need.getKey()
              + " to a directory others can read, or choose another user with"
              + " ProcessExecutor.builder().runAs(...).");
    }
  }

  private static Path resolveProgram(String name, String program, Path workspace, String path) {
    if (program.contains("/")) {
      Path file = workspace.resolve(program);
      if (Files.isRegularFile(file) && Files.isExecutable(file)) return file;
      throw new ExecutorException(
          "Cannot run "
              + program
              + ": no executable file there. Install it, or point the executor at one with"
              + " ProcessExecutor.builder().interpreter(\""
              + name
              + "\", \"/path/to/"
              + name
              + "\").");
    }
    Path found = findOnPath(program, path);
    if (found != null) return found;
    throw new ExecutorException(
        "Cannot run "
            + program
            + ": not found on PATH ("
            + path
            + "). Install it, or point the executor at it with"
            + " ProcessExecutor.builder().interpreter(\""
            + name
            + "\", \"/path/to/"
            + name
            + "\").");
  }

  static @Nullable Path findOnPath(String program, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return null;
  }

  private static Thread startReader(Process process, OutputBuffer output) {
    Thread reader =
        new Thread(
            () -> {
              char[] buffer = new char[8192];
              try (Reader in =
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                for (int n; (n = in.read(buffer)) != -1; ) output.append(buffer, 0, n);
              } catch (IOException e) {
                log.debug("Stopped reading the output of pid {}", process.pid(), e);
              }
            },
            "aide-exec-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Waits for the output to be read; a process that escaped the kill may hold the pipe open. */
  private static void awaitReader(Thread reader) {
    boolean interrupted = Thread.interrupted();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
    if (reader.isAlive()) {
      log.warn("{}: the output pipe is still open after the run; keeping what was read", reader);
    }
  }

  /** Replaces absolute paths into the workspace by relative ones, e.g. {@code solution.py}. */
  static String shortenPaths(String text, Path... workspaces) {
    for (Path workspace : workspaces) {
      String prefix = workspace.toAbsolutePath().normalize().toString();
      if (prefix.equals("/")) continue;
      // The workspace itself becomes ".", a path in it loses the prefix; "/ws10" is not in "/ws1".
      Matcher m = Pattern.compile(Pattern.quote(prefix) + "(/|(?![\\w.-]))").matcher(text);
      text = m.replaceAll(r -> r.group(1).isEmpty() ? "." : "");
    }
    return text;
  }

  private static List<String> listFiles(Path working) {
    try (Stream<Path> files = Files.walk(working)) {
      List<String> list =
          files
              .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
              .map(path -> working.relativize(path).toString().replace(File.separatorChar, '/'))
              .sorted(Comparator.naturalOrder())
              .limit(MAX_FILES + 1L)
              .collect(Collectors.toList());
      if (list.size() > MAX_FILES) {
        log.warn("{} holds more than {} files; listing the first", working, MAX_FILES);
        return list.subList(0, MAX_FILES);
      }
      return list;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot list the files in {}", working, e);
      return List.of();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ProcessExecutor::deleteOne);
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot delete {}", dir, e);
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("Cannot delete {}", path, e);
    }
  }

  /**
   * The homes the sandbox hides besides {@code /home} and {@code /root}: the JVM user's and the
   * host's {@code $HOME} in {@code hostEnvironment}, which differ in containers and CI.
   */
  static List<Path> userHomes(Map<String, String> hostEnvironment) {
    List<Path> homes = new ArrayList<>();
    homes.add(Path.of(System.getProperty("user.home", "/")));
    Path home = absolutePath(hostEnvironment.get("HOME"));
    if (home != null) homes.add(home);
    return homes;
  }

  /** The usual socket directories and the host's {@code $XDG_RUNTIME_DIR}. */
  static List<Path> socketDirectories(Map<String, String> hostEnvironment) {
    List<Path> dirs = new ArrayList<>(Bubblewrap.SOCKET_DIRECTORIES);
    Path runtime = absolutePath(hostEnvironment.get("XDG_RUNTIME_DIR"));
    if (runtime != null) dirs.add(runtime);
    return dirs;
  }

  private static @Nullable Path absolutePath(@Nullable String value) {
    if (value == null || value.isEmpty() || value.indexOf('\0') >= 0) return null;
    try {
      Path path = Path.of(value);
      return path.isAbsolute() ? path : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /**
   * Configures a {@link ProcessExecutor}.
   *
   * <p>Not thread-safe; {@link #build()} copies what it needs, so one builder can make several
   * executors.
   */
  public static final class Builder {
    private final Map<String, String> interpreters = new HashMap<>();
    private final Map<String, String> fixedEnvironment = new LinkedHashMap<>();
    private final Set<String> inherited = new LinkedHashSet<>();
    private final Set<String> allowedSecrets = new LinkedHashSet<>();
    private Map<String, String> hostEnvironment = System.getenv();
    private Sandbox sandbox = Sandbox.BEST_EFFORT;
    private final List<Path> sandboxReadable = new ArrayList<>();
    private final List<Path> sandboxHidden = new ArrayList<>();
    private boolean gpus;
    private Path deviceDirectory = Path.of("/dev");
    private int maxOutputChars = 50_000;
    private Duration killGrace = Duration.ofSeconds(2);
    private @Nullable Long memoryLimit;
    private @Nullable Long fileSizeLimit;
    private @Nullable Integer threads;
    private @Nullable String runAs;
    private int jvmUid = RunAsUser.jvmUid();

    private Builder() {}

    /**
     * Runs {@code program} wherever a request's command starts with {@code name}, e.g. {@code
     * interpreter("python3", "/opt/venv/bin/python")}. A program without a slash is looked up on
     * PATH. By default a command's first word is looked up on PATH as it is.
     */
    public Builder interpreter(String name, String program) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(program, "program");
      if (name.isBlank() || program.isBlank()) {
        throw new IllegalArgumentException("interpreter name and program must not be blank");
      }
      interpreters.put(name, program);
      return this;
    }

    /** Sets whether programs run in a bubblewrap sandbox; default {@link Sandbox#BEST_EFFORT}. */
    public Builder sandbox(Sandbox sandbox) {
      this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
      return this;
    }

    /**
     * Lets sandboxed programs read {@code paths} although they lie in a home directory, which the
     * sandbox hides: a model cache such as {@code ~/.cache/huggingface}, or packages installed with
     * {@code pip install --user}. Paths outside the homes are readable anyway. Each call adds to
     * the list; the paths must exist when {@link #build()} is called.
     */
    public Builder sandboxReadable(Path... paths) {
      for (Path path : paths) sandboxReadable.add(Objects.requireNonNull(path, "path"));
      return this;
    }

    /**
     * Hides {@code paths} (directories) from sandboxed programs, as the homes are: each is covered
     * by an empty directory. For files on the host the programs must not read, such as the original
     * data of a task with a {@link dev.aide.core.Task#holdout() holdout}, whose programs read the
     * harness's view of it instead. Each call adds to the list; a path that does not exist when
     * {@link #build()} is called is ignored. Without the sandbox it has no effect.
     */
    public Builder sandboxHidden(Path... paths) {
      for (Path path : paths) sandboxHidden.add(Objects.requireNonNull(path, "path"));
      return this;
    }

    /**
     * Sets whether programs use the host's GPUs; default false. In the sandbox, whose {@code /dev}
     * is minimal, the GPU device nodes that exist ({@code /dev/nvidia*}, {@code /dev/nvidia-caps},
     * {@code /dev/dri}) are then bound in; a plain process sees them anyway. {@code
     * CUDA_VISIBLE_DEVICES} is passed from the host either way.
     *
     * @throws ExecutorException in {@link #build()} if GPUs are asked for and no GPU device node
     *     exists
     */
    public Builder gpus(boolean gpus) {
      this.gpus = gpus;
      return this;
    }

    /** Replaces the directory GPU device nodes are looked for in, for tests; default /dev. */
    Builder deviceDirectory(Path deviceDirectory) {
      this.deviceDirectory = Objects.requireNonNull(deviceDirectory, "deviceDirectory");
      return this;
    }

    /**
     * Sets how many characters of output a result keeps at most, half from the start and half from
     * the end; default 50,000.
     */
    public Builder maxOutputChars(int maxOutputChars) {
      if (maxOutputChars < 100) {
        throw new IllegalArgumentException(
            "maxOutputChars must be at least 100: " + maxOutputChars);
      }
      this.maxOutputChars = maxOutputChars;
      return this;
    }

    /**
     * Sets how long processes have between SIGTERM and SIGKILL when a run times out; default 2 s.
     */
    public Builder killGrace(Duration killGrace) {
      Objects.requireNonNull(killGrace, "killGrace");
      if (killGrace.isNegative()) throw new IllegalArgumentException("killGrace < 0: " + killGrace);
      this.killGrace = killGrace;
      return this;
    }

    /**
     * Limits each process's address space (virtual memory) to {@code bytes}; none by default.
     * Allocations beyond it fail (Python raises {@code MemoryError}). Address space is larger than
     * resident memory, notably for JVMs and GPU libraries: leave headroom. Needs {@code prlimit}.
     */
    public Builder memoryLimit(long bytes) {
      if (bytes <= 0) throw new IllegalArgumentException("memoryLimit must be positive: " + bytes);
      this.memoryLimit = bytes;
      return this;
    }

    /**
     * Limits the size of any file a process writes to {@code bytes}; none by default. Writing more
     * fails (Python raises {@code OSError: File too large}). Needs {@code prlimit}.
     */
    public Builder fileSizeLimit(long bytes) {
      if (bytes <= 0)
        throw new IllegalArgumentException("fileSizeLimit must be positive: " + bytes);
      this.fileSizeLimit = bytes;
      return this;
    }

    /**
     * Sets the thread-count variables ({@code OMP_NUM_THREADS} and the like) to {@code threads}; by
     * default the host's values, if any, are passed.
     */
    public Builder threads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("threads must be positive: " + threads);
      this.threads = threads;
      return this;
    }

    /**
     * Sets a variable in every program's environment.
     *
     * @throws IllegalArgumentException in {@link #build()} if the name looks like a secret and is
     *     not named in {@link #allowSecret(String...)}
     */
    public Builder environment(String name, String value) {
      fixedEnvironment.put(requireName(name), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Passes these host variables, when set, to every program as well.
     *
     * @throws IllegalArgumentException in {@link #build()} if a name looks like a secret and is not
     *     named in {@link #allowSecret(String...)}
     */
    public Builder inherit(String... names) {
      for (String name : names) inherited.add(requireName(name));
      return this;
    }

    /**
     * Lets variables with these names through though they look like secrets, from the host (with
     * {@link #inherit(String...)}), the builder or the request. Their values are for the program to
     * use, not to show: wherever the output holds one, the result says {@code [redacted]}.
     */
    public Builder allowSecret(String... names) {
      for (String name : names) allowedSecrets.add(requireName(name));
      return this;
    }

    /**
     * Sets the user programs run as when the JVM runs as root: a name from {@code /etc/passwd} or a
     * numeric uid, optionally followed by {@code :gid} ({@code "aide"}, {@code "1001:1001"}). By
     * default a root JVM runs them as {@code nobody} (65534:65534 where there is no such user);
     * generated code never runs as root. A JVM that is not root cannot switch users; programs run
     * as the JVM's user.
     *
     * @throws ExecutorException in {@link #build()} if the user does not exist, is root, or the JVM
     *     is not root
     */
    public Builder runAs(String user) {
      this.runAs = Objects.requireNonNull(user, "user");
      return this;
    }

    /** Replaces the JVM's effective uid, for tests. */
    Builder jvmUid(int uid) {
      this.jvmUid = uid;
      return this;
    }

    /** Replaces the host environment variables are taken from, for tests; default the JVM's. */
    Builder hostEnvironment(Map<String, String> hostEnvironment) {
      this.hostEnvironment = Map.copyOf(hostEnvironment);
      return this;
    }

    /**
     * Returns a new executor.
     *
     * @throws IllegalArgumentException if a variable set or inherited looks like a secret and was
     *     not allowed
     * @throws ExecutorException if an interpreter given as an absolute path or a {@linkplain
     *     #sandboxReadable(Path...) readable path} is not there, if {@linkplain #gpus(boolean)
     *     GPUs} are asked for and no GPU device node exists, if the sandbox is {@link
     *     Sandbox#REQUIRED} and bubblewrap is missing or cannot work here (the message says how to
     *     install it), if the {@linkplain #runAs(String) user} is unknown, root, or set while the
     *     JVM is not root, or if the JVM is root and {@code setpriv} (util-linux) is missing
     */
    public ProcessExecutor build() {
      interpreters.forEach(
          (name, program) -> {
            Path path = Path.of(program);
            if (path.isAbsolute() && !(Files.isRegularFile(path) && Files.isExecutable(path))) {
              throw new ExecutorException(
                  "interpreter(\"" + name + "\", \"" + program + "\"): no executable file there");
            }
          });
      List<Path> readable = realPaths(sandboxReadable);
      List<Path> devices = gpus ? Bubblewrap.gpuDevices(deviceDirectory) : List.of();
      if (gpus && devices.isEmpty()) {
        throw new ExecutorException(
            "GPUs were asked for, but there is no GPU device node in "
                + deviceDirectory
                + " (looked for nvidia*, nvidia-caps/ and dri/). Install the GPU's driver, or run"
                + " without GPUs.");
      }
      ChildEnvironment env =
          new ChildEnvironment(
              hostEnvironment, inherited, fixedEnvironment, threads, allowedSecrets);
      String path = env.hostPath();
      RunAsUser user = user();
      Path setpriv = findOnPath("setpriv", path);
      List<String> switchUser = new ArrayList<>();
      if (user != null && setpriv != null) {
        switchUser.add(setpriv.toString());
        switchUser.addAll(user.setprivOptions());
      }
      Bubblewrap bubblewrap = bubblewrap(path, readable, devices, switchUser);
      if (user != null && setpriv == null) {
        throw new ExecutorException(
            "The JVM runs as root, and generated code must not: programs run as "
                + user
                + " through setpriv (util-linux), which is not on PATH ("
                + path
                + "). Install util-linux, e.g. with `apt-get install util-linux`.");
      }
      List<String> launcher = new ArrayList<>();
      Path setsid = findOnPath("setsid", path);
      if (setsid != null) {
        launcher.add(setsid.toString());
        launcher.add("--wait");
      }
      if (bubblewrap == null && setpriv != null) {
        // Plain: switch here, and let the program die with the JVM (the parent-death signal
        // outlives the switch). The sandbox switches inside bwrap, which has --die-with-parent.
        launcher.addAll(switchUser.isEmpty() ? List.of(setpriv.toString()) : switchUser);
        launcher.add("--pdeathsig=KILL");
      }
      if (memoryLimit != null || fileSizeLimit != null) {
        Path prlimit = findOnPath("prlimit", path);
        if (prlimit == null) {
          log.warn(
              "prlimit (util-linux) is not installed: memory and file size limits are not applied");
        } else {
          launcher.add(prlimit.toString());
          if (memoryLimit != null) launcher.add("--as=" + memoryLimit);
          if (fileSizeLimit != null) launcher.add("--fsize=" + fileSizeLimit);
        }
      }
      return new ProcessExecutor(
          this, bubblewrap, launcher, env, user, bubblewrap == null ? List.of() : switchUser);
    }

    /** The user to switch to, or null when the JVM is not root and programs run as its user. */
    private @Nullable RunAsUser user() {
      if (jvmUid != 0) {
        if (runAs != null) {
          throw new ExecutorException(
              "runAs(\""
                  + runAs
                  + "\"): the JVM does not run as root ("
                  + (jvmUid < 0 ? "its uid is unknown" : "uid " + jvmUid)
                  + "), so it cannot switch users; programs run as the JVM's user. Remove"
                  + " runAs, or run the JVM as root.");
        }
        return null;
      }
      return RunAsUser.resolve(runAs);
    }

    private @Nullable Bubblewrap bubblewrap(
        String path, List<Path> readable, List<Path> devices, List<String> switchUser) {
      if (sandbox == Sandbox.OFF) return null;
      Path bwrap = findOnPath("bwrap", path);
      Bubblewrap sandboxed = null;
      String problem;
      if (bwrap == null) {
        problem = "bubblewrap (bwrap) is not installed";
      } else {
        List<Path> hide = new ArrayList<>(socketDirectories());
        for (Path dir : sandboxHidden) hide.add(dir.toAbsolutePath().normalize());
        sandboxed = new Bubblewrap(bwrap, userHomes(), hide, readable, devices);
        problem = sandboxed.probe(switchUser);
      }
      if (problem == null) return sandboxed;
      if (sandbox == Sandbox.REQUIRED) {
        throw new ExecutorException(
            "The sandbox cannot work here: "
                + problem
                + ". Install bubblewrap (`apt-get install bubblewrap` on Debian and Ubuntu, `dnf"
                + " install bubblewrap` on Fedora), or choose Sandbox.BEST_EFFORT to fall back to"
                + " plain processes.");
      }
      log.warn(
          "Generated code runs WITHOUT a sandbox ({}): it can use the network and the host's"
              + " sockets, and read and write what {} can{}. Install bubblewrap to protect them"
              + " (`apt-get install bubblewrap`, `dnf install bubblewrap`), or choose Sandbox.OFF"
              + " (--sandbox off) to run plain processes without this warning.",
          problem,
          switchUser.isEmpty() ? "the JVM's user" : "an unprivileged user (not root)",
          switchUser.isEmpty() ? ", the JVM's environment with its API keys included" : "");
      return null;
    }

    private List<Path> userHomes() {
      return ProcessExecutor.userHomes(hostEnvironment);
    }

    private List<Path> socketDirectories() {
      return ProcessExecutor.socketDirectories(hostEnvironment);
    }

    private static List<Path> realPaths(List<Path> paths) {
      List<Path> real = new ArrayList<>();
      for (Path path : paths) {
        try {
          real.add(path.toRealPath());
        } catch (IOException e) {
          throw new ExecutorException(
              "sandboxReadable(" + path + "): no such file or directory", e);
        }
      }
      return real;
    }

    private static String requireName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("not a variable name: '" + name + "'");
      }
      return name;
    }
  }
}
