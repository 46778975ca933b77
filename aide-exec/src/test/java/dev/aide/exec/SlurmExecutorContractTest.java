package dev.aide.exec;

import dev.aide.core.exec.Executor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;

/** The executor contract, run as Slurm jobs on a real cluster (see .ci/slurm/start.sh). */
class SlurmExecutorContractTest extends ExecutorContract {
  /** One shared executor per test class (a sandboxed one costs a probe job to build). */
  private static final Map<Class<?>, SlurmExecutor> EXECUTORS = new ConcurrentHashMap<>();

  @BeforeAll
  static void needsSlurm() {
    SlurmSupport.assumeSlurm();
  }

  /** The builder every executor of the suite starts from. */
  SlurmExecutor.Builder builder() {
    return SlurmSupport.builder();
  }

  @Override
  Executor executor() {
    return EXECUTORS.computeIfAbsent(getClass(), c -> builder().build());
  }

  @Override
  Executor quickToKill() {
    // The cluster's KillWait (2 s in .ci/slurm/start.sh) is the time between SIGTERM and SIGKILL.
    return executor();
  }

  @Override
  Executor withMaxOutputChars(int max) {
    return builder().maxOutputChars(max).build();
  }

  @Override
  Executor withHostEnvironment(
      Map<String, String> host, List<String> inherit, List<String> allowSecret) {
    return builder()
        .hostEnvironment(host)
        .inherit(inherit.toArray(String[]::new))
        .allowSecret(allowSecret.toArray(String[]::new))
        .build();
  }

  @Override
  Executor withThreadsAndVariable(int threads, String name, String value) {
    return builder().threads(threads).environment(name, value).build();
  }
}
