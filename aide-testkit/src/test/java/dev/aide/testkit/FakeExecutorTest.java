package dev.aide.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeExecutorTest {
  private static ExecutionRequest request(String code) {
    return new ExecutionRequest(
        code,
        "solution.py",
        List.of("python3", "solution.py"),
        Path.of("/tmp/ws"),
        Duration.ofMinutes(1),
        Map.of());
  }

  @Test
  void returnsTheScriptedResultsInOrderAndSaysWhenTheyAreUsedUp() {
    FakeExecutor executor =
        FakeExecutor.returning(
            FakeExecutor.success("metric: 1\n"), FakeExecutor.failure("Traceback", 1));

    assertThat(executor.execute(request("a")).output()).isEqualTo("metric: 1\n");
    assertThat(executor.execute(request("b")).exitCode()).isEqualTo(1);
    assertThatThrownBy(() -> executor.execute(request("c")))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("no result for run 3")
        .hasMessageContaining("2 scripted result(s) are used up");
    assertThat(executor.requests())
        .extracting(ExecutionRequest::code)
        .containsExactly("a", "b", "c");
  }

  @Test
  void answersWithAFunctionOfTheRequest() {
    FakeExecutor executor =
        FakeExecutor.answering(
            r ->
                r.code().contains("bug")
                    ? FakeExecutor.failure("NameError", 1)
                    : FakeExecutor.success("ok"));

    assertThat(executor.execute(request("fine")).failed()).isFalse();
    assertThat(executor.execute(request("a bug")).failed()).isTrue();
    assertThat(FakeExecutor.printing("metric: 2").execute(request("x")).output())
        .isEqualTo("metric: 2");
  }

  @Test
  void answersTheSearchsInterpreterProbeItselfWithoutSpendingAScriptedResult() {
    FakeExecutor executor = FakeExecutor.returning(FakeExecutor.success("metric: 1\n"));
    ExecutionRequest probe =
        new ExecutionRequest(
            "print('aide-probe python 3.11.2')",
            "aide_probe.py",
            List.of("python3", "aide_probe.py"),
            Path.of("/tmp/ws"),
            Duration.ofMinutes(1),
            Map.of());

    assertThat(executor.execute(probe).exitCode()).isEqualTo(1);
    assertThat(executor.execute(request("a")).output()).isEqualTo("metric: 1\n");
    assertThat(executor.requests()).extracting(ExecutionRequest::code).containsExactly("a");
  }
}
