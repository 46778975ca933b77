package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that exits while its Slurm job runs cancels the job (SlurmExecutor's shutdown hook). */
@Timeout(300)
class SlurmShutdownTest {
  @TempDir Path root;

  @Test
  void aJvmExitingDuringAJobCancelsIt() throws Exception {
    SlurmSupport.assumeSlurm();
    TestSupport.assumePython();
    Path ws = TestSupport.workspace(root);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SlurmExitDuringRun.class.getName(),
                ws.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("jvm.log").toFile())
            .start();
    assertThat(jvm.waitFor(240, TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
    assertThat(jvm.exitValue()).as("the child JVM's exit code").isZero();
    String id = Files.readString(ws.resolve(".aide-slurm/job-id")).strip();
    // scancel returns at once; the job then leaves the queue within the cluster's KillWait.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (inQueue(id) && System.nanoTime() < deadline) Thread.sleep(200);
    assertThat(inQueue(id)).as("job %s is still in squeue", id).isFalse();
    TestSupport.assertGone(ws.resolve("working/main.pid"));
  }

  private static boolean inQueue(String id) throws Exception {
    Process squeue =
        new ProcessBuilder("squeue", "-h", "-o", "%i").redirectErrorStream(true).start();
    String out = new String(squeue.getInputStream().readAllBytes());
    assertThat(squeue.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return List.of(out.split("\\s+")).contains(id);
  }
}
