package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewTest {
  @Test
  void readsTheSubmitReviewCall() throws Exception {
    Review review =
        Review.parse(
            ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL,
                "{\"is_bug\": false, \"summary\": \"Accuracy 0.91.\", \"metric\": 0.91,"
                    + " \"lower_is_better\": false}"));

    assertThat(review).isEqualTo(new Review(false, "Accuracy 0.91.", 0.91, false));
  }

  @Test
  void readsJsonFromTheTextWhenThereIsNoCall() throws Exception {
    Review review =
        Review.parse(
            ChatResponse.ofText(
                "Sure. Here is the review:\n```json\n{\"is_bug\": true, \"summary\": \"KeyError on"
                    + " 'price' {sic}\", \"metric\": null, \"lower_is_better\": true}\n```"));

    assertThat(review).isEqualTo(new Review(true, "KeyError on 'price' {sic}", null, true));
  }

  @Test
  void fallsBackToTheTextWhenTheCallsArgumentsAreCutOff() throws Exception {
    ChatResponse response =
        new ChatResponse(
            "{\"is_bug\": false, \"summary\": \"ok\", \"metric\": 3, \"lower_is_better\": true}",
            List.of(new ToolCall("c1", ReviewProtocol.REVIEW_TOOL, "{\"is_bug\": false, \"summ")),
            FinishReason.LENGTH,
            TokenUsage.ZERO,
            null);

    assertThat(Review.parse(response).metric()).isEqualTo(3.0);
  }

  @Test
  void missingMetricIsNull() throws Exception {
    Review review =
        Review.parse(
            ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL, "{\"is_bug\": false, \"summary\": \"x\"}"));

    assertThat(review.metric()).isNull();
    assertThat(review.lowerIsBetter()).isNull();
    assertThat(review.isBug()).isFalse();
  }

  @Test
  void nonFiniteMetricIsNull() throws Exception {
    for (String metric : List.of("\"NaN\"", "\"Infinity\"", "1e999", "\"-inf\"", "\"n/a\"")) {
      Review review =
          Review.parse(
              ChatResponse.ofToolCall(
                  ReviewProtocol.REVIEW_TOOL,
                  "{\"is_bug\": false, \"summary\": \"\", \"metric\": " + metric + "}"));
      assertThat(review.metric()).as(metric).isNull();
    }
  }

  @Test
  void numbersAndBooleansWrittenAsStringsAreRead() throws Exception {
    Review review =
        Review.parse(
            ChatResponse.ofToolCall(
                ReviewProtocol.REVIEW_TOOL,
                "{\"is_bug\": \"False\", \"summary\": \"ok\", \"metric\": \" 0.5 \","
                    + " \"lower_is_better\": \"true\"}"));

    assertThat(review).isEqualTo(new Review(false, "ok", 0.5, true));
  }

  @Test
  void garbageIsUnreadableAndSaysWhy() {
    assertThatThrownBy(() -> Review.parse(ChatResponse.ofText("The code looks great!")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("no submit_review call and no JSON object");
    assertThatThrownBy(() -> Review.parse(ChatResponse.ofText("{\"summary\": \"no verdict\"}")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("is_bug is missing");
    assertThatThrownBy(() -> Review.parse(ChatResponse.ofToolCall("other_tool", "{}")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("unknown function other_tool");
    assertThatThrownBy(() -> Review.parse(ChatResponse.ofText("")))
        .isInstanceOf(Review.UnreadableException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void toolSchemaRequiresAllFourFields() {
    assertThat(Review.tool().name()).isEqualTo(ReviewProtocol.REVIEW_TOOL);
    assertThat(Review.tool().parameters().get("required"))
        .isEqualTo(List.of("is_bug", "summary", "metric", "lower_is_better"));
  }

  @Test
  void toolSchemaKeepsOneKeyOrderSoThatRequestsAreTheSameBytesInEveryRun() {
    Map<?, ?> properties = (Map<?, ?>) Review.tool().parameters().get("properties");

    assertThat(List.copyOf(Review.tool().parameters().keySet()))
        .isEqualTo(List.of("type", "properties", "required"));
    assertThat(List.copyOf(properties.keySet()))
        .isEqualTo(List.of("is_bug", "summary", "metric", "lower_is_better"));
    for (Object property : properties.values()) {
      assertThat(List.copyOf(((Map<?, ?>) property).keySet()))
          .isEqualTo(List.of("type", "description"));
    }
  }
}
