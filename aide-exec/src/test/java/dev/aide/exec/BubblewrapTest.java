package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's command line; needs no bubblewrap. SandboxTest runs it. */
class BubblewrapTest {
  private static final Path BWRAP = Path.of("/usr/bin/bwrap");

  @TempDir Path root;
  private Path home;

  @BeforeEach
  void makeHome() throws IOException {
    home = Files.createDirectories(root.resolve("alice")).toRealPath();
  }

  @Test
  void hidesTheUsersHomeAndTheSystemsHomes() {
    Bubblewrap sandbox = sandbox(home);

    assertThat(sandbox.hidden()).contains(home);
    if (Files.isDirectory(Path.of("/root")))
      assertThat(sandbox.hidden()).contains(Path.of("/root"));
    List<String> args = wrap(sandbox, "/usr/bin/python3");
    assertThat(mounted(args, "--tmpfs")).containsExactlyElementsOf(sandbox.hidden());
    assertThat(args.indexOf("--tmpfs"))
        .as("after the read-only view of /")
        .isGreaterThan(args.indexOf("--proc"));
    assertThat(mounted(args, "--ro-bind")).containsOnly(Path.of("/"), root.resolve("ws"));
  }

  @Test
  void aHomeInsideAnotherIsHiddenOnce() {
    assertThat(Bubblewrap.homes(List.of(home.resolve("missing"))))
        .doesNotContain(home.resolve("missing"));
    List<Path> homes = Bubblewrap.homes(List.of(home, home.resolve("."), home.getParent()));
    assertThat(homes).doesNotHaveDuplicates();
    for (Path a : homes) {
      for (Path b : homes) {
        if (!a.equals(b)) assertThat(a.startsWith(b)).as(a + " inside " + b).isFalse();
      }
    }
  }

  @Test
  void showsTheInstallationOfAProgramInAHome() throws IOException {
    Path real = executable(home.resolve("opt/python3.12/bin/python3.12"));
    Path venvPython = Files.createDirectories(home.resolve("venv/bin")).resolve("python");
    Files.createSymbolicLink(venvPython, real);
    Bubblewrap sandbox = sandbox(home);

    assertThat(sandbox.installation(venvPython))
        .containsExactly(home.resolve("venv"), home.resolve("opt/python3.12"));
    List<String> args = wrap(sandbox, venvPython.toString());
    assertThat(mounted(args, "--ro-bind"))
        .containsSubsequence(home.resolve("venv"), home.resolve("opt/python3.12"));
    assertThat(args.indexOf(home.toString()))
        .as("the home is hidden before its parts are shown again")
        .isLessThan(args.indexOf(home.resolve("venv").toString()));
    assertThat(args.indexOf(Bubblewrap.SCRATCH))
        .as("the private /tmp does not cover what is shown again (this home is under /tmp)")
        .isLessThan(args.indexOf(home.resolve("venv").toString()));
  }

  @Test
  void aProgramDirectlyInAHomeShowsItsDirectoryNotTheHome() throws IOException {
    Path tool = executable(home.resolve("bin/tool"));
    Bubblewrap sandbox = sandbox(home);

    assertThat(sandbox.installation(tool)).containsExactly(home.resolve("bin"));
    assertThat(sandbox.installation(Path.of("/home/someone/bin/tool")))
        .containsExactly(Path.of("/home/someone/bin"));
    assertThat(mounted(wrap(sandbox, tool.toString()), "--ro-bind"))
        .contains(home.resolve("bin"))
        .doesNotContain(home);
  }

  @Test
  void showsTheReadablePathsInAHomeOnly() throws IOException {
    Path cache = Files.createDirectories(home.resolve(".cache/models"));
    Bubblewrap sandbox =
        new Bubblewrap(
            BWRAP,
            List.of(home),
            Bubblewrap.SOCKET_DIRECTORIES,
            List.of(cache, Path.of("/usr/share")),
            List.of());

    assertThat(mounted(wrap(sandbox, "/usr/bin/python3"), "--ro-bind"))
        .contains(cache)
        .doesNotContain(Path.of("/usr/share"));
  }

