package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.exec.ExecutorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessExecutor.Builder#gpus(boolean)} where no bubblewrap is needed. */
class GpusTest {
  @TempDir Path root;

  @Test
  void askingForGpusWhereThisMachineHasNoneFailsInBuild() {
    assumeTrue(
        Bubblewrap.gpuDevices(Path.of("/dev")).isEmpty(),
        "this test needs a machine without GPU device nodes in /dev");
    for (ProcessExecutor.Sandbox mode : ProcessExecutor.Sandbox.values()) {
      assertThatThrownBy(() -> ProcessExecutor.builder().sandbox(mode).gpus(true).build())
          .as("sandbox %s", mode)
          .isInstanceOf(ExecutorException.class)
          .hasMessage(
              "GPUs were asked for, but there is no GPU device node in /dev (looked for nvidia*,"
                  + " nvidia-caps/ and dri/). Install the GPU's driver, or run without GPUs.");
    }
    assertThat(
            ProcessExecutor.builder()
                .sandbox(ProcessExecutor.Sandbox.OFF)
                .gpus(false)
                .build()
                .sandboxed())
        .isFalse();
  }

  @Test
  void anEmptyDeviceDirectoryIsNoGpu() throws IOException {
    Path dev = Files.createDirectories(root.resolve("dev"));
    Files.writeString(dev.resolve("null"), "");
    Files.createDirectories(dev.resolve("input"));
    assertThatThrownBy(() -> ProcessExecutor.builder().deviceDirectory(dev).gpus(true).build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageStartingWith("GPUs were asked for, but there is no GPU device node in " + dev);
  }

  @Test
  void aPlainProcessOnlyChecksThatTheDevicesExist() throws IOException {
    Path dev = BubblewrapTest.fakeDevices(root.resolve("dev"));
    ProcessExecutor executor =
        ProcessExecutor.builder()
            .sandbox(ProcessExecutor.Sandbox.OFF)
            .deviceDirectory(dev)
            .gpus(true)
            .build();
    assertThat(executor.sandboxed()).isFalse();
  }
}
