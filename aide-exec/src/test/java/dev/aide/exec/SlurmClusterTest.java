package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.ExecutorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What only a Slurm cluster does: pending jobs, cancelled jobs, cgroup tracking, jobs at once. */
@Timeout(120)
class SlurmClusterTest {
  @TempDir Path root;

  @BeforeAll
  static void needsSlurm() {
    SlurmSupport.assumeSlurm();
    TestSupport.assumePython();
  }

  @Test
  void aJobPendingOnAnImpossibleRequestEndsWithSlurmsReason() throws Exception {
    Path ws = workspace(root);
    SlurmExecutor executor =
        SlurmSupport.builder().cpus(4096).maxPending(Duration.ofSeconds(3)).build();
    assertThatThrownBy(() -> executor.execute(python("print(1)", ws)))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("still PENDING after 3 s")
        .hasMessageContaining("PartitionConfig");
    assertThat(inQueue(jobId(ws))).as("the job left the queue").isFalse();
  }

  @Test
  void anInterruptedRunLeavesNoJobInTheQueue() throws Exception {
    Path ws = workspace(root);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
    try {
      pool.submit(
          () -> {
            try {
              SlurmSupport.builder()
                  .build()
                  .execute(
                      python(
                          "import os, time\n"
                              + "open('working/main.pid', 'w').write(f'{os.getpid()}\\n')\n"
                              + "time.sleep(600)\n",
                          ws));
            } catch (RuntimeException e) {
              thrown.set(e);
            }
          });
      TestSupport.awaitPidLine(ws.resolve("working/main.pid"));
      pool.shutdownNow();
      assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(thrown.get())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("Interrupted");
    assertThat(inQueue(jobId(ws))).isFalse();
    assertGone(ws.resolve("working/main.pid"));
  }

  @Test
  void aSetsidDaemonThatOutlivesTheProgramIsEndedWhereSlurmTracksByCgroup() throws Exception {
    assumeTrue(
        proctrack().equals("proctrack/cgroup"),
        "Slurm tracks processes with "
            + proctrack()
            + ": a setsid daemon escapes it; only proctrack/cgroup ends it");
    Path ws = workspace(root);
    Path daemon = ws.resolve("working/daemon.pid");
    try {
      ExecutionResult result =
          SlurmSupport.builder()
              .build()
              .execute(
                  python(
                      TestSupport.DAEMON
                          + "daemon('working/daemon.pid', keep_output=False,"
                          + " leave_workspace=True)\n"
                          + "print('bye')\n",
                      ws));
      assertThat(result.output()).isEqualTo("bye\n");
      assertGone(daemon);
    } finally {
      TestSupport.killLeftovers(daemon);
    }
  }

  @Test
  void generatedCodeNeverRunsAsRoot() {
    ExecutionResult result =
        SlurmSupport.builder()
            .build()
            .execute(
                python(
                    "import os\nprint(os.getuid())\nopen('working/out.txt', 'w').write('x')\n",
                    workspace(root)));
    assertThat(result.exitCode()).isZero();
    assertThat(result.files()).containsExactly("out.txt");
    int expected = TestSupport.jvmIsRoot() ? RunAsUser.resolve(null).uid() : RunAsUser.jvmUid();
    assertThat(result.output()).isEqualTo(expected + "\n");
  }

  @Test
  void twoJobsRunAtOnce() throws Exception {
    // Each program waits until the other has started: both finish only if they run together.
    Path meeting = Files.createDirectories(root.resolve("meeting"));
    // Writable by the user a root JVM's jobs run as.
    Files.setPosixFilePermissions(meeting, PosixFilePermissions.fromString("rwxrwxrwx"));
    SlurmExecutor executor = SlurmSupport.builder().build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ExecutionResult>> runs =
          List.of("a", "b").stream()
              .map(
                  me -> {
                    String other = me.equals("a") ? "b" : "a";
                    Path ws = workspace(root);
                    String code =
                        "import os, time\n"
                            + "open('"
                            + meeting.resolve(me)
                            + "', 'w').close()\n"
                            + "while not os.path.exists('"
                            + meeting.resolve(other)
                            + "'): time.sleep(0.05)\n"
                            + "print('met')\n";
                    return pool.submit(
                        () -> executor.execute(python(code, ws, Duration.ofSeconds(60))));
                  })
              .toList();
      for (Future<ExecutionResult> run : runs) {
        ExecutionResult result = run.get(100, TimeUnit.SECONDS);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.output()).isEqualTo("met\n");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String jobId(Path ws) throws IOException {
    return Files.readString(ws.resolve(".aide-slurm/job-id")).strip();
  }

  private static boolean inQueue(String id) throws Exception {
    Process squeue =
        new ProcessBuilder("squeue", "-h", "-o", "%i").redirectErrorStream(true).start();
    String out = new String(squeue.getInputStream().readAllBytes());
    assertThat(squeue.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return List.of(out.split("\\s+")).contains(id);
  }

  private static String proctrack() {
    try {
      Process p = new ProcessBuilder("scontrol", "show", "config").start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        if (line.startsWith("ProctrackType")) return line.substring(line.indexOf('=') + 1).strip();
      }
      return "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown (" + e + ")";
    }
  }
}
