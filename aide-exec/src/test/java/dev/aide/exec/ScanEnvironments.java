package dev.aide.exec;

import dev.aide.core.exec.ExecutionResult;
import java.nio.file.Path;

/**
 * A program for {@link NonRootJvmTest}, run by a JVM that is not root: runs a Python program that
 * looks for {@code args[2]} in the environment of every process it can see and of its ancestors,
 * plain ({@code args[0]} "plain") or sandboxed, and prints what it found.
 */
public final class ScanEnvironments {
  private ScanEnvironments() {}

  public static void main(String[] args) {
    boolean sandboxed = !args[0].equals("plain");
    ProcessExecutor executor =
        ProcessExecutor.builder()
            .interpreter("python3", args[1])
            .sandbox(sandboxed ? ProcessExecutor.Sandbox.REQUIRED : ProcessExecutor.Sandbox.OFF)
            .build();
    ExecutionResult result =
        executor.execute(
            TestSupport.python(
                "import os\n"
                    + "secret = bytes.fromhex('"
                    + hex(args[2])
                    + "')\n"
                    + "def environ(pid):\n"
                    + "    try:\n"
                    + "        return open(f'/proc/{pid}/environ', 'rb').read()\n"
                    + "    except OSError:\n"
                    + "        return b''\n"
                    + "found = [p for p in os.listdir('/proc') if p.isdigit()"
                    + " and secret in environ(p)]\n"
                    + "ancestors, pid = [], os.getppid()\n"
                    + "while pid > 0:\n"
                    + "    ancestors.append(secret in environ(pid))\n"
                    + "    stat = open(f'/proc/{pid}/stat').read()\n"
                    + "    pid = int(stat[stat.rindex(')') + 2:].split()[1])\n"
                    + "print('uid', os.getuid(), 'found', len(found), 'ancestors', len(ancestors),"
                    + " 'ancestor secrets', sum(ancestors))\n",
                Path.of(args[3])));
    System.out.print(result.output());
  }

  private static String hex(String text) {
    StringBuilder hex = new StringBuilder();
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
