package dev.aide.core.score;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The harness's own measure of a finished run, from the files it wrote: when a task has a scorer,
 * its score is the node's metric, whatever the program printed.
 *
 * <p>A lambda over the run's output files:
 *
 * <pre>{@code
 * Task task = Task.builder()
 *     .goal("Write ./working/answer.txt with the shortest tour you can find")
 *     .scorer(working -> tourLength(Files.readString(working.resolve("answer.txt"))))
 *     .direction(Direction.MINIMIZE)
 *     .build();
 * }</pre>
 *
 * <p>or a command of the user's, run by the harness in its own process after the solution: {@code
 * Scorer.command(List.of("python3", "/opt/score.py"))}. For labelled CSV data, {@link Holdout}
 * builds the scorer and the split for you.
 *
 * <p>The harness may score several runs at once, so an implementation must be thread-safe. It runs
 * in the engine's JVM, not in a run's sandbox.
 */
@FunctionalInterface
public interface Scorer {
  /**
   * Scores the run whose {@code ./working} directory is {@code workingDir}.
   *
   * @return the score, a finite number
   * @throws ScoreInputException or another {@link IllegalArgumentException} when the run's output
   *     cannot be scored (a missing file, a bad row): the node is buggy with the message
   * @throws IOException when the files cannot be read: the node is buggy with the message
   */
  double score(Path workingDir) throws IOException;

  /**
   * Returns a scorer that runs {@code command} plus the run's {@code working} directory as its last
   * argument, in a process of its own with the engine's working directory, and reads the score from
   * its output: the last line that is a number, or {@code score: <number>}. A non-zero exit, no
   * number, or more than {@code timeout} fails the scoring with the command's output. The solution
   * cannot change the command; the command should not trust the run's files further than it must.
   *
   * @throws IllegalArgumentException if {@code command} is empty or {@code timeout} is not positive
   */
  static Scorer command(List<String> command, Duration timeout) {
    return new CommandScorer(command, timeout);
  }

  /** Like {@link #command(List, Duration)} with a ten-minute timeout. */
  static Scorer command(List<String> command) {
    return command(command, Duration.ofMinutes(10));
  }
}
