package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.exec.ProcessExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a Maven, and the java-speedup example's gate and eval run through ProcessExecutor. */
class MavenSupportTest {
  /** This build's root: the tests run in aide-examples/. */
  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();

  private static final Duration GENEROUS = Duration.ofMinutes(10);

  @TempDir Path tmp;

  private Path fakeHome(String name) throws Exception {
    Path home = Files.createDirectories(tmp.resolve(name));
    Path mvn = Files.createDirectories(home.resolve("bin")).resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\n");
    mvn.toFile().setExecutable(true);
    return home;
  }

  @Test
  void findPrefersTheMavenHomeProperty() throws Exception {
    Path home = fakeHome("maven");
    Path other = fakeHome("other");

    MavenSupport.Distribution found =
        MavenSupport.find(
            Map.of("maven.home", home.toString()), Map.of("PATH", other.resolve("bin").toString()));

    assertThat(found.path()).isEqualTo(home);
    assertThat(found.archive()).isFalse();
    assertThat(found.foundBy()).contains("maven.home");
  }

  @Test
  void findResolvesMvnOnPathThroughItsLinkToTheMavenHome() throws Exception {
    Path home = fakeHome("share/maven");
    Path bin = Files.createDirectories(tmp.resolve("usr/bin"));
    Files.createSymbolicLink(bin.resolve("mvn"), home.resolve("bin/mvn"));

    MavenSupport.Distribution found =
        MavenSupport.find(Map.of(), Map.of("PATH", "/nonexistent:" + bin));

    assertThat(found.path()).isEqualTo(home.toRealPath());
    assertThat(found.archive()).isFalse();
  }

  @Test
  void findTakesTheWrapperArchiveNextToTheAideScript() throws Exception {
    Path wrapper = Files.createDirectories(tmp.resolve("checkout/.mvn/wrapper"));
    Files.writeString(wrapper.resolve("apache-maven-3.9.9-bin.tar.gz"), "");

    MavenSupport.Distribution found =
        MavenSupport.find(
            Map.of("aide.script", tmp.resolve("checkout/aide").toString()), Map.of("PATH", ""));

    assertThat(found.path()).isEqualTo(wrapper.resolve("apache-maven-3.9.9-bin.tar.gz"));
    assertThat(found.archive()).isTrue();
  }

