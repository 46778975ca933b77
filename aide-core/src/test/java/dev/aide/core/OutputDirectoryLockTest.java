package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.Executor;
import dev.aide.core.internal.NodeJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One search at a time writes to an output directory. */
class OutputDirectoryLockTest {
  @TempDir Path tmp;

  @Test
  void secondSearchInTheSameProcessIsRefusedUntilTheFirstEnds() throws Exception {
    Path dir = tmp.resolve("run");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeWorld world = new FakeWorld(List.of("0.5", "0.6"), false);
    Executor held =
        request -> {
          started.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeWorld.run(request);
        };
    Search first = KillableRun.aide(dir, 2, 0).executor(held).build().start(KillableRun.TASK);
    try {
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(() -> KillableRun.aide(dir, 4, 0).build().start(KillableRun.TASK))
          .isInstanceOf(AideException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("is in use by another search in this process")
          .hasMessageContaining("process " + ProcessHandle.current().pid())
          .hasMessageContaining("choose another output directory");
      assertThat(first.isDone()).isFalse();
    } finally {
      release.countDown();
    }
    assertThat(first.await().journal().size()).isEqualTo(2);

    Result second =
        KillableRun.aide(dir, 4, 0)
            .coder(world.coder(), "m")
            .reviewer(world.reviewer(), "m")
            .build()
            .run(KillableRun.TASK);
    assertThat(second.journal().size()).isEqualTo(4);
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(4);
  }

  @Test
  void searchThatCouldNotOpenTheDirectoryLeavesItFree() {
    Path dir = tmp.resolve("run");
    KillableRun.aide(dir, 1, 0).build().run(KillableRun.TASK);
    Task other = Task.builder().goal("Another task").build();
    assertThatThrownBy(() -> KillableRun.aide(dir, 2, 0).build().run(other))
        .hasMessageContaining("different task");

    assertThat(KillableRun.aide(dir, 2, 0).build().run(KillableRun.TASK).journal().size())
        .isEqualTo(2);
  }

  @Test
  void searchInAnotherProcessIsRefusedWhileItRunsAndAllowedOnceItWasKilled() throws Exception {
    Path dir = tmp.resolve("run");
    Path lockFile = dir.resolve(".aide.lock");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KillableRun.class.getName(),
                dir.toString(),
                "40",
                "0",
                "2")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    try {
      String holder = "process " + child.pid();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!read(lockFile).contains(holder)) {
        assertThat(child.isAlive())
            .as("child running; log: %s", read(tmp.resolve("child.log")))
            .isTrue();
        assertThat(System.nanoTime()).as("child took the lock in time").isLessThan(deadline);
        Thread.sleep(20);
      }

      assertThatThrownBy(() -> KillableRun.aide(dir, 4, 0).build().run(KillableRun.TASK))
          .isInstanceOf(AideException.class)
          .hasMessageContaining("is in use by another search: " + holder);
    } finally {
      child.destroyForcibly(); // SIGKILL: the OS releases the child's lock
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    Result resumed = KillableRun.aide(dir, 4, 0).build().run(KillableRun.TASK);
    assertThat(resumed.journal().size()).isEqualTo(4);
    Set<Integer> ids = new HashSet<>();
    List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
    for (String line : lines) ids.add(NodeJson.read(line).id());
    assertThat(ids).hasSize(lines.size());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
