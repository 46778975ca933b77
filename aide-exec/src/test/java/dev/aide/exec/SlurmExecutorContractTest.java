package dev.aide.exec;

import dev.aide.core.exec.Executor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The executor contract, run as Slurm jobs on a real cluster (see .ci/slurm/start.sh). */
class SlurmExecutorContractTest extends ExecutorContract {
  private static SlurmExecutor executor;

  @BeforeAll
  static void needsSlurm() {
    SlurmSupport.assumeSlurm();
    executor = SlurmSupport.builder().build();
  }

  @Override
  Executor executor() {
    return executor;
  }

  @Override
  Executor quickToKill() {
    // The cluster's KillWait (2 s in .ci/slurm/start.sh) is the time between SIGTERM and SIGKILL.
    return executor;
  }

  @Override
  Executor withMaxOutputChars(int max) {
    return SlurmSupport.builder().maxOutputChars(max).build();
  }

  @Override
  Executor withHostEnvironment(
      Map<String, String> host, List<String> inherit, List<String> allowSecret) {
    return SlurmSupport.builder()
        .hostEnvironment(host)
        .inherit(inherit.toArray(String[]::new))
        .allowSecret(allowSecret.toArray(String[]::new))
        .build();
  }

  @Override
  Executor withThreadsAndVariable(int threads, String name, String value) {
    return SlurmSupport.builder().threads(threads).environment(name, value).build();
  }
}
