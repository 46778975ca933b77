package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpreterProbeTest {
  @TempDir Path run;

  private static final String OUTPUT =
      """
      /usr/lib/python3/dist-packages/torch/__init__.py: UserWarning: no GPU
      aide-probe python 3.11.2
      aide-probe installed numpy 1.26.4
      aide-probe installed scikit-learn 1.4.2
      aide-probe installed mystery
      aide-probe missing xgboost
      aide-probe missing torch
      """;

  private final List<ExecutionRequest> requests = new ArrayList<>();

  private Executor answering(ExecutionResult result) {
    return request -> {
      requests.add(request);
      return result;
    };
  }

  @Test
  void readsThePackagesThatImportedWithTheirVersionsAndIgnoresOtherLines() {
    InterpreterProbe.Packages packages = InterpreterProbe.parse(OUTPUT);

    assertThat(packages.python()).isEqualTo("3.11.2");
    assertThat(packages.installed())
        .containsExactly(
            new InterpreterProbe.Installed("numpy", "1.26.4"),
            new InterpreterProbe.Installed("scikit-learn", "1.4.2"),
            new InterpreterProbe.Installed("mystery", ""));
    assertThat(packages.missing()).containsExactly("xgboost", "torch");
  }

  @Test
  void runsTheProbeOnceInItsOwnWorkspaceAndKeepsTheAnswerInTheRunDirectory() throws IOException {
    Executor executor = answering(ExecutionResult.of(OUTPUT, 0, Duration.ofSeconds(2)));

    InterpreterProbe.Packages first = InterpreterProbe.load(run, executor, Redactor.none());
    InterpreterProbe.Packages again = InterpreterProbe.load(run, executor, Redactor.none());

    assertThat(requests).hasSize(1);
    ExecutionRequest request = requests.get(0);
    assertThat(request.fileName()).isEqualTo("aide_probe.py");
    assertThat(request.command()).containsExactly("python3", "aide_probe.py");
    assertThat(request.code()).contains("import importlib", "\"scikit-learn\", \"sklearn\"");
    assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(request.workspace()).isEqualTo(run.resolve("workspaces").resolve("probe"));
    assertThat(request.inputDir()).isDirectory();
    assertThat(request.workingDir()).isDirectory();
    assertThat(first).isEqualTo(InterpreterProbe.parse(OUTPUT));
    assertThat(again).isEqualTo(first);
    assertThat(run.resolve("python-packages.txt")).exists();
  }

  @Test
  void probesAgainWhenTheKeptAnswerIsUnreadable() throws IOException {
    Files.writeString(run.resolve("python-packages.txt"), "garbage\n");

    InterpreterProbe.Packages packages =
        InterpreterProbe.load(
            run, answering(ExecutionResult.of(OUTPUT, 0, Duration.ZERO)), Redactor.none());

    assertThat(requests).hasSize(1);
    assertThat(packages).isEqualTo(InterpreterProbe.parse(OUTPUT));
    assertThat(InterpreterProbe.parse(Files.readString(run.resolve("python-packages.txt"))))
        .isEqualTo(packages);
  }

  @Test
  void aFailedProbeGivesNoAnswerAndIsNotKept() {
    Executor failing = answering(ExecutionResult.of("Segmentation fault", 139, Duration.ZERO));

    assertThat(InterpreterProbe.load(run, failing, Redactor.none())).isNull();
    assertThat(run.resolve("python-packages.txt")).doesNotExist();
    assertThat(InterpreterProbe.load(run, failing, Redactor.none())).isNull();
    assertThat(requests).hasSize(2);
  }

  @Test
  void aTimedOutProbeAnOutputWithoutAnswerAndABrokenExecutorGiveNoAnswer() {
    ExecutionResult timedOut =
        new ExecutionResult("", 0, -1, Duration.ofSeconds(60), true, null, null, List.of());
    Executor broken =
        request -> {
          throw new ExecutorException("python3 is not installed");
        };

    assertThat(InterpreterProbe.load(run, answering(timedOut), Redactor.none())).isNull();
    assertThat(
            InterpreterProbe.load(
                run, answering(ExecutionResult.of("hello", 0, Duration.ZERO)), Redactor.none()))
        .isNull();
    assertThat(InterpreterProbe.load(run, broken, Redactor.none())).isNull();
    assertThat(run.resolve("python-packages.txt")).doesNotExist();
  }
}
