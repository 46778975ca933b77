package dev.aide.exec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor in a JVM that is not root: a child JVM started as nobody with a secret in its
 * environment. Needs root (to start it as nobody), setpriv, bubblewrap and /usr/bin/python3.
 */
@Timeout(120)
class NonRootJvmTest {
  private static final String SECRET = "sk-child-jvm-" + System.nanoTime();

  @TempDir Path root;

  @Test
  void aSandboxedProgramCannotReadTheSecretsOfItsAncestorsButAPlainOneCan() throws Exception {
    assumeTrue(TestSupport.jvmIsRoot(), "this test needs a JVM that runs as root");
    Path setpriv = ProcessExecutor.findOnPath("setpriv", TestSupport.pathOrDefault());
    Path bwrap = ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault());
    assumeTrue(setpriv != null && bwrap != null, "this test needs setpriv and bubblewrap");
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "this test needs /usr/bin/python3");
    // What nobody can read: a copy of the classpath (the local repository is in /root).
    TestSupport.openToOthers(root);
    String classpath = copyClasspath(Files.createDirectories(root.resolve("cp")));
    Path runs = Files.createDirectories(root.resolve("runs"));
    Files.setAttribute(runs, "unix:uid", 65534);
    Files.setAttribute(runs, "unix:gid", 65534);

    String plain = scan(setpriv, classpath, "plain", python, runs);
    assertThat(plain)
        .as("the control run: same-user code reads the JVM's environment")
        .startsWith("uid 65534 found ")
        .doesNotContain("ancestor secrets 0\n");

    String sandboxed = scan(setpriv, classpath, "sandbox", python, runs);
    assertThat(sandboxed).startsWith("uid 65534 found 0 ").endsWith("ancestor secrets 0\n");
  }

  private String scan(Path setpriv, String classpath, String mode, Path python, Path runs)
      throws IOException, InterruptedException {
    Path ws = Files.createDirectories(runs.resolve(mode));
    Files.setAttribute(ws, "unix:uid", 65534);
    Files.createDirectories(ws.resolve("working"));
    Files.setAttribute(ws.resolve("working"), "unix:uid", 65534);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                setpriv.toString(),
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                java,
                "-cp",
                classpath,
                ScanEnvironments.class.getName(),
                mode,
                python.toString(),
                SECRET,
                ws.toString())
            .directory(runs.toFile())
            .redirectErrorStream(true);
    builder.environment().put("OPENAI_API_KEY", SECRET);
    Process jvm = builder.start();
    jvm.getOutputStream().close();
    String output = new String(jvm.getInputStream().readAllBytes(), UTF_8);
    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).as(output).isZero();
    // The child JVM may log to stderr (slf4j's notice); the program's line is the last.
    List<String> lines = output.lines().toList();
    return lines.get(lines.size() - 1) + "\n";
  }

  private static String copyClasspath(Path target) throws IOException {
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) continue;
      Path copy = target.resolve(n++ + "-" + source.getFileName());
      try (Stream<Path> paths = Files.walk(source)) {
        for (Path path : paths.toList()) {
          Path to = copy.resolve(source.relativize(path).toString());
          if (Files.isDirectory(path)) {
            Files.createDirectories(to);
          } else {
            Files.createDirectories(to.getParent());
            Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING);
          }
          TestSupport.openToOthers(to);
        }
      }
      entries.add(copy.toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
