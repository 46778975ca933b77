package dev.aide.exec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program for {@link ShutdownTest}: starts a long plain run whose Python program starts a child,
 * a grandchild and three daemons (see {@link TestSupport#DAEMON}), and writes their pids; then
 * waits to be killed. The third daemon closes its output and leaves the workspace: only the run's
 * cgroup finds it, where there is one.
 */
public final class KilledDuringRun {
  private KilledDuringRun() {}

  static final String PROGRAM =
      TestSupport.DAEMON
          + """
          import subprocess, time
          grandchild = ("import subprocess, sys, time\\n"
                        "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\\n"
                        "open('working/grandchild.pid', 'w').write(f'{g.pid}\\\\n')\\n"
                        "time.sleep(600)\\n")
          child = subprocess.Popen([sys.executable, '-c', grandchild])
          daemon('working/piped.pid', keep_output=True, leave_workspace=True)
          daemon('working/settled.pid', keep_output=False, leave_workspace=False)
          daemon('working/hidden.pid', keep_output=False, leave_workspace=True)
          while True:
              try:
                  with open('working/grandchild.pid') as f:
                      if f.read().endswith('\\n'):
                          break
              except OSError:
                  pass
              time.sleep(0.01)
          open('working/child.pid', 'w').write(f'{child.pid}\\n')
          open('working/main.pid', 'w').write(f'{os.getpid()}\\n')
          time.sleep(600)
          """;

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    Thread run =
        new Thread(
            () ->
                TestSupport.builder()
                    .build()
                    .execute(TestSupport.python(PROGRAM, workspace, Duration.ofMinutes(10))));
    run.setDaemon(true);
    run.start();
    run.join();
  }
}
