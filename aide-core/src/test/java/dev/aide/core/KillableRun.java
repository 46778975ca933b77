package dev.aide.core;

import dev.aide.core.exec.Executor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A search run in a child JVM by {@link KillAndResumeTest}, which kills it mid-way. */
public final class KillableRun {
  static final Task TASK = Task.builder().goal("Predict y for the kill test").build();

  private KillableRun() {}

  static Aide.Builder aide(Path dir, int steps, long executionMillis) {
    return aide(dir, steps, executionMillis, Integer.MAX_VALUE);
  }

  /** Like the other, but executions after the first {@code finishing} ones never end. */
  static Aide.Builder aide(Path dir, int steps, long executionMillis, int finishing) {
    FakeWorld world = new FakeWorld(List.of("bug", "0.50", "0.40", "bug", "0.70"), true);
    AtomicInteger executions = new AtomicInteger();
    Executor slow =
        request -> {
          try {
            Thread.sleep(
                executions.getAndIncrement() < finishing ? executionMillis : Long.MAX_VALUE);
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

  /**
   * Arguments: the output directory, the number of steps, the milliseconds one execution takes, and
   * how many executions end (the next one waits until the process is killed).
   */
  public static void main(String[] args) {
    aide(
            Path.of(args[0]),
            Integer.parseInt(args[1]),
            Long.parseLong(args[2]),
            Integer.parseInt(args[3]))
        .build()
        .run(TASK);
  }
}
