package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ReviewProtocol;
import org.junit.jupiter.api.Test;

class DirectionAnswerTest {
  @Test
  void readsTheSetMetricDirectionCall() throws Exception {
    DirectionAnswer answer =
        DirectionAnswer.parse(
            ChatResponse.ofToolCall(
                ReviewProtocol.DIRECTION_TOOL,
                "{\"lower_is_better\": true, \"reason\": \"RMSE is an error.\"}"));

    assertThat(answer).isEqualTo(new DirectionAnswer(true, "RMSE is an error."));
    assertThat(answer.direction()).isEqualTo(Direction.MINIMIZE);
  }

  @Test
  void readsJsonFromTheTextWithABooleanWrittenAsAString() throws Exception {
    DirectionAnswer answer =
        DirectionAnswer.parse(
            ChatResponse.ofText(
                "AUC rises with quality.\n{\"lower_is_better\": \"false\", \"reason\": \"AUC\"}"));

    assertThat(answer.direction()).isEqualTo(Direction.MAXIMIZE);
  }

  @Test
  void reviewCallOrAnswerWithoutTheFieldIsUnreadable() {
    assertThatThrownBy(
            () ->
                DirectionAnswer.parse(
                    ChatResponse.ofToolCall(ReviewProtocol.REVIEW_TOOL, "{\"is_bug\": false}")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("called unknown function submit_review");
    assertThatThrownBy(() -> DirectionAnswer.parse(ChatResponse.ofText("{\"reason\": \"?\"}")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("lower_is_better is missing");
    assertThatThrownBy(() -> DirectionAnswer.parse(ChatResponse.ofText(" ")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("empty");
  }
}
