package dev.aide.core.llm;

import dev.aide.core.internal.LlmCalls;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An {@link LlmClient} that passes every call to another client and appends the exchange to a
 * recording, one JSON line per call, which {@link ReplayingLlmClient} can answer from later.
 *
 * <pre>{@code
 * try (RecordingLlmClient recorded = RecordingLlmClient.open(llm, runDir.resolve("llm-calls.jsonl"))) {
 *   Aide.builder().coder(recorded, "gpt-4.1").reviewer(recorded, "gpt-4.1-mini")...
 * }
 * }</pre>
 *
 * <p>A line holds the request in a canonical form (model, messages, temperature, output-token
 * limit, tools, tool choice) with its SHA-256 {@code key}, so that the same request gets the same
 * key in every run; the answer (text, tool calls, finish reason, usage, request id) or the failure
 * (an {@link LlmException}'s kind, status, message, whether it is retryable or ends the run); the
 * latency and the time. A call that fails while its thread is interrupted (the search was
 * cancelled) is not recorded, nor is an exception other than {@code LlmException}.
 *
 * <p>The file is append-only and crash-safe like the journal: each line is written whole with one
 * write to a file opened in append mode, so it reaches the OS at once; {@link #open} completes or
 * cuts off a last line that a killed process left without its newline. Instances are safe for use
 * by several threads at once; lines are never interleaved.
 */
public final class RecordingLlmClient implements LlmClient, Closeable {
  private final LlmClient delegate;
  private final Path file;
  // a stream, not a FileChannel: an interrupt of a writing thread (a cancelled search) must not
  // close the file for the other workers
  private final OutputStream stream;

  private RecordingLlmClient(LlmClient delegate, Path file, OutputStream stream) {
    this.delegate = delegate;
    this.file = file;
    this.stream = stream;
  }

  /**
   * Returns a client that records the calls it passes to {@code delegate} into {@code file},
   * creating the file if missing and appending to it otherwise (after repairing a torn last line).
   *
   * @throws java.io.UncheckedIOException if the file cannot be opened, read or repaired
   */
  public static RecordingLlmClient open(LlmClient delegate, Path file) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(file, "file");
    try {
      OutputStream stream = new FileOutputStream(file.toFile(), true);
      try {
        LlmCalls.readAll(file, true);
      } catch (RuntimeException e) {
        stream.close();
        throw e;
      }
      return new RecordingLlmClient(delegate, file, stream);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the LLM recording " + file + ": " + e, e);
    }
  }

  /** The file this client appends to. */
  public Path file() {
    return file;
  }

  /**
   * Passes {@code request} to the delegate, records the exchange and returns the answer or rethrows
   * the failure.
   *
   * @throws LlmException the delegate's failure; or, not retryable and ending the run, when the
   *     exchange could not be appended to the file (a recording that silently lost a call could not
   *     be replayed)
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, ChatProgress.NONE);
  }

  /** {@inheritDoc} The delegate tells {@code progress}. */
  @Override
  public ChatResponse chat(ChatRequest request, ChatProgress progress) {
    Map<String, Object> canonical = LlmCalls.canonical(request);
    String key = LlmCalls.key(canonical);
    long start = System.nanoTime();
    ChatResponse response;
    try {
      response = delegate.chat(request, progress);
    } catch (LlmException e) {
      if (!Thread.currentThread().isInterrupted()) {
        append(LlmCalls.line(key, canonical, null, e, millisSince(start), Instant.now()));
      }
      throw e;
    }
    append(LlmCalls.line(key, canonical, response, null, millisSince(start), Instant.now()));
    return response;
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private synchronized void append(String line) {
    try {
      stream.write(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LlmException(
          "cannot append an LLM call to the recording " + file + ": " + e,
          e,
          LlmException.Kind.OTHER,
          false,
          true,
          0,
          null);
    }
  }

  /** Closes the file; calls after this fail with an {@link LlmException} that ends the run. */
  @Override
  public synchronized void close() throws IOException {
    stream.close();
  }

  @Override
  public String toString() {
    return "RecordingLlmClient{" + delegate.getClass().getSimpleName() + " -> " + file + "}";
  }
}
