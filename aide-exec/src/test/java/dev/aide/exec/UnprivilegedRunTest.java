package dev.aide.exec;

import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static dev.aide.exec.TestSupport.workspaceWithData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.ExecutorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A root JVM runs programs as nobody, plain and sandboxed: real processes; needs root. */
@Timeout(60)
class UnprivilegedRunTest {
  private static final String NOBODY = "65534";

  enum Mode {
    PLAIN,
    SANDBOX
  }

  @TempDir Path root;

  @BeforeAll
  static void needsRootAndPython() {
    assumeTrue(TestSupport.jvmIsRoot(), "this test needs a JVM that runs as root");
    TestSupport.assumePython();
  }

  private static ProcessExecutor executor(Mode mode) {
    if (mode == Mode.PLAIN) return TestSupport.builder().build();
    Path bwrap = ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault());
    assumeTrue(bwrap != null, "this test needs bubblewrap: apt-get install bubblewrap");
    String problem = new Bubblewrap(bwrap).probe();
    assumeTrue(problem == null, () -> "this test needs a working bubblewrap: " + problem);
    return TestSupport.builder().sandbox(ProcessExecutor.Sandbox.REQUIRED).build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void runsAsNobodyWithoutCapabilitiesAndCannotReadShadow(Mode mode) {
    ExecutionResult result =
        executor(mode)
            .execute(
                python(
                    "import os\n"
                        + "print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())\n"
                        + "status = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
                        + "for name in ['CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'NoNewPrivs']:\n"
                        + "    print(name, int(status[name].strip(), 16))\n"
                        + "try:\n"
                        + "    open('/etc/shadow').read()\n"
                        + "    print('shadow read')\n"
                        + "except PermissionError:\n"
                        + "    print('shadow refused')\n",
                    workspace(root)));
    assertThat(result.output())
        .isEqualTo(
            "65534 65534 65534 []\n"
                + "CapEff 0\nCapPrm 0\nCapInh 0\nCapAmb 0\nNoNewPrivs 1\n"
                + "shadow refused\n");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSetuidRootProgramDoesNotMakeItRoot(Mode mode) throws IOException {
    Path ws = workspace(root);
    Path id = ws.resolve("id-as-root");
    Files.copy(Path.of("/usr/bin/id"), id, StandardCopyOption.COPY_ATTRIBUTES);
    Files.setAttribute(id, "unix:mode", 04755);
    ExecutionResult result =
        executor(mode)
            .execute(
                python(
                    "import subprocess\nsubprocess.run(['" + id + "', '-u'], check=True)\n", ws));
    assertThat(result.output()).isEqualTo(NOBODY + "\n");
  }

  @Test
  void aPlainProgramCannotReadTheEnvironmentOfTheJvmOrOfAnyOtherProcess() {
    String secret = System.getenv("OPENAI_API_KEY");
    assumeTrue(secret != null, "this test needs OPENAI_API_KEY set for the JVM (see the pom)");
    long jvm = ProcessHandle.current().pid();
    ExecutionResult result =
        executor(Mode.PLAIN)
            .execute(
                python(
                    "import os\n"
                        + "for pid in ["
                        + jvm
                        + ", os.getppid()]:\n"
                        + "    try:\n"
                        + "        open(f'/proc/{pid}/environ', 'rb').read()\n"
                        + "        print('read')\n"
                        + "    except PermissionError:\n"
                        + "        print('refused')\n"
                        + "found, read = 0, 0\n"
                        + "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
                        + "    try:\n"
                        + "        found += b'"
                        + secret
                        + "' in open(f'/proc/{pid}/environ', 'rb').read()\n"
                        + "        read += 1\n"
                        + "    except OSError:\n"
                        + "        pass\n"
                        + "print('found', found, 'own read', read > 0)\n",
                    workspace(root)));
    assertThat(result.output()).isEqualTo("refused\nrefused\nfound 0 own read True\n");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cannotWriteTheDataButWritesWorkingAndTmpdir(Mode mode) throws IOException {
    Path data = Files.createDirectories(root.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    Path ws = workspaceWithData(root, data);
    ExecutionResult result =
        executor(mode)
            .execute(
                python(
                    "import os\n"
                        + "print(open('input/train.csv').read().splitlines()[1])\n"
                        + "for path in ['input/new.csv', 'input/train.csv', 'solution.py',"
                        + " 'working/out.txt', os.environ['TMPDIR'] + '/t.txt',"
                        + " os.environ['HOME'] + '/h.txt']:\n"
                        + "    try:\n"
                        + "        open(path, 'a').write('x')\n"
                        + "        print(path.startswith('/') and 'scratch' or path, 'written')\n"
                        + "    except OSError:\n"
                        + "        print(path, 'refused')\n",
                    ws));
    assertThat(result.output())
        .isEqualTo(
            "1,2\n"
                + "input/new.csv refused\n"
                + "input/train.csv refused\n"
                + "solution.py refused\n"
                + "working/out.txt written\n"
                + "scratch written\n"
                + "scratch written\n");
    assertThat(data.resolve("new.csv")).doesNotExist();
    assertThat(data.resolve("train.csv")).hasContent("x,y\n1,2\n");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theEngineListsCopiesAndDeletesWhatTheProgramWrote(Mode mode) throws IOException {
    Path ws = workspace(root);
    Files.writeString(ws.resolve("working/earlier.txt"), "from an earlier step");
    ExecutionResult result =
        executor(mode)
            .execute(
                python(
                    "import os\n"
                        + "open('working/earlier.txt', 'a').write(', appended')\n"
                        + "os.makedirs('working/locked/deep')\n"
                        + "open('working/locked/deep/model.bin', 'w').write('weights')\n"
                        + "os.chmod('working/locked/deep/model.bin', 0)\n"
                        + "os.chmod('working/locked/deep', 0o500)\n"
                        + "os.chmod('working/locked', 0)\n",
                    ws));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.files()).containsExactly("earlier.txt", "locked/deep/model.bin");
    Path model = ws.resolve("working/locked/deep/model.bin");
    assertThat(Files.getAttribute(model, "unix:uid")).isEqualTo(65534);
    Path copy = root.resolve("best-model.bin");
    Files.copy(model, copy);
    assertThat(copy).hasContent("weights");
    assertThat(ws.resolve("working/earlier.txt")).hasContent("from an earlier step, appended");
    TestSupport.deleteRecursively(ws);
    assertThat(ws).doesNotExist();
  }

  @Test
  void aHardLinkInWorkingDoesNotHandItsFileOver() throws IOException {
    Path ws = workspace(root);
    Path outside = Files.writeString(root.resolve("root-only.txt"), "root's");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-------"));
    Files.createLink(ws.resolve("working/linked.txt"), outside);
    ExecutionResult result =
        executor(Mode.PLAIN)
            .execute(
                python(
                    "try:\n"
                        + "    print(open('working/linked.txt').read())\n"
                        + "except PermissionError:\n"
                        + "    print('refused')\n",
                    ws));
    assertThat(result.output()).isEqualTo("refused\n");
    assertThat(Files.getAttribute(outside, "unix:uid")).isEqualTo(0);
  }

  @Test
  void dataThatNobodyCanReachIsAClearErrorInPlainMode() throws IOException {
    // JUnit's @TempDir is rwx------; the data is left in it, the workspace is not.
    Path closed = Files.createDirectories(root.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    Path data = Files.createDirectories(closed.resolve("data"));
    Path ws = workspaceWithData(root, data);
    assertThatThrownBy(() -> executor(Mode.PLAIN).execute(python("print(1)", ws)))
        .isInstanceOf(ExecutorException.class)
        .hasMessage(
            "The program runs as nobody (uid 65534, gid 65534), who cannot reach the task's data"
                + " (input/) at "
                + data.toRealPath()
                + ": "
                + closed.toRealPath()
                + " (drwx------ owned by root) does not let that user pass. Make it readable for"
                + " others (chmod o+rx "
                + closed.toRealPath()
                + "), move the task's data (input/) to a directory others can read, or choose"
                + " another user with ProcessExecutor.builder().runAs(...).");
  }

  @Test
  void theSandboxMakesTheWayPassableInTmpAndTheCoveredDirectoriesButNotElsewhere()
      throws IOException {
    ProcessExecutor sandboxed = executor(Mode.SANDBOX);
    // Under /tmp (the @TempDir, rwx------) the sandbox makes the way to the data itself.
    Path closedInTmp = Files.createDirectories(root.resolve("closed"));
    Files.setPosixFilePermissions(closedInTmp, PosixFilePermissions.fromString("rwx------"));
    Path data = Files.createDirectories(closedInTmp.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    ExecutionResult result =
        sandboxed.execute(
            python(
                "print(open('input/train.csv').read().splitlines()[1])",
                workspaceWithData(root, data)));
    assertThat(result.output()).isEqualTo("1,2\n");

    // So it does in a socket directory it covers with an empty tmpfs, such as /var/tmp.
    Path closedInVarTmp = Files.createTempDirectory(Path.of("/var/tmp"), "aide-closed-");
    try {
      Path varTmpData = Files.createDirectories(closedInVarTmp.resolve("data"));
      Files.writeString(varTmpData.resolve("train.csv"), "x,y\n3,4\n");
      ExecutionResult inVarTmp =
          sandboxed.execute(
              python(
                  "print(open('input/train.csv').read().splitlines()[1])",
                  workspaceWithData(root, varTmpData)));
      assertThat(inVarTmp.output()).isEqualTo("3,4\n");
    } finally {
      TestSupport.deleteRecursively(closedInVarTmp);
    }

    // Elsewhere the host's directories are what the program sees: here the build's directory.
    Path build = Path.of("target").toAbsolutePath().toRealPath();
    Bubblewrap defaults =
        new Bubblewrap(
            ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault()),
            List.of(),
            Bubblewrap.SOCKET_DIRECTORIES,
            List.of(),
            List.of());
    assumeTrue(
        defaults.hidden().stream().noneMatch(build::startsWith) && !build.startsWith("/tmp"),
        () -> "this test needs a build directory the sandbox does not cover: " + build);
    Path closed = Files.createTempDirectory(build, "aide-closed-");
    try {
      Path hostData = Files.createDirectories(closed.resolve("data"));
      Path ws = workspaceWithData(root, hostData);
      assertThatThrownBy(() -> sandboxed.execute(python("print(1)", ws)))
          .isInstanceOf(ExecutorException.class)
          .hasMessageContaining(
              "who cannot reach the task's data (input/) at " + hostData.toRealPath() + ": ")
          .hasMessageContaining(closed.toRealPath() + " (drwx------ owned by root)")
          .hasMessageContaining("chmod o+rx " + closed.toRealPath())
          .hasMessageContaining("runAs(...)");
    } finally {
      TestSupport.deleteRecursively(closed);
    }
  }

  @Test
  void aRequiredSandboxInWhichTheUserSwitchFailsIsAnErrorAtBuild() throws IOException {
    executor(Mode.SANDBOX); // skips without a working bubblewrap
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path bwrap = ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault());
    Files.createSymbolicLink(bin.resolve("bwrap"), bwrap);
    Path setpriv = bin.resolve("setpriv");
    Files.writeString(setpriv, "#!/bin/sh\necho 'setpriv: setresuid failed' >&2\nexit 1\n");
    Files.setPosixFilePermissions(setpriv, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(
            () ->
                ProcessExecutor.builder()
                    .hostEnvironment(java.util.Map.of("PATH", bin + ":/usr/bin:/bin"))
                    .sandbox(ProcessExecutor.Sandbox.REQUIRED)
                    .build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageStartingWith(
            "The sandbox cannot work here: bwrap works, but " + setpriv + " --reuid=65534")
        .hasMessageContaining("cannot switch users inside it (bwrap exited with code 1:")
        .hasMessageContaining("setpriv: setresuid failed");
  }

  @Test
  void aPlainProgramCannotLeaveTheRunsCgroup() {
    assumeTrue(RunCgroup.available(), "this test needs a cgroup v1 freezer hierarchy it may write");
    // As root it could write its pid into another cgroup and so escape the run's; as nobody it
    // can write none, and stays in the cgroup the cleanup and the watchdog read.
    ExecutionResult result =
        executor(Mode.PLAIN)
            .execute(
                python(
                    "import os\n"
                        + "def freezer():\n"
                        + "    for line in open('/proc/self/cgroup'):\n"
                        + "        _, names, path = line.rstrip('\\n').split(':', 2)\n"
                        + "        if 'freezer' in names.split(','):\n"
                        + "            return path\n"
                        + "own = freezer()\n"
                        + "parent = os.path.dirname(own.rstrip('/')) or '/'\n"
                        + "for target in {parent, '/'}:\n"
                        + "    try:\n"
                        + "        with open('/sys/fs/cgroup/freezer' + target.rstrip('/')"
                        + " + '/cgroup.procs', 'w') as f:\n"
                        + "            f.write(str(os.getpid()))\n"
                        + "        print('moved')\n"
                        + "    except OSError as e:\n"
                        + "        print('refused', e.errno)\n"
                        + "print(freezer() == own, os.path.basename(own) == 'aide-'"
                        + " + os.environ['AIDE_EXECUTION_ID'])\n",
                    workspace(root)));
    assertThat(result.output()).doesNotContain("moved").contains("refused").endsWith("True True\n");
  }

  @Test
  void runsAsTheChosenUser() {
    ExecutionResult result =
        TestSupport.builder()
            .runAs("12345:23456")
            .build()
            .execute(python("import os\nprint(os.getuid(), os.getgid())\n", workspace(root)));
    assertThat(result.output()).isEqualTo("12345 23456\n");
  }
}
