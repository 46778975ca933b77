package dev.aide.core;

import dev.aide.core.exec.Executor;
import java.nio.file.Path;
import java.util.List;

/** A search run in a child JVM by {@link KillAndResumeTest}, which kills it mid-way. */
public final class KillableRun {
  static final Task TASK = Task.builder().goal("Predict y for the kill test").build();

  private KillableRun() {}

  static Aide.Builder aide(Path dir, int steps, long executionMillis) {
    FakeWorld world = new FakeWorld(List.of("bug", "0.50", "0.40", "bug", "0.70"), true);
    Executor slow =
        request -> {
          try {
            Thread.sleep(executionMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeWorld.run(request);
        };
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(slow)
        .steps(steps)
        .seed(11)
        .outputDir(dir);
  }

  /** Arguments: the output directory, the number of steps, the milliseconds one execution takes. */
  public static void main(String[] args) {
    aide(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2])).build().run(TASK);
  }
}
