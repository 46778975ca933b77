package dev.aide.core.score;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link Scorer} that runs a command of the user's and reads the score from its output. */
final class CommandScorer implements Scorer {
  /** The end of the output kept for the score and for messages. */
  static final int MAX_OUTPUT_BYTES = 64 * 1024;

  private static final Pattern SCORE =
      Pattern.compile(
          "^\\s*(?:score\\s*[:=]\\s*)?([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*$",
          Pattern.CASE_INSENSITIVE);

  private final List<String> command;
  private final Duration timeout;

  CommandScorer(List<String> command, Duration timeout) {
    this.command = List.copyOf(Objects.requireNonNull(command, "command"));
    if (this.command.isEmpty()) throw new IllegalArgumentException("scoring command is empty");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("scoring timeout must be positive, was " + timeout);
    }
    this.timeout = timeout;
  }

  @Override
  public double score(Path workingDir) throws IOException {
    List<String> args = new ArrayList<>(command);
    args.add(workingDir.toAbsolutePath().toString());
    Process process;
    try {
      process = new ProcessBuilder(args).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot start the scoring command " + args + ": " + e.getMessage(), e);
    }
    process.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread drain = new Thread(() -> drain(process.getInputStream(), out), "aide-scorer-output");
    drain.setDaemon(true);
    drain.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(process);
        throw new IOException(
            "the scoring command " + command + " took longer than " + timeout + "; stopped it");
      }
      drain.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while scoring");
    }
    String output;
    synchronized (out) {
      output = out.toString(StandardCharsets.UTF_8);
    }
    if (process.exitValue() != 0) {
      throw new IllegalArgumentException(
          "the scoring command " + command + " exited with " + process.exitValue() + tail(output));
    }
    String[] lines = output.split("\\R");
    for (int i = lines.length - 1; i >= 0; i--) {
      Matcher m = SCORE.matcher(lines[i]);
      if (m.matches()) return Double.parseDouble(m.group(1));
    }
    throw new IllegalArgumentException(
        "the scoring command "
            + command
            + " printed no score (a last line that is a number, or `score: <number>`)"
            + tail(output));
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String tail(String output) {
    String text = output.strip();
    if (text.isEmpty()) return "; it printed nothing";
    return "; its output ends: "
        + (text.length() <= 500 ? text : "..." + text.substring(text.length() - 500));
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buffer)) != -1; ) {
        synchronized (out) {
          out.write(buffer, 0, n);
          if (out.size() > 2 * MAX_OUTPUT_BYTES) {
            byte[] all = out.toByteArray();
            out.reset();
            out.write(all, all.length - MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES);
          }
        }
      }
    } catch (IOException e) {
      // the process ended or was stopped; what was read is kept
    }
  }

  @Override
  public String toString() {
    return "Scorer.command(" + command + ")";
  }
}
