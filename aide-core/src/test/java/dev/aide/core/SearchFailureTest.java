package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchFailureTest {
  @TempDir Path tmp;

  // with a direction, so that the reviewer is not asked for one before the first node
  private final Task task = Task.builder().goal("Predict y").direction(Direction.MAXIMIZE).build();
  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60", "0.40"), false);

  private Aide.Builder aide() {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .policy(GreedyPolicy.builder().debugProb(0).build())
        .seed(3)
        .outputDir(tmp.resolve("run"));
  }

  @Test
  void coderWithoutCodeIsAskedAgainThreeTimesThenTheNodeIsBuggy() {
    List<ChatRequest> requests = new ArrayList<>();
    LlmClient chatty =
        request -> {
          requests.add(request);
          return ChatResponse.ofText("I would train a random forest.");
        };

    Result result = aide().coder(chatty, "m").steps(1).build().run(task);

    Node node = result.journal().nodes().get(0);
    assertThat(requests).hasSize(4);
    assertThat(requests).extracting(r -> r.messages().size()).containsExactly(2, 4, 6, 8);
    assertThat(node.isBuggy()).isTrue();
    assertThat(node.code()).isEmpty();
    assertThat(node.execution()).isNull();
    assertThat(node.failure()).contains("held no Python code block").contains("4 attempts");
    assertThat(node.plan()).isEqualTo("I would train a random forest.");
    assertThat(world.executions).hasValue(0);
  }

  @Test
  void answerCutOffAtTheTokenLimitIsNotTakenAsCode() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient truncating =
        request -> {
          if (calls.getAndIncrement() == 0) {
            return new ChatResponse(
                "Plan.\n```python\nscore = 0.9",
                List.of(),
                FinishReason.LENGTH,
                TokenUsage.ZERO,
                null);
          }
          return ChatResponse.ofText(FakeWorld.answer("Plan.", FakeWorld.code(0.7, false)));
        };

    Result result = aide().coder(truncating, "m").steps(1).build().run(task);

    assertThat(calls).hasValue(2);
    assertThat(result.best().metric().value()).isEqualTo(0.7);
  }

  @Test
  void failedCoderCallMakesABuggyNodeAndTheSearchGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient flaky =
        request -> {
          if (calls.getAndIncrement() == 0) throw new LlmException("context length exceeded");
          return world.coder().chat(request);
        };

    Result result = aide().coder(flaky, "m").steps(3).build().run(task);

    List<Node> nodes = result.journal().nodes();
    assertThat(nodes).hasSize(3);
    assertThat(nodes.get(0).isBuggy()).isTrue();
    assertThat(nodes.get(0).failure()).contains("context length exceeded");
    assertThat(nodes.get(1).isBuggy()).isFalse();
  }

  @Test
  void errorThatEndsTheRunStopsItWithEveryFinishedNodeOnDisk() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LlmClient revoked =
        request -> {
          if (calls.getAndIncrement() == 2) {
            throw new LlmException("401 invalid API key", null, false, true, 401, "req-9");
          }
          return world.coder().chat(request);
        };

    assertThatThrownBy(() -> aide().coder(revoked, "m").steps(5).build().run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("401 invalid API key")
        .hasMessageContaining("2 finished node(s)")
        .hasMessageContaining("resume");
    assertThat(Files.readAllLines(tmp.resolve("run/journal.jsonl"))).hasSize(2);
  }

  @Test
  void executorThatCannotWorkStopsTheRun() {
    Executor broken =
        request -> {
          throw new ExecutorException("python3 was not found on PATH");
        };

    assertThatThrownBy(() -> aide().executor(broken).steps(3).build().run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("python3 was not found on PATH");
  }

  @Test
  void executorThatCannotRunTheStartingSolutionStopsTheRun() {
    Executor broken =
        request -> {
          throw new ExecutorException("python3 was not found on PATH");
        };
    Task withStart = task.newBuilder().startingSolution(FakeWorld.code(0.2, false)).build();

    assertThatThrownBy(() -> aide().executor(broken).steps(3).build().run(withStart))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("python3 was not found on PATH")
        .hasMessageContaining("0 finished node(s)");
    assertThat(world.coderCalls).hasValue(0);
  }

  @Test
  void executionThatThrowsMakesABuggyNode() {
    AtomicInteger runs = new AtomicInteger();
    Executor flaky =
        request -> {
          if (!FakeWorld.isProbe(request) && runs.getAndIncrement() == 0)
            throw new IllegalStateException("disk full");
          return FakeWorld.run(request);
        };

    Result result = aide().executor(flaky).steps(2).build().run(task);

    assertThat(result.journal().nodes().get(0).failure()).contains("disk full");
    assertThat(result.journal().nodes().get(1).isBuggy()).isFalse();
  }

  @Test
  void listenerThatThrowsDoesNotStopTheSearch() {
    List<SearchEvent> seen = Collections.synchronizedList(new ArrayList<>());
    SearchListener throwing =
        event -> {
          throw new IllegalStateException("listener bug");
        };

    Result result = aide().listener(throwing).listener(seen::add).steps(3).build().run(task);

    assertThat(result.journal().size()).isEqualTo(3);
    assertThat(seen).filteredOn(e -> e instanceof SearchEvent.NodeFinished).hasSize(3);
    assertThat(seen.get(seen.size() - 1)).isInstanceOf(SearchEvent.SearchFinished.class);
  }

  @Test
  void reviewerWhoseBackendRefusesFunctionsIsAskedForJsonText() {
    List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    LlmClient noTools =
        request -> {
          requests.add(request);
          if (!request.tools().isEmpty()) {
            throw new LlmException(
                "tools are not supported by this model",
                null,
                LlmException.Kind.TOOLS_UNSUPPORTED,
                false,
                false,
                400,
                null);
          }
          String output = FakeWorld.section(FakeWorld.lastUser(request).content(), "Execution");
          String metric = output.substring(output.indexOf("metric: ") + 8).split("\\s")[0];
          return ChatResponse.ofText(
              "Here is my review:\n{\"is_bug\": false, \"summary\": \"ok\", \"metric\": "
                  + metric
                  + ", \"lower_is_better\": false}");
        };

    Result result = aide().reviewer(noTools, "m").steps(2).build().run(task);

    assertThat(result.journal().goodNodes()).hasSize(2);
    // one refused call with the function, then plain JSON requests only
    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).tools()).isNotEmpty();
    assertThat(requests.get(1).tools()).isEmpty();
    assertThat(FakeWorld.lastUser(requests.get(1)).content()).contains("Reply with only a JSON");
    assertThat(requests.get(2).tools()).isEmpty();
  }

  @Test
  void reviewerClientWithoutHttpStatusesThatRefusesFunctionsIsAskedForJsonText() {
    List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    LlmClient noTools =
        request -> {
          requests.add(request);
          if (!request.tools().isEmpty()) {
            throw new LlmException("this client has no tools", LlmException.Kind.TOOLS_UNSUPPORTED);
          }
          return ChatResponse.ofText(
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 0.5,"
                  + " \"lower_is_better\": false}");
        };

    Result result = aide().reviewer(noTools, "m").steps(1).build().run(task);

    assertThat(result.journal().goodNodes()).hasSize(1);
    assertThat(requests).extracting(r -> r.tools().isEmpty()).containsExactly(false, true);
  }

  @Test
  void reviewerModelTheServerDoesNotKnowDoesNotSwitchTheRunToJsonText() {
    List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    LlmClient unknownOnce =
        request -> {
          requests.add(request);
          if (calls.getAndIncrement() == 0) {
            throw new LlmException(
                "404 the model 'rev-9' does not exist",
                null,
                LlmException.Kind.MODEL_NOT_FOUND,
                false,
                false,
                404,
                null);
          }
          return world.reviewer().chat(request);
        };

    Result result = aide().reviewer(unknownOnce, "rev-9").steps(2).build().run(task);

    assertThat(result.journal().nodes().get(0).failure()).contains("'rev-9' does not exist");
    assertThat(result.journal().nodes().get(1).isBuggy()).isFalse();
    assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.tools()).isNotEmpty());
  }

  @Test
  void failedReviewLeavesTheNodeGoodWhenTheMetricReaderReadItsMetric() {
    LlmClient failing =
        request -> {
          throw new LlmException("500 the server failed", LlmException.Kind.TRANSIENT);
        };
    Task read =
        task.newBuilder()
            .metricReader(MetricReader.line("metric"))
            .direction(Direction.MAXIMIZE)
            .build();

    Result result = aide().reviewer(failing, "m").steps(2).build().run(read);

    assertThat(result.journal().nodes())
        .allSatisfy(
            n -> {
              assertThat(n.isBuggy()).isFalse();
              assertThat(n.failure()).isNull();
              assertThat(n.warnings())
                  .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                  .contains("there is no review")
                  .contains("500 the server failed")
                  .contains("read from the output");
            });
    assertThat(result.best().metric().value()).isEqualTo(0.60);
  }

  @Test
  void failedReviewLeavesTheNodeBuggyWhenNoDirectionIsKnownYet() {
    LlmClient failing =
        request -> {
          throw new LlmException("500 the server failed", LlmException.Kind.TRANSIENT);
        };
    // no direction: the direction call fails too
    Task read = Task.builder().goal("Predict y").metricReader(MetricReader.line("metric")).build();

    Result result = aide().reviewer(failing, "m").steps(1).build().run(read);

    assertThat(result.journal().nodes().get(0).isBuggy()).isTrue();
    assertThat(result.journal().nodes().get(0).failure()).contains("500 the server failed");
  }

  @Test
  void reviewCallFailingForAnotherReasonKeepsTheFunction() {
    List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    LlmClient flaky =
        request -> {
          requests.add(request);
          if (calls.getAndIncrement() == 0) {
            throw new LlmException("a 200 whose body held an error", null, false, false, 200, null);
          }
          return world.reviewer().chat(request);
        };

    Result result = aide().reviewer(flaky, "m").steps(2).build().run(task);

    assertThat(result.journal().nodes().get(0).failure())
        .contains("a 200 whose body held an error");
    assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.tools()).isNotEmpty());
  }

  @Test
  void unreadableReviewIsAskedAgainThenTheNodeIsBuggy() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient garbled =
        request -> {
          calls.incrementAndGet();
          return ChatResponse.ofText("Looks fine to me!");
        };

    Result result = aide().reviewer(garbled, "m").steps(1).build().run(task);

    Node node = result.journal().nodes().get(0);
    assertThat(calls).hasValue(2);
    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).contains("review could not be read");
    assertThat(node.execution()).isNotNull();
  }

  @Test
  void runThatFailedIsBuggyEvenWhenTheReviewSaysItIsFine() {
    Executor crashing =
        request ->
            new ExecutionResult(
                "metric: 0.9\nSegmentation fault",
                0,
                139,
                java.time.Duration.ofMillis(1),
                false,
                null,
                null,
                List.of());
    LlmClient lenient =
        request ->
            ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL,
                "{\"is_bug\": false, \"summary\": \"fine\", \"metric\": 0.9,"
                    + " \"lower_is_better\": false}");

    Result result = aide().executor(crashing).reviewer(lenient, "m").steps(1).build().run(task);

    assertThat(result.journal().nodes().get(0).isBuggy()).isTrue();
    assertThat(result.best()).isNull();
  }

  @Test
  void reviewWithoutAFiniteMetricMakesTheNodeBuggy() {
    LlmClient noMetric =
        request ->
            ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL,
                "{\"is_bug\": false, \"summary\": \"fine\", \"metric\": \"NaN\","
                    + " \"lower_is_better\": false}");

    Result result = aide().reviewer(noMetric, "m").steps(1).build().run(task);

    assertThat(result.journal().nodes().get(0).isBuggy()).isTrue();
  }

  @Test
  void taskDirectionWinsOverTheReviewers() {
    Task minimize = task.newBuilder().direction(Direction.MINIMIZE).build();

    Result result =
        aide().policy(GreedyPolicy.builder().numDrafts(3).build()).steps(3).build().run(minimize);

    assertThat(result.journal().goodNodes())
        .allSatisfy(n -> assertThat(n.metric().direction()).isEqualTo(Direction.MINIMIZE));
    assertThat(result.best().metric().value()).isEqualTo(0.40);
  }

  @Test
  void firstGoodNodeFixesTheDirectionWhenTheTaskDoesNotAndTheDirectionCallFailed() {
    AtomicInteger reviews = new AtomicInteger();
    LlmClient fickle =
        request -> {
          if (FakeWorld.isDirectionCall(request)) {
            throw new LlmException("500 the server failed", LlmException.Kind.TRANSIENT);
          }
          boolean lower = reviews.getAndIncrement() == 0;
          String output = FakeWorld.section(FakeWorld.lastUser(request).content(), "Execution");
          String metric = output.substring(output.indexOf("metric: ") + 8).split("\\s")[0];
          return ChatResponse.ofToolCall(
              ReviewProtocol.REVIEW_TOOL,
              "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": "
                  + metric
                  + ", \"lower_is_better\": "
                  + lower
                  + "}");
        };

    Result result =
        aide()
            .reviewer(fickle, "m")
            .policy(GreedyPolicy.builder().numDrafts(3).build())
            .steps(3)
            .build()
            .run(Task.builder().goal("Predict y").build());

    assertThat(result.journal().goodNodes())
        .extracting(n -> n.metric().direction())
        .containsOnly(Direction.MINIMIZE);
    assertThat(result.best().metric().value()).isEqualTo(0.40);
  }
}
