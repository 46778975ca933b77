package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ShutdownTest {
  @TempDir Path root;

  @Test
  void endsTheProcessesOfRunsStillGoingWhenTheJvmExits() throws Exception {
    TestSupport.assumePython();
    Path ws = TestSupport.workspace(root);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ExitDuringRun.class.getName(),
                ws.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("jvm.log").toFile())
            .start();
    assertThat(jvm.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).as("the child JVM saw the program start").isZero();
    assertGone(ws.resolve("working/main.pid"));
    assertGone(ws.resolve("working/child.pid"));
  }

  @Test
  void killingTheJvmWithSigkillEndsEverythingItsPlainRunStarted() throws Exception {
    TestSupport.assumePython();
    Path ws = TestSupport.workspace(root);
    List<Path> pids =
        Stream.of("main", "child", "grandchild", "piped", "settled", "hidden")
            .map(name -> ws.resolve("working/" + name + ".pid"))
            .toList();
    // Without a cgroup nothing finds a daemon that closed its output and left the workspace.
    List<Path> mustEnd = RunCgroup.available() ? pids : pids.subList(0, pids.size() - 1);
    Process jvm = startJvm(KilledDuringRun.class, ws);
    Process bystander = null;
    try {
      // main.pid comes last; the others are complete by then.
      while (!TestSupport.hasPidLine(pids.get(0))) {
        assertThat(jvm.isAlive()).as("the child JVM runs; see jvm.log").isTrue();
        Thread.sleep(10);
      }
      assertThat(pids).allMatch(TestSupport::hasPidLine);
      List<String> watchdogArgs = watchdogOf(ws);
      long watchdog = Long.parseLong(watchdogArgs.get(0));
      String cgroup = watchdogArgs.get(watchdogArgs.size() - 1);
      assertThat(cgroup.isEmpty()).as("the run has a cgroup").isEqualTo(!RunCgroup.available());
      // Started after the run, in a directory whose name starts with the workspace's: not the
      // run's, so the watchdog must leave it alone.
      Path beside = Files.createDirectories(root.resolve(ws.getFileName() + "-beside"));
      bystander =
          new ProcessBuilder("python3", "-c", "import time; time.sleep(600)")
              .directory(beside.toFile())
              .start();
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (Path pid : mustEnd) {
        awaitEnd(TestSupport.readPid(pid));
        assertGone(pid);
      }
      awaitEnd(watchdog);
      assertThat(TestSupport.running(watchdog)).as("the watchdog %d runs", watchdog).isFalse();
      if (!cgroup.isEmpty()) assertThat(Path.of(cgroup)).as("the run's cgroup").doesNotExist();
      assertThat(bystander.isAlive()).as("a process that is not the run's runs").isTrue();
    } finally {
      jvm.destroyForcibly();
      if (bystander != null) bystander.destroyForcibly();
      TestSupport.killLeftovers(pids.toArray(Path[]::new));
    }
  }

  /** The pid of the watchdog whose arguments name {@code ws}, then its command line. */
  private static List<String> watchdogOf(Path ws) throws IOException {
    String name = "\0" + ws + "\0";
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        byte[] cmdline;
        try {
          cmdline = Files.readAllBytes(proc.resolve("cmdline"));
        } catch (IOException e) {
          continue;
        }
        String text = new String(cmdline, StandardCharsets.UTF_8);
        if (text.contains("\0aide-watchdog\0") && text.contains(name)) {
          List<String> args = new ArrayList<>(List.of(proc.getFileName().toString()));
          args.addAll(List.of(text.split("\0", -1)));
          return args.subList(0, args.size() - 1); // the command line ends with a NUL
        }
      }
    }
    throw new AssertionError("no watchdog for " + ws);
  }

  @Test
  void killingTheJvmWithSigkillEndsEverythingItsSandboxedRunStarted() throws Exception {
    TestSupport.assumePython();
    Path bwrap = ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault());
    assumeTrue(bwrap != null && new Bubblewrap(bwrap).probe() == null, "needs a working bwrap");
    Path ws = TestSupport.workspace(root);
    String token = "aide-sandbox-kill-" + System.nanoTime();
    Process jvm = startJvm(KilledDuringSandboxedRun.class, ws, token);
    try {
      Path ready = ws.resolve("working/ready");
      while (!(Files.exists(ready) && Files.readString(ready).endsWith("\n"))) {
        assertThat(jvm.isAlive()).as("the child JVM runs; see jvm.log").isTrue();
        Thread.sleep(10);
      }
      // the child JVM has the token among its arguments too
      assertThat(TestSupport.processesRunning(token))
          .as("the child JVM, the program's child and its daemon")
          .hasSize(3)
          .contains(jvm.pid());
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!TestSupport.processesRunning(token).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(TestSupport.processesRunning(token)).as("processes of the run").isEmpty();
    } finally {
      jvm.destroyForcibly();
      // also bwrap and the program, whose command lines name the workspace, should they survive
      for (String mark : List.of(token, ws.toString())) {
        for (long pid : TestSupport.processesRunning(mark)) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private static void awaitEnd(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (TestSupport.running(pid) && System.nanoTime() < deadline) Thread.sleep(20);
  }

  private Process startJvm(Class<?> main, Path ws, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-cp", System.getProperty("java.class.path"), main.getName(), ws.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(root.resolve("jvm.log").toFile())
        .start();
  }
}
