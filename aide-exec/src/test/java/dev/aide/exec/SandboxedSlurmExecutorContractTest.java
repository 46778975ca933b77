package dev.aide.exec;

import static dev.aide.exec.TestSupport.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The executor contract, run as Slurm jobs in the bubblewrap sandbox on the node. The cases that
 * check by pid that a program's processes are gone cannot run here: a sandboxed program sees the
 * pids of its own PID namespace, not the host's. {@link SlurmSandboxTest} checks instead, by
 * command line, that nothing a timed-out sandboxed job started is left.
 */
class SandboxedSlurmExecutorContractTest extends SlurmExecutorContractTest {
  private static final String PIDS =
      "the program's pids are its PID namespace's, which the host cannot check";

  @Override
  SlurmExecutor.Builder builder() {
    return super.builder().sandbox(ProcessExecutor.Sandbox.REQUIRED);
  }

  @Override
  @Disabled(PIDS)
  void stopsARunAtItsTimeLimitWithItsForkedChildAndItsDaemon() {}

  @Override
  @Disabled(PIDS)
  void killsAProgramThatIgnoresSigterm() {}

  @Override
  @Disabled(PIDS)
  void leavesNothingRunningWhenTheProgramExitsBeforeItsChildren() {}

  @Override
  @Disabled(PIDS)
  void anInterruptEndsTheRunAndThrows() {}

  /** As the contract's, but the sandbox shows the scratch directory as its private /tmp. */
  @Override
  @Test
  void pointsHomeAndTmpdirIntoTheWorkspaceAndSetsThreadCounts() {
    ExecutionResult result =
        withThreadsAndVariable(3, "SEED", "7")
            .execute(
                new ExecutionRequest(
                    "import os, tempfile\n"
                        + "for name in ['HOME', 'TMPDIR', 'OMP_NUM_THREADS', 'SEED', 'TASK']:\n"
                        + "    print(name, os.environ[name])\n"
                        + "print(tempfile.gettempdir())\n",
                    "solution.py",
                    List.of("python3", "solution.py"),
                    workspace(root),
                    Duration.ofSeconds(30),
                    Map.of("TASK", "house-prices")));
    assertThat(result.output())
        .isEqualTo("HOME /tmp\nTMPDIR /tmp\nOMP_NUM_THREADS 3\nSEED 7\nTASK house-prices\n/tmp\n");
  }
}
