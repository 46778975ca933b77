package dev.aide.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.Task;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import dev.aide.llm.AuthenticationException;
import dev.aide.llm.OpenAiClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeOpenAiServerTest {
  @TempDir Path tmp;

  private static LlmClient client(FakeOpenAiServer server) {
    return OpenAiClient.builder().apiKey("sk-test-fake").baseUrl(server.baseUrl()).build();
  }

  @Test
  void answersTextAndReadsTheRequestBack() throws Exception {
    ScriptedLlm script =
        ScriptedLlm.answering(
            request ->
                new ChatResponse(
                    "Plan.\n\n```\nprint(1)\n```\n",
                    List.of(),
                    FinishReason.STOP,
                    TokenUsage.of(120, 30),
                    "req_42"));
    try (FakeOpenAiServer server = FakeOpenAiServer.start(script)) {
      ChatResponse answer =
          client(server)
              .chat(
                  ChatRequest.builder()
                      .model("gpt-test")
                      .addMessage(ChatMessage.system("You write code."))
                      .addMessage(ChatMessage.user("Print one."))
                      .temperature(0.5)
                      .maxOutputTokens(500)
                      .build());

      assertThat(answer.text()).isEqualTo("Plan.\n\n```\nprint(1)\n```\n");
      assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(answer.usage().input()).isEqualTo(120);
      assertThat(answer.usage().output()).isEqualTo(30);
      assertThat(answer.requestId()).isEqualTo("req_42");
      ChatRequest seen = server.requests().get(0);
      assertThat(seen.model()).isEqualTo("gpt-test");
      assertThat(seen.messages())
          .containsExactly(ChatMessage.system("You write code."), ChatMessage.user("Print one."));
      assertThat(seen.temperature()).isEqualTo(0.5);
      assertThat(seen.maxOutputTokens()).isEqualTo(500);
      assertThat(script.requests()).containsExactly(seen);
      assertThat(server.recordedRequests().get(0).getHeaders().get("Authorization"))
          .isEqualTo("Bearer sk-test-fake");
    }
  }

  @Test
  void answersAForcedToolCallWithTheToolAndItsArguments() throws Exception {
    ScriptedLlm script =
        ScriptedLlm.builder()
            .whenReview(request -> Answers.goodRun(0.75, Direction.MAXIMIZE))
            .build();
    ToolDefinition tool =
        new ToolDefinition(
            ReviewProtocol.REVIEW_TOOL,
            "Submit.",
            Map.of("type", "object", "properties", Map.of(ReviewProtocol.IS_BUG, Map.of())));
    try (FakeOpenAiServer server = FakeOpenAiServer.start(script)) {
      ChatResponse answer =
          client(server)
              .chat(
                  ChatRequest.builder()
                      .model("gpt-test")
                      .addMessage(ChatMessage.user("Review."))
                      .tools(List.of(tool))
                      .toolChoice(ToolChoice.tool(ReviewProtocol.REVIEW_TOOL))
                      .build());

      assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
      assertThat(answer.toolCalls())
          .containsExactly(
              new ToolCall(
                  "call_0",
                  ReviewProtocol.REVIEW_TOOL,
                  Answers.reviewArguments(
                      false, "The run printed the metric 0.75.", 0.75, Direction.MAXIMIZE)));
      ChatRequest seen = server.requests().get(0);
      assertThat(seen.tools()).containsExactly(tool);
      assertThat(seen.toolChoice()).isEqualTo(ToolChoice.tool(ReviewProtocol.REVIEW_TOOL));
    }
  }

  @Test
  void aScriptsFailureReachesTheClientAsTheMatchingHttpError() throws Exception {
    ScriptedLlm script =
        ScriptedLlm.answering(
            request -> {
              throw new LlmException("key revoked", LlmException.Kind.AUTHENTICATION);
            });
    try (FakeOpenAiServer server = FakeOpenAiServer.start(script)) {
      LlmClient client = client(server);
      ChatRequest request =
          ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build();

      assertThatThrownBy(() -> client.chat(request))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("key revoked");
    }
  }

  @Test
  void aSearchRunsEndToEndThroughTheRealClient() throws Exception {
    ScriptedLlm script =
        ScriptedLlm.builder()
            .whenDirection(request -> Answers.direction(Direction.MAXIMIZE, "A score."))
            .whenReview(request -> Answers.goodRun(0.5, Direction.MAXIMIZE))
            .otherwise(request -> Answers.code("Print the score.", "print('score: 0.5')"))
            .build();
    FakeExecutor executor = FakeExecutor.printing("score: 0.5\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(script)) {
      LlmClient client = client(server);

      Result result =
          Aide.builder()
              .coder(client, "gpt-coder")
              .reviewer(client, "gpt-reviewer")
              .executor(executor)
              .steps(2)
              .seed(1)
              .outputDir(tmp.resolve("run"))
              .build()
              .run(Task.builder().goal("Print a score.").build());

      Node best = result.best();
      assertThat(best).isNotNull();
      assertThat(best.metric().value()).isEqualTo(0.5);
      assertThat(best.code()).contains("print('score: 0.5')");
      assertThat(executor.requests()).hasSize(2);
      assertThat(script.requests(ScriptedLlm::isCoder))
          .extracting(ChatRequest::model)
          .containsOnly("gpt-coder");
      assertThat(script.requests(ScriptedLlm::isReview)).hasSize(2);
      assertThat(server.requests()).hasSize(5);
    }
  }
}
