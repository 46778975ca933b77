package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public names of the reviewer protocol are the ones the engine offers and reads. */
class ReviewProtocolTest {
  @Test
  void theReviewToolTheEngineOffersHasThePublicNameAndFields() {
    ToolDefinition tool = Review.tool();

    assertThat(tool.name()).isEqualTo(ReviewProtocol.REVIEW_TOOL).isEqualTo("submit_review");
    assertThat(propertyNames(tool))
        .containsExactlyInAnyOrder(
            ReviewProtocol.IS_BUG,
            ReviewProtocol.SUMMARY,
            ReviewProtocol.METRIC,
            ReviewProtocol.LOWER_IS_BETTER);
    assertThat(tool.parameters().get("required"))
        .isEqualTo(List.of("is_bug", "summary", "metric", "lower_is_better"));
  }

  @Test
  void theDirectionToolTheEngineOffersHasThePublicNameAndFields() {
    ToolDefinition tool = DirectionAnswer.tool();

    assertThat(tool.name())
        .isEqualTo(ReviewProtocol.DIRECTION_TOOL)
        .isEqualTo("set_metric_direction");
    assertThat(propertyNames(tool))
        .containsExactlyInAnyOrder(ReviewProtocol.LOWER_IS_BETTER, ReviewProtocol.REASON);
    assertThat(ReviewProtocol.REASON).isEqualTo("reason");
  }

  @Test
  void anAnswerWrittenWithTheConstantsIsReadAsAReview() throws Exception {
    String arguments =
        "{\"%s\": false, \"%s\": \"AUC 0.9.\", \"%s\": 0.9, \"%s\": false}"
            .formatted(
                ReviewProtocol.IS_BUG,
                ReviewProtocol.SUMMARY,
                ReviewProtocol.METRIC,
                ReviewProtocol.LOWER_IS_BETTER);

    Review review = Review.parse(ChatResponse.ofToolCall(ReviewProtocol.REVIEW_TOOL, arguments));

    assertThat(review).isEqualTo(new Review(false, "AUC 0.9.", 0.9, false));
  }

  @Test
  void aDirectionAnswerWrittenWithTheConstantsIsRead() throws Exception {
    String arguments =
        "{\"%s\": true, \"%s\": \"RMSE is an error.\"}"
            .formatted(ReviewProtocol.LOWER_IS_BETTER, ReviewProtocol.REASON);

    DirectionAnswer answer =
        DirectionAnswer.parse(ChatResponse.ofToolCall(ReviewProtocol.DIRECTION_TOOL, arguments));

    assertThat(answer).isEqualTo(new DirectionAnswer(true, "RMSE is an error."));
  }

  private static List<String> propertyNames(ToolDefinition tool) {
    return ((Map<?, ?>) tool.parameters().get("properties"))
        .keySet().stream().map(String::valueOf).toList();
  }
}
