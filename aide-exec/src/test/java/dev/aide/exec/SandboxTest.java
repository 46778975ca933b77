package dev.aide.exec;

import static dev.aide.exec.TestSupport.python;
import static dev.aide.exec.TestSupport.workspace;
import static dev.aide.exec.TestSupport.workspaceWithData;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.ExecutorException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SandboxTest {
  private static ProcessExecutor sandboxed;

  @TempDir Path root;

  @BeforeAll
  static void needsBubblewrapAndPython() {
    TestSupport.assumePython();
    Path bwrap = ProcessExecutor.findOnPath("bwrap", TestSupport.pathOrDefault());
    assumeTrue(bwrap != null, "this test needs bubblewrap: apt-get install bubblewrap");
    String problem = new Bubblewrap(bwrap).probe();
    assumeTrue(problem == null, () -> "this test needs a working bubblewrap: " + problem);
    sandboxed =
        TestSupport.builder()
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .killGrace(Duration.ofMillis(200))
            .build();
    assertThat(sandboxed.sandboxed()).isTrue();
  }

  @Test
  void readsInputWritesWorkingAndReportsLikeThePlainProcess() throws IOException {
    Path data = Files.createDirectories(root.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    Path ws = workspaceWithData(root, data);
    ExecutionResult result =
        sandboxed.execute(
            python(
                "import os\n"
                    + "print(open('input/train.csv').read().splitlines()[1])\n"
                    + "open('working/submission.csv', 'w').write('ok')\n"
                    + "print(os.environ['HOME'], os.environ['TMPDIR'])\n"
                    + "raise ValueError('done')\n",
                ws));
    assertThat(result.output()).startsWith("1,2\n/tmp /tmp\nTraceback");
    assertThat(result.output())
        .contains("File \"solution.py\", line 5")
        .doesNotContain(root.toString());
    assertThat(result.errorType()).isEqualTo("ValueError");
    assertThat(result.files()).containsExactly("submission.csv");
    assertThat(ws.resolve("working/submission.csv")).hasContent("ok");
  }

  @Test
  void cannotWriteOutsideWorking() throws IOException {
    Path data = Files.createDirectories(root.resolve("data"));
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.writeString(data.resolve("train.csv"), "x,y\n");
    Path ws = workspaceWithData(root, data);
    String code =
        "import os\n"
            + "for path in ['solution_copy.py', 'input/new.csv', 'input/train.csv', '"
            + data.resolve("direct.csv")
            + "', '"
            + outside.resolve("escaped.txt")
            + "', '/etc/aide-was-here', '/tmp/private.txt', 'working/fine.txt']:\n"
            + "    try:\n"
            + "        open(path, 'w').write('x')\n"
            + "        print(path, 'written')\n"
            + "    except OSError as e:\n"
            + "        print(path, 'refused')\n";
    ExecutionResult result = sandboxed.execute(python(code, ws));
    assertThat(result.output())
        .contains("solution_copy.py refused\n")
        .contains("input/new.csv refused\n")
        .contains("input/train.csv refused\n")
        .contains("direct.csv refused\n")
        .contains("escaped.txt refused\n")
        .contains("/etc/aide-was-here refused\n")
        .contains("/tmp/private.txt written\n")
        .contains("working/fine.txt written\n");
    assertThat(ws.resolve("solution_copy.py")).doesNotExist();
    assertThat(data.resolve("new.csv")).doesNotExist();
    assertThat(data.resolve("direct.csv")).doesNotExist();
    assertThat(data.resolve("train.csv")).hasContent("x,y\n");
    assertThat(outside.resolve("escaped.txt")).doesNotExist();
    assertThat(Path.of("/etc/aide-was-here")).doesNotExist();
    assertThat(result.files()).containsExactly("fine.txt");
  }

  @Test
  void hidesTheHomesButShowsTheProgramAndWhatTheUserAllows() throws IOException {
    Path dir = tempDirInHome();
    try {
      Path secret = Files.writeString(dir.resolve("credentials"), "s3cr3t\n");
      Path cache = Files.createDirectories(dir.resolve("cache"));
      Files.writeString(cache.resolve("model.txt"), "weights\n");
      // A tool installed in the home that reads its own files, as a virtualenv's python does.
      Path greet = dir.resolve("tool/bin/greet");
      Files.createDirectories(greet.getParent());
      Files.createDirectories(dir.resolve("tool/share"));
      Files.writeString(dir.resolve("tool/share/greeting.txt"), "hello from the tool\n");
      Files.writeString(
          greet,
          "#!/bin/sh\n"
              + "cat \"$(dirname \"$0\")/../share/greeting.txt\"\n"
              + "cat '"
              + secret
              + "' 2>/dev/null || echo 'credentials hidden'\n"
              + "cat '"
              + cache.resolve("model.txt")
              + "' 2>/dev/null || echo 'cache hidden'\n");
      assertThat(greet.toFile().setExecutable(true, false)).isTrue();
      ExecutionRequest request =
          new ExecutionRequest(
              "",
              "unused.txt",
              List.of("greet"),
              workspace(root),
              Duration.ofSeconds(30),
              Map.of());

      ProcessExecutor plainExecutor =
          TestSupport.builder().interpreter("greet", greet.toString()).build();
      if (TestSupport.jvmIsRoot()) {
        // The control run: as nobody, a plain process cannot even reach the home (rwx------).
        assertThatThrownBy(() -> plainExecutor.execute(request))
            .isInstanceOf(ExecutorException.class)
            .hasMessageContaining("who cannot reach the program");
      } else {
        assertThat(plainExecutor.execute(request).output())
            .as("the control run")
            .contains("s3cr3t\n");
      }

      ExecutionResult hidden =
          TestSupport.builder()
              .interpreter("greet", greet.toString())
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .build()
              .execute(request);
      assertThat(hidden.output())
          .isEqualTo("hello from the tool\ncredentials hidden\ncache hidden\n");

      ExecutionResult shown =
          TestSupport.builder()
              .interpreter("greet", greet.toString())
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .sandboxReadable(cache)
              .build()
              .execute(request);
      assertThat(shown.output()).isEqualTo("hello from the tool\ncredentials hidden\nweights\n");
    } finally {
      TestSupport.deleteRecursively(dir);
    }
  }

  @Test
  void hidesTheDirectoriesItIsToldToHide() throws IOException {
    // A directory outside the homes and /tmp (both hidden anyway), where the root a CI runs as may
    // write; the control run shows that the sandbox alone would show it.
    Path base = Path.of("/opt");
    assumeTrue(Files.isWritable(base), "this test needs a writable /opt");
    Path dir = Files.createTempDirectory(base, "aide-hidden-");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path labels = Files.writeString(dir.resolve("labels.csv"), "id,y\n1,0\n");
      Files.setPosixFilePermissions(labels, PosixFilePermissions.fromString("rw-r--r--"));
      Path ws = workspace(root);
      String code =
          "try:\n"
              + "    print(open('"
              + labels
              + "').read().splitlines()[1])\n"
              + "except OSError:\n"
              + "    print('hidden')\n";

      assertThat(sandboxed.execute(python(code, ws)).output())
          .as("the control run")
          .isEqualTo("1,0\n");
      ProcessExecutor hiding =
          TestSupport.builder()
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .sandboxHidden(dir, root.resolve("missing"))
              .build();
      assertThat(hiding.execute(python(code, workspace(root))).output()).isEqualTo("hidden\n");
    } finally {
      TestSupport.deleteRecursively(dir);
    }
  }

  /**
   * Runs a sandboxed program in a workspace under {@code dir} with data under it, and checks that
   * it reads the data and writes working/ but cannot see {@code hidden}, a file beside them.
   */
  private static void runsWithItsDataButCannotSee(Path dir, Path hidden) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    Path ws = workspaceWithData(dir, data);
    ExecutionResult result =
        sandboxed.execute(
            python(
                "import os\n"
                    + "print(open('input/train.csv').read().splitlines()[1])\n"
                    + "open('working/out.txt', 'w').write('ok')\n"
                    + "print(os.path.exists('"
                    + hidden
                    + "'))\n",
                ws));
    assertThat(result.output()).isEqualTo("1,2\nFalse\n");
    assertThat(ws.resolve("working/out.txt")).hasContent("ok");
  }

  @Test
  void runsAWorkspaceAndDataThatLieInTheHiddenHome() throws IOException {
    // The default output directory is relative to the working directory, often in the home.
    Path dir = tempDirInHome();
    try {
      Files.writeString(dir.resolve("credentials"), "s3cr3t\n");
      runsWithItsDataButCannotSee(dir, dir.resolve("credentials"));
    } finally {
      TestSupport.deleteRecursively(dir);
    }
  }

  @Test
  void aMissingReadablePathIsAnErrorEvenWithoutTheSandbox() {
    Path missing = root.resolve("missing");
    assertThatThrownBy(
            () ->
                TestSupport.builder()
                    .sandbox(ProcessExecutor.Sandbox.OFF)
                    .sandboxReadable(missing)
                    .build())
        .isInstanceOf(ExecutorException.class)
        .hasMessage("sandboxReadable(" + missing + "): no such file or directory");
  }

  @Test
  void hasNoNetwork() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    server.accept().close();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String code =
          "import socket\n"
              + "for host, port in [('127.0.0.1', "
              + server.getLocalPort()
              + "), ('1.1.1.1', 53)]:\n"
              + "    try:\n"
              + "        socket.create_connection((host, port), timeout=5).close()\n"
              + "        print(host, 'connected')\n"
              + "    except OSError as e:\n"
              + "        print(host, 'blocked')\n";

      ExecutionResult plain = TestSupport.builder().build().execute(python(code, workspace(root)));
      assertThat(plain.output()).as("the control run").contains("127.0.0.1 connected");

      ExecutionResult result = sandboxed.execute(python(code, workspace(root)));
      assertThat(result.output()).isEqualTo("127.0.0.1 blocked\n1.1.1.1 blocked\n");
    }
  }

  @Test
  void runsInItsOwnPidNamespaceAndEndsEverythingInItAtTheTimeLimit() {
    // A daemon that leaves the session and drops the environment, so that only the PID namespace
    // can end it; its unusual sleep time finds it from the host.
    String sleep = "600." + ProcessHandle.current().pid() + System.nanoTime() % 1000;
    ExecutionResult result =
        sandboxed.execute(
            python(
                "import os, subprocess, time\n"
                    + "print('pids', len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
                    + "subprocess.Popen(['/bin/sh', '-c', 'sleep "
                    + sleep
                    + " & echo started'], env={}, start_new_session=True,"
                    + " stdout=subprocess.PIPE).stdout.readline()\n"
                    + "print('ready', flush=True)\n"
                    + "time.sleep(600)\n",
                workspace(root),
                Duration.ofSeconds(5)));
    assertThat(result.timedOut()).isTrue();
    // pid 1 is bubblewrap's init and pid 2 the program: nothing of the host is visible.
    assertThat(result.output()).startsWith("pids 2\nready\n");
    assertThat(TestSupport.processesRunning("sleep\0" + sleep)).isEmpty();
  }

  @Test
  void runsAnInterpreterKeptUnderTheHostsTmpButNotTheRestOfIt() throws Exception {
    // root is a @TempDir under the host's /tmp, which the sandbox replaces by a private one.
    Path venvPython = Files.createDirectories(root.resolve("venv/bin")).resolve("python3");
    Files.createSymbolicLink(venvPython, Path.of(pythonExecutable()));
    Path neighbour = Files.writeString(root.resolve("neighbour.txt"), "host tmp\n");
    ProcessExecutor executor =
        ProcessExecutor.builder()
            .interpreter("python3", venvPython.toString())
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .build();

    ExecutionResult result =
        executor.execute(
            python("import os\nprint(os.path.exists('" + neighbour + "'))\n", workspace(root)));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEqualTo("False\n");
  }

  @Test
  void hidesHomeWhereItIsNotThePasswdHomeButShowsTheProgramAndWhatTheUserAllows() throws Exception {
    // Not under /tmp or a home: the sandbox covers those anyway.
    Path home = TestSupport.uncoveredDirectory("fake-home-");
    try {
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path aws = Files.createDirectories(home.resolve(".aws"));
      Path ssh = Files.createDirectories(home.resolve(".ssh"));
      Files.writeString(aws.resolve("credentials"), "aws_secret_access_key = AKIAFAKE\n");
      Files.writeString(ssh.resolve("id_rsa"), "-----BEGIN FAKE KEY-----\n");
      Path cache = Files.createDirectories(home.resolve(".cache"));
      Files.writeString(cache.resolve("model.txt"), "weights\n");
      // A virtualenv in the home: its python links to the real one.
      Path venvPython = Files.createDirectories(home.resolve("venv/bin")).resolve("python3");
      Files.createSymbolicLink(venvPython, Path.of(pythonExecutable()));
      String code =
          "for path in ['"
              + aws.resolve("credentials")
              + "', '"
              + ssh.resolve("id_rsa")
              + "', '"
              + cache.resolve("model.txt")
              + "']:\n"
              + "    try:\n"
              + "        print(open(path).read().strip())\n"
              + "    except OSError:\n"
              + "        print('hidden')\n";
      String path = TestSupport.pathOrDefault();

      ExecutionResult control =
          ProcessExecutor.builder()
              .hostEnvironment(Map.of("PATH", path))
              .interpreter("python3", venvPython.toString())
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .build()
              .execute(python(code, workspace(root)));
      assertThat(control.output())
          .as("the control run, without HOME")
          .isEqualTo("aws_secret_access_key = AKIAFAKE\n-----BEGIN FAKE KEY-----\nweights\n");

      ExecutionResult result =
          ProcessExecutor.builder()
              .hostEnvironment(Map.of("PATH", path, "HOME", home.toString()))
              .interpreter("python3", venvPython.toString())
              .sandboxReadable(cache)
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .build()
              .execute(python(code, workspace(root)));
      assertThat(result.output()).isEqualTo("hidden\nhidden\nweights\n");
    } finally {
      TestSupport.deleteRecursively(home);
    }
  }

  @Test
  void runsAWorkspaceAndDataThatLieInTheCoveredVarTmp() throws IOException {
    Path varTmp = Path.of("/var/tmp");
    assumeTrue(Files.isDirectory(varTmp) && Files.isWritable(varTmp), "needs a writable /var/tmp");
    Path dir = Files.createTempDirectory(varTmp.toRealPath(), "aide-sandbox-test-");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve("neighbour.txt"), "not for the program\n");
      runsWithItsDataButCannotSee(dir, dir.resolve("neighbour.txt"));
    } finally {
      TestSupport.deleteRecursively(dir);
    }
  }

  @Test
  void cannotConnectToAUnixSocketOfTheHostUnderRunOrVarTmp() throws IOException {
    List<Path> places = new ArrayList<>();
    for (String dir : List.of("/run", "/var/tmp")) {
      if (Files.isDirectory(Path.of(dir)) && Files.isWritable(Path.of(dir))) {
        places.add(Path.of(dir, "aide-test-" + ProcessHandle.current().pid() + ".sock"));
      }
    }
    assumeTrue(!places.isEmpty(), "this test needs a writable /run or /var/tmp");
    List<ServerSocketChannel> servers = new ArrayList<>();
    try {
      StringBuilder code = new StringBuilder("import socket\nfor path in [");
      for (Path place : places) {
        Files.deleteIfExists(place);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        servers.add(server);
        server.bind(UnixDomainSocketAddress.of(place));
        // Anyone may connect, whoever the program runs as: only the sandbox stands in the way.
        Files.setPosixFilePermissions(place, PosixFilePermissions.fromString("rwxrwxrwx"));
        code.append('\'').append(place).append("', ");
      }
      code.append(
          "]:\n"
              + "    s = socket.socket(socket.AF_UNIX)\n"
              + "    try:\n"
              + "        s.connect(path)\n"
              + "        print(path, 'connected')\n"
              + "    except OSError:\n"
              + "        print(path, 'blocked')\n"
              + "    s.close()\n");

      ExecutionResult plain =
          TestSupport.builder().build().execute(python(code.toString(), workspace(root)));
      ExecutionResult result = sandboxed.execute(python(code.toString(), workspace(root)));
      for (Path place : places) {
        assertThat(plain.output()).as("the control run").contains(place + " connected\n");
        assertThat(result.output()).contains(place + " blocked\n");
      }
    } finally {
      for (ServerSocketChannel server : servers) server.close();
      for (Path place : places) Files.deleteIfExists(place);
    }
  }

  @Test
  void cannotConnectToASocketInXdgRuntimeDirWhereverItIs() throws IOException {
    // Not under /tmp or /run, which the sandbox covers anyway.
    Path runtime = TestSupport.uncoveredDirectory("xdg-");
    Path bus = runtime.resolve("bus");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
      server.bind(UnixDomainSocketAddress.of(bus));
      Files.setPosixFilePermissions(bus, PosixFilePermissions.fromString("rwxrwxrwx"));
      String code =
          "import socket\n"
              + "s = socket.socket(socket.AF_UNIX)\n"
              + "try:\n"
              + "    s.connect('"
              + bus
              + "')\n"
              + "    print('connected')\n"
              + "except OSError:\n"
              + "    print('blocked')\n";
      String path = TestSupport.pathOrDefault();

      ExecutionResult control =
          ProcessExecutor.builder()
              .hostEnvironment(Map.of("PATH", path))
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .build()
              .execute(python(code, workspace(root)));
      assertThat(control.output())
          .as("the control run, without XDG_RUNTIME_DIR")
          .isEqualTo("connected\n");

      ExecutionResult result =
          ProcessExecutor.builder()
              .hostEnvironment(Map.of("PATH", path, "XDG_RUNTIME_DIR", runtime.toString()))
              .sandbox(ProcessExecutor.Sandbox.REQUIRED)
              .build()
              .execute(python(code, workspace(root)));
      assertThat(result.output()).isEqualTo("blocked\n");
    } finally {
      TestSupport.deleteRecursively(runtime);
    }
  }

  @Test
  void cannotConnectToAnAbstractUnixSocketOfTheHost() throws Exception {
    // Java cannot bind an abstract socket; a Python process on the host does.
    String name = "aide-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Process server =
        new ProcessBuilder(
                "python3",
                "-c",
                "import socket, sys\n"
                    + "s = socket.socket(socket.AF_UNIX)\n"
                    + "s.bind('\\0"
                    + name
                    + "')\n"
                    + "s.listen(16)\n"
                    + "print('listening', flush=True)\n"
                    + "sys.stdin.read()\n")
            .redirectErrorStream(true)
            .start();
    try {
      String line =
          new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), UTF_8))
              .readLine();
      assertThat(line).isEqualTo("listening");
      String code =
          "import socket\n"
              + "s = socket.socket(socket.AF_UNIX)\n"
              + "try:\n"
              + "    s.connect('\\0"
              + name
              + "')\n"
              + "    print('connected')\n"
              + "except OSError:\n"
              + "    print('blocked')\n";

      ExecutionResult plain = TestSupport.builder().build().execute(python(code, workspace(root)));
      assertThat(plain.output()).as("the control run").isEqualTo("connected\n");
      ExecutionResult result = sandboxed.execute(python(code, workspace(root)));
      assertThat(result.output()).isEqualTo("blocked\n");
    } finally {
      server.getOutputStream().close();
      server.destroy();
      assertThat(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void passesTheGpuDeviceNodesWhenAskedTo() throws IOException {
    Path dev = BubblewrapTest.fakeDevices(root.resolve("dev"));
    String code =
        "import os\n"
            + "print(open('/dev/nvidia0').read().strip())\n"
            + "print(sorted(os.listdir('/dev/dri')))\n"
            + "print(os.path.exists('/dev/nvidia-caps/nvidia-cap1'), os.path.exists('/dev/sda'),"
            + " os.path.exists('/dev/null'))\n";

    ExecutionResult result =
        ProcessExecutor.builder()
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .deviceDirectory(dev)
            .gpus(true)
            .build()
            .execute(python(code, workspace(root)));
    assertThat(result.output())
        .isEqualTo("fake nvidia0\n['card0', 'renderD128']\nTrue False True\n");

    ExecutionResult without =
        ProcessExecutor.builder()
            .sandbox(ProcessExecutor.Sandbox.REQUIRED)
            .deviceDirectory(dev)
            .build()
            .execute(python("import os\nprint(os.path.exists('/dev/nvidia0'))", workspace(root)));
    assertThat(without.output()).isEqualTo("False\n");
  }

  /**
   * Makes a directory in the real home of this user, the one the sandbox hides; the caller deletes
   * it. Skips the test where there is no writable home other than /.
   */
  private static Path tempDirInHome() throws IOException {
    Path home = Path.of(System.getProperty("user.home"));
    assumeTrue(
        Files.isDirectory(home) && Files.isWritable(home) && home.toRealPath().getParent() != null,
        "this test needs a writable home directory other than /");
    return Files.createTempDirectory(home.toRealPath(), "aide-sandbox-test-");
  }

  @Test
  void theDefaultExecutorAndTheServiceLoadersAreSandboxedWhereBubblewrapWorks() {
    assertThat(ProcessExecutor.builder().build().sandboxed()).isTrue();
    assertThat(((ProcessExecutor) new ProcessExecutorProvider().create()).sandboxed()).isTrue();
  }

  @Test
  void requiredSandboxWithoutBubblewrapSaysHowToInstallIt() {
    Map<String, String> host = Map.of("PATH", root.toString());
    assertThatThrownBy(
            () ->
                ProcessExecutor.builder()
                    .hostEnvironment(host)
                    .sandbox(ProcessExecutor.Sandbox.REQUIRED)
                    .build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("apt-get install bubblewrap");
  }

  @Test
  void bestEffortSandboxWithoutBubblewrapRunsThePlainProcess() throws Exception {
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path python3 = bin.resolve("python3");
    Files.writeString(python3, "#!/bin/sh\nexec '" + pythonExecutable() + "' \"$@\"\n");
    assertThat(python3.toFile().setExecutable(true, false)).isTrue();
    // As root, programs run as nobody through setpriv; only bubblewrap is missing here.
    Path setpriv = ProcessExecutor.findOnPath("setpriv", TestSupport.pathOrDefault());
    if (setpriv != null)
      Files.copy(setpriv, bin.resolve("setpriv"), StandardCopyOption.COPY_ATTRIBUTES);
    ProcessExecutor executor =
        ProcessExecutor.builder()
            .hostEnvironment(Map.of("PATH", bin.toString()))
            .sandbox(ProcessExecutor.Sandbox.BEST_EFFORT)
            .build();
    assertThat(executor.sandboxed()).isFalse();
    ExecutionResult result = executor.execute(python("print('plain')", workspace(root)));
    assertThat(result.output()).isEqualTo("plain\n");
  }

  /** The python3 binary itself, not a wrapper script such as a pyenv shim. */
  private static String pythonExecutable() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(TestSupport.python3(), "-c", "import sys; print(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String path = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
    assertThat(process.waitFor()).isZero();
    return path;
  }
}
