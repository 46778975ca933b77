package dev.aide.exec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program for {@link ShutdownTest}: starts a long sandboxed run whose Python program starts a
 * child and a daemon (new session, empty environment, forked twice), each with {@code args[1]} on
 * its command line, writes {@code working/ready}, then waits to be killed.
 */
public final class KilledDuringSandboxedRun {
  private KilledDuringSandboxedRun() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    String token = args[1];
    String program =
        "import os, subprocess, sys, time\n"
            + "sleep = 'import os, time; time.sleep(600) # "
            + token
            + "'\n"
            + "subprocess.Popen([sys.executable, '-c', sleep])\n"
            + "subprocess.Popen([sys.executable, '-c', 'import os; os.fork() or exec(' + repr(sleep)"
            + " + ')'], env={}, start_new_session=True, stdin=subprocess.DEVNULL,"
            + " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()\n"
            + "open('working/ready', 'w').write('ready\\n')\n"
            + "time.sleep(600)\n";
    Thread run =
        new Thread(
            () ->
                TestSupport.builder()
                    .sandbox(ProcessExecutor.Sandbox.REQUIRED)
                    .build()
                    .execute(TestSupport.python(program, workspace, Duration.ofMinutes(10))));
    run.setDaemon(true);
    run.start();
    run.join();
  }
}
