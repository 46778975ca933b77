package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.ExecutorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sbatch command line, Slurm's answers and the retry on a failed node, with a fake Slurm. */
class SlurmExecutorTest {
  @TempDir Path root;

  /** Answers sbatch with increasing job ids and scontrol with the next scripted state line. */
  static final class FakeSlurm implements SlurmExecutor.Slurm {
    final List<List<String>> calls = new ArrayList<>();
    final Deque<String> states = new ArrayDeque<>();
    int nextId = 41;

    @Override
    public synchronized SlurmExecutor.Answer run(List<String> command) {
      calls.add(command);
      return switch (command.get(0)) {
        case "sbatch" -> new SlurmExecutor.Answer(0, (++nextId) + "\n");
        case "scontrol" -> new SlurmExecutor.Answer(0, states.isEmpty() ? "" : states.poll());
        default -> new SlurmExecutor.Answer(0, "");
      };
    }

    List<List<String>> calls(String program) {
      return calls.stream().filter(c -> c.get(0).equals(program)).toList();
    }
  }

  @Test
  void submitsWithThePartitionAccountQosResourcesAndExtraArguments() {
    FakeSlurm slurm = new FakeSlurm();
    slurm.states.add("JobId=42 JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1");
    SlurmExecutor executor =
        SlurmExecutor.builder()
            .slurm(slurm)
            .partition("gpu")
            .account("ml")
            .qos("short")
            .cpus(8)
            .memory("32G")
            .gpus(2)
            .sbatchArguments("--constraint=a100")
            .jobNamePrefix("search7-")
            .build();
    Path ws = TestSupport.workspace(root);
    executor.execute(TestSupport.python("print(1)", ws, Duration.ofSeconds(30)));
    List<String> sbatch = slurm.calls("sbatch").get(0);
    assertThat(sbatch)
        .startsWith(
            "sbatch",
            "--parsable",
            "--export=NONE",
            "--partition=gpu",
            "--account=ml",
            "--qos=short",
            "--ntasks=1",
            "--cpus-per-task=8",
            "--mem=32G",
            "--gres=gpu:2",
            "--constraint=a100")
        .contains("--job-name=search7-" + ws.getFileName(), "--time=2")
        .anyMatch(arg -> arg.startsWith("--chdir=/"))
        .anyMatch(arg -> arg.startsWith("--output=") && arg.endsWith("/.aide-slurm/output.txt"));
    assertThat(sbatch.get(sbatch.size() - 1)).endsWith("/.aide-slurm/job.sh");
    assertThat(ws.resolve(".aide-slurm/job-id")).hasContent("42\n");
    assertThat(ws.resolve(".aide-slurm/job.sh")).as("the script is removed").doesNotExist();
  }

  @Test
  void aRootJvmSubmitsJobsAsNobodyAndAnotherJvmAsItself() {
    FakeSlurm slurm = new FakeSlurm();
    RunAsUser nobody = RunAsUser.resolve(null);
    assertThat(SlurmExecutor.builder().slurm(slurm).jvmUid(0).build().submitOptions())
        .contains("--uid=" + nobody.uid(), "--gid=" + nobody.gid());
    assertThat(SlurmExecutor.builder().slurm(slurm).jvmUid(1000).build().submitOptions())
        .noneMatch(option -> option.startsWith("--uid"));
    assertThatThrownBy(() -> SlurmExecutor.builder().slurm(slurm).jvmUid(1000).runAs("x").build())
        .hasMessageContaining("does not run as root");
  }

