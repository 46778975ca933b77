package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
        Stream.of("main", "child", "grandchild", "piped", "settled")
            .map(name -> ws.resolve("working/" + name + ".pid"))
            .toList();
    Process jvm = startJvm(KilledDuringRun.class, ws);
    try {
      // main.pid comes last; the others are complete by then.
      while (!TestSupport.hasPidLine(pids.get(0))) {
        assertThat(jvm.isAlive()).as("the child JVM runs; see jvm.log").isTrue();
        Thread.sleep(10);
      }
      assertThat(pids).allMatch(TestSupport::hasPidLine);
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (Path pid : pids) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TestSupport.running(TestSupport.readPid(pid)) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertGone(pid);
      }
    } finally {
      jvm.destroyForcibly();
      TestSupport.killLeftovers(pids.toArray(Path[]::new));
    }
  }

  private Process startJvm(Class<?> main, Path ws) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), main.getName(), ws.toString())
        .redirectErrorStream(true)
        .redirectOutput(root.resolve("jvm.log").toFile())
        .start();
  }
}
