package dev.aide.exec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program for {@link SlurmShutdownTest}: starts a long Slurm job on another thread, waits until
 * its Python program has written its pid, then exits the JVM normally (the shutdown hook runs).
 */
public final class SlurmExitDuringRun {
  private SlurmExitDuringRun() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    Thread run =
        new Thread(
            () ->
                SlurmSupport.builder()
                    .build()
                    .execute(
                        TestSupport.python(
                            "import os, time\n"
                                + "open('working/main.pid', 'w').write(f'{os.getpid()}\\n')\n"
                                + "time.sleep(600)\n",
                            workspace,
                            Duration.ofMinutes(10))));
    run.setDaemon(true);
    run.start();
    Path pid = workspace.resolve("working/main.pid");
    // The job may wait in the queue behind others' jobs: the test's timeout bounds this.
    while (!TestSupport.hasPidLine(pid)) Thread.sleep(10);
    System.exit(0);
  }
}
