package dev.aide.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonsTest {
  @TempDir Path tmp;

  private static String anyPython() {
    return Pythons.find(null, null, Map.of("PATH", "/usr/bin:/bin"), Pythons.Need.STANDARD_LIBRARY);
  }

  @Test
  void locateSeesThroughAShimToTheInterpreterItself() throws Exception {
    String python = anyPython();
    // a shim like pyenv's: a script that runs the interpreter, useless where the script's setup is
    Path shim = tmp.resolve("shims/python3");
    Files.createDirectories(shim.getParent());
    Files.writeString(shim, "#!/bin/sh\nexec " + python + " \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));

    Pythons.Located located = Pythons.locate(shim.toString());

    Path real = Path.of(python).toRealPath();
    assertThat(Path.of(located.executable()).toRealPath()).isEqualTo(real);
    assertThat(located.executable()).doesNotStartWith(tmp.toString());
    assertThat(located.paths()).contains(real.getParent()).doesNotContain(shim.getParent());
  }

  @Test
  void locateKeepsALinkedInterpretersOwnDirectoryAsAVenvNeedsIt() throws Exception {
    Path real = Path.of(anyPython()).toRealPath();
    Path bin = Files.createDirectories(tmp.resolve("venv/bin"));
    Files.createSymbolicLink(bin.resolve("python"), real);

    Pythons.Located located = Pythons.locate(bin.resolve("python").toString());

    assertThat(located.executable()).isEqualTo(bin.resolve("python").toString());
    assertThat(located.paths()).contains(bin, real.getParent());
  }

  @Test
  void locateOfSomethingThatIsNotAPythonSaysSo() throws Exception {
    Path fake = tmp.resolve("python");
    Files.writeString(fake, "#!/bin/sh\necho hello\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(() -> Pythons.locate(fake.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not say where it is");
    assertThatThrownBy(() -> Pythons.locate(tmp.resolve("missing").toString()))
        .hasMessageContaining("cannot be run");
  }
}