  @Test
  void rejectsArgumentsTheExecutorSetsItself() {
    assertThatThrownBy(() -> SlurmExecutor.builder().sbatchArguments("--export=ALL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sets --export itself");
    assertThatThrownBy(() -> SlurmExecutor.builder().memory("lots"))
        .hasMessageContaining("e.g. 16G");
  }

  @Test
  void setsSlurmsBackstopTimeInWholeMinutesRoundedUpPlusTheMargin() {
    assertThat(SlurmExecutor.timeLimitMinutes(Duration.ofSeconds(30), Duration.ofMinutes(1)))
        .isEqualTo(2);
    assertThat(SlurmExecutor.timeLimitMinutes(Duration.ofSeconds(60), Duration.ZERO)).isEqualTo(1);
    assertThat(SlurmExecutor.timeLimitMinutes(Duration.ofSeconds(61), Duration.ZERO)).isEqualTo(2);
    assertThat(SlurmExecutor.timeLimitMinutes(Duration.ofMillis(60_001), Duration.ZERO))
        .isEqualTo(2);
  }

  @Test
  void readsTheStateReasonExitCodeAndNodeOfAJob() {
    SlurmJob done =
        SlurmJob.parse(
            "JobId=7 JobName=aide-ws1 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode"
                + " Dependency=(null) ExitCode=3:0 NodeList=vm\n");
    assertThat(done).isEqualTo(new SlurmJob("FAILED", "NonZeroExitCode", 3, "vm"));
    assertThat(done.terminal()).isTrue();
    assertThat(SlurmJob.parse("JobState=CANCELLED Reason=None ExitCode=0:9").exitCode())
        .isEqualTo(137);
    assertThat(SlurmJob.parse("JobState=COMPLETING Reason=None ExitCode=0:0").terminal())
        .as("COMPLETING: processes may still run")
        .isFalse();
    SlurmJob pending = SlurmJob.parse("JobState=PENDING Reason=PartitionConfig NodeList=(null)");
    assertThat(pending.pending()).isTrue();
    assertThat(pending.node()).isNull();
    assertThat(pending.explainedReason()).startsWith("PartitionConfig (the partition cannot give");
    assertThatThrownBy(() -> SlurmJob.parse("slurm_load_jobs error: Invalid job id specified"))
        .hasMessageContaining("no JobState");
  }

  @Test
  void submitsOnceMoreAfterANodeFailure() {
    FakeSlurm slurm = new FakeSlurm();
    slurm.states.add("JobState=RUNNING Reason=None ExitCode=0:0 NodeList=n1");
    slurm.states.add("JobState=NODE_FAIL Reason=NodeDown ExitCode=0:0 NodeList=n1");
    slurm.states.add("JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n2");
    ExecutionResult result =
        SlurmExecutor.builder()
            .slurm(slurm)
            .poll(Duration.ofMillis(1))
            .build()
            .execute(TestSupport.python("print(1)", TestSupport.workspace(root)));
    assertThat(slurm.calls("sbatch")).hasSize(2);
    assertThat(result.failed()).isFalse();
  }

  @Test
  void aSecondNodeFailureIsAFailedRunWithTheNodeAndReason() {
    FakeSlurm slurm = new FakeSlurm();
    slurm.states.add("JobState=PREEMPTED Reason=None ExitCode=0:0 NodeList=n1");
    slurm.states.add("JobState=NODE_FAIL Reason=NodeDown ExitCode=0:0 NodeList=n2");
    ExecutionResult result =
        SlurmExecutor.builder()
            .slurm(slurm)
            .poll(Duration.ofMillis(1))
            .build()
            .execute(TestSupport.python("print(1)", TestSupport.workspace(root)));
    assertThat(slurm.calls("sbatch")).hasSize(2);
    assertThat(result.failed()).isTrue();
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.errorType()).isEqualTo("NODE_FAIL");
    assertThat(result.errorMessage()).contains("job 43", "n2", "NodeDown");
  }

  @Test
  void saysWhatToDoWhenSbatchFails() {
    SlurmExecutor executor =
        SlurmExecutor.builder().slurm(new FakeSlurm()).partition("gpux").build();
    assertThat(
            executor.submitFailure(
                "sbatch: error: Batch job submission failed: Invalid partition name specified", 1))
        .hasMessageContaining("no such partition (gpux)")
        .hasMessageContaining("sinfo -s");
    assertThat(
            executor.submitFailure(
                "sbatch: error: Batch job submission failed: Unable to contact slurm controller"
                    + " (connect failure)",
                1))
        .hasMessageContaining("controller does not answer")
        .hasMessageContaining("scontrol ping");
    SlurmExecutor.Slurm refusing =
        command -> new SlurmExecutor.Answer(1, "sbatch: error: Invalid partition name specified");
    assertThatThrownBy(
            () ->
                SlurmExecutor.builder()
                    .slurm(refusing)
                    .partition("gpux")
                    .build()
                    .execute(TestSupport.python("print(1)", TestSupport.workspace(root))))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("no such partition (gpux)");
  }

  @Test
  void theJobScriptClearsTheEnvironmentAndQuotesEveryWord() {
    String script =
        SlurmExecutor.script(
            Map.of("NOTE", "it's $HOME"), List.of("/usr/bin/python3", "solution.py", "a b"));
    assertThat(script)
        .startsWith("#!/bin/sh\n")
        .contains("unset \"$v\"")
        .contains("export NOTE='it'\\''s $HOME'\n")
        .endsWith("exec '/usr/bin/python3' 'solution.py' 'a b'\n");
  }

