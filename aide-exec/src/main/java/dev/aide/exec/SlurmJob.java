package dev.aide.exec;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@code scontrol -o show job ID} says of one job: its state, Slurm's reason and its exit
 * code.
 *
 * @param state the job's state, e.g. {@code PENDING}, {@code RUNNING}, {@code COMPLETED}
 * @param reason why it waits or ended, e.g. {@code Resources}, {@code PartitionConfig}; {@code
 *     None} when there is none
 * @param exitCode the job script's exit code (128 + the signal when a signal ended it)
 * @param node the node it runs or ran on, or null while it has none
 */
record SlurmJob(String state, String reason, int exitCode, @Nullable String node) {
  private static final Pattern FIELD = Pattern.compile("(?:^|\\s)(\\w+)=(\\S*)");
  private static final Pattern EXIT = Pattern.compile("(\\d+):(\\d+)");

  /** The states after which nothing of the job runs any more. COMPLETING is not one of them. */
  static final Set<String> TERMINAL =
      Set.of(
          "COMPLETED",
          "FAILED",
          "CANCELLED",
          "TIMEOUT",
          "NODE_FAIL",
          "PREEMPTED",
          "BOOT_FAIL",
          "DEADLINE",
          "OUT_OF_MEMORY");

  /** The terminal states that say the cluster, not the program, failed: worth one more try. */
  static final Set<String> CLUSTER_FAILURES = Set.of("NODE_FAIL", "PREEMPTED", "BOOT_FAIL");

  /** Human explanations of the pending reasons a user is most likely to meet. */
  private static final Map<String, String> REASONS =
      Map.of(
          "PartitionConfig",
          "the partition cannot give what the job asks for (more CPUs, memory or GPUs than its"
              + " nodes have, or a longer time than it allows)",
          "Resources",
          "the cluster's nodes are busy",
          "Priority",
          "jobs of higher priority wait before it",
          "QOSMaxJobsPerUserLimit",
          "the QoS allows no more running jobs for this user",
          "AssocMaxJobsLimit",
          "the account allows no more running jobs",
          "ReqNodeNotAvail",
          "a node the job needs is not available (down, drained or reserved)");

  /**
   * Reads the one-line output of {@code scontrol -o show job}.
   *
   * @throws IllegalArgumentException if it has no {@code JobState}
   */
  static SlurmJob parse(String line) {
    String state = null;
    String reason = "None";
    String node = null;
    int exitCode = 0;
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      String value = m.group(2);
      switch (m.group(1)) {
        case "JobState" -> state = value;
        case "Reason" -> reason = value;
        case "NodeList" -> node = value.isEmpty() || value.equals("(null)") ? null : value;
        case "ExitCode" -> {
          Matcher e = EXIT.matcher(value);
          if (e.matches()) {
            int code = Integer.parseInt(e.group(1));
            int signal = Integer.parseInt(e.group(2));
            exitCode = signal != 0 ? 128 + signal : code;
          }
        }
        default -> {}
      }
    }
    if (state == null) {
      throw new IllegalArgumentException("no JobState in scontrol's answer: " + line.strip());
    }
    return new SlurmJob(state, reason, exitCode, node);
  }

  boolean terminal() {
    return TERMINAL.contains(state);
  }

  boolean pending() {
    return state.equals("PENDING");
  }

  /** The reason, with what it means where it is a common one, e.g. {@code Resources (...)}. */
  String explainedReason() {
    String meaning = REASONS.get(reason);
    return meaning == null ? reason : reason + " (" + meaning + ")";
  }
}
