package dev.aide.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScriptedLlmTest {
  static ChatRequest coder(String prompt) {
    return ChatRequest.builder().model("coder").addMessage(ChatMessage.user(prompt)).build();
  }

  static ChatRequest withTool(String tool) {
    return ChatRequest.builder()
        .model("reviewer")
        .addMessage(ChatMessage.user("review this"))
        .tools(List.of(new ToolDefinition(tool, "", Map.of("type", "object"))))
        .toolChoice(ToolChoice.tool(tool))
        .build();
  }

  @Test
  void givesQueuedAnswersInOrderThenTheOtherwiseFunction() {
    ScriptedLlm llm =
        ScriptedLlm.builder()
            .answer(ChatResponse.ofText("one"), ChatResponse.ofText("two"))
            .otherwise(request -> ChatResponse.ofText("more: " + ScriptedLlm.lastMessage(request)))
            .build();

    assertThat(llm.chat(coder("a")).text()).isEqualTo("one");
    assertThat(llm.remaining()).isEqualTo(1);
    assertThat(llm.chat(coder("b")).text()).isEqualTo("two");
    assertThat(llm.chat(coder("c")).text()).isEqualTo("more: c");
    assertThat(llm.requests()).extracting(ScriptedLlm::lastMessage).containsExactly("a", "b", "c");
  }

  @Test
  void rulesAnswerTheirRequestsBeforeTheQueueInTheOrderAdded() {
    ScriptedLlm llm =
        ScriptedLlm.builder()
            .whenDirection(request -> Answers.direction(Direction.MINIMIZE, "RMSE"))
            .whenReview(request -> Answers.goodRun(0.25, Direction.MINIMIZE))
            .when(request -> true, request -> ChatResponse.ofText("catch-all"))
            .answer(ChatResponse.ofText("never"))
            .build();

    assertThat(llm.chat(withTool(ReviewProtocol.REVIEW_TOOL)).toolCalls().get(0).name())
        .isEqualTo(ReviewProtocol.REVIEW_TOOL);
    assertThat(llm.chat(withTool(ReviewProtocol.DIRECTION_TOOL)).toolCalls().get(0).name())
        .isEqualTo(ReviewProtocol.DIRECTION_TOOL);
    assertThat(llm.chat(coder("x")).text()).isEqualTo("catch-all");
    assertThat(llm.remaining()).isEqualTo(1);
    assertThat(llm.requests(ScriptedLlm::isReview)).hasSize(1);
    assertThat(llm.requests(ScriptedLlm::isCoder)).hasSize(1);
  }

  @Test
  void aScriptThatRunsOutEndsTheRunWithAMessageNamingTheRequest() {
    ScriptedLlm llm = ScriptedLlm.builder().answer(ChatResponse.ofText("only")).build();
    llm.chat(coder("first"));

    assertThatThrownBy(() -> llm.chat(withTool(ReviewProtocol.REVIEW_TOOL)))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("no answer for request 2")
        .hasMessageContaining("a review request to model \"reviewer\"")
        .hasMessageContaining("1 queued answer(s) are used up")
        .satisfies(e -> assertThat(((LlmException) e).endsRun()).isTrue());
    assertThat(llm.requests()).hasSize(2);
  }

  @Test
  void otherwiseCanBeSetOnlyOnce() {
    ScriptedLlm.Builder builder = ScriptedLlm.builder().otherwise(r -> ChatResponse.ofText(""));

    assertThatThrownBy(() -> builder.otherwise(r -> ChatResponse.ofText("")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
  }

  @Test
  void parallelCallersEachGetOneQueuedAnswerAndAreAllRecorded() throws Exception {
    int callers = 16;
    ScriptedLlm.Builder builder = ScriptedLlm.builder();
    for (int i = 0; i < callers; i++) builder.answer(ChatResponse.ofText("answer " + i));
    ScriptedLlm llm = builder.build();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String prompt = "prompt " + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return llm.chat(coder(prompt)).text();
                }));
      }
      start.countDown();
      List<String> texts = new ArrayList<>();
      for (Future<String> answer : answers) texts.add(answer.get(30, TimeUnit.SECONDS));

      assertThat(texts).doesNotHaveDuplicates().hasSize(callers);
      assertThat(llm.requests()).hasSize(callers);
      assertThat(llm.remaining()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
