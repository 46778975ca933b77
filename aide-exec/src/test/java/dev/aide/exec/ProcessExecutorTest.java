package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.ExecutorProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProcessExecutorTest extends ExecutorContract {
  private static final ProcessExecutor executor = TestSupport.builder().build();

  @Override
  Executor executor() {
    return executor;
  }

  @Override
  Executor quickToKill() {
    return TestSupport.builder().killGrace(Duration.ofMillis(200)).build();
  }

  @Override
  Executor withMaxOutputChars(int max) {
    return TestSupport.builder().maxOutputChars(max).build();
  }

  @Override
  Executor withHostEnvironment(
      Map<String, String> host, List<String> inherit, List<String> allowSecret) {
    return TestSupport.builder()
        .hostEnvironment(host)
        .inherit(inherit.toArray(String[]::new))
        .allowSecret(allowSecret.toArray(String[]::new))
        .build();
  }

  @Override
  Executor withThreadsAndVariable(int threads, String name, String value) {
    return TestSupport.builder().threads(threads).environment(name, value).build();
  }

  @Test
  void killsADaemonThatLeftTheSessionAndWorkspaceAndClearedItsEnvironmentButHoldsTheOutput() {
    Path ws = workspace(root);
    Path daemon = ws.resolve("working/daemon.pid");
    try {
      ExecutionResult result =
          executor.execute(
              python(
                  TestSupport.DAEMON
                      + "daemon('working/daemon.pid', keep_output=True, leave_workspace=True)\n"
                      + "print('bye')\n",
                  ws));
      // Found by the output pipe it holds, it is dead when execute returns, and so the pipe's end
      // came at once: the output is whole.
      assertGone(daemon);
      assertThat(result.exitCode()).isZero();
      assertThat(result.output()).isEqualTo("daemon up\nbye\n");
    } finally {
      TestSupport.killLeftovers(daemon);
    }
  }

  @Test
  void theDurationLastsUntilTheOutputEndsThoughTheProgramEndedBefore() throws Exception {
    // A process started before the run, so none of the run's, gets the output pipe from the
    // program and keeps it open for a second after the program ended; execute waits for it. Both
    // clocks are CLOCK_MONOTONIC (System.nanoTime, time.monotonic_ns).
    String socket = "aide-test-" + UUID.randomUUID();
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                """
                import os, socket, sys, time
                s = socket.socket(socket.AF_UNIX)
                s.bind('\\0' + sys.argv[1])
                s.listen(1)
                time.sleep(0.05)  # so that the run starts in a later clock tick
                print('listening', flush=True)
                c, _ = s.accept()
                _, fds, _, _ = socket.recv_fds(c, 1, 1)
                time.sleep(1)
                closed = time.monotonic_ns()
                os.close(fds[0])
                print(closed, flush=True)
                """,
                socket)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(lines.readLine()).isEqualTo("listening");
      ExecutionResult result =
          executor.execute(
              python(
                  "import socket, time\n"
                      + "print(time.monotonic_ns(), flush=True)\n"
                      + "c = socket.socket(socket.AF_UNIX)\n"
                      + "c.connect('\\0"
                      + socket
                      + "')\n"
                      + "socket.send_fds(c, [b'x'], [1])\n",
                  workspace(root)));
      long programStarted = Long.parseLong(result.output().strip());
      long outputClosed = Long.parseLong(lines.readLine());
      assertThat(result.duration().toNanos()).isGreaterThanOrEqualTo(outputClosed - programStarted);
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void killsADaemonThatLeftTheSessionClearedItsEnvironmentAndClosedItsOutputInTheWorkspace() {
    Path ws = workspace(root);
    Path daemon = ws.resolve("working/daemon.pid");
    try {
      ExecutionResult result =
          executor.execute(
              python(
                  TestSupport.DAEMON
                      + "daemon('working/daemon.pid', keep_output=False, leave_workspace=False)\n"
                      + "print('bye')\n",
                  ws));
      assertGone(daemon);
      assertThat(result.output()).isEqualTo("bye\n");
    } finally {
      TestSupport.killLeftovers(daemon);
    }
  }

  @Test
  void killsADaemonThatEscapedEverythingButTheRunsCgroupAndRemovesTheCgroup() throws Exception {
    assumeTrue(RunCgroup.available(), "this test needs a cgroup v1 freezer hierarchy it may write");
    Path ws = workspace(root);
    Path daemon = ws.resolve("working/daemon.pid");
    try {
      ExecutionResult result =
          executor.execute(
              python(
                  TestSupport.DAEMON
                      + "daemon('working/daemon.pid', keep_output=False, leave_workspace=True)\n"
                      + "print(os.environ['AIDE_EXECUTION_ID'])\n",
                  ws));
      assertGone(daemon);
      String cgroup = "aide-" + result.output().strip();
      try (Stream<Path> dirs = Files.walk(Path.of("/sys/fs/cgroup/freezer"), 4)) {
        assertThat(dirs.filter(dir -> dir.getFileName().toString().equals(cgroup))).isEmpty();
      }
    } finally {
      TestSupport.killLeftovers(daemon);
    }
  }

  @Test
  void aPlainRunHasAWatchdogThatEndsWithTheRun() {
    // The watchdog is the process whose arguments carry the run's execution id.
    ExecutionResult result =
        executor.execute(
            python(
                """
                import os, time
                me = os.environ['AIDE_EXECUTION_ID'].encode()
                found = []
                # the watchdog starts just after the program: look until it is there
                deadline = time.monotonic() + 20
                while not found and time.monotonic() < deadline:
                    for p in os.listdir('/proc'):
                        if p.isdigit() and int(p) != os.getpid():
                            try:
                                with open(f'/proc/{p}/cmdline', 'rb') as f:
                                    if me in f.read().split(b'\\0'):
                                        found.append(p)
                            except OSError:
                                pass
                    if not found:
                        time.sleep(0.02)
                print(' '.join(found))
                """,
                workspace(root)));
    List<String> pids = List.of(result.output().strip().split(" "));
    assertThat(result.output()).as("the program saw its watchdog").isNotBlank();
    for (String pid : pids) {
      assertThat(TestSupport.running(Long.parseLong(pid))).as("watchdog %s runs", pid).isFalse();
    }
  }

  @Test
  void runsAConfiguredInterpreterInPlaceOfTheCommandsFirstWord() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "this test needs /usr/bin/python3");
    ExecutionResult result =
        TestSupport.builder()
            .interpreter("python3", "/usr/bin/python3")
            .build()
            .execute(python("import sys\nprint(sys.executable)\n", workspace(root)));
    assertThat(result.output()).isEqualTo("/usr/bin/python3\n");
  }

  @Test
  void failsClearlyWhenTheInterpreterIsMissing() {
    ExecutionRequest request =
        new ExecutionRequest(
            "print(1)",
            "solution.py",
            List.of("python3.99", "solution.py"),
            workspace(root),
            Duration.ofSeconds(5),
            Map.of());
    assertThatThrownBy(() -> executor.execute(request))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("Cannot run python3.99: not found on PATH")
        .hasMessageContaining("interpreter(\"python3.99\", \"/path/to/python3.99\")");
    assertThat(request.workspace().resolve("tmp")).doesNotExist();
    assertThatThrownBy(
            () -> TestSupport.builder().interpreter("python3", "/nowhere/bin/python").build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("/nowhere/bin/python");
  }

  @Test
  void limitsMemoryAndFileSize() {
    assumeTrue(
        ProcessExecutor.findOnPath("prlimit", TestSupport.pathOrDefault()) != null,
        "this test needs prlimit (util-linux)");
    ProcessExecutor limited =
        TestSupport.builder().memoryLimit(512L << 20).fileSizeLimit(1 << 20).build();

    ExecutionResult memory =
        limited.execute(python("x = bytearray(2 * 1024 ** 3)\n", workspace(root)));
    assertThat(memory.errorType()).isEqualTo("MemoryError");

    ExecutionResult file =
        limited.execute(
            python("open('working/big.bin', 'wb').write(b'0' * (2 << 20))\n", workspace(root)));
    assertThat(file.errorType()).isEqualTo("OSError");
    assertThat(file.errorMessage()).contains("File too large");
  }

  @Test
  void aPlainProgramDiesWithTheJvmWhetherOrNotItRunsAsAnotherUser() {
    assumeTrue(
        ProcessExecutor.findOnPath("setpriv", TestSupport.pathOrDefault()) != null,
        "this test needs setpriv (util-linux)");
    String code =
        "import ctypes\n"
            + "signal = ctypes.c_int()\n"
            + "ctypes.CDLL(None).prctl(2, ctypes.byref(signal))  # PR_GET_PDEATHSIG\n"
            + "print(signal.value)\n";
    // As root the program runs as nobody; a JVM that is not root (uid 4242 here) switches nothing.
    for (ProcessExecutor plain :
        List.of(TestSupport.builder().build(), TestSupport.builder().jvmUid(4242).build())) {
      assertThat(plain.execute(python(code, workspace(root))).output()).isEqualTo("9\n");
    }
  }

  @Test
  void isTheExecutorThatServiceLoaderFinds() {
    List<ExecutorProvider> providers = new ArrayList<>();
    ServiceLoader.load(ExecutorProvider.class).forEach(providers::add);
    assertThat(providers).hasSize(1);
    assertThat(providers.get(0).create()).isInstanceOf(ProcessExecutor.class);
  }
}
