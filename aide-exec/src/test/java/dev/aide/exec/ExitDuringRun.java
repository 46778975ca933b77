package dev.aide.exec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program for {@link ShutdownTest}: starts a long run on another thread, waits until its Python
 * program has written its pid and that of a child, then exits the JVM normally.
 */
public final class ExitDuringRun {
  private ExitDuringRun() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    Thread run =
        new Thread(
            () ->
                TestSupport.builder()
                    .build()
                    .execute(
                        TestSupport.python(
                            "import os, subprocess, sys, time\n"
                                + "child = subprocess.Popen([sys.executable, '-c',"
                                + " 'import time; time.sleep(600)'])\n"
                                + "open('working/child.pid', 'w').write(str(child.pid))\n"
                                + "open('working/main.pid', 'w').write(f'{os.getpid()}\\n')\n"
                                + "time.sleep(600)\n",
                            workspace,
                            Duration.ofMinutes(10))));
    run.setDaemon(true);
    run.start();
    // main.pid's line is written after child.pid is closed, so then both pids can be read.
    Path pid = workspace.resolve("working/main.pid");
    for (int i = 0; i < 3000 && !TestSupport.hasPidLine(pid); i++) Thread.sleep(10);
    System.exit(TestSupport.hasPidLine(pid) ? 0 : 1);
  }
}
