package dev.aide.exec;

import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bubblewrap sandbox on a Slurm node (see .ci/slurm/start.sh), each case with a control run of
 * a plain job that can do what the sandbox forbids.
 */
@Timeout(180)
class SlurmSandboxTest {
  @TempDir Path root;

  /**
   * Outside /tmp (which the sandbox replaces anyway) and the homes: only sandboxHidden hides it.
   */
  private static Path outside;

  private static SlurmExecutor plain;
  private static SlurmExecutor sandboxed;

  @BeforeAll
  static void setUp() throws IOException {
    SlurmSupport.assumeSlurm();
    TestSupport.assumePython();
    outside = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "slurm-sandbox-");
    // Readable and writable by the user a root JVM's jobs run as.
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.writeString(outside.resolve("secret.txt"), "s3cr3t\n");
    plain = SlurmSupport.builder().build();
    sandboxed =
        SlurmSupport.builder()
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .sandboxHidden(outside)
            .build();
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (outside != null) TestSupport.deleteRecursively(outside);
  }

  @Test
  void theSandboxWorksOnTheNode() {
    assertThat(plain.sandboxed()).isFalse();
    assertThat(sandboxed.sandboxed()).isTrue();
  }

  @Test
  void aSandboxedJobWritesOnlyInWorking() throws IOException {
    // Outside /tmp, which the sandbox replaces with its own.
    Path target = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "slurm-writable-");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));
    try {
      writesOnlyInWorking(target);
    } finally {
      TestSupport.deleteRecursively(target);
    }
  }

  private void writesOnlyInWorking(Path target) throws IOException {
    String code =
        "import os\n"
            + "for path in ['"
            + target.resolve("out.txt")
            + "', 'in-workspace.txt', 'working/ok.txt', '/tmp/private.txt']:\n"
            + "    try:\n"
            + "        open(path, 'w').write('x')\n"
            + "        print('wrote', os.path.basename(path))\n"
            + "    except OSError as e:\n"
            + "        print('refused', os.path.basename(path), e.errno)\n";
    ExecutionResult control = plain.execute(python(code, workspace(root)));
    assertThat(control.output()).contains("wrote out.txt");
    Files.delete(target.resolve("out.txt"));

    Path ws = workspace(root);
    ExecutionResult result = sandboxed.execute(python(code, ws));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        // EROFS where the target lies on the read-only root; ENOENT where the project itself is
        // under /tmp, which the sandbox replaces with its own (as in a CI clone there)
        .containsPattern("refused out.txt (30|2)\n")
        .contains("refused in-workspace.txt 30")
        .contains("wrote ok.txt", "wrote private.txt");
    assertThat(target.resolve("out.txt")).doesNotExist();
    assertThat(ws.resolve("in-workspace.txt")).doesNotExist();
    assertThat(result.files()).containsExactly("ok.txt");
  }

  @Test
  void aSandboxedJobCannotSeeAHiddenDirectory() {
    String code =
        "import os\n"
            + "path = '"
            + outside.resolve("secret.txt")
            + "'\n"
            + "print(open(path).read().strip() if os.path.exists(path) else 'no such file')\n";
    assertThat(plain.execute(python(code, workspace(root))).output()).isEqualTo("s3cr3t\n");
    ExecutionResult result = sandboxed.execute(python(code, workspace(root)));
    assertThat(result.output()).as(result.errorMessage()).isEqualTo("no such file\n");
  }

  @Test
  void aSandboxedJobHasNoNetwork() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String code =
          "import socket\n"
              + "try:\n"
              + "    socket.create_connection(('127.0.0.1', "
              + server.getLocalPort()
              + "), timeout=10).close()\n"
              + "    print('connected')\n"
              + "except OSError as e:\n"
              + "    print('no network')\n";
      assertThat(plain.execute(python(code, workspace(root))).output()).isEqualTo("connected\n");
      assertThat(sandboxed.execute(python(code, workspace(root))).output())
          .isEqualTo("no network\n");
    }
  }

  @Test
  void aSandboxedJobHasItsOwnPidNamespace() {
    String code = "import os\nprint(os.getpid() < 10)\n";
    assertThat(sandboxed.execute(python(code, workspace(root))).output()).isEqualTo("True\n");
  }

  @Test
  void aTimedOutSandboxedJobLeavesNothingRunning() throws Exception {
    String token = "aide-sandboxed-child-" + java.util.UUID.randomUUID();
    String code =
        "import subprocess, sys, time\n"
            + "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '"
            + token
            + "'])\n"
            + "time.sleep(1)\n"
            + "open('working/started', 'w').write('yes\\n')\n"
            + "time.sleep(600)\n";
    Path ws = workspace(root);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    ExecutionResult result;
    try {
      java.util.concurrent.Future<ExecutionResult> run =
          pool.submit(() -> sandboxed.execute(python(code, ws, java.time.Duration.ofSeconds(20))));
      TestSupport.awaitPidLine(ws.resolve("working/started"));
      assertThat(TestSupport.processesRunning(token)).as("the program's child runs").hasSize(1);
      result = run.get(150, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(result.timedOut()).isTrue();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!TestSupport.processesRunning(token).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(TestSupport.processesRunning(token)).as("the program's child").isEmpty();
  }
}
