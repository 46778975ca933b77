package dev.aide.core.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  private static final ToolDefinition SUBMIT_REVIEW =
      new ToolDefinition(ReviewProtocol.REVIEW_TOOL, "Submit a review", Map.of("type", "object"));

  private static ChatRequest.Builder minimal() {
    return ChatRequest.builder().model("gpt-4.1").addMessage(ChatMessage.user("hi"));
  }

  @Test
  void rejectsARequestWithoutModel() {
    assertThatThrownBy(() -> ChatRequest.builder().addMessage(ChatMessage.user("hi")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model");
  }

  @Test
  void rejectsABlankModel() {
    assertThatThrownBy(() -> minimal().model(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model");
  }

  @Test
  void rejectsARequestWithoutMessages() {
    assertThatThrownBy(() -> ChatRequest.builder().model("gpt-4.1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message");
    assertThatThrownBy(() -> minimal().messages(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message");
  }

  @Test
  void rejectsANegativeOrNaNTemperature() {
    for (double temperature : new double[] {-0.1, -1, Double.NaN}) {
      assertThatThrownBy(() -> minimal().temperature(temperature).build())
          .as("temperature %s", temperature)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("temperature");
    }
  }

  @Test
  void acceptsAZeroTemperature() {
    assertThat(minimal().temperature(0.0).build().temperature()).isEqualTo(0.0);
  }

  @Test
  void rejectsAnOutputTokenLimitThatIsNotPositive() {
    for (int limit : new int[] {0, -5}) {
      assertThatThrownBy(() -> minimal().maxOutputTokens(limit).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxOutputTokens");
    }
  }

  @Test
  void rejectsAToolChoiceNamingAnAbsentTool() {
    assertThatThrownBy(
            () ->
                minimal()
                    .tools(List.of(SUBMIT_REVIEW))
                    .toolChoice(ToolChoice.tool("write_code"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write_code");
  }

  @Test
  void rejectsAToolChoiceThatNeedsToolsWhenThereAreNone() {
    assertThatThrownBy(() -> minimal().toolChoice(ToolChoice.required()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs tools");
    assertThatThrownBy(
            () -> minimal().toolChoice(ToolChoice.tool(ReviewProtocol.REVIEW_TOOL)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsAToolChoiceNamingAPresentTool() {
    ChatRequest request =
        minimal()
            .tools(List.of(SUBMIT_REVIEW))
            .toolChoice(ToolChoice.tool(ReviewProtocol.REVIEW_TOOL))
            .build();

    assertThat(request.tools()).containsExactly(SUBMIT_REVIEW);
    assertThat(request.toolChoice()).isEqualTo(ToolChoice.tool(ReviewProtocol.REVIEW_TOOL));
  }

  @Test
  void acceptsAutoToolChoiceWithoutTools() {
    assertThat(minimal().toolChoice(ToolChoice.auto()).build().toolChoice())
        .isEqualTo(ToolChoice.auto());
  }

  @Test
  void unsetOptionalSettingsStayNull() {
    ChatRequest request = minimal().build();

    assertThat(request.temperature()).isNull();
    assertThat(request.maxOutputTokens()).isNull();
    assertThat(request.toolChoice()).isNull();
    assertThat(request.tools()).isEmpty();
  }

  @Test
  void keepsTheSettingsGiven() {
    ChatRequest request =
        ChatRequest.builder()
            .model("m")
            .addMessage(ChatMessage.system("sys"))
            .addMessage(ChatMessage.user("usr"))
            .temperature(0.7)
            .maxOutputTokens(100)
            .build();

    assertThat(request.model()).isEqualTo("m");
    assertThat(request.messages())
        .containsExactly(ChatMessage.system("sys"), ChatMessage.user("usr"));
    assertThat(request.temperature()).isEqualTo(0.7);
    assertThat(request.maxOutputTokens()).isEqualTo(100);
  }

  @Test
  void laterChangesToTheCallersListsDoNotReachTheRequest() {
    List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("one")));
    List<ToolDefinition> tools = new ArrayList<>(List.of(SUBMIT_REVIEW));
    ChatRequest.Builder builder = ChatRequest.builder().model("m").messages(messages).tools(tools);
    ChatRequest request = builder.build();

    messages.add(ChatMessage.user("two"));
    tools.clear();
    builder.addMessage(ChatMessage.user("three"));

    assertThat(request.messages()).containsExactly(ChatMessage.user("one"));
    assertThat(request.tools()).containsExactly(SUBMIT_REVIEW);
  }

  @Test
  void newBuilderStartsFromTheRequestsValues() {
    ChatRequest request =
        minimal()
            .temperature(0.2)
            .maxOutputTokens(50)
            .tools(List.of(SUBMIT_REVIEW))
            .toolChoice(ToolChoice.required())
            .build();

    ChatRequest longer = request.newBuilder().addMessage(ChatMessage.assistant("ok")).build();

    assertThat(longer.messages()).hasSize(2);
    assertThat(request.messages()).hasSize(1);
    assertThat(longer).usingRecursiveComparison().ignoringFields("messages").isEqualTo(request);
  }

  @Test
  void rejectsAnInfiniteTemperatureAndABlankToolName() {
    assertThatThrownBy(
            () ->
                ChatRequest.builder()
                    .model("m")
                    .addMessage(ChatMessage.user("hi"))
                    .temperature(Double.POSITIVE_INFINITY)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> ToolChoice.tool(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void carriesAResponseFormatThroughNewBuilder() {
    Map<String, Object> properties = new java.util.LinkedHashMap<>();
    properties.put("b", Map.of("type", "string"));
    properties.put("a", new ArrayList<>(List.of("x")));
    Map<String, Object> schema = new java.util.LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    ResponseFormat format = ResponseFormat.jsonSchema("submit_review", schema, true);
    properties.put("c", "added after");

    ChatRequest request = minimal().responseFormat(format).build().newBuilder().build();

    assertThat(request.responseFormat()).isEqualTo(format);
    assertThat(format.schema().get("properties")).isInstanceOf(Map.class);
    List<String> keys = new ArrayList<>();
    for (Object key : ((Map<?, ?>) format.schema().get("properties")).keySet()) {
      keys.add((String) key);
    }
    assertThat(keys).containsExactly("b", "a"); // a copy, in the order given
    assertThat(minimal().build().responseFormat()).isNull();
  }

  @Test
  void rejectsAResponseFormatNameTheApisRefuse() {
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("submit review", Map.of(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 64 letters, digits, '_' or '-', was 'submit review'");
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("", Map.of(), true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
