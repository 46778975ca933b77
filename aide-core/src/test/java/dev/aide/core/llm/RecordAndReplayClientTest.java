package dev.aide.core.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordAndReplayClientTest {
  @TempDir Path tmp;

  private static ChatRequest ask(String model, String... userMessages) {
    ChatRequest.Builder builder =
        ChatRequest.builder().model(model).addMessage(ChatMessage.system("You write code."));
    for (String m : userMessages) builder.addMessage(ChatMessage.user(m));
    return builder.build();
  }

  /** A client that answers "answer N" to its N-th call. */
  private static LlmClient counting(AtomicInteger calls) {
    return request ->
        new ChatResponse(
            "answer " + calls.incrementAndGet(),
            List.of(new ToolCall("t1", "submit", "{\"x\": 1}")),
            FinishReason.TOOL_CALLS,
            new TokenUsage(10, 5, 2, 1),
            "req-" + calls.get());
  }

  private static final LlmClient NEVER =
      request -> {
        throw new AssertionError("the live client was asked: " + request);
      };

  @Test
  void replayAnswersARequestRecordedTwiceInRecordedOrder() throws IOException {
    Path file = tmp.resolve("llm-calls.jsonl");
    AtomicInteger calls = new AtomicInteger();
    ChatResponse first;
    ChatResponse second;
    ChatResponse other;
    try (RecordingLlmClient recorder = RecordingLlmClient.open(counting(calls), file)) {
      first = recorder.chat(ask("m", "same"));
      other = recorder.chat(ask("m", "other"));
      second = recorder.chat(ask("m", "same"));
    }
    assertThat(Files.readAllLines(file)).hasSize(3);

    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.recordedCalls()).isEqualTo(3);
      assertThat(replay.chat(ask("m", "other"))).isEqualTo(other);
      assertThat(replay.chat(ask("m", "same"))).isEqualTo(first);
      assertThat(replay.chat(ask("m", "same"))).isEqualTo(second);
      assertThat(first.text()).isEqualTo("answer 1");
      assertThat(second.text()).isEqualTo("answer 3");
      assertThat(first.usage()).isEqualTo(new TokenUsage(10, 5, 2, 1));
      assertThatThrownBy(() -> replay.chat(ask("m", "same")))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("recorded 2 time(s)");
    }
  }

  @Test
  void theSameRequestHasTheSameKeyWhateverTheOrderOfItsSchemaKeys() throws IOException {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("type", "object");
    ab.put("properties", Map.of("x", Map.of("type", "number", "minimum", 0)));
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("properties", Map.of("x", Map.of("minimum", 0.0, "type", "number")));
    ba.put("type", "object");
    ChatRequest one =
        ask("m", "hi")
            .newBuilder()
            .tools(List.of(new ToolDefinition("submit", "d", ab)))
            .toolChoice(ToolChoice.tool("submit"))
            .temperature(0.5)
            .build();
    ChatRequest two =
        one.newBuilder().tools(List.of(new ToolDefinition("submit", "d", ba))).build();
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(one);
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.chat(two).text()).isEqualTo("answer 1");
    }
    // any other setting is another request
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThatThrownBy(() -> replay.chat(one.newBuilder().temperature(0.7).build()))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("temperature differs: recorded 0.5, now 0.7");
    }
  }

  @Test
  void aMissNamesTheRequestAndTheNearestRecordedOneAndWhatDiffers() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("coder", "Write a draft.\nThe data is in input/."));
      recorder.chat(ask("coder", "Improve it.\nThe run raised KeyError: 'age'."));
      recorder.chat(ask("reviewer", "Improve it.\nThe run raised ValueError."));
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThatThrownBy(() -> replay.chat(ask("coder", "Improve it.\nThe run raised ValueError.")))
          .isInstanceOfSatisfying(
              LlmException.class,
              e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.endsRun()).isFalse();
                assertThat(e.getMessage())
                    .contains("no recorded answer in " + file)
                    .contains("model coder whose last message (2 messages) begins \"Improve it.\"")
                    .contains("nearest recorded request (line 2, model coder)")
                    .contains("has the same first 1 message(s); message 2 (user) differs at")
                    .contains("recorded \"")
                    .contains("KeyError")
                    .contains("now \"")
                    .contains("ValueError");
              });
    }
  }

  @Test
  void aRequestThatDiffersOnlyInNumbersGetsTheRecordedAnswerAfterExactMatches() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "The run took 3 s and printed AUC 0.97."));
      recorder.chat(ask("m", "The run took 4 s and printed AUC 0.97."));
      recorder.chat(ask("m", "The run took 812 ms and printed AUC 0.95."));
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.chat(ask("m", "The run took 4 s and printed AUC 0.97.")).text())
          .isEqualTo("answer 2");
      assertThat(replay.chat(ask("m", "The run took 9 s and printed AUC 0.97.")).text())
          .isEqualTo("answer 1");
      assertThat(replay.looseAnswers()).isEqualTo(1);
      // the exact match of the third was not taken by the loose one
      assertThat(replay.chat(ask("m", "The run took 812 ms and printed AUC 0.95.")).text())
          .isEqualTo("answer 3");
      assertThat(replay.looseAnswers()).isEqualTo(1);
      assertThatThrownBy(() -> replay.chat(ask("m", "The run took 5 s and printed AUC 0.97.")))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("no recorded answer");
      // numbers only: other words are another request
      assertThatThrownBy(() -> replay.chat(ask("m", "The run took 3 s and printed AUC 0.97!")))
          .isInstanceOf(LlmException.class);
    }
  }

  @Test
  void aDurationOrSizeWhoseUnitChangedWithItsValueStillMatchesLoosely() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "The run took 1 s and wrote submission.csv (1.2 MB)."));
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(
              replay
                  .chat(ask("m", "The run took 981 ms and wrote submission.csv (998 KB)."))
                  .text())
          .isEqualTo("answer 1");
      assertThat(replay.looseAnswers()).isEqualTo(1);
    }
  }

  @Test
  void inRecordedOrderAMissGetsTheNextAnswerOfItsKindAndAResponseFormatIsPartOfTheKey()
      throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    ResponseFormat format = ResponseFormat.jsonSchema("review", Map.of("type", "object"), true);
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "write code for python 3.11"));
      recorder.chat(ask("m", "review it").newBuilder().responseFormat(format).build());
      recorder.chat(ask("m", "write more code"));
    }
    try (ReplayingLlmClient strict = ReplayingLlmClient.open(file)) {
      // the same messages without the format are another request
      assertThatThrownBy(() -> strict.chat(ask("m", "review it"))).isInstanceOf(LlmException.class);
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.openInRecordedOrder(file)) {
      assertThat(replay.chat(ask("m", "write code for another machine")).text())
          .isEqualTo("answer 1");
      assertThat(
              replay
                  .chat(ask("m", "review this").newBuilder().responseFormat(format).build())
                  .text())
          .isEqualTo("answer 2");
      assertThat(replay.chat(ask("m", "write more code")).text()).isEqualTo("answer 3");
      assertThat(replay.orderedAnswers()).isEqualTo(2);
      assertThatThrownBy(() -> replay.chat(ask("m", "and more"))).isInstanceOf(LlmException.class);
    }
  }

  @Test
  void aMissWithAFallbackAsksItAndAppendsItsAnswerToTheRecording() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "recorded"));
    }
    AtomicInteger live = new AtomicInteger(100);
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file, counting(live))) {
      assertThat(replay.chat(ask("m", "recorded")).text()).isEqualTo("answer 1");
      assertThat(replay.chat(ask("m", "new")).text()).isEqualTo("answer 101");
    }
    assertThat(Files.readAllLines(file)).hasSize(2);
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file, NEVER)) {
      assertThat(replay.chat(ask("m", "new")).text()).isEqualTo("answer 101");
      assertThat(replay.chat(ask("m", "recorded")).text()).isEqualTo("answer 1");
    }
  }

  @Test
  void aRecordedFailureIsThrownAgainWithItsKindStatusAndRetryability() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    LlmClient failing =
        request -> {
          throw new LlmException(
              "the server is overloaded (529)",
              null,
              LlmException.Kind.TRANSIENT,
              true,
              false,
              529,
              "req-9");
        };
    try (RecordingLlmClient recorder = RecordingLlmClient.open(failing, file)) {
      assertThatThrownBy(() -> recorder.chat(ask("m", "hi"))).isInstanceOf(LlmException.class);
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThatThrownBy(() -> replay.chat(ask("m", "hi")))
          .isInstanceOfSatisfying(
              LlmException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(LlmException.Kind.TRANSIENT);
                assertThat(e.isRetryable()).isTrue();
                assertThat(e.endsRun()).isFalse();
                assertThat(e.statusCode()).isEqualTo(529);
                assertThat(e.requestId()).isEqualTo("req-9");
                assertThat(e.getMessage()).isEqualTo("the server is overloaded (529)");
              });
    }
  }

  @Test
  void aCallThatFailsBecauseItsThreadWasInterruptedIsNotRecorded() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    LlmClient cancelled =
        request -> {
          Thread.currentThread().interrupt();
          throw new LlmException("the call was interrupted");
        };
    try (RecordingLlmClient recorder = RecordingLlmClient.open(cancelled, file)) {
      assertThatThrownBy(() -> recorder.chat(ask("m", "hi"))).isInstanceOf(LlmException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void aTornLastRecordIsIgnoredByAReplayAndCutOffWhenTheFileIsAppendedTo() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "one"));
      recorder.chat(ask("m", "two"));
    }
    String whole = Files.readString(file);
    int secondLine = whole.indexOf('\n') + 1;
    // the process died while writing the second record
    String torn = whole.substring(0, secondLine + (whole.length() - secondLine) / 2);
    Files.writeString(file, torn);

    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.recordedCalls()).isEqualTo(1);
      assertThat(replay.chat(ask("m", "one")).text()).isEqualTo("answer 1");
    }
    assertThat(Files.readString(file)).isEqualTo(torn); // a replay alone changes nothing

    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger(10)), file)) {
      assertThat(Files.readString(file)).isEqualTo(whole.substring(0, secondLine));
      recorder.chat(ask("m", "three"));
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.recordedCalls()).isEqualTo(2);
      assertThat(replay.chat(ask("m", "three")).text()).isEqualTo("answer 11");
    }
  }

  @Test
  void aWholeLastRecordWithoutItsNewlineIsKeptAndCompleted() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger()), file)) {
      recorder.chat(ask("m", "one"));
    }
    String whole = Files.readString(file);
    Files.writeString(file, whole.substring(0, whole.length() - 1));
    try (RecordingLlmClient recorder =
        RecordingLlmClient.open(counting(new AtomicInteger(10)), file)) {
      assertThat(Files.readString(file)).isEqualTo(whole);
      recorder.chat(ask("m", "two"));
    }
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.chat(ask("m", "one")).text()).isEqualTo("answer 1");
      assertThat(replay.chat(ask("m", "two")).text()).isEqualTo("answer 11");
    }
  }

  @Test
  void severalThreadsRecordingAtOnceWriteWholeLines() throws Exception {
    Path file = tmp.resolve("calls.jsonl");
    int threads = 8;
    int callsEach = 25;
    String big = "x".repeat(50_000);
    LlmClient echo = request -> ChatResponse.ofText(big + request.messages().get(1).content());
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    try (RecordingLlmClient recorder = RecordingLlmClient.open(echo, file)) {
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < callsEach; i++) recorder.chat(ask("m", id + "/" + i));
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                });
        workers.add(thread);
        thread.start();
      }
      start.countDown();
      for (Thread thread : workers) {
        thread.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(thread.isAlive()).isFalse();
      }
    }
    assertThat(errors).isEmpty();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(threads * callsEach);
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(file)) {
      assertThat(replay.recordedCalls()).isEqualTo(threads * callsEach);
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < callsEach; i++) {
          assertThat(replay.chat(ask("m", t + "/" + i)).text()).isEqualTo(big + t + "/" + i);
        }
      }
    }
  }

  @Test
  void aCallThatCannotBeRecordedEndsTheRun() throws IOException {
    Path file = tmp.resolve("calls.jsonl");
    RecordingLlmClient recorder = RecordingLlmClient.open(counting(new AtomicInteger()), file);
    recorder.close();
    assertThatThrownBy(() -> recorder.chat(ask("m", "hi")))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.endsRun()).isTrue();
              assertThat(e.getMessage()).contains("cannot append an LLM call to the recording");
            });
  }

  @Test
  void replayingAMissingFileSaysHowToMakeOne() {
    assertThatThrownBy(() -> ReplayingLlmClient.open(tmp.resolve("nope.jsonl")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is no LLM recording at")
        .hasMessageContaining("RecordingLlmClient");
  }
}
