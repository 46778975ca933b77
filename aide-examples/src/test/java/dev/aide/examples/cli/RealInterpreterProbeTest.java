package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Task;
import dev.aide.exec.ProcessExecutor;
import dev.aide.testkit.Answers;
import dev.aide.testkit.ScriptedLlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coder's environment section names what /usr/bin/python3 really has, probed by the run. */
class RealInterpreterProbeTest {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path tmp;

  /** Returns what {@code python} prints for {@code code}, or null when it fails. */
  private static String ask(String code) throws Exception {
    Process process =
        new ProcessBuilder(PYTHON, "-c", code)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return null;
    }
    return process.exitValue() == 0 ? out : null;
  }

  @Test
  void theCodersPromptListsTheInterpretersRealPandasAndNotAMissingPackage() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
    String pandas = ask("import pandas; print(pandas.__version__)");
    assumeTrue(pandas != null, "needs pandas in " + PYTHON + ": apt-get install python3-pandas");
    String catboost = ask("import catboost");
    assumeTrue(catboost == null, "needs a " + PYTHON + " without catboost");
    String version = ask("import sys; print('%d.%d.%d' % sys.version_info[:3])");

    ScriptedLlm coder =
        ScriptedLlm.builder()
            .otherwise(r -> Answers.code("Print.", "print('metric: 0.5')"))
            .build();
    ScriptedLlm reviewer =
        ScriptedLlm.builder().whenReview(r -> Answers.goodRun(0.5, Direction.MAXIMIZE)).build();
    Path out = tmp.resolve("run");

    Aide.builder()
        .coder(coder, "coder")
        .reviewer(reviewer, "reviewer")
        .executor(ProcessExecutor.builder().interpreter("python3", PYTHON).build())
        .steps(1)
        .seed(1)
        .outputDir(out)
        .build()
        .run(Task.builder().goal("Print a metric.").direction(Direction.MAXIMIZE).build());

    String prompt = ScriptedLlm.lastMessage(coder.requests().get(0));
    assertThat(prompt)
        .contains("# Environment\n\nPython " + version + ". Installed: numpy ")
        .contains(", pandas " + pandas + ",")
        .containsPattern("not installed: [a-z, -]*catboost")
        .doesNotContain("may be installed");
    assertThat(Files.readString(out.resolve("python-packages.txt")))
        .contains("aide-probe installed pandas " + pandas);
  }
}