  @Test
  void hidesEveryUserHomeGivenAsHomeAndUserHomeDifferInContainers() throws IOException {
    Path other = Files.createDirectories(root.resolve("ci-home")).toRealPath();
    Bubblewrap sandbox =
        new Bubblewrap(BWRAP, List.of(home, other), List.of(), List.of(), List.of());

    assertThat(sandbox.hidden()).contains(home, other);
    assertThat(mounted(wrap(sandbox, "/usr/bin/python3"), "--tmpfs")).contains(home, other);
  }

  @Test
  void neverHidesASystemDirectoryOrSlashThoughAHomeSaysSo() {
    List<Path> homes =
        Bubblewrap.homes(
            List.of(Path.of("/"), Path.of("/usr"), Path.of("/usr/local"), Path.of("/etc"), home));
    assertThat(homes)
        .contains(home)
        .doesNotContain(Path.of("/"), Path.of("/usr"), Path.of("/usr/local"), Path.of("/etc"));
  }

  @Test
  void coversTheSocketDirectoriesThatExistOnceWithLinksFollowed() throws IOException {
    Path run = Files.createDirectories(root.resolve("run")).toRealPath();
    Path varRun = Files.createSymbolicLink(root.resolve("var-run"), run);
    Path nested = Files.createDirectories(run.resolve("user/1000"));
    Bubblewrap sandbox =
        new Bubblewrap(
            BWRAP,
            List.of(home),
            List.of(varRun, run, nested, root.resolve("missing")),
            List.of(),
            List.of());

    List<Path> tmpfs = mounted(wrap(sandbox, "/usr/bin/python3"), "--tmpfs");
    assertThat(tmpfs).containsOnlyOnce(run).doesNotContain(varRun, nested, root.resolve("missing"));
  }

  @Test
  void coversTheHostsRunAndVarTmpByDefault() throws IOException {
    Bubblewrap sandbox = new Bubblewrap(BWRAP);
    for (String dir : List.of("/run", "/var/run", "/var/tmp")) {
      Path path = Path.of(dir);
      if (Files.isDirectory(path)) assertThat(sandbox.hidden()).contains(path.toRealPath());
    }
    assertThat(sandbox.hidden()).doesNotHaveDuplicates();
  }

  @Test
  void findsTheGpuDeviceNodesAndBindsThemIntoDev() throws IOException {
    Path dev = fakeDevices(root.resolve("dev"));
    List<Path> devices = Bubblewrap.gpuDevices(dev);
    assertThat(devices)
        .containsExactly(
            dev.resolve("dri"),
            dev.resolve("nvidia-caps"),
            dev.resolve("nvidia-uvm"),
            dev.resolve("nvidia0"),
            dev.resolve("nvidiactl"));
    assertThat(Bubblewrap.gpuDevices(Files.createDirectories(root.resolve("empty")))).isEmpty();
    assertThat(Bubblewrap.gpuDevices(root.resolve("missing"))).isEmpty();

    Bubblewrap sandbox = new Bubblewrap(BWRAP, List.of(home), List.of(), List.of(), devices);
    List<String> args = wrap(sandbox, "/usr/bin/python3");
    assertThat(mounted(args, "--dev-bind")).containsExactlyElementsOf(devices);
    for (Path device : devices) {
      int at = args.indexOf(device.toString());
      assertThat(args.get(at - 1)).isEqualTo("--dev-bind");
      assertThat(args.get(at + 1)).isEqualTo("/dev/" + device.getFileName());
      assertThat(at).as("after the minimal /dev").isGreaterThan(args.indexOf("--dev"));
    }
    assertThat(mounted(wrap(sandbox(home), "/usr/bin/python3"), "--dev-bind")).isEmpty();
  }

