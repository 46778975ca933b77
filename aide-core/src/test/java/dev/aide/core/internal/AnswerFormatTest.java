package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmException;
import org.junit.jupiter.api.Test;

/** The reviewer's answer format falls back in order, and records each fallback once. */
class AnswerFormatTest {
  private static LlmException refusal(LlmException.Kind kind) {
    return new LlmException("no: " + kind, null, kind, false, false, 400, null);
  }

  @Test
  void workersRefusedAtOnceSwitchOnceAndAskAgainInTheNewMode() {
    AnswerFormat format = new AnswerFormat();

    // two workers asked with the function before either saw a refusal
    boolean first =
        format.refused(AnswerFormat.Mode.TOOL, refusal(LlmException.Kind.TOOLS_UNSUPPORTED), "f");
    boolean second =
        format.refused(AnswerFormat.Mode.TOOL, refusal(LlmException.Kind.TOOLS_UNSUPPORTED), "f");

    assertThat(first).isTrue();
    assertThat(second).isTrue();
    assertThat(format.mode()).isEqualTo(AnswerFormat.Mode.SCHEMA);
    assertThat(format.switches()).hasSize(1);
  }

  @Test
  void aLateIgnoredToolChoiceDoesNotUndoALaterFallback() {
    AnswerFormat format = new AnswerFormat();
    format.refused(AnswerFormat.Mode.TOOL, refusal(LlmException.Kind.TOOLS_UNSUPPORTED), "f");
    format.refused(
        AnswerFormat.Mode.SCHEMA, refusal(LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED), "f");

    format.answered(AnswerFormat.Mode.TOOL, ChatResponse.ofText("{}"), "f");

    assertThat(format.mode()).isEqualTo(AnswerFormat.Mode.TEXT);
    assertThat(format.switches()).hasSize(2);
  }

  @Test
  void otherFailuresAndRefusalsOfAnotherModeDoNotFallBack() {
    AnswerFormat format = new AnswerFormat();

    assertThat(
            format.refused(
                AnswerFormat.Mode.TOOL,
                refusal(LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED),
                "f"))
        .isFalse();
    assertThat(
            format.refused(AnswerFormat.Mode.TOOL, refusal(LlmException.Kind.INVALID_REQUEST), "f"))
        .isFalse();
    format.answered(AnswerFormat.Mode.TOOL, ChatResponse.ofToolCall("f", "{}"), "f");

    assertThat(format.mode()).isEqualTo(AnswerFormat.Mode.TOOL);
    assertThat(format.switches()).isEmpty();
  }
}
