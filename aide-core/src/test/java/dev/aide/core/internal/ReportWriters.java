package dev.aide.core.internal;

import dev.aide.core.Node;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens the package-private {@link ReportWriter} to the benchmarks in {@code dev.aide.core.bench}.
 */
public final class ReportWriters {
  private final ReportWriter writer;

  private ReportWriters(ReportWriter writer) {
    this.writer = writer;
  }

  /** A started writer of the reports in {@code dir}, taking in {@code existing} first. */
  public static ReportWriters start(Path dir, Task task, List<Node> existing) {
    ReportWriter writer = new ReportWriter(dir, task, Duration.ofSeconds(5), () -> Duration.ZERO);
    writer.start(existing);
    return new ReportWriters(writer);
  }

  public void recorded(Node node) {
    writer.recorded(node);
  }

  /** Writes what is queued and the final report; returns when they are on disk. */
  public void finish() {
    writer.finish(StopReason.STEPS_DONE, null, Duration.ZERO);
  }
}
