package dev.aide.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.internal.NodeJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KillAndResumeTest {
  @TempDir Path tmp;

  @Test
  void runKilledMidWayResumesAndFinishesWithNoFinishedNodeLost() throws Exception {
    Path dir = tmp.resolve("run");
    Path journalFile = dir.resolve("journal.jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KillableRun.class.getName(),
                dir.toString(),
                "40",
                "150",
                "10")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lines(journalFile).size() < 4) {
        assertThat(child.isAlive()).as("child still running; log: %s", log()).isTrue();
        assertThat(System.nanoTime()).as("child wrote 4 nodes in time").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      child.waitFor(30, TimeUnit.SECONDS);
    }
    List<String> before = lines(journalFile);
    // The child's 11th execution never ends, so it is killed mid-way however slow this thread is.
    assertThat(before.size()).isBetween(4, 10);
    // A process killed while writing leaves a torn last line.
    Files.writeString(
        journalFile, "{\"id\":99,\"parents\":[],\"st", UTF_8, StandardOpenOption.APPEND);

    Result result = KillableRun.aide(dir, 12, 0).build().run(KillableRun.TASK);

    List<String> after = lines(journalFile);
    assertThat(after).hasSize(Math.max(12, before.size()));
    assertThat(after.subList(0, before.size())).isEqualTo(before);
    assertThat(result.journal().size()).isEqualTo(after.size());
    Set<Integer> ids = new HashSet<>();
    for (String line : after) ids.add(NodeJson.read(line).id());
    assertThat(ids).hasSize(after.size());
    int maxBefore = before.stream().mapToInt(l -> NodeJson.read(l).id()).max().orElseThrow();
    assertThat(result.journal().nodes().get(before.size()).id()).isEqualTo(maxBefore + 1);
  }

  @Test
  void outputDirectoryOfAnotherTaskIsRefused() {
    Path dir = tmp.resolve("run");
    KillableRun.aide(dir, 2, 0).build().run(KillableRun.TASK);

    Task other = Task.builder().goal("Something else entirely").build();
    assertThatThrownBy(() -> KillableRun.aide(dir, 4, 0).build().run(other))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("holds a run of a different task")
        .hasMessageContaining("goal");
  }

  @Test
  void anotherExpectedOutputIsAnotherTask() {
    Path dir = tmp.resolve("run");
    KillableRun.aide(dir, 2, 0).build().run(KillableRun.TASK);

    Task other = KillableRun.TASK.newBuilder().expectedOutput("submission.csv").build();
    assertThatThrownBy(() -> KillableRun.aide(dir, 4, 0).build().run(other))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("holds a run of a different task (expectedOutput differ)");
  }

  @Test
  void resumingAFinishedRunWithMoreStepsContinuesIt() {
    Path dir = tmp.resolve("run");
    Result first = KillableRun.aide(dir, 3, 0).build().run(KillableRun.TASK);
    Result second = KillableRun.aide(dir, 6, 0).build().run(KillableRun.TASK);

    assertThat(first.journal().size()).isEqualTo(3);
    assertThat(second.journal().nodes()).extracting(Node::id).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(second.journal().nodes()).extracting(Node::step).containsExactly(0, 1, 2, 3, 4, 5);
  }

  private static List<String> lines(Path file) throws IOException {
    if (!Files.exists(file)) return List.of();
    String content = Files.readString(file, UTF_8);
    int end = content.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(content.substring(0, end).split("\n"));
  }

  private String log() throws IOException {
    return Files.readString(tmp.resolve("child.log"));
  }

  @Test
  void resumedRunDecidesAsAnUninterruptedOneWould() throws IOException {
    java.time.Clock clock =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    FakeWorld straight = new FakeWorld(List.of("bug", "0.5", "bug", "0.4", "0.6"), true);
    FakeWorld interrupted = new FakeWorld(List.of("bug", "0.5", "bug", "0.4", "0.6"), true);

    aide(straight, tmp.resolve("a"), 16).clock(clock).build().run(KillableRun.TASK);
    aide(interrupted, tmp.resolve("b"), 7).clock(clock).build().run(KillableRun.TASK);
    aide(interrupted, tmp.resolve("b"), 16).clock(clock).build().run(KillableRun.TASK);

    String a = Files.readString(tmp.resolve("a/journal.jsonl"));
    assertThat(Files.readString(tmp.resolve("b/journal.jsonl"))).isEqualTo(a);
    assertThat(a).contains("\"stage\":\"DEBUG\"").contains("\"stage\":\"IMPROVE\"");
  }

  private static Aide.Builder aide(FakeWorld world, Path dir, int steps) {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .steps(steps)
        .seed(9)
        .outputDir(dir);
  }
}
