package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric's direction is settled once, before the first node, and kept across resumes. */
class MetricDirectionTest {
  @TempDir Path tmp;

  private final Task task =
      Task.builder().goal("Predict y").evaluation("RMSE on a held-out fifth").build();
  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60", "0.40"), false);
  private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

  private Aide.Builder aide() {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .policy(GreedyPolicy.builder().numDrafts(3).debugProb(0).build())
        .seed(3)
        .steps(3)
        .outputDir(tmp.resolve("run"));
  }

  /**
   * A reviewer that answers the direction call with {@code lowerIsBetter} and says higher is better
   * in every review, as a reviewer who misreads the task might (aideml's issue #92).
   */
  private LlmClient reviewer(boolean lowerIsBetter) {
    LlmClient reviews = world.reviewer();
    return request -> {
      requests.add(request);
      ChatResponse direction = FakeWorld.directionAnswer(request, lowerIsBetter);
      return direction != null ? direction : reviews.chat(request);
    };
  }

  private String runJson() throws Exception {
    return Files.readString(tmp.resolve("run/run.json"));
  }

  @Test
  void reviewerDecidesTheDirectionOnceBeforeTheFirstNodeAndLaterReviewsDoNotFlipIt()
      throws Exception {
    Result result = aide().reviewer(reviewer(true), "m").build().run(task);

    assertThat(result.journal().goodNodes())
        .hasSize(3)
        .allSatisfy(
            n -> {
              assertThat(n.metric().direction()).isEqualTo(Direction.MINIMIZE);
              assertThat(n.warnings())
                  .anySatisfy(w -> assertThat(w).contains("lower_is_better = false", "MINIMIZE"));
            });
    assertThat(result.best().metric().value()).isEqualTo(0.40);
    ChatRequest first = requests.get(0);
    assertThat(requests).filteredOn(FakeWorld::isDirectionCall).containsExactly(first);
    assertThat(first.tools())
        .extracting(t -> t.name())
        .containsExactly(ReviewProtocol.DIRECTION_TOOL);
    assertThat(first.toolChoice()).isEqualTo(ToolChoice.tool(ReviewProtocol.DIRECTION_TOOL));
    assertThat(FakeWorld.lastUser(first).content())
        .contains("Predict y")
        .contains("RMSE on a held-out fifth");
    assertThat(runJson())
        .contains("\"metricDirection\"")
        .contains("\"direction\": \"MINIMIZE\"")
        .contains("\"decidedBy\": \"reviewer\"")
        .contains("the fake says so");
  }

  @Test
  void directionCallNamesTheMetricReader() {
    Task read = task.newBuilder().metricReader(MetricReader.line("rmse")).build();

    aide().reviewer(reviewer(true), "m").steps(1).build().run(read);

    assertThat(FakeWorld.lastUser(requests.get(0)).content()).contains("`rmse: 0.8123`");
  }

  @Test
  void taskDirectionMakesTheCallUnnecessary() {
    Result result = aide().build().run(task.newBuilder().direction(Direction.MINIMIZE).build());

    assertThat(world.directionCalls).hasValue(0);
    assertThat(result.best().metric().value()).isEqualTo(0.40);
  }