  @Test
  void withoutTheSandboxBuildSubmitsNoProbe() {
    FakeSlurm slurm = new FakeSlurm();
    SlurmExecutor executor = SlurmExecutor.builder().slurm(slurm).build();
    assertThat(executor.sandboxed()).isFalse();
    assertThat(slurm.calls).isEmpty();
  }

  @Test
  void aRequiredSandboxIsProbedOnANodeAtBuildAndWrapsTheJobsProgram() throws Exception {
    FakeSlurm slurm = new FakeSlurm();
    slurm.states.add("JobId=42 JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1");
    slurm.states.add("JobId=43 JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1");
    slurm.states.add("JobId=44 JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1");
    Path hidden = java.nio.file.Files.createDirectories(root.resolve("hidden"));
    SlurmExecutor executor =
        SlurmExecutor.builder()
            .slurm(slurm)
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .sandboxHidden(hidden)
            .build();
    assertThat(executor.sandboxed()).isTrue();
    List<String> probe = slurm.calls("sbatch").get(0);
    assertThat(probe).contains("--output=/dev/null", "--chdir=/", "--time=1");
    String wrap = probe.get(probe.size() - 1);
    assertThat(wrap)
        .startsWith("--wrap=aide_bwrap=$(")
        .contains("command -v bwrap) || exit 97", "'--unshare-net'", "'--unshare-pid'")
        .contains("'--tmpfs' '" + hidden.toRealPath() + "'", "'true' && exit 0");

    Path ws = TestSupport.workspace(root);
    // The script is deleted after the run: keep a copy from the moment sbatch is called.
    List<String> scripts = new ArrayList<>();
    SlurmExecutor.Slurm copying =
        command -> {
          if (command.get(0).equals("sbatch")
              && !command.get(command.size() - 1).startsWith("--wrap=")) {
            scripts.add(java.nio.file.Files.readString(Path.of(command.get(command.size() - 1))));
          }
          return slurm.run(command);
        };
    SlurmExecutor.builder()
        .slurm(copying)
        .sandbox(ProcessExecutor.Sandbox.REQUIRED)
        .build()
        .execute(TestSupport.python("print(1)", ws, Duration.ofSeconds(30)));
    assertThat(scripts).hasSize(1);
    assertThat(scripts.get(0))
        .contains("command -v bwrap) || {", "exit 127; }")
        .contains("exec \"$aide_bwrap\" '--unshare-net'")
        .contains("'--bind' '" + ws.toRealPath().resolve("working") + "'")
        .contains("export HOME='/tmp'")
        .endsWith(" 'python3' 'solution.py'\n");
  }

  @Test
  void aRequiredSandboxThatFailsOnTheNodeSaysWhy() {
    for (var c :
        Map.of(
                97, "bubblewrap (bwrap) is not installed on node n7",
                98, "user namespaces are disabled on node n7",
                99, "AppArmor forbids unprivileged user namespaces on node n7",
                1, "bwrap failed on node n7 (probe job 42 ended FAILED, exit code 1); run `bwrap")
            .entrySet()) {
      FakeSlurm slurm = new FakeSlurm();
      slurm.states.add(
          "JobId=42 JobState=FAILED Reason=NonZeroExitCode ExitCode="
              + c.getKey()
              + ":0"
              + " NodeList=n7");
      assertThatThrownBy(
              () ->
                  SlurmExecutor.builder()
                      .slurm(slurm)
                      .sandbox(ProcessExecutor.Sandbox.REQUIRED)
                      .build())
          .isInstanceOf(ExecutorException.class)
          .hasMessageStartingWith("The sandbox cannot work on the cluster's nodes: " + c.getValue())
          .hasMessageContaining("Sandbox.BEST_EFFORT");
    }
  }

  @Test
  void aBestEffortSandboxThatFailsOnTheNodeRunsPlainJobs() {
    FakeSlurm slurm = new FakeSlurm();
    slurm.states.add("JobId=42 JobState=FAILED Reason=NonZeroExitCode ExitCode=97:0 NodeList=n7");
    SlurmExecutor executor =
        SlurmExecutor.builder().slurm(slurm).sandbox(ProcessExecutor.Sandbox.BEST_EFFORT).build();
    assertThat(executor.sandboxed()).isFalse();
    assertThat(slurm.calls("sbatch")).hasSize(1);
  }

  @Test
  void theSandboxRefusesGpusForNow() {
    FakeSlurm slurm = new FakeSlurm();
    assertThatThrownBy(
            () ->
                SlurmExecutor.builder()
                    .slurm(slurm)
                    .gpus(1)
                    .sandbox(ProcessExecutor.Sandbox.REQUIRED)
                    .build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("Sandbox.OFF for GPU jobs");
    assertThat(slurm.calls).isEmpty();
  }
}
