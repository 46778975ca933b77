package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.exec.ProcessExecutor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example projects: unpacking them, and the Python one's gate and eval. */
class ExampleProjectsTest {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path tmp;

  @Test
  void unpacksTheJavaExampleWithItsVersionsFilledIn() throws Exception {
    Path tree = ExampleProjects.unpack(ExampleProjects.JAVA_SPEEDUP, tmp.resolve("tree"));

    assertThat(tree.resolve("src/main/java/demo/Anagrams.java")).isRegularFile();
    assertThat(tree.resolve("src/main/java/demo/Bench.java")).isRegularFile();
    assertThat(tree.resolve("src/test/java/demo/AnagramsTest.java")).isRegularFile();
    String pom = Files.readString(tree.resolve("pom.xml"));
    assertThat(pom).doesNotContain("@").contains("<version>3.5.4</version>");
  }

  @Test
  void unpacksAProjectFromAJar() throws Exception {
    Path jar = tmp.resolve("examples.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("ex/p/pom.xml", "ex/p/src/A.java", "ex/other.txt")) {
        out.putNextEntry(new JarEntry(name));
        out.write(name.getBytes(UTF_8));
        out.closeEntry();
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      URL marker = loader.getResource("ex/p/pom.xml");
      assertThat(marker.getProtocol()).isEqualTo("jar");

      Path tree = ExampleProjects.unpack(marker, tmp.resolve("tree"));

      assertThat(tree.resolve("pom.xml")).hasContent("ex/p/pom.xml");
      assertThat(tree.resolve("src/A.java")).hasContent("ex/p/src/A.java");
      assertThat(tree.resolve("other.txt")).doesNotExist();
    }
  }

  @Test
  void rejectsAnUnknownProject() {
    assertThatThrownBy(() -> ExampleProjects.unpack("nope", tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown example project nope")
        .hasMessageContaining(ExampleProjects.JAVA_SPEEDUP);
  }

  /** Its gate passes and its eval prints the metric under the executor; a wrong change fails it. */
  @Test
  void thePythonExamplesGateAndEvalRunUnderTheExecutor() throws Exception {
    assumeTrue(hasPytest(), "needs pytest in " + PYTHON + ": apt-get install python3-pytest");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    ExampleProjects.unpack(ExampleProjects.PYTHON_SPEEDUP, workspace.resolve("working"));
    ProcessExecutor executor =
        ProcessExecutor.builder().sandbox(ProcessExecutor.Sandbox.BEST_EFFORT).build();
    // In a script, python3 would be looked up on PATH, which may lead into a hidden home.
    String gate = "cd working && " + ExampleProjects.PYTHON_SPEEDUP_GATE.replace("python3", PYTHON);
    String eval = "cd working && " + ExampleProjects.PYTHON_SPEEDUP_EVAL.replace("python3", PYTHON);

    ExecutionResult passed = run(executor, workspace, gate);
    assertThat(passed.exitCode()).as(passed.output()).isZero();
    assertThat(passed.output()).contains("10 passed");

    ExecutionResult metric = run(executor, workspace, eval);
    assertThat(metric.exitCode()).as(metric.output()).isZero();
    assertThat(metric.output()).containsPattern("(?m)^time_ms: [0-9]+\\.[0-9]+$");

    Path freq = workspace.resolve("working/textstats/freq.py");
    String code = Files.readString(freq, UTF_8);
    String wrong = code.replace("(-pair[1], pair[0])", "-pair[1]");
    assertThat(wrong).isNotEqualTo(code);
    Files.writeString(freq, wrong, UTF_8);

    ExecutionResult failed = run(executor, workspace, gate);
    assertThat(failed.exitCode()).isNotZero();
    assertThat(failed.output()).contains("test_ties_are_alphabetical_not_in_order_of_appearance");
  }

  private static boolean hasPytest() throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON))) return false;
    Process process =
        new ProcessBuilder(PYTHON, "-c", "import pytest")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    process.getOutputStream().close();
    return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  private static ExecutionResult run(ProcessExecutor executor, Path workspace, String script) {
    return executor.execute(
        new ExecutionRequest(
            script + "\n",
            ".aide-gate.sh",
            List.of("sh", ".aide-gate.sh"),
            workspace,
            Duration.ofMinutes(5),
            Map.of()));
  }
}
