package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.ChatProgress;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How much of a streamed answer has arrived reaches the listeners, throttled per node. */
class ProgressEventsTest {
  @TempDir Path tmp;

  @Test
  void aStreamingCodersProgressArrivesBetweenItsNodesStartAndFinishAtMostOncePerSecond() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    LlmClient coder =
        new LlmClient() {
          @Override
          public ChatResponse chat(ChatRequest request) {
            throw new AssertionError("the engine asks with progress");
          }

          @Override
          public ChatResponse chat(ChatRequest request, ChatProgress progress) {
            progress.received(10); // the first is told at once
            clock.advance(Duration.ofMillis(300));
            progress.received(20); // within a second of it: not told
            clock.advance(Duration.ofMillis(800));
            progress.received(30);
            clock.advance(Duration.ofMillis(1500));
            progress.received(30); // no growth: not told
            return new ChatResponse(
                "Plan.\n\n```python\nprint('metric: 1')\n```\n",
                List.of(),
                FinishReason.STOP,
                TokenUsage.of(1, 1),
                "c");
          }
        };
    LlmClient reviewer =
        request ->
            new ChatResponse(
                "",
                List.of(
                    new ToolCall(
                        "r",
                        ReviewProtocol.REVIEW_TOOL,
                        "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 1,"
                            + " \"lower_is_better\": false}")),
                FinishReason.TOOL_CALLS,
                TokenUsage.of(1, 1),
                "r");
    List<String> events = Collections.synchronizedList(new ArrayList<>());

    Aide.builder()
        .coder(coder, "c")
        .reviewer(reviewer, "r")
        .executor(
            request ->
                new ExecutionResult(
                    "metric: 1\n", 0, 0, Duration.ofMillis(1), false, null, null, List.of()))
        .steps(1)
        .clock(clock)
        .outputDir(tmp.resolve("run"))
        .listener(
            event -> {
              if (event instanceof SearchEvent.NodeStarted s) events.add("started " + s.nodeId());
              if (event instanceof SearchEvent.NodeProgress p) {
                events.add("progress " + p.nodeId() + " " + p.phase() + " " + p.characters());
              }
              if (event instanceof SearchEvent.NodeFinished f)
                events.add("finished " + f.node().id());
            })
        .build()
        .run(
            Task.builder()
                .goal("print a metric")
                .direction(Direction.MAXIMIZE)
                .metricReader(MetricReader.line("metric"))
                .build());

    assertThat(events)
        .containsExactly("started 0", "progress 0 CODING 10", "progress 0 CODING 30", "finished 0");
  }
}
