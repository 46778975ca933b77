package dev.aide.core.llm;

import dev.aide.core.internal.LlmCalls;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link LlmClient} that answers from a recording made by {@link RecordingLlmClient}, so that a
 * search can be run again offline: with the same seed, one worker and the same task, it sends the
 * same requests and gets the same answers, and writes the same journal.
 *
 * <pre>{@code
 * try (ReplayingLlmClient replay = ReplayingLlmClient.open(oldRun.resolve("llm-calls.jsonl"))) {
 *   Aide.builder().coder(replay, "gpt-4.1").reviewer(replay, "gpt-4.1-mini").seed(7)...
 * }
 * }</pre>
 *
 * <p>A request is answered by the recorded exchange with the same key (see {@link
 * RecordingLlmClient}); when the same request was recorded several times, its calls get those
 * answers in recorded order. A request that matches no unused recorded one exactly but differs from
 * one only in the numbers of its messages' text (a run that took 2 s instead of 3 s: real programs
 * do not run equally fast twice) gets that one's answer, again in recorded order; {@link
 * #looseAnswers()} counts those. A recorded failure is thrown again as an {@link LlmException} of
 * the same kind, status, message and retryability. A request with no unused recorded answer is a
 * miss: without a fallback it throws an {@code LlmException} (not retryable) that names the request
 * and the nearest recorded one and what differs; with a fallback ({@link #open(Path, LlmClient)})
 * it asks the fallback and appends the new exchange to the recording.
 *
 * <p>Instances are safe for use by several threads at once.
 */
public final class ReplayingLlmClient implements LlmClient, Closeable {
  private static final Logger log = LoggerFactory.getLogger(ReplayingLlmClient.class);
  private static final int SNIPPET = 60;

  private final Path file;
  private final List<LlmCalls.Call> recorded;
  private final Map<String, ArrayDeque<Entry>> byKey = new HashMap<>();
  private final Map<String, ArrayDeque<Entry>> byLooseKey = new HashMap<>();
  private final Map<String, ArrayDeque<Entry>> byKind = new HashMap<>();
  private final @Nullable RecordingLlmClient fallback;
  private final boolean inRecordedOrder;
  private int looseAnswers;
  private int orderedAnswers;

  /** A recorded exchange and whether a call got it already. */
  private static final class Entry {
    final LlmCalls.Call call;
    boolean used;

    Entry(LlmCalls.Call call) {
      this.call = call;
    }
  }

  private ReplayingLlmClient(
      Path file,
      List<LlmCalls.Call> recorded,
      @Nullable RecordingLlmClient fallback,
      boolean inRecordedOrder) {
    this.file = file;
    this.recorded = List.copyOf(recorded);
    this.fallback = fallback;
    this.inRecordedOrder = inRecordedOrder;
    for (LlmCalls.Call call : recorded) {
      Entry entry = new Entry(call);
      byKey.computeIfAbsent(call.key(), k -> new ArrayDeque<>()).add(entry);
      byLooseKey
          .computeIfAbsent(LlmCalls.looseKey(call.request()), k -> new ArrayDeque<>())
          .add(entry);
      byKind.computeIfAbsent(LlmCalls.kind(call.request()), k -> new ArrayDeque<>()).add(entry);
    }
  }

  /**
   * Returns a client that answers from the recording {@code file} and fails on a miss. The file is
   * not changed: a torn last line is ignored with a warning.
   *
   * @throws IllegalArgumentException if there is no such file
   * @throws java.io.UncheckedIOException if it cannot be read
   */
  public static ReplayingLlmClient open(Path file) {
    checkExists(file);
    return new ReplayingLlmClient(file, LlmCalls.readAll(file, false), null, false);
  }

  /**
   * Like {@link #open(Path)}, but a request that matches no recorded one, neither exactly nor in
   * all but its numbers, gets the next unused recorded answer of its kind (the same forced tool or
   * response format, or a plain answer), in recorded order, once the recording has no better one.
   * For a demonstration that replays a real search on another machine, whose prompts differ in
   * details (an interpreter's packages, a program's output); not for regression tests, where a miss
   * should fail. A request of a kind that is used up still fails as a miss.
   *
   * @throws IllegalArgumentException if there is no such file
   */
  public static ReplayingLlmClient openInRecordedOrder(Path file) {
    checkExists(file);
    return new ReplayingLlmClient(file, LlmCalls.readAll(file, false), null, true);
  }

  /**
   * Returns a client that answers from the recording {@code file} and passes a miss to {@code
   * fallback}, appending its answer (or failure) to the file. A torn last line is cut off the file
   * with a warning before the first append.
   *
   * @throws IllegalArgumentException if there is no such file
   * @throws java.io.UncheckedIOException if it cannot be read or repaired
   */
  public static ReplayingLlmClient open(Path file, LlmClient fallback) {
    Objects.requireNonNull(fallback, "fallback");
    checkExists(file);
    RecordingLlmClient recorder = RecordingLlmClient.open(fallback, file);
    return new ReplayingLlmClient(file, LlmCalls.readAll(file, false), recorder, false);
  }

  private static void checkExists(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "there is no LLM recording at "
              + file
              + ": record one with RecordingLlmClient (the aide command writes llm-calls.jsonl"
              + " into the run directory)");
    }
  }

  /** The recording this client answers from. */
  public Path file() {
    return file;
  }

  /** How many exchanges the recording held when it was opened. */
  public int recordedCalls() {
    return recorded.size();
  }

  /**
   * Returns the recorded answer to {@code request}, or throws the recorded failure.
   *
   * @throws LlmException the recorded failure; on a miss without a fallback, one that is not
   *     retryable and names the request and the nearest recorded one; on a miss with a fallback,
   *     whatever the fallback throws
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, ChatProgress.NONE);
  }

  /** {@inheritDoc} A recorded answer tells nothing; the fallback's live answer tells. */
  @Override
  public ChatResponse chat(ChatRequest request, ChatProgress progress) {
    Map<String, Object> canonical = LlmCalls.canonical(request);
    String key = LlmCalls.key(canonical);
    LlmCalls.Call call;
    synchronized (byKey) {
      call = take(byKey.get(key));
      if (call == null) {
        call = take(byLooseKey.get(LlmCalls.looseKey(canonical)));
        if (call != null) {
          looseAnswers++;
          if (looseAnswers == 1) {
            log.info(
                "Replaying {}: some requests differ from the recorded ones only in numbers (run"
                    + " times, sizes, printed values); they get the recorded answers in order",
                file);
          }
        }
      }
      if (call == null && inRecordedOrder) {
        call = take(byKind.get(LlmCalls.kind(canonical)));
        if (call != null) {
          orderedAnswers++;
          if (orderedAnswers == 1) {
            log.info(
                "Replaying {}: some requests differ from the recorded ones; they get the recorded"
                    + " answers of their kind in order",
                file);
          }
        }
      }
    }
    if (call != null) {
      LlmException failure = call.failure();
      if (failure != null) {
        throw new LlmException(
            failure.getMessage() == null ? "(no message)" : failure.getMessage(),
            null,
            failure.kind(),
            failure.isRetryable(),
            failure.endsRun(),
            failure.statusCode(),
            failure.requestId());
      }
      return Objects.requireNonNull(call.response());
    }
    if (fallback != null) return fallback.chat(request, progress);
    throw new LlmException(miss(request, canonical, key), LlmException.Kind.INVALID_REQUEST);
  }

  private static LlmCalls.@Nullable Call take(@Nullable ArrayDeque<Entry> entries) {
    if (entries == null) return null;
    for (Entry entry; (entry = entries.poll()) != null; ) {
      if (!entry.used) {
        entry.used = true;
        return entry.call;
      }
    }
    return null;
  }

  /**
   * How many calls so far got the answer of a recorded request that differed from theirs only in
   * the numbers of its messages' text.
   */
  public int looseAnswers() {
    synchronized (byKey) {
      return looseAnswers;
    }
  }

  /**
   * How many calls so far got the next recorded answer of their kind, without a matching request
   * (only with {@link #openInRecordedOrder}).
   */
  public int orderedAnswers() {
    synchronized (byKey) {
      return orderedAnswers;
    }
  }

  private String miss(ChatRequest request, Map<String, Object> canonical, String key) {
    StringBuilder message = new StringBuilder();
    List<ChatMessage> messages = request.messages();
    message
        .append("no recorded answer in ")
        .append(file)
        .append(" for the request to model ")
        .append(request.model())
        .append(" whose last message (")
        .append(messages.size())
        .append(" messages) begins \"")
        .append(firstLine(messages.get(messages.size() - 1).content()))
        .append("\"");
    long sameKey = recorded.stream().filter(c -> c.key().equals(key)).count();
    if (sameKey > 0) {
      message
          .append(": it was recorded ")
          .append(sameKey)
          .append(" time(s), and this is one call more than the recorded run made");
    } else {
      LlmCalls.Call nearest = nearest(request.model(), canonical);
      if (nearest == null) {
        message.append(": the recording holds no calls");
      } else {
        message
            .append(". The nearest recorded request (line ")
            .append(nearest.line())
            .append(", model ")
            .append(nearest.model())
            .append(") ")
            .append(difference(nearest.request(), canonical));
      }
    }
    message.append(
        ". Replay with the task, settings, seed and one worker of the recorded run, or give the"
            + " replay a fallback client to ask on a miss");
    return message.toString();
  }

  /**
   * The recorded request with the same model (if any has it) and the most leading messages equal.
   */
  private LlmCalls.@Nullable Call nearest(String model, Map<String, Object> canonical) {
    List<LlmCalls.Call> candidates = new ArrayList<>();
    for (LlmCalls.Call call : recorded) if (call.model().equals(model)) candidates.add(call);
    if (candidates.isEmpty()) candidates = recorded;
    LlmCalls.Call best = null;
    long bestScore = -1;
    List<?> now = messages(canonical);
    for (LlmCalls.Call call : candidates) {
      List<?> then = messages(call.request());
      int same = commonPrefix(then, now);
      long score = (long) same * 1_000_000L;
      if (same < then.size() && same < now.size()) {
        score += Math.min(999_999, commonChars(content(then.get(same)), content(now.get(same))));
      }
      if (score > bestScore) {
        best = call;
        bestScore = score;
      }
    }
    return best;
  }

  private static String difference(Map<String, Object> then, Map<String, Object> now) {
    List<String> parts = new ArrayList<>();
    List<?> a = messages(then);
    List<?> b = messages(now);
    int same = commonPrefix(a, b);
    if (same < a.size() && same < b.size()) {
      String x = content(a.get(same));
      String y = content(b.get(same));
      int at = commonChars(x, y);
      String role =
          String.valueOf(((Map<?, ?>) b.get(same)).get("role")).toLowerCase(java.util.Locale.ROOT);
      if (!Objects.equals(
          ((Map<?, ?>) a.get(same)).get("role"), ((Map<?, ?>) b.get(same)).get("role"))) {
        parts.add("message " + (same + 1) + " has another role");
      } else {
        parts.add(
            "has the same first "
                + same
                + " message(s); message "
                + (same + 1)
                + " ("
                + role
                + ") differs at character "
                + (at + 1)
                + ": recorded \""
                + around(x, at)
                + "\", now \""
                + around(y, at)
                + "\"");
      }
    } else if (a.size() != b.size()) {
      parts.add(
          "has the same first "
              + same
              + " message(s) but "
              + a.size()
              + " message(s), this request "
              + b.size());
    }
    for (String field : List.of("model", "temperature", "maxOutputTokens", "tools", "toolChoice")) {
      if (!Objects.equals(then.get(field), now.get(field))) {
        parts.add(
            field
                + " differs: recorded "
                + shorten(then.get(field))
                + ", now "
                + shorten(now.get(field)));
      }
    }
    if (parts.isEmpty()) parts.add("differs in no field this client compares");
    return String.join("; ", parts);
  }

  private static List<?> messages(Map<String, Object> request) {
    return request.get("messages") instanceof List<?> list ? list : List.of();
  }

  private static int commonPrefix(List<?> a, List<?> b) {
    int n = 0;
    while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) n++;
    return n;
  }

  private static String content(Object message) {
    return message instanceof Map<?, ?> m && m.get("content") instanceof String s ? s : "";
  }

  private static int commonChars(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) n++;
    return n;
  }

  private static String around(String text, int at) {
    int from = Math.max(0, at - 20);
    int to = Math.min(text.length(), at + SNIPPET - 20);
    return (from > 0 ? "…" : "")
        + text.substring(from, to).replace("\n", "\\n")
        + (to < text.length() ? "…" : "");
  }

  private static String firstLine(String text) {
    String line = text.strip();
    int newline = line.indexOf('\n');
    if (newline >= 0) line = line.substring(0, newline);
    return line.length() > SNIPPET * 2 ? line.substring(0, SNIPPET * 2) + "…" : line;
  }

  private static String shorten(@Nullable Object value) {
    String text = String.valueOf(value);
    return text.length() > SNIPPET ? text.substring(0, SNIPPET) + "…" : text;
  }

  /** Closes the file the fallback's answers are appended to, if any. */
  @Override
  public void close() throws IOException {
    if (fallback != null) fallback.close();
  }

  @Override
  public String toString() {
    return "ReplayingLlmClient{" + file + ", " + recorded.size() + " calls}";
  }
}
