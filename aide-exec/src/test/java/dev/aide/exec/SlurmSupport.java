package dev.aide.exec;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a test where Slurm does not answer, or fails it where CI requires Slurm. */
final class SlurmSupport {
  private SlurmSupport() {}

  /**
   * Skips the calling test with the reason when Slurm cannot take jobs here; fails it instead when
   * the environment sets {@code AIDE_SLURM_REQUIRED=1} (as .ci/run does).
   */
  static void assumeSlurm() {
    String reason = SlurmExecutor.unavailableReason();
    if (reason == null) return;
    if ("1".equals(System.getenv("AIDE_SLURM_REQUIRED"))) {
      fail("AIDE_SLURM_REQUIRED=1, but Slurm cannot take jobs here: " + reason);
    }
    assumeTrue(
        false,
        "this test needs a running Slurm cluster (start one with .ci/slurm/start.sh): " + reason);
  }

  /** An executor for the single-node cluster of .ci/slurm/start.sh, with its python3. */
  static SlurmExecutor.Builder builder() {
    return SlurmExecutor.builder()
        .interpreter("python3", TestSupport.python3())
        .poll(java.time.Duration.ofMillis(50));
  }
}
