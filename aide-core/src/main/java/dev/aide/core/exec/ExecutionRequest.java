package dev.aide.core.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: code saved as a file in a workspace, the command that runs it there, a time limit,
 * and environment variables to add.
 *
 * <p>The workspace holds {@code input/} (the task's data, shared by all nodes and read-only where
 * possible) and {@code working/} (this node's own files). The executor writes {@code code} to
 * {@code workspace/fileName} and runs {@code command} with the workspace as working directory.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param code the source code to save and run
 * @param fileName the file name to save it under, e.g. {@code solution.py}
 * @param command the command to run in the workspace, e.g. {@code [python3, solution.py]}
 * @param workspace the node's own directory; it exists and holds {@code input/} and {@code
 *     working/}
 * @param timeout the longest the run may take, after which it is stopped
 * @param environment variables to add to the child's environment
 */
public record ExecutionRequest(
    String code,
    String fileName,
    List<String> command,
    Path workspace,
    Duration timeout,
    Map<String, String> environment) {
  public ExecutionRequest {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(fileName, "fileName");
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    if (command.isEmpty()) throw new IllegalArgumentException("command must not be empty");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  /** The directory that holds the task's data. */
  public Path inputDir() {
    return workspace.resolve("input");
  }

  /** The node's own writable directory. */
  public Path workingDir() {
    return workspace.resolve("working");
  }
}
