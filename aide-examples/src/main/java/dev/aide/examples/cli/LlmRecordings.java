package dev.aide.examples.cli;

import dev.aide.core.AideException;
import dev.aide.core.RunDirectory;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.RecordingLlmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The command line's {@code --record} and {@code --replay}: where recordings are and what ran. */
final class LlmRecordings {
  /** The recording's name in a run directory. */
  static final String FILE = "llm-calls.jsonl";

  private LlmRecordings() {}

  /**
   * Returns the recording {@code fileOrRunDir} names: the file itself, or a run directory's {@code
   * llm-calls.jsonl}.
   *
   * @throws AideCommand.UsageException if there is none
   */
  static Path source(Path fileOrRunDir) {
    Path file = Files.isDirectory(fileOrRunDir) ? fileOrRunDir.resolve(FILE) : fileOrRunDir;
    if (!Files.isRegularFile(file)) {
      throw new AideCommand.UsageException(
          "--replay: there is no recording at "
              + file
              + "; give a run directory that holds "
              + FILE
              + " (written unless --no-record) or the file itself");
    }
    return file.toAbsolutePath().normalize();
  }

  /**
   * The settings of the run whose directory holds {@code recording}, or null when it has no
   * run.json. Only the settings are read: the recorded task's data directory need not exist here.
   *
   * @throws AideException when that run.json cannot be read, with the reason
   */
  static RunDirectory.@Nullable Settings recordedSettings(Path recording) {
    Path dir = recording.getParent();
    if (dir == null || !Files.isRegularFile(dir.resolve("run.json"))) return null;
    return RunDirectory.readSettings(dir);
  }

  /**
   * Returns a client that records {@code client}'s calls into {@code file}, opened at the first
   * call: by then the search holds its output directory's lock, so a second search refused there
   * never touches the recording.
   */
  static Lazy recordLazily(LlmClient client, Path file) {
    return new Lazy(client, file);
  }

  /** A recorder opened at its first call; {@link #close} closes it if it was. */
  static final class Lazy implements LlmClient, AutoCloseable {
    private final LlmClient client;
    private final Path file;
    private @Nullable RecordingLlmClient recorder;

    Lazy(LlmClient client, Path file) {
      this.client = client;
      this.file = file;
    }

    private synchronized RecordingLlmClient recorder() {
      if (recorder == null) recorder = RecordingLlmClient.open(client, file);
      return recorder;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      return recorder().chat(request);
    }

    @Override
    public ChatResponse chat(ChatRequest request, dev.aide.core.llm.ChatProgress progress) {
      return recorder().chat(request, progress);
    }

    @Override
    public synchronized void close() throws IOException {
      if (recorder != null) recorder.close();
    }
  }
}
