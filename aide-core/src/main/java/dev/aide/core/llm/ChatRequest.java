package dev.aide.core.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request to a model: the conversation, the model's name, and optional sampling, length, tool
 * and {@linkplain ResponseFormat response format} settings. A setting left unset is not sent, so
 * the provider's default applies.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .model("gpt-4.1")
 *     .addMessage(ChatMessage.system("You are a careful reviewer."))
 *     .addMessage(ChatMessage.user("Is this output correct? ..."))
 *     .tools(List.of(submitReview))
 *     .toolChoice(ToolChoice.tool("submit_review"))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 */
public final class ChatRequest {
  private final String model;
  private final List<ChatMessage> messages;
  private final @Nullable Double temperature;
  private final @Nullable Integer maxOutputTokens;
  private final List<ToolDefinition> tools;
  private final @Nullable ToolChoice toolChoice;
  private final @Nullable ResponseFormat responseFormat;

  private ChatRequest(Builder builder) {
    this.model = Objects.requireNonNull(builder.model);
    this.messages = List.copyOf(builder.messages);
    this.temperature = builder.temperature;
    this.maxOutputTokens = builder.maxOutputTokens;
    this.tools = List.copyOf(builder.tools);
    this.toolChoice = builder.toolChoice;
    this.responseFormat = builder.responseFormat;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    return new Builder(this);
  }

  public String model() {
    return model;
  }

  public List<ChatMessage> messages() {
    return messages;
  }

  /** Sampling temperature; null leaves the provider's default. */
  public @Nullable Double temperature() {
    return temperature;
  }

  /** The most tokens the answer may have; null leaves the provider's default. */
  public @Nullable Integer maxOutputTokens() {
    return maxOutputTokens;
  }

  public List<ToolDefinition> tools() {
    return tools;
  }

  /** Whether and which tool must be called; null leaves the provider's default. */
  public @Nullable ToolChoice toolChoice() {
    return toolChoice;
  }

  /** The JSON schema the answer's text must fit; null leaves the answer free. */
  public @Nullable ResponseFormat responseFormat() {
    return responseFormat;
  }

  @Override
  public String toString() {
    return "ChatRequest{model=" + model + ", messages=" + messages.size() + "}";
  }

  /** Builds a {@link ChatRequest}. Not safe for use by several threads at once. */
  public static final class Builder {
    private @Nullable String model;
    private final List<ChatMessage> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Integer maxOutputTokens;
    private List<ToolDefinition> tools = List.of();
    private @Nullable ToolChoice toolChoice;
    private @Nullable ResponseFormat responseFormat;

    private Builder() {}

    private Builder(ChatRequest request) {
      this.model = request.model;
      this.messages.addAll(request.messages);
      this.temperature = request.temperature;
      this.maxOutputTokens = request.maxOutputTokens;
      this.tools = request.tools;
      this.toolChoice = request.toolChoice;
      this.responseFormat = request.responseFormat;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder messages(List<ChatMessage> messages) {
      Objects.requireNonNull(messages, "messages");
      this.messages.clear();
      for (ChatMessage message : messages) addMessage(message);
      return this;
    }

    public Builder addMessage(ChatMessage message) {
      this.messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    public Builder tools(List<ToolDefinition> tools) {
      this.tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
      return this;
    }

    public Builder toolChoice(@Nullable ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Asks for an answer whose text is a JSON object that fits the format's schema; null (the
     * default) leaves the answer free.
     */
    public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Returns the request.
     *
     * @throws IllegalArgumentException if the model is missing or blank, there are no messages, the
     *     temperature is negative, the output-token limit is not positive, or the tool choice names
     *     a tool that is not among the tools
     */
    public ChatRequest build() {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model is required");
      }
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("a request needs at least one message");
      }
      if (temperature != null && !(temperature >= 0 && Double.isFinite(temperature))) {
        throw new IllegalArgumentException(
            "temperature must be finite and >= 0, was " + temperature);
      }
      if (maxOutputTokens != null && maxOutputTokens <= 0) {
        throw new IllegalArgumentException(
            "maxOutputTokens must be positive, was " + maxOutputTokens);
      }
      if (toolChoice != null && toolChoice.mode() != ToolChoice.Mode.AUTO && tools.isEmpty()) {
        throw new IllegalArgumentException("toolChoice " + toolChoice.mode() + " needs tools");
      }
      if (toolChoice != null
          && toolChoice.toolName() != null
          && tools.stream().noneMatch(tool -> tool.name().equals(toolChoice.toolName()))) {
        throw new IllegalArgumentException(
            "toolChoice names " + toolChoice.toolName() + ", which is not among the tools");
      }
      return new ChatRequest(this);
    }
  }
}