  @Test
  void switchesUsersInsideKeepingOnlyWhatSetprivNeeds() {
    Bubblewrap sandbox = sandbox(home);
    Path ws = home.resolve("runs/a/ws");
    List<String> setpriv = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534");
    List<String> args =
        sandbox.wrap(
            ws,
            null,
            ws.resolve("working"),
            ws.resolve("tmp"),
            List.of("/usr/bin/python3", "solution.py"),
            setpriv);

    assertThat(args.subList(args.size() - 6, args.size()))
        .containsExactly(
            "/usr/bin/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--",
            "/usr/bin/python3",
            "solution.py");
    assertThat(String.join(" ", args))
        .contains("--cap-drop ALL --ro-bind / / --dev /dev --proc /proc")
        .contains("--cap-add CAP_SETUID --cap-add CAP_SETGID");
    // The workspace lies in the hidden home: the way to it is made passable for nobody.
    assertThat(String.join(" ", args))
        .contains(
            "--perms 0755 --dir "
                + home.resolve("runs")
                + " --perms 0755 --dir "
                + home.resolve("runs/a")
                + " --ro-bind "
                + ws);
    assertThat(sandbox.makes(home.resolve("runs/a"), List.of(ws))).isTrue();
    assertThat(sandbox.makes(ws.resolve("input"), List.of(ws))).isFalse();
    assertThat(sandbox.makes(Path.of("/var/lib"), List.of(ws))).isFalse();

    List<String> plain =
        sandbox.wrap(
            ws, null, ws.resolve("working"), ws.resolve("tmp"), List.of("/usr/bin/python3"));
    assertThat(plain).doesNotContain("--cap-add", "--");
  }

  @Test
  void makesTheWayToAWorkspaceInACoveredSocketDirectoryPassable() throws IOException {
    Path varTmp = Files.createDirectories(root.resolve("var-tmp")).toRealPath();
    Bubblewrap sandbox =
        new Bubblewrap(BWRAP, List.of(home), List.of(varTmp), List.of(), List.of());
    Path ws = varTmp.resolve("runs/ws");

    List<String> args =
        sandbox.wrap(
            ws,
            null,
            ws.resolve("working"),
            ws.resolve("tmp"),
            List.of("/usr/bin/python3"),
            List.of("/usr/bin/setpriv", "--reuid=65534"));

    assertThat(String.join(" ", args))
        .contains("--tmpfs " + varTmp)
        .contains("--perms 0755 --dir " + varTmp.resolve("runs") + " --ro-bind " + ws);
    assertThat(sandbox.makes(varTmp.resolve("runs"), List.of(ws))).isTrue();
  }

  /** Makes fake GPU device nodes (regular files) in {@code dev}, among other devices. */
  static Path fakeDevices(Path dev) throws IOException {
    Files.createDirectories(dev.resolve("nvidia-caps"));
    Files.createDirectories(dev.resolve("dri"));
    Files.createDirectories(dev.resolve("input"));
    for (String name :
        List.of(
            "nvidia0",
            "nvidiactl",
            "nvidia-uvm",
            "nvidia-caps/nvidia-cap1",
            "dri/card0",
            "dri/renderD128",
            "sda",
            "input/event0")) {
      Files.writeString(dev.resolve(name), "fake " + name + "\n");
    }
    return dev;
  }

  private static Bubblewrap sandbox(Path home) {
    return new Bubblewrap(
        BWRAP, List.of(home), Bubblewrap.SOCKET_DIRECTORIES, List.of(), List.of());
  }

  private List<String> wrap(Bubblewrap sandbox, String program) {
    Path ws = root.resolve("ws");
    return sandbox.wrap(
        ws, ws.resolve("input"), ws.resolve("working"), ws.resolve("tmp"), List.of(program, "x"));
  }

  /** The sources of the mounts of kind {@code how} ({@code --ro-bind}, {@code --tmpfs}...). */
  private static List<Path> mounted(List<String> args, String how) {
    List<Path> sources = new java.util.ArrayList<>();
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals(how)) sources.add(Path.of(args.get(i + 1)));
    }
    return sources;
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    assertThat(file.toFile().setExecutable(true)).isTrue();
    return file;
  }
}
