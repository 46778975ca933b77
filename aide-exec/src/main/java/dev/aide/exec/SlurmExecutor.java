package dev.aide.exec;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each solution as a Slurm batch job, with the guarantees of a local run.
 *
 * <pre>{@code
 * Executor executor = SlurmExecutor.builder()
 *     .partition("gpu").cpus(8).memory("32G").gpus(1)
 *     .interpreter("python3", "/shared/venvs/aide/bin/python")
 *     .build();
 * }</pre>
 *
 * <p>For each request it writes the code to {@code workspace/fileName} and a job script to {@code
 * workspace/.aide-slurm/job.sh}, and submits the script with {@code sbatch --export=NONE}, the
 * workspace as working directory and standard output and error both going to {@code
 * workspace/.aide-slurm/output.txt}. <b>The workspace must therefore lie on a file system that the
 * compute nodes share</b> (the run's output directory: put it there). The job's id is written to
 * {@code workspace/.aide-slurm/job-id} as soon as it is known, so that the jobs of an engine that
 * died can be found ({@code cat runs/x/workspaces/}{@code *}{@code /.aide-slurm/job-id}); it is
 * also logged.
 *
 * <p><b>Environment.</b> The program's environment is built exactly as {@link ProcessExecutor}'s
 * (the same allowlist, variables set on the builder and the request, HOME and TMPDIR in a scratch
 * directory {@code tmp/} of the workspace, secrets never passed unless allowed). {@code
 * --export=NONE} keeps the JVM's environment out of the job, and the script clears what Slurm still
 * gives it (the user's login environment) except Slurm's own {@code SLURM_*} variables. A secret
 * allowed with {@link Builder#allowSecret(String...)} is written into the job script, which only
 * its owner may read (0700) and which is deleted after the run.
 *
 * <p><b>Time limit.</b> The executor enforces the request's timeout itself: it counts from when the
 * job starts running (not while it waits in the queue), and at the deadline it cancels the job with
 * {@code scancel} (SIGTERM, then SIGKILL after the cluster's {@code KillWait}). Slurm's own {@code
 * --time} is set only as a backstop, in whole minutes, rounded up, plus {@link
 * Builder#timeLimitMargin(Duration) timeLimitMargin}. {@code execute} returns only when {@code
 * scontrol -o show job} shows a terminal state, not COMPLETING, so that nothing a run started
 * outlives it on a cluster that tracks processes by cgroup ({@code ProctrackType=proctrack/cgroup};
 * with {@code linuxproc} or {@code pgid} a {@code setsid} daemon may escape).
 *
 * <p><b>Failures of the cluster.</b> A job that ends NODE_FAIL, PREEMPTED or BOOT_FAIL is submitted
 * once more; if that one fails the same way, the result is a failed run whose error type is the
 * state and whose message names the node and Slurm's reason. A job still PENDING after {@link
 * Builder#maxPending(Duration) maxPending} is cancelled, and {@code execute} throws with Slurm's
 * reason (e.g. {@code PartitionConfig} for more CPUs than any node has). Missing {@code sbatch}, an
 * unreachable controller and an unknown partition throw too, each with what to do.
 *
 * <p><b>Cancelling.</b> An interrupted {@code execute} cancels its job, waits for it to end and
 * throws; a shutdown hook cancels the jobs still running when the JVM exits.
 *
 * <p><b>Users.</b> Jobs run as the user who submits them, as cluster jobs do; a JVM that runs as
 * root submits them as {@code nobody} (or {@link Builder#runAs(String)}) with {@code sbatch --uid
 * --gid}, so that generated code never runs as root, and makes {@code working/}, {@code tmp/} and
 * {@code .aide-slurm/} that user's before each run.
 *
 * <p><b>Sandbox.</b> With {@link Builder#sandbox(ProcessExecutor.Sandbox)} the job script runs the
 * program in the same bubblewrap sandbox as {@link ProcessExecutor}'s (no network, its own PID
 * namespace, the root file system read-only, homes, socket directories and {@link
 * Builder#sandboxHidden(Path...)} hidden, the workspace read-only, only {@code working/} and a
 * private {@code /tmp} writable), with the bwrap it finds on the node's system PATH. {@link
 * Builder#build()} first submits a small probe job that runs {@code true} in the sandbox on a node.
 * The sandbox is built from this machine's view of the file system, so it suits nodes that share
 * its layout. Off by default: the probe waits for a slot on the cluster, and many clusters' nodes
 * have no bubblewrap or no unprivileged user namespaces. Not with GPUs yet.
 *
 * <p>Instances are immutable and safe for use by many threads at once; each call runs one job, so
 * {@code workers(n)} means up to n jobs at once.
 */
public final class SlurmExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SlurmExecutor.class);
  private static final String SCRATCH_DIR = "tmp";
  private static final String JOB_DIR = ".aide-slurm";
  private static final int MAX_FILES = 10_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Jobs submitted and not yet ended, for the shutdown hook. */
  private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

  private static volatile @Nullable Slurm hookSlurm;

  /** Runs Slurm's commands; replaced by a fake in unit tests. */
  interface Slurm {
    /** Runs {@code command} and returns its exit code and output (stdout and stderr together). */
    Answer run(List<String> command) throws IOException, InterruptedException;
  }

  /** What a Slurm command answered. */
  record Answer(int exitCode, String output) {}

  private final Slurm slurm;
  private final List<String> submitOptions;
  private final Map<String, String> interpreters;
  private final ChildEnvironment environment;
  private final int maxOutputChars;
  private final Duration maxPending;
  private final Duration poll;
  private final Duration timeLimitMargin;
  private final String jobNamePrefix;
  private final @Nullable RunAsUser user;

  /** The sandbox jobs run in, its bwrap found on the node; null for plain jobs. */
  private final @Nullable Bubblewrap bubblewrap;

  private SlurmExecutor(
      Builder b,
      Slurm slurm,
      ChildEnvironment environment,
      @Nullable RunAsUser user,
      @Nullable Bubblewrap bubblewrap) {
    this.slurm = slurm;
    this.user = user;
    this.bubblewrap = bubblewrap;
    List<String> options = new ArrayList<>(b.submitOptions());
    if (user != null) {
      options.add("--uid=" + user.uid());
      options.add("--gid=" + user.gid());
    }
    this.submitOptions = List.copyOf(options);
    this.interpreters = Map.copyOf(b.interpreters);
    this.environment = environment;
    this.maxOutputChars = b.maxOutputChars;
    this.maxPending = b.maxPending;
    this.poll = b.poll;
    this.timeLimitMargin = b.timeLimitMargin;
    this.jobNamePrefix = b.jobNamePrefix;
  }

  /** Returns a builder with the defaults: the cluster's default partition, 1 CPU, no GPUs. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether Slurm can take jobs here: {@code sbatch} and {@code scontrol} are on PATH and the
   * controller answers {@code scontrol ping}.
   */
  public static boolean available() {
    return unavailableReason() == null;
  }

  /** Why {@link #available()} is false, or null when it is true. */
  public static @Nullable String unavailableReason() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    if (ProcessExecutor.findOnPath("sbatch", path) == null) return missingSbatch(path);
    try {
      Answer ping = new ProcessSlurm().run(List.of("scontrol", "ping"));
      if (ping.exitCode() == 0 && ping.output().contains("UP")) return null;
      return "Slurm's controller does not answer `scontrol ping`: " + ping.output().strip();
    } catch (IOException e) {
      return "cannot run scontrol: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while asking Slurm";
    }
  }

  private static String missingSbatch(String path) {
    return "sbatch is not on PATH ("
        + path
        + "). On a cluster, load Slurm's module before starting the JVM (e.g. `module load"
        + " slurm`); on Debian or Ubuntu install its client with `apt-get install slurm-client`.";
  }

  /** Whether jobs run their programs in the bubblewrap sandbox. */
  public boolean sandboxed() {
    return bubblewrap != null;
  }

  /** The options every job is submitted with, before the script; for tests. */
  List<String> submitOptions() {
    return submitOptions;
  }

  /**
   * Runs {@code request} as a Slurm job and returns its outcome. A program that fails, raises or
   * times out is an ordinary result, and so is a job that the cluster failed twice.
   *
   * @throws ExecutorException when the workspace cannot be written, {@code sbatch} fails (the
   *     controller does not answer, the partition does not exist, ...), the job stays PENDING past
   *     {@code maxPending} (the message gives Slurm's reason), or the thread is interrupted
   */
  @Override
  public ExecutionResult execute(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    Path workspace = prepareWorkspace(request);
    Path scratch = workspace.resolve(SCRATCH_DIR);
    Path jobDir = workspace.resolve(JOB_DIR);
    try {
      String scratchSeen = bubblewrap == null ? scratch.toString() : Bubblewrap.SCRATCH;
      Map<String, String> env =
          environment.forExecution(
              request.environment(), scratchSeen, UUID.randomUUID().toString());
      Path script = writeScript(workspace, request, env);
      Path outputFile = jobDir.resolve("output.txt");
      long started = System.nanoTime();
      Outcome outcome = runJob(request, workspace, script, outputFile);
      if (SlurmJob.CLUSTER_FAILURES.contains(outcome.job.state())) {
        log.warn(
            "Slurm job {} ended {} on {} ({}); submitting it once more",
            outcome.id,
            outcome.job.state(),
            outcome.job.node(),
            outcome.job.reason());
        outcome = runJob(request, workspace, script, outputFile);
      }
      long nanos = System.nanoTime() - started;
      return result(request, workspace, env, outputFile, outcome, nanos);
    } finally {
      deleteQuietly(scratch);
      deleteQuietly(jobDir.resolve("job.sh"));
    }
  }

  private record Outcome(String id, SlurmJob job, boolean timedOut) {}

  private Outcome runJob(ExecutionRequest request, Path workspace, Path script, Path outputFile) {
    deleteQuietly(outputFile);
    String id = submit(request, workspace, script, outputFile);
    LIVE.add(id);
    try {
      Files.writeString(workspace.resolve(JOB_DIR).resolve("job-id"), id + "\n");
    } catch (IOException e) {
      log.warn("Cannot record Slurm job {} in {}", id, workspace, e);
    }
    log.info("Slurm job {} runs {}", id, workspace);
    try {
      return await(id, request.timeout());
    } finally {
      LIVE.remove(id);
    }
  }

  private String submit(ExecutionRequest request, Path workspace, Path script, Path outputFile) {
    List<String> command = new ArrayList<>();
    command.add("sbatch");
    command.addAll(submitOptions);
    command.add("--job-name=" + jobNamePrefix + workspace.getFileName());
    command.add("--chdir=" + workspace);
    command.add("--output=" + outputFile);
    command.add("--time=" + timeLimitMinutes(request.timeout(), timeLimitMargin));
    command.add(script.toString());
    return jobId(call(command));
  }

  /** The exception for a failed {@code sbatch}. */
  private ExecutorException failure(Answer answer) {
    return submitFailure(answer.output().strip(), answer.exitCode());
  }

  /** The id {@code sbatch --parsable} printed; throws when it failed. */
  private String jobId(Answer answer) {
    String out = answer.output().strip();
    if (answer.exitCode() != 0) throw failure(answer);
    // --parsable prints "id" or "id;cluster"; warnings may come first.
    String last = out.substring(out.lastIndexOf('\n') + 1);
    String id = last.split(";", 2)[0].strip();
    if (id.chars().allMatch(Character::isDigit) && !id.isEmpty()) return id;
    throw new ExecutorException("sbatch printed no job id: " + out);
  }

  /** How long the sandbox's probe job may run. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Submits a job that runs {@code true} in {@code sandbox} on a compute node, as the jobs will
   * run, and returns null when that works or else what went wrong there.
   *
   * @throws ExecutorException when {@code sbatch} fails, or the thread is interrupted
   */
  @Nullable String probeSandbox(Bubblewrap sandbox) {
    List<String> probe = sandbox.probeCommand(List.of());
    List<String> command = new ArrayList<>();
    command.add("sbatch");
    command.addAll(submitOptions);
    command.add("--job-name=" + jobNamePrefix + "sandbox-probe");
    command.add("--chdir=/");
    command.add("--output=/dev/null");
    command.add("--time=" + timeLimitMinutes(PROBE_TIMEOUT, Duration.ZERO));
    command.add("--wrap=" + probeScript(probe));
    String id = jobId(call(command));
    LIVE.add(id);
    Outcome outcome;
    try {
      outcome = await(id, PROBE_TIMEOUT);
    } catch (ExecutorException e) {
      if (Thread.currentThread().isInterrupted()) throw e;
      return "the probe job could not run: " + e.getMessage();
    } finally {
      LIVE.remove(id);
    }
    SlurmJob job = outcome.job;
    String where = job.node() == null ? "" : " on node " + job.node();
    if (outcome.timedOut) {
      return "the probe job " + id + " did not finish within " + PROBE_TIMEOUT.toSeconds() + " s";
    }
    if (job.state().equals("COMPLETED") && job.exitCode() == 0) return null;
    return switch (job.exitCode()) {
      case PROBE_NO_BWRAP -> "bubblewrap (bwrap) is not installed" + where;
      case PROBE_NO_USERNS ->
          "user namespaces are disabled"
              + where
              + " (kernel.unprivileged_userns_clone or user.max_user_namespaces is 0), and bwrap"
              + " needs them";
      case PROBE_APPARMOR ->
          "AppArmor forbids unprivileged user namespaces"
              + where
              + " (kernel.apparmor_restrict_unprivileged_userns is 1)";
      default ->
          "bwrap failed"
              + where
              + " (probe job "
              + id
              + " ended "
              + job.state()
              + ", exit code "
              + job.exitCode()
              + "); run `"
              + String.join(" ", probe)
              + "` there to see why";
    };
  }

  /** Exit codes of the probe script: bwrap missing, user namespaces disabled, AppArmor. */
  static final int PROBE_NO_BWRAP = 97;

  static final int PROBE_NO_USERNS = 98;
  static final int PROBE_APPARMOR = 99;

  /**
   * The probe job's script, one line for {@code sbatch --wrap}: exits 0 when {@code probe} (a
   * {@link Bubblewrap#probeCommand} line) works with the node's bwrap, else with a code that says
   * why.
   */
  static String probeScript(List<String> probe) {
    StringBuilder s = new StringBuilder(FIND_BWRAP).append(" || exit " + PROBE_NO_BWRAP + "; ");
    s.append("\"$aide_bwrap\"");
    for (String word : probe.subList(1, probe.size())) s.append(' ').append(quote(word));
    s.append(" && exit 0; ");
    for (String knob :
        List.of(
            "/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/user/max_user_namespaces")) {
      s.append("[ \"$(cat ")
          .append(knob)
          .append(" 2>/dev/null)\" = 0 ] && exit ")
          .append(PROBE_NO_USERNS)
          .append("; ");
    }
    s.append(
            "[ \"$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null)\" = 1 ]")
        .append(" && exit ")
        .append(PROBE_APPARMOR)
        .append("; exit 96");
    return s.toString();
  }

  /** The exception for a failed {@code sbatch}, saying what to do. */
  ExecutorException submitFailure(String out, int exitCode) {
    String lower = out.toLowerCase(Locale.ROOT);
    if (lower.contains("invalid partition")) {
      return new ExecutorException(
          "Slurm has no such partition ("
              + optionValue("--partition=")
              + "): "
              + out
              + ". `sinfo -s` lists the partitions; set one with"
              + " SlurmExecutor.builder().partition(...).");
    }
    if (lower.contains("unable to contact slurm controller")
        || lower.contains("connection refused")
        || lower.contains("socket timed out")
        || lower.contains("unable to establish")) {
      return new ExecutorException(
          "Slurm's controller does not answer: "
              + out
              + ". Check that slurmctld runs (`scontrol ping`) and that this machine may submit"
              + " jobs (its slurm.conf and munge key are the cluster's).");
    }
    return new ExecutorException("sbatch failed (exit " + exitCode + "): " + out);
  }

  private String optionValue(String prefix) {
    for (String option : submitOptions) {
      if (option.startsWith(prefix)) return option.substring(prefix.length());
    }
    return "the default partition";
  }

  /** Polls the job until it ends; cancels it at the deadline, after maxPending, or on interrupt. */
  private Outcome await(String id, Duration timeout) {
    long submitted = System.nanoTime();
    long runningSince = -1;
    boolean timedOut = false;
    int failedQueries = 0;
    while (true) {
      SlurmJob job;
      try {
        job = query(id);
        failedQueries = 0;
      } catch (ExecutorException e) {
        if (++failedQueries >= 50) {
          cancel(id);
          throw e;
        }
        job = null;
      }
      long now = System.nanoTime();
      if (job != null) {
        if (job.terminal()) return new Outcome(id, job, timedOut || job.state().equals("TIMEOUT"));
        if (job.pending()) {
          if (now - submitted > saturatedNanos(maxPending)) {
            cancel(id);
            awaitEnd(id);
            throw new ExecutorException(
                "Slurm job "
                    + id
                    + " was still PENDING after "
                    + maxPending.toSeconds()
                    + " s, so it was cancelled; Slurm's reason: "
                    + job.explainedReason()
                    + ". Ask for less (cpus, memory, gpus), choose another partition, or wait"
                    + " longer with SlurmExecutor.builder().maxPending(...).");
          }
        } else if (runningSince < 0) {
          runningSince = now;
        }
        if (!timedOut && runningSince >= 0 && now - runningSince > saturatedNanos(timeout)) {
          timedOut = true;
          cancel(id);
        }
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        cancel(id);
        awaitEnd(id);
        Thread.currentThread().interrupt();
        throw new ExecutorException("Interrupted while running Slurm job " + id, e);
      }
    }
  }

  /** Waits, not interruptibly and for at most a minute, until a cancelled job has ended. */
  private void awaitEnd(String id) {
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (query(id).terminal()) return;
        } catch (ExecutorException e) {
          log.debug("Cannot ask for job {}", id, e);
        }
        try {
          Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      log.warn("Slurm job {} has not ended a minute after it was cancelled", id);
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  private SlurmJob query(String id) {
    Answer answer = call(List.of("scontrol", "-o", "show", "job", id));
    if (answer.exitCode() != 0) {
      throw new ExecutorException(
          "scontrol -o show job " + id + " failed: " + answer.output().strip());
    }
    try {
      return SlurmJob.parse(answer.output());
    } catch (IllegalArgumentException e) {
      throw new ExecutorException(e.getMessage(), e);
    }
  }

  private void cancel(String id) {
    try {
      Answer answer = slurm.run(List.of("scancel", id));
      if (answer.exitCode() != 0) {
        log.warn("scancel {} failed: {}", id, answer.output().strip());
      }
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      log.warn("Cannot cancel Slurm job {}", id, e);
    }
  }

  private Answer call(List<String> command) {
    try {
      return slurm.run(command);
    } catch (IOException e) {
      throw new ExecutorException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecutorException("Interrupted while running " + command.get(0), e);
    }
  }

  private ExecutionResult result(
      ExecutionRequest request,
      Path workspace,
      Map<String, String> env,
      Path outputFile,
      Outcome outcome,
      long nanos) {
    OutputBuffer output = new OutputBuffer(maxOutputChars);
    if (Files.exists(outputFile)) {
      try (Reader in = Files.newBufferedReader(outputFile, StandardCharsets.UTF_8)) {
        char[] buffer = new char[8192];
        for (int n; (n = in.read(buffer)) != -1; ) output.append(buffer, 0, n);
      } catch (IOException e) {
        log.warn("Cannot read the output of Slurm job {} in {}", outcome.id, outputFile, e);
      }
    }
    SlurmJob job = outcome.job;
    String text =
        Redactor.ofEnvironment(env)
            .redact(ProcessExecutor.shortenPaths(output.text(), workspace, request.workspace()));
    int exitCode = job.exitCode();
    String errorType = null;
    String errorMessage = null;
    if (SlurmJob.CLUSTER_FAILURES.contains(job.state())) {
      errorType = job.state();
      errorMessage =
          "Slurm job "
              + outcome.id
              + " ended "
              + job.state()
              + " twice"
              + (job.node() == null ? "" : ", last on " + job.node())
              + "; reason: "
              + job.reason();
      if (exitCode == 0) exitCode = -1;
    } else {
      if (!job.state().equals("COMPLETED") && exitCode == 0) exitCode = -1;
      Traceback traceback = outcome.timedOut || exitCode != 0 ? Traceback.parse(text) : null;
      if (traceback != null) {
        errorType = traceback.type();
        errorMessage = traceback.message();
      } else if (job.state().equals("OUT_OF_MEMORY")) {
        errorType = "OUT_OF_MEMORY";
        errorMessage = "Slurm job " + outcome.id + " ran out of its memory limit";
      }
    }
    return new ExecutionResult(
        text,
        output.truncatedChars(),
        exitCode,
        Duration.ofNanos(nanos),
        outcome.timedOut,
        errorType,
        errorMessage,
        listFiles(workspace.resolve("working")));
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
      Files.createDirectories(workspace.resolve(JOB_DIR));
      Files.writeString(workspace.resolve(fileName), request.code(), StandardCharsets.UTF_8);
      if (user != null) {
        user.own(workspace.resolve("working"), true);
        user.own(workspace.resolve(SCRATCH_DIR), false);
        user.own(workspace.resolve(JOB_DIR), false);
      }
      return workspace.toRealPath();
    } catch (IOException e) {
      throw new ExecutorException("Cannot write the workspace " + workspace + ": " + e, e);
    }
  }

  private Path writeScript(Path workspace, ExecutionRequest request, Map<String, String> env) {
    List<String> command = new ArrayList<>(request.command());
    command.set(0, interpreters.getOrDefault(command.get(0), command.get(0)));
    Path script = workspace.resolve(JOB_DIR).resolve("job.sh");
    try {
      String text;
      if (bubblewrap == null) {
        text = script(env, command);
      } else {
        Path input = null;
        try {
          input = workspace.resolve("input").toRealPath();
        } catch (IOException e) {
          log.debug("No input directory in {}", workspace, e);
        }
        Path working = workspace.resolve("working").toRealPath();
        Path scratch = workspace.resolve(SCRATCH_DIR).toRealPath();
        text = sandboxedScript(env, bubblewrap.wrap(workspace, input, working, scratch, command));
      }
      Files.deleteIfExists(script);
      Files.createFile(
          script,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.writeString(script, text, StandardCharsets.UTF_8);
      return script;
    } catch (IOException e) {
      throw new ExecutorException("Cannot write the job script " + script + ": " + e, e);
    }
  }

  /**
   * The job script: clears the environment Slurm gives the job but its own SLURM_* variables, sets
   * {@code env}, and execs {@code command}.
   */
  static String script(Map<String, String> env, List<String> command) {
    StringBuilder s = new StringBuilder("#!/bin/sh\n");
    clearAndSet(s, env);
    s.append("exec");
    for (String word : command) s.append(' ').append(quote(word));
    return s.append('\n').toString();
  }

  /**
   * The job script of a sandboxed run: finds bwrap on the node's system PATH (and fails, exit 127,
   * where it is missing: a sandboxed run never runs plain), clears and sets the environment as
   * {@link #script} does, and execs {@code wrapped}, a {@link Bubblewrap#wrap} command whose first
   * word, bwrap, is replaced by the one found.
   */
  static String sandboxedScript(Map<String, String> env, List<String> wrapped) {
    StringBuilder s = new StringBuilder("#!/bin/sh\n");
    s.append(FIND_BWRAP)
        .append(" || { echo \"aide: bubblewrap (bwrap) is not installed on $(hostname), and this")
        .append(" executor runs programs in its sandbox\" >&2; exit 127; }\n");
    clearAndSet(s, env);
    s.append("exec \"$aide_bwrap\"");
    for (String word : wrapped.subList(1, wrapped.size())) s.append(' ').append(quote(word));
    return s.append('\n').toString();
  }

  /** Sets {@code aide_bwrap} (not exported) to bwrap's path on the node's system PATH. */
  private static final String FIND_BWRAP =
      "aide_bwrap=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin;"
          + " command -v bwrap)";

  private static void clearAndSet(StringBuilder s, Map<String, String> env) {
    s.append("for v in $(/usr/bin/env | /bin/sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p');")
        .append(" do case $v in SLURM_*) ;; *) unset \"$v\" 2>/dev/null ;; esac; done\n");
    env.forEach(
        (name, value) -> {
          if (NAME.matcher(name).matches()) {
            s.append("export ").append(name).append('=').append(quote(value)).append('\n');
          }
        });
  }

  /** Quotes {@code word} for the POSIX shell. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** Slurm's backstop {@code --time} in whole minutes: the timeout rounded up, plus the margin. */
  static long timeLimitMinutes(Duration timeout, Duration margin) {
    long seconds;
    try {
      seconds = timeout.plus(margin).toSeconds() + (timeout.plus(margin).toNanosPart() > 0 ? 1 : 0);
    } catch (ArithmeticException e) {
      return Integer.MAX_VALUE;
    }
    return Math.max(1, Math.min(Integer.MAX_VALUE, (seconds + 59) / 60));
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static List<String> listFiles(Path working) {
    try (Stream<Path> files = Files.walk(working)) {
      return files
          .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
          .map(path -> working.relativize(path).toString().replace(File.separatorChar, '/'))
          .sorted(Comparator.naturalOrder())
          .limit(MAX_FILES)
          .collect(Collectors.toList());
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot list the files in {}", working, e);
      return List.of();
    }
  }

  private static void deleteQuietly(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> paths = Files.walk(path)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.debug("Cannot delete {}", p, e);
                }
              });
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot delete {}", path, e);
    }
  }

  /** Cancels the jobs still running when the JVM exits. */
  private static synchronized void installShutdownHook(Slurm slurm) {
    if (hookSlurm != null) return;
    hookSlurm = slurm;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  List<String> ids = new ArrayList<>(LIVE);
                  if (ids.isEmpty()) return;
                  List<String> command = new ArrayList<>(List.of("scancel"));
                  command.addAll(ids);
                  try {
                    slurm.run(command);
                  } catch (IOException | InterruptedException e) {
                    // The JVM is going away; nothing more can be done.
                  }
                },
                "aide-slurm-cancel"));
  }

  /** Runs Slurm's commands as processes. */
  static final class ProcessSlurm implements Slurm {
    @Override
    public Answer run(List<String> command) throws IOException, InterruptedException {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readNBytes(1 << 20);
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within 120 s");
      }
      return new Answer(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
  }

  /**
   * Configures a {@link SlurmExecutor}.
   *
   * <p>Not thread-safe; {@link #build()} copies what it needs.
   */
  public static final class Builder {
    private final Map<String, String> interpreters = new HashMap<>();
    private final Map<String, String> fixedEnvironment = new LinkedHashMap<>();
    private final Set<String> inherited = new LinkedHashSet<>();
    private final Set<String> allowedSecrets = new LinkedHashSet<>();
    private final List<String> extraArguments = new ArrayList<>();
    private Map<String, String> hostEnvironment = System.getenv();
    private @Nullable String partition;
    private @Nullable String account;
    private @Nullable String qos;
    private int cpus = 1;
    private @Nullable String memory;
    private int gpus;
    private @Nullable Integer threads;
    private String jobNamePrefix = "aide-";
    private int maxOutputChars = 50_000;
    private Duration maxPending = Duration.ofMinutes(10);
    private Duration poll = Duration.ofMillis(100);
    private Duration timeLimitMargin = Duration.ofMinutes(1);
    private @Nullable Slurm slurm;
    private @Nullable String runAs;
    private int jvmUid = RunAsUser.jvmUid();
    private ProcessExecutor.Sandbox sandbox = ProcessExecutor.Sandbox.OFF;
    private final List<Path> sandboxHidden = new ArrayList<>();

    private Builder() {}

    /**
     * Sets whether jobs run their programs in the bubblewrap sandbox on the compute node, as {@link
     * ProcessExecutor}'s do; default {@link ProcessExecutor.Sandbox#OFF}. Otherwise {@link
     * #build()} submits one small job that tries the sandbox on a node (so it waits for a slot on
     * the cluster): {@link ProcessExecutor.Sandbox#REQUIRED} then fails with what went wrong there,
     * {@link ProcessExecutor.Sandbox#BEST_EFFORT} logs a warning and runs plain jobs.
     */
    public Builder sandbox(ProcessExecutor.Sandbox sandbox) {
      this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
      return this;
    }

    /**
     * Hides {@code paths} (directories) from sandboxed programs, as the homes are, as {@link
     * ProcessExecutor.Builder#sandboxHidden(Path...)}: each is covered by an empty directory. They
     * must exist on the compute nodes where they exist here. Without the sandbox it has no effect.
     */
    public Builder sandboxHidden(Path... paths) {
      for (Path path : paths) sandboxHidden.add(Objects.requireNonNull(path, "path"));
      return this;
    }

    /**
     * Sets the user jobs run as when the JVM runs as root, as {@link
     * ProcessExecutor.Builder#runAs(String)}; default {@code nobody}. A JVM that is not root
     * submits jobs as its own user.
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

    /** Submits to this partition ({@code --partition}); default the cluster's default one. */
    public Builder partition(String partition) {
      this.partition = requireWord(partition, "partition");
      return this;
    }

    /** Charges jobs to this account ({@code --account}). */
    public Builder account(String account) {
      this.account = requireWord(account, "account");
      return this;
    }

    /** Submits with this quality of service ({@code --qos}). */
    public Builder qos(String qos) {
      this.qos = requireWord(qos, "qos");
      return this;
    }

    /** CPUs per job ({@code --cpus-per-task}); default 1. */
    public Builder cpus(int cpus) {
      if (cpus < 1) throw new IllegalArgumentException("cpus must be positive: " + cpus);
      this.cpus = cpus;
      return this;
    }

    /** Memory per job as Slurm writes it ({@code --mem}), e.g. {@code 16G} or {@code 4000M}. */
    public Builder memory(String memory) {
      Objects.requireNonNull(memory, "memory");
      if (!memory.matches("\\d+[KMGT]?")) {
        throw new IllegalArgumentException(
            "memory must be a number with an optional K, M, G or T, e.g. 16G: '" + memory + "'");
      }
      this.memory = memory;
      return this;
    }

    /** GPUs per job ({@code --gres=gpu:N}); default none. */
    public Builder gpus(int gpus) {
      if (gpus < 0) throw new IllegalArgumentException("gpus must not be negative: " + gpus);
      this.gpus = gpus;
      return this;
    }

    /** Adds {@code sbatch} arguments, e.g. {@code "--constraint=a100"}; each call adds. */
    public Builder sbatchArguments(String... arguments) {
      for (String argument : arguments) {
        Objects.requireNonNull(argument, "argument");
        for (String reserved : List.of("--export", "--output", "--chdir", "--wrap", "--parsable")) {
          if (argument.startsWith(reserved)) {
            throw new IllegalArgumentException(
                argument + ": the executor sets " + reserved + " itself");
          }
        }
        extraArguments.add(argument);
      }
      return this;
    }

    /** Starts every job's name, before the workspace's name; default {@code aide-}. */
    public Builder jobNamePrefix(String prefix) {
      this.jobNamePrefix = requireWord(prefix, "jobNamePrefix");
      return this;
    }

    /** Runs {@code program} wherever a command starts with {@code name}; as on the nodes. */
    public Builder interpreter(String name, String program) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(program, "program");
      if (name.isBlank() || program.isBlank()) {
        throw new IllegalArgumentException("interpreter name and program must not be blank");
      }
      interpreters.put(name, program);
      return this;
    }

    /** How long a job may wait in the queue before it is cancelled; default 10 minutes. */
    public Builder maxPending(Duration maxPending) {
      this.maxPending = requirePositive(maxPending, "maxPending");
      return this;
    }

    /** How often the job's state is asked for; default 100 ms. */
    public Builder poll(Duration poll) {
      this.poll = requirePositive(poll, "poll");
      return this;
    }

    /** What Slurm's backstop {@code --time} adds to the timeout; default 1 minute. */
    public Builder timeLimitMargin(Duration margin) {
      Objects.requireNonNull(margin, "margin");
      if (margin.isNegative()) throw new IllegalArgumentException("margin < 0: " + margin);
      this.timeLimitMargin = margin;
      return this;
    }

    /** At most this many characters of output are kept, head and tail; default 50,000. */
    public Builder maxOutputChars(int maxOutputChars) {
      if (maxOutputChars < 100) {
        throw new IllegalArgumentException(
            "maxOutputChars must be at least 100: " + maxOutputChars);
      }
      this.maxOutputChars = maxOutputChars;
      return this;
    }

    /** Sets the thread-count variables ({@code OMP_NUM_THREADS} and the like). */
    public Builder threads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("threads must be positive: " + threads);
      this.threads = threads;
      return this;
    }

    /** Sets a variable in every job's environment; as {@link ProcessExecutor.Builder}'s. */
    public Builder environment(String name, String value) {
      fixedEnvironment.put(requireName(name), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Passes these host variables, when set, to every job as well. */
    public Builder inherit(String... names) {
      for (String name : names) inherited.add(requireName(name));
      return this;
    }

    /** Lets variables with these names through though they look like secrets. */
    public Builder allowSecret(String... names) {
      for (String name : names) allowedSecrets.add(requireName(name));
      return this;
    }

    /** Replaces the host environment variables are taken from, for tests. */
    Builder hostEnvironment(Map<String, String> hostEnvironment) {
      this.hostEnvironment = Map.copyOf(hostEnvironment);
      return this;
    }

    /** Replaces how Slurm's commands run, for tests. */
    Builder slurm(Slurm slurm) {
      this.slurm = Objects.requireNonNull(slurm, "slurm");
      return this;
    }

    private List<String> submitOptions() {
      List<String> options = new ArrayList<>();
      options.add("--parsable");
      options.add("--export=NONE");
      if (partition != null) options.add("--partition=" + partition);
      if (account != null) options.add("--account=" + account);
      if (qos != null) options.add("--qos=" + qos);
      options.add("--ntasks=1");
      options.add("--cpus-per-task=" + cpus);
      if (memory != null) options.add("--mem=" + memory);
      if (gpus > 0) options.add("--gres=gpu:" + gpus);
      options.addAll(extraArguments);
      return List.copyOf(options);
    }

    /**
     * Returns a new executor; with a sandbox, after a probe job has tried it on a node.
     *
     * @throws ExecutorException if {@code sbatch} is not on PATH (the message says how to get it),
     *     if the sandbox is {@link ProcessExecutor.Sandbox#REQUIRED} and cannot work on the node
     *     (the message says why), if the sandbox is on and GPUs are asked for (not supported yet),
     *     or if the probe job cannot be submitted
     * @throws IllegalArgumentException if a variable set or inherited looks like a secret and was
     *     not allowed
     */
    public SlurmExecutor build() {
      ChildEnvironment env =
          new ChildEnvironment(
              hostEnvironment, inherited, fixedEnvironment, threads, allowedSecrets);
      Slurm runner = slurm;
      if (runner == null) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        if (ProcessExecutor.findOnPath("sbatch", path) == null) {
          throw new ExecutorException(missingSbatch(path));
        }
        runner = new ProcessSlurm();
        installShutdownHook(runner);
      }
      RunAsUser user = null;
      if (jvmUid == 0) {
        user = RunAsUser.resolve(runAs);
      } else if (runAs != null) {
        throw new ExecutorException(
            "runAs(\""
                + runAs
                + "\"): the JVM does not run as root, so it cannot submit jobs as another user;"
                + " they run as the JVM's user. Remove runAs, or run the JVM as root.");
      }
      SlurmExecutor plain = new SlurmExecutor(this, runner, env, user, null);
      if (sandbox == ProcessExecutor.Sandbox.OFF) return plain;
      if (gpus > 0) {
        throw new ExecutorException(
            "gpus("
                + gpus
                + ") with the sandbox: the sandbox's /dev on a node has no GPU device nodes yet."
                + " Choose Sandbox.OFF for GPU jobs.");
      }
      List<Path> hide = new ArrayList<>(ProcessExecutor.socketDirectories(hostEnvironment));
      for (Path dir : sandboxHidden) hide.add(dir.toAbsolutePath().normalize());
      // "bwrap" stands for the node's, which the job script finds.
      Bubblewrap bubblewrap =
          new Bubblewrap(
              Path.of("bwrap"),
              ProcessExecutor.userHomes(hostEnvironment),
              hide,
              List.of(),
              List.of());
      String problem = plain.probeSandbox(bubblewrap);
      if (problem == null) return new SlurmExecutor(this, runner, env, user, bubblewrap);
      if (sandbox == ProcessExecutor.Sandbox.REQUIRED) {
        throw new ExecutorException(
            "The sandbox cannot work on the cluster's nodes: "
                + problem
                + ". Install bubblewrap on the compute nodes (`apt-get install bubblewrap` on"
                + " Debian and Ubuntu, `dnf install bubblewrap` on Fedora) and allow unprivileged"
                + " user namespaces there, or choose Sandbox.BEST_EFFORT to fall back to plain"
                + " jobs.");
      }
      log.warn(
          "Slurm jobs run generated code WITHOUT a sandbox ({}): it can use the network and read"
              + " and write what the job's user can. Install bubblewrap on the compute nodes, or"
              + " choose Sandbox.OFF to run plain jobs without this warning.",
          problem);
      return plain;
    }

    private static String requireWord(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(what + " must be one word: '" + value + "'");
      }
      return value;
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }

    private static String requireName(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a variable name: '" + name + "'");
      }
      return name;
    }
  }
}