  @Test
  void backendWithoutFunctionsIsAskedForTheDirectionAsJsonText() {
    LlmClient noTools =
        request -> {
          requests.add(request);
          if (!request.tools().isEmpty()) {
            throw new LlmException("tools are not supported", LlmException.Kind.TOOLS_UNSUPPORTED);
          }
          if (FakeWorld.isDirectionCall(request)) {
            return ChatResponse.ofText("{\"lower_is_better\": true, \"reason\": \"an error\"}");
          }
          return ChatResponse.ofText(
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 0.5, \"lower_is_better\":"
                  + " true}");
        };

    Result result = aide().reviewer(noTools, "m").steps(1).build().run(task);

    assertThat(result.best().metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(requests).extracting(r -> r.tools().isEmpty()).containsExactly(false, true, true);
    assertThat(FakeWorld.lastUser(requests.get(1)).content()).contains("Reply with only a JSON");
  }

  @Test
  void directionFallsBackToTheSchemaThenToTextAndTheReviewsKeepTheLastFallback() {
    LlmClient noToolsNoSchema =
        request -> {
          requests.add(request);
          if (!request.tools().isEmpty()) {
            throw new LlmException("tools are not supported", LlmException.Kind.TOOLS_UNSUPPORTED);
          }
          if (request.responseFormat() != null) {
            throw new LlmException(
                "response_format is not supported", LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED);
          }
          if (FakeWorld.isDirectionCall(request)) {
            return ChatResponse.ofText("{\"lower_is_better\": true, \"reason\": \"an error\"}");
          }
          return ChatResponse.ofText(
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 0.5, \"lower_is_better\":"
                  + " true}");
        };

    Result result = aide().reviewer(noToolsNoSchema, "m").steps(1).build().run(task);

    assertThat(result.best().metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(requests)
        .extracting(r -> !r.tools().isEmpty(), r -> r.responseFormat() != null)
        .containsExactly(
            tuple(true, false), tuple(false, true), tuple(false, false), tuple(false, false));
    assertThat(requests.get(1).responseFormat().name()).isEqualTo(ReviewProtocol.DIRECTION_TOOL);
  }

  @Test
  void directionAnswerThatIgnoresTheForcedFunctionMovesTheReviewsToTheSchema() {
    LlmClient ignoresToolChoice =
        request -> {
          requests.add(request);
          if (FakeWorld.isDirectionCall(request)) {
            return ChatResponse.ofText("{\"lower_is_better\": true, \"reason\": \"an error\"}");
          }
          return ChatResponse.ofText(
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 0.5, \"lower_is_better\":"
                  + " true}");
        };

    Result result = aide().reviewer(ignoresToolChoice, "m").steps(1).build().run(task);

    assertThat(result.best().metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(requests)
        .extracting(r -> !r.tools().isEmpty(), r -> r.responseFormat() != null)
        .containsExactly(tuple(true, false), tuple(false, true));
    assertThat(requests.get(1).responseFormat().name()).isEqualTo(ReviewProtocol.REVIEW_TOOL);
  }

  @Test
  void resumingWithAnotherDirectionIsRefusedWithBothDirections() {
    aide().steps(1).build().run(task); // the fake reviewer decides MAXIMIZE

    assertThatThrownBy(
            () ->
                aide()
                    .steps(2)
                    .build()
                    .run(task.newBuilder().direction(Direction.MINIMIZE).build()))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("metric direction is MAXIMIZE")
        .hasMessageContaining("the task now says MINIMIZE")
        .hasMessageContaining("--direction max")
        .hasMessageContaining("another output directory");
  }

  @Test
  void resumingWithoutADirectionUsesTheRecordedOneEvenBeforeAnyGoodNode() {
    Executor failing =
        request ->
            new ExecutionResult(
                "ValueError: bad", 0, 1, Duration.ZERO, false, "ValueError", "bad", List.of());
    aide().reviewer(reviewer(true), "m").executor(failing).steps(1).build().run(task);
    assertThat(requests).filteredOn(FakeWorld::isDirectionCall).hasSize(1);
    requests.clear();

    Result resumed = aide().reviewer(reviewer(false), "m").steps(3).build().run(task);

    assertThat(requests).noneMatch(FakeWorld::isDirectionCall);
    assertThat(resumed.journal().goodNodes())
        .isNotEmpty()
        .allSatisfy(n -> assertThat(n.metric().direction()).isEqualTo(Direction.MINIMIZE));
  }

  @Test
  void directionCallWithRevokedCredentialsStopsTheRunBeforeAnyNode() {
    LlmClient revoked =
        request -> {
          throw new LlmException("401 invalid API key", null, false, true, 401, "req-9");
        };

    assertThatThrownBy(() -> aide().reviewer(revoked, "m").build().run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("401 invalid API key")
        .hasMessageContaining("0 finished node(s)");
    assertThat(world.coderCalls).hasValue(0);
  }
}
