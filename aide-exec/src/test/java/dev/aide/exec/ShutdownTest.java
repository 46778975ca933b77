package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
}
