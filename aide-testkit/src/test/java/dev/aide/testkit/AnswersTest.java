package dev.aide.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.Task;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.ReviewProtocol;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswersTest {
  @TempDir Path tmp;

  @Test
  void aReviewIsACallOfTheToolWithTheProtocolsFields() {
    ChatResponse review = Answers.review(false, "AUC 0.9.", 0.9, Direction.MAXIMIZE);

    assertThat(review.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(review.toolCalls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.name()).isEqualTo(ReviewProtocol.REVIEW_TOOL);
              assertThat(call.arguments())
                  .isEqualTo(
                      "{\"is_bug\":false,\"summary\":\"AUC 0.9.\",\"metric\":0.9,"
                          + "\"lower_is_better\":false}");
            });
    assertThat(Answers.buggyRun("KeyError").toolCalls().get(0).arguments())
        .isEqualTo("{\"is_bug\":true,\"summary\":\"KeyError\",\"metric\":null}");
    assertThat(Answers.direction(Direction.MINIMIZE, "RMSE").toolCalls().get(0))
        .satisfies(
            call -> {
              assertThat(call.name()).isEqualTo(ReviewProtocol.DIRECTION_TOOL);
              assertThat(call.arguments())
                  .isEqualTo("{\"lower_is_better\":true,\"reason\":\"RMSE\"}");
            });
  }

  @Test
  void aMetricThatIsNotFiniteIsRefused() {
    assertThatThrownBy(() -> Answers.goodRun(Double.NaN, Direction.MAXIMIZE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
  }

  @Test
  void theEngineReadsTheKitsAnswersIntoNodes() {
    ScriptedLlm llm =
        ScriptedLlm.builder()
            .whenDirection(request -> Answers.direction(Direction.MINIMIZE, "An error."))
            .whenReview(
                request ->
                    ScriptedLlm.lastMessage(request).contains("boom")
                        ? Answers.buggyRun("It raised.")
                        : Answers.goodRun(0.25, Direction.MINIMIZE))
            .answer(Answers.code("Raise.", "raise SystemExit('boom')"))
            .otherwise(request -> Answers.code("Print the error.", "print('error: 0.25')"))
            .build();
    FakeExecutor executor =
        FakeExecutor.answering(
            request ->
                request.code().contains("boom")
                    ? FakeExecutor.failure("boom\n", 1)
                    : FakeExecutor.success("error: 0.25\n"));

    Result result =
        Aide.builder()
            .coder(llm, "coder")
            .reviewer(llm, "reviewer")
            .executor(executor)
            .steps(3)
            .seed(7)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(Task.builder().goal("Make the error small.").build());

    assertThat(result.journal().nodes()).hasSize(3);
    assertThat(result.journal().nodes().get(0).isBuggy()).isTrue();
    Node best = result.best();
    assertThat(best).isNotNull();
    assertThat(best.metric().value()).isEqualTo(0.25);
    assertThat(best.metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(llm.requests(ScriptedLlm::isDirection)).hasSize(1);
    assertThat(llm.requests(ScriptedLlm::isReview)).hasSize(3);
    assertThat(executor.requests()).hasSize(3);
  }
}