  @Test
  void findSaysWhatItTriedAndHowToGetAMaven() {
    assertThatThrownBy(
            () ->
                MavenSupport.find(
                    Map.of("maven.home", tmp.resolve("nothing").toString()),
                    Map.of("PATH", tmp.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No Maven was found")
        .hasMessageContaining("maven.home=" + tmp.resolve("nothing") + " (no bin/mvn there)")
        .hasMessageContaining("mvn on PATH (none)")
        .hasMessageContaining("-Dmaven.home=");
  }

  @Test
  void prepareSaysWhenTheUsersRepositoryIsMissing() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    MavenSupport.Distribution maven =
        new MavenSupport.Distribution(fakeHome("maven"), false, "test");

    assertThatThrownBy(
            () ->
                MavenSupport.prepare(
                    maven, tmp.resolve("out"), project, tmp.resolve("no-repo"), GENEROUS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("The local Maven repository " + tmp.resolve("no-repo"))
        .hasMessageContaining("-Dmaven.repo.local=");
  }

  @Test
  void seedingPassesNoSecretToMavenAndSaysWhyItFailed() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    Path userRepository = Files.createDirectories(tmp.resolve("user-repo"));
    Path seen = tmp.resolve("seen-env.txt");
    Path home = Files.createDirectories(tmp.resolve("maven/bin")).getParent();
    Path mvn = home.resolve("bin/mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\nenv > '"
            + seen
            + "'\necho \"[ERROR] no plugin, token sk-abc123456\"\nexit 1\n");
    mvn.toFile().setExecutable(true);
    Map<String, String> environment =
        Map.of(
            "PATH", System.getenv("PATH"),
            "OPENAI_API_KEY", "sk-abc123456",
            "DB_PASSWORD", "hunter2-long",
            "GREETING", "hello");

    assertThatThrownBy(
            () ->
                MavenSupport.prepare(
                    new MavenSupport.Distribution(home, false, "test"),
                    tmp.resolve("out"),
                    project,
                    userRepository,
                    GENEROUS,
                    environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Seeding the Maven repository")
        .hasMessageContaining("[ERROR] no plugin")
        .hasMessageNotContaining("sk-abc123456");

    String env = Files.readString(seen);
    assertThat(env).contains("GREETING=hello").doesNotContain("OPENAI_API_KEY", "DB_PASSWORD");
    assertThat(tmp.resolve("out/seed-project")).doesNotExist();
  }

  @Test
  void mirrorSettingsSendEveryRepositoryToTheLocalOneAsCentral() {
    String settings = MavenSupport.mirrorSettings(Path.of("/home/me/.m2/repository"));

    assertThat(settings)
        .contains("<id>central</id>")
        .contains("<mirrorOf>*</mirrorOf>")
        .contains("<url>file:///home/me/.m2/repository</url>");
  }

  /**
   * The whole path the CLI will take: the wrapper's Maven unpacked, a repository seeded from the
   * user's, and the example's gate and eval run by a ProcessExecutor like the CLI's (sandboxed
   * where bubblewrap works, as nobody under a root JVM), which leave the shared repository as it
   * was; and the gate fails when a change breaks a test.
   */
  @Test
  void theJavaExamplesGateAndEvalRunOfflineUnderTheExecutor() throws Exception {
    Path repo = MavenSupport.userRepository(Map.of("user.home", System.getProperty("user.home")));
    assumeTrue(
        Files.isDirectory(repo.resolve("org/junit/jupiter/junit-jupiter")),
        "needs this build's artifacts in " + repo + " (build with ./mvnw first)");
    MavenSupport.Distribution maven =
        MavenSupport.find(
            Map.of("aide.script", PROJECT_ROOT.resolve("aide").toString()), Map.of("PATH", ""));
    assertThat(maven.archive()).isTrue();
    // JUnit's temporary directories are rwx------; the program's user must pass this one
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path base = ExampleProjects.unpack(ExampleProjects.JAVA_SPEEDUP, tmp.resolve("base"));

    MavenSupport.Prepared prepared =
        MavenSupport.prepare(maven, tmp.resolve("out/maven"), base, repo, GENEROUS);

    assertThat(prepared.mvn()).isExecutable();
    assertThat(Files.getPosixFilePermissions(prepared.repository()))
        .contains(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE)
        .doesNotContain(PosixFilePermission.OTHERS_WRITE);
    assertThat(tmp.resolve("out/maven/seed-project")).doesNotExist();
    SortedMap<String, String> seeded = snapshot(prepared.repository());
    assertThat(seeded.keySet())
        .anyMatch(p -> p.startsWith("org/apache/maven/plugins/maven-surefire-plugin/3.5.4/"))
        .anyMatch(p -> p.startsWith("org/junit/jupiter/junit-jupiter-engine/6.1.3/"));

    ProcessExecutor executor =
        ProcessExecutor.builder()
            .sandbox(ProcessExecutor.Sandbox.BEST_EFFORT)
            .sandboxReadable(prepared.readablePaths().toArray(Path[]::new))
            .build();
    if ("root".equals(System.getProperty("user.name"))) {
      assertThat(executor.runsAs()).startsWith("nobody");
    }
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    MavenSupport.copyTree(base, workspace.resolve("working"));

    ExecutionResult gate = run(executor, workspace, "cd working && " + prepared.gateCommand());
    assertThat(gate.exitCode()).as(gate.output()).isZero();
    assertThat(gate.timedOut()).isFalse();

    ExecutionResult eval =
        run(
            executor,
            workspace,
            "cd working && " + String.join(" ", ExampleProjects.JAVA_SPEEDUP_EVAL));
    assertThat(eval.exitCode()).as(eval.output()).isZero();
    assertThat(eval.output()).containsPattern("(?m)^time_ms: [0-9]+\\.[0-9]+$");

    Path anagrams = workspace.resolve("working/src/main/java/demo/Anagrams.java");
    String code = Files.readString(anagrams, UTF_8);
    String wrong =
        code.replace("isAnagram(group.get(0), word)", "group.get(0).length() == word.length()");
    assertThat(wrong).isNotEqualTo(code);
    Files.writeString(anagrams, wrong, UTF_8);

    ExecutionResult broken = run(executor, workspace, "cd working && " + prepared.gateCommand());
    assertThat(broken.exitCode()).as(broken.output()).isNotZero();
    assertThat(broken.output()).contains("AnagramsTest");

    assertThat(snapshot(prepared.repository())).isEqualTo(seeded);
  }

  private static ExecutionResult run(ProcessExecutor executor, Path workspace, String script) {
    return executor.execute(
        new ExecutionRequest(
            script + "\n",
            ".aide-gate.sh",
            List.of("sh", ".aide-gate.sh"),
            workspace,
            GENEROUS,
            Map.of()));
  }

  /** Every file of {@code dir}, with its size and modification time. */
  private static SortedMap<String, String> snapshot(Path dir) throws Exception {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        files.put(
            dir.relativize(path).toString(),
            Files.size(path) + " " + Files.getLastModifiedTime(path));
      }
    }
    return files;
  }
}
