package dev.aide.core.exec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a run did.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param output stdout and stderr together in the order written, bounded by the executor
 * @param truncatedChars how many characters of output were cut to bound it (0 when none)
 * @param exitCode the process's exit code; meaningless when {@code timedOut}
 * @param duration how long the run took
 * @param timedOut whether the run was stopped at its time limit
 * @param errorType the type of the exception the program raised, e.g. {@code ValueError}; null when
 *     none was seen
 * @param errorMessage that exception's message; null when none was seen
 * @param files the files the run left in {@code working/}, as paths relative to it
 */
public record ExecutionResult(
    String output,
    long truncatedChars,
    int exitCode,
    Duration duration,
    boolean timedOut,
    @Nullable String errorType,
    @Nullable String errorMessage,
    List<String> files) {
  public ExecutionResult {
    Objects.requireNonNull(output, "output");
    if (truncatedChars < 0) throw new IllegalArgumentException("truncatedChars < 0");
    Objects.requireNonNull(duration, "duration");
    files = List.copyOf(Objects.requireNonNull(files, "files"));
  }

  /** Returns the result of a run that exited with {@code exitCode}, as a fake executor would. */
  public static ExecutionResult of(String output, int exitCode, Duration duration) {
    return new ExecutionResult(output, 0, exitCode, duration, false, null, null, List.of());
  }

  /** True when the run timed out, exited non-zero, or raised an exception. */
  public boolean failed() {
    return timedOut || exitCode != 0 || errorType != null;
  }
}
