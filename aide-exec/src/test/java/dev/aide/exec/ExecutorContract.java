package dev.aide.exec;

import static dev.aide.exec.TestSupport.assertGone;
import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases every {@link Executor} of this module must pass: exceptions, syntax errors, non-zero
 * exits, time limits with forked children and a program that ignores SIGTERM, bounded output,
 * secrets, parallel runs and the files a run made. A subclass supplies the executors.
 */
@Timeout(60)
abstract class ExecutorContract {
  @TempDir Path root;

  /** The executor with its defaults, shared by the tests. */
  abstract Executor executor();

  /** An executor that waits little between SIGTERM and SIGKILL when a run times out. */
  abstract Executor quickToKill();

  /** An executor that keeps at most {@code max} characters of output. */
  abstract Executor withMaxOutputChars(int max);

  /** An executor that reads {@code host} as the host's environment and passes what it is told. */
  abstract Executor withHostEnvironment(
      Map<String, String> host, List<String> inherit, List<String> allowSecret);

  /** An executor that sets the thread-count variables and one variable of its own. */
  abstract Executor withThreadsAndVariable(int threads, String name, String value);

  @BeforeAll
  static void needsPython() {
    TestSupport.assumePython();
  }

  @Test
  void runsTheCodeInItsWorkspaceAndListsTheFilesItMade() throws Exception {
    Path ws = workspace(root);
    ExecutionResult result =
        executor()
            .execute(
                python(
                    "import os\n"
                        + "print('cwd ok', os.path.exists('solution.py'))\n"
                        + "os.makedirs('working/models')\n"
                        + "open('working/submission.csv', 'w').write('id,y\\n1,2\\n')\n"
                        + "open('working/models/m.bin', 'w').write('x')\n",
                    ws));
    assertThat(result.output()).isEqualTo("cwd ok True\n");
    assertThat(result.exitCode()).isZero();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.failed()).isFalse();
    assertThat(result.errorType()).isNull();
    assertThat(result.truncatedChars()).isZero();
    assertThat(result.duration()).isPositive();
    assertThat(result.files()).containsExactly("models/m.bin", "submission.csv");
    assertThat(Files.readString(ws.resolve("solution.py"))).startsWith("import os");
    assertThat(ws.resolve("tmp")).as("the scratch directory is removed").doesNotExist();
  }

  @Test
  void keepsStdoutAndStderrInTheOrderWritten() {
    ExecutionResult result =
        executor()
            .execute(
                python(
                    "import sys\n"
                        + "print('one')\n"
                        + "print('two', file=sys.stderr)\n"
                        + "print('three')\n",
                    workspace(root)));
    assertThat(result.output()).isEqualTo("one\ntwo\nthree\n");
  }

  static Stream<Arguments> exceptions() {
    return Stream.of(
        arguments("raise ValueError('bad shape (3, 4)')", "ValueError", "bad shape (3, 4)"),
        arguments(
            "import xgboost_that_is_not_there",
            "ModuleNotFoundError",
            "No module named 'xgboost_that_is_not_there'"),
        arguments("{'a': 1}['b']", "KeyError", "'b'"),
        arguments("1 / 0", "ZeroDivisionError", "division by zero"),
        arguments("raise MemoryError", "MemoryError", null),
        arguments("raise KeyboardInterrupt", "KeyboardInterrupt", null),
        arguments(
            "class TrainingFailed(Exception): pass\nraise TrainingFailed('diverged')",
            "TrainingFailed",
            "diverged"),
        arguments(
            "open('input/missing.csv')",
            "FileNotFoundError",
            "[Errno 2] No such file or directory: 'input/missing.csv'"));
  }

  @ParameterizedTest
  @MethodSource("exceptions")
  void reportsTheExceptionTheProgramRaised(String code, String type, @Nullable String message) {
    ExecutionResult result = executor().execute(python(code, workspace(root)));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.failed()).isTrue();
    assertThat(result.errorType()).isEqualTo(type);
    assertThat(result.errorMessage()).isEqualTo(message);
    assertThat(result.output()).contains("File \"solution.py\", line");
  }

  @Test
  void reportsASyntaxErrorWithTheFileNameTheLlmKnows() {
    Path ws = workspace(root);
    ExecutionResult result = executor().execute(python("print('a')\ndef f(:\n", ws));
    assertThat(result.errorType()).isEqualTo("SyntaxError");
    assertThat(result.errorMessage()).isNotBlank();
    assertThat(result.output())
        .contains("File \"solution.py\", line 2")
        .doesNotContain(root.toString())
        .doesNotContain(ws.toString());
  }

  @Test
  void reportsANonZeroExitWithoutAnException() {
    ExecutionResult result =
        executor()
            .execute(python("import sys\nprint('giving up')\nsys.exit(3)\n", workspace(root)));
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.failed()).isTrue();
    assertThat(result.errorType()).isNull();
    assertThat(result.output()).isEqualTo("giving up\n");
  }

  @Test
  void ignoresATracebackThatTheProgramPrintedAndSurvived() {
    ExecutionResult result =
        executor()
            .execute(
                python(
                    "import traceback\n"
                        + "try:\n"
                        + "    1 / 0\n"
                        + "except ZeroDivisionError:\n"
                        + "    traceback.print_exc()\n"
                        + "print('recovered')\n",
                    workspace(root)));
    assertThat(result.output()).contains("ZeroDivisionError").endsWith("recovered\n");
    assertThat(result.exitCode()).isZero();
    assertThat(result.errorType()).isNull();
    assertThat(result.failed()).isFalse();
  }

  @Test
  void stopsARunAtItsTimeLimitWithItsForkedChildAndItsDaemon() {
    Path ws = workspace(root);
    ExecutionResult result =
        quickToKill()
            .execute(
                python(
                    "import os, subprocess, sys, time\n"
                        + "child = subprocess.Popen([sys.executable, '-c',"
                        + " 'import time; time.sleep(600)'])\n"
                        + "open('working/child.pid', 'w').write(str(child.pid))\n"
                        + "r, w = os.pipe()\n"
                        + "if os.fork() == 0:\n"
                        + "    os.setsid()\n"
                        + "    if os.fork() == 0:\n"
                        + "        open('working/daemon.pid', 'w').write(str(os.getpid()))\n"
                        + "        os.write(w, b'x')\n"
                        + "        time.sleep(600)\n"
                        + "    os._exit(0)\n"
                        + "os.read(r, 1)\n"
                        + "print('ready', flush=True)\n"
                        + "time.sleep(600)\n",
                    ws,
                    Duration.ofSeconds(5)));
    assertThat(result.timedOut()).isTrue();
    assertThat(result.failed()).isTrue();
    assertThat(result.output()).contains("ready");
    assertGone(ws.resolve("working/child.pid"));
    assertGone(ws.resolve("working/daemon.pid"));
  }

  @Test
  void killsAProgramThatIgnoresSigterm() {
    Path ws = workspace(root);
    ExecutionResult result =
        quickToKill()
            .execute(
                python(
                    "import os, signal, subprocess, sys, time\n"
                        + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        + "child = subprocess.Popen([sys.executable, '-c', 'import signal, time;"
                        + " signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
                        + "open('working/main.pid', 'w').write(str(os.getpid()))\n"
                        + "open('working/child.pid', 'w').write(str(child.pid))\n"
                        + "print('ready', flush=True)\n"
                        + "while True: time.sleep(1)\n",
                    ws,
                    Duration.ofSeconds(5)));
    assertThat(result.timedOut()).isTrue();
    assertThat(result.output()).contains("ready");
    assertGone(ws.resolve("working/main.pid"));
    assertGone(ws.resolve("working/child.pid"));
  }

  @Test
  void leavesNothingRunningWhenTheProgramExitsBeforeItsChildren() {
    Path ws = workspace(root);
    ExecutionResult result =
        executor()
            .execute(
                python(
                    "import subprocess, sys\n"
                        + "sleep = [sys.executable, '-c', 'import time; time.sleep(600)']\n"
                        + "a = subprocess.Popen(sleep, start_new_session=True)\n"
                        + "b = subprocess.Popen(sleep, stdout=subprocess.DEVNULL,"
                        + " stderr=subprocess.DEVNULL)\n"
                        + "open('working/a.pid', 'w').write(str(a.pid))\n"
                        + "open('working/b.pid', 'w').write(str(b.pid))\n"
                        + "print('bye')\n",
                    ws));
    assertThat(result.timedOut()).isFalse();
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).isEqualTo("bye\n");
    assertGone(ws.resolve("working/a.pid"));
    assertGone(ws.resolve("working/b.pid"));
  }

  @Test
  void anInterruptEndsTheRunAndThrows() throws Exception {
    Path ws = workspace(root);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
      Future<?> run =
          pool.submit(
              () -> {
                try {
                  executor()
                      .execute(
                          python(
                              "import os, time\n"
                                  + "open('working/main.pid', 'w').write(f'{os.getpid()}\\n')\n"
                                  + "time.sleep(600)\n",
                              ws));
                } catch (RuntimeException e) {
                  thrown.set(e);
                }
              });
      Path pid = ws.resolve("working/main.pid");
      TestSupport.awaitPidLine(pid);
      run.cancel(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(thrown.get())
          .isInstanceOf(ExecutorException.class)
          .hasMessageContaining("Interrupted");
      assertGone(pid);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void boundsAHundredMegabytesOfOutput() {
    int max = 10_000;
    ExecutionResult result =
        withMaxOutputChars(max)
            .execute(
                python(
                    "import sys\n"
                        + "line = 'x' * 1023 + '\\n'\n"
                        + "block = line * 1024\n"
                        + "sys.stdout.write('START\\n')\n"
                        + "for _ in range(100): sys.stdout.write(block)\n"
                        + "sys.stdout.write('END\\n')\n",
                    workspace(root)));
    long written = 6 + 100L * 1024 * 1024 + 4;
    assertThat(result.exitCode()).isZero();
    assertThat(result.truncatedChars()).isEqualTo(written - max);
    assertThat(result.output().length()).isLessThan(max + 100);
    assertThat(result.output()).startsWith("START\nxxx").endsWith("xxx\nEND\n");
    assertThat(result.output()).contains("[... " + (written - max) + " characters cut ...]");
  }

  @Test
  void hidesSecretsOfTheHostEnvironment() {
    Map<String, String> host = new HashMap<>(System.getenv());
    host.put("OPENAI_API_KEY", "sk-from-the-host");
    host.put("HF_TOKEN", "hf-from-the-host");
    host.put("SOME_HOST_SETTING", "visible-only-if-inherited");
    String code =
        "import os\n"
            + "for name in ['OPENAI_API_KEY', 'HF_TOKEN', 'SOME_HOST_SETTING']:\n"
            + "    print(name, os.environ.get(name))\n"
            + "print('HF_TOKEN is from the host:', os.environ.get('HF_TOKEN') == 'hf-from-the-host')\n";

    ExecutionResult result =
        withHostEnvironment(host, List.of(), List.of()).execute(python(code, workspace(root)));
    assertThat(result.output())
        .isEqualTo(
            "OPENAI_API_KEY None\nHF_TOKEN None\nSOME_HOST_SETTING None\n"
                + "HF_TOKEN is from the host: False\n");

    ExecutionResult allowed =
        withHostEnvironment(host, List.of("SOME_HOST_SETTING", "HF_TOKEN"), List.of("HF_TOKEN"))
            .execute(python(code, workspace(root)));
    assertThat(allowed.output())
        .isEqualTo(
            "OPENAI_API_KEY None\n"
                // the program has the secret it was allowed, but its output never shows it
                + "HF_TOKEN [redacted]\n"
                + "SOME_HOST_SETTING visible-only-if-inherited\n"
                + "HF_TOKEN is from the host: True\n");
  }

  @Test
  void hidesTheJvmsOwnApiKeyByDefault() {
    // The build sets OPENAI_API_KEY for the test JVM (see the surefire configuration).
    assumeTrue(
        System.getenv("OPENAI_API_KEY") != null, "this test needs OPENAI_API_KEY set for the JVM");
    ExecutionResult result =
        executor()
            .execute(
                python(
                    "import os\n"
                        + "print(os.environ.get('OPENAI_API_KEY'))\n"
                        + "print(open('/proc/self/environ').read().count('OPENAI'))\n",
                    workspace(root)));
    assertThat(result.output()).isEqualTo("None\n0\n");
  }

  @Test
  void pointsHomeAndTmpdirIntoTheWorkspaceAndSetsThreadCounts() {
    Path ws = workspace(root);
    ExecutionResult result =
        withThreadsAndVariable(3, "SEED", "7")
            .execute(
                new ExecutionRequest(
                    "import os, tempfile\n"
                        + "for name in ['HOME', 'TMPDIR', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS',"
                        + " 'SEED', 'TASK']:\n"
                        + "    print(name, os.environ[name])\n"
                        + "print(tempfile.gettempdir())\n",
                    "solution.py",
                    List.of("python3", "solution.py"),
                    ws,
                    Duration.ofSeconds(30),
                    Map.of("TASK", "house-prices")));
    assertThat(result.output())
        .isEqualTo(
            "HOME tmp\nTMPDIR tmp\nOMP_NUM_THREADS 3\nMKL_NUM_THREADS 3\nSEED 7\n"
                + "TASK house-prices\ntmp\n");
  }

  @Test
  void runsManyProgramsAtOnceWithoutMixingThem() throws Exception {
    int runs = 8;
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      List<Path> workspaces = new ArrayList<>();
      List<Future<ExecutionResult>> futures = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        Path ws = workspace(root);
        workspaces.add(ws);
        String code =
            "import time\n"
                + "for step in range(5):\n"
                + "    print('run "
                + i
                + " step', step)\n"
                + "    time.sleep(0.05)\n"
                + "open('working/run"
                + i
                + ".txt', 'w').write('"
                + i
                + "')\n"
                + (i % 2 == 0 ? "" : "raise RuntimeError('odd run " + i + "')\n");
        futures.add(pool.submit(() -> executor().execute(python(code, ws))));
      }
      for (int i = 0; i < runs; i++) {
        ExecutionResult result = futures.get(i).get();
        StringBuilder expected = new StringBuilder();
        for (int step = 0; step < 5; step++) {
          expected.append("run ").append(i).append(" step ").append(step).append('\n');
        }
        assertThat(result.output()).startsWith(expected.toString());
        assertThat(result.files()).containsExactly("run" + i + ".txt");
        if (i % 2 == 0) {
          assertThat(result.errorType()).isNull();
        } else {
          assertThat(result.errorType()).isEqualTo("RuntimeError");
          assertThat(result.errorMessage()).isEqualTo("odd run " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failsWhenTheWorkspaceIsMissing() {
    assertThatThrownBy(() -> executor().execute(python("print(1)", root.resolve("nowhere"))))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("workspace");
  }

  @Test
  void runsAnyCommandNotOnlyPython() {
    ExecutionResult result =
        executor()
            .execute(
                new ExecutionRequest(
                    "echo \"args: $*\"\necho oops >&2\nexit 4\n",
                    "solution.sh",
                    List.of("sh", "solution.sh", "a", "b"),
                    workspace(root),
                    Duration.ofSeconds(10),
                    Map.of()));
    assertThat(result.output()).isEqualTo("args: a b\noops\n");
    assertThat(result.exitCode()).isEqualTo(4);
  }
}
