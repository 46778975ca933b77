package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.RecordingLlmClient;
import dev.aide.core.llm.ReplayingLlmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A search replayed from a recording of its LLM calls writes the journal the recorded run did. */
class RecordAndReplayTest {
  @TempDir Path tmp;

  private final Task task =
      Task.builder().goal("Predict y").evaluation("accuracy on a held-out split").build();

  private Result search(LlmClient llm, Path out, Clock clock) {
    FakeWorld executorWorld = new FakeWorld(List.of("unused"), false);
    return Aide.builder()
        .coder(llm, "coder-model")
        .reviewer(llm, "reviewer-model")
        .executor(executorWorld.executor())
        .steps(20)
        .seed(42)
        .clock(clock)
        .outputDir(out)
        .build()
        .run(task);
  }

  @Test
  void aSearchReplayedFromItsRecordingWritesTheSameJournalWithoutAskingTheLlm() throws IOException {
    FakeWorld world = new FakeWorld(List.of("bug", "0.40", "bug", "0.55", "0.20"), true);
    LlmClient coder = world.coder();
    LlmClient reviewer = world.reviewer();
    LlmClient live =
        request ->
            request.model().equals("coder-model") ? coder.chat(request) : reviewer.chat(request);
    Path calls = tmp.resolve("llm-calls.jsonl");
    Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Result recorded;
    try (RecordingLlmClient recorder = RecordingLlmClient.open(live, calls)) {
      recorded = search(recorder, tmp.resolve("recorded"), fixed);
    }
    int liveCalls = world.coderCalls.get() + world.reviewerCalls.get() + world.directionCalls.get();
    assertThat(Files.readAllLines(calls)).hasSize(liveCalls);

    AtomicInteger asked = new AtomicInteger();
    LlmClient mustNotBeCalled =
        request -> {
          asked.incrementAndGet();
          throw new LlmException("the replay asked the live LLM: " + request);
        };
    Result replayed;
    try (ReplayingLlmClient replay = ReplayingLlmClient.open(calls, mustNotBeCalled)) {
      replayed = search(replay, tmp.resolve("replayed"), fixed);
    }
    assertThat(asked).hasValue(0);
    assertThat(Files.readAllLines(calls)).hasSize(liveCalls); // nothing appended

    List<Node> a = recorded.journal().nodes();
    List<Node> b = replayed.journal().nodes();
    assertThat(b).hasSize(a.size()).hasSize(20);
    for (int i = 0; i < a.size(); i++) {
      Node x = a.get(i);
      Node y = b.get(i);
      assertThat(y.id()).isEqualTo(x.id());
      assertThat(y.parents()).isEqualTo(x.parents());
      assertThat(y.step()).isEqualTo(x.step());
      assertThat(y.stage()).isEqualTo(x.stage());
      assertThat(y.plan()).isEqualTo(x.plan());
      assertThat(y.code()).isEqualTo(x.code());
      assertThat(y.analysis()).isEqualTo(x.analysis());
      assertThat(y.metric()).isEqualTo(x.metric());
      assertThat(y.isBuggy()).isEqualTo(x.isBuggy());
      assertThat(y.debugDepth()).isEqualTo(x.debugDepth());
      assertThat(y.usage()).isEqualTo(x.usage());
      assertThat(y.failure()).isEqualTo(x.failure());
      assertThat(y.warnings()).isEqualTo(x.warnings());
      assertThat(y.execution().output()).isEqualTo(x.execution().output());
      assertThat(y.execution().exitCode()).isEqualTo(x.execution().exitCode());
    }
    assertThat(a).extracting(Node::stage).contains(Stage.DEBUG, Stage.IMPROVE);
    assertThat(replayed.best().id()).isEqualTo(recorded.best().id());
    assertThat(replayed.usage()).isEqualTo(recorded.usage());

    // Under the same clock the journal files are the same bytes.
    assertThat(Files.readString(tmp.resolve("replayed/journal.jsonl")))
        .isEqualTo(Files.readString(tmp.resolve("recorded/journal.jsonl")));
  }
}
