package dev.aide.core.llm;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape the answer's text must have: a JSON object that fits a JSON schema, for a backend that
 * cannot call tools or ignores a forced tool choice.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .model("gpt-4.1-mini")
 *     .addMessage(ChatMessage.user("Review this run ..."))
 *     .responseFormat(ResponseFormat.jsonSchema("submit_review", schema, true))
 *     .build();
 * }</pre>
 *
 * <p>OpenAI-compatible servers (OpenAI, vLLM, llama.cpp, LM Studio, Ollama) get it as {@code
 * response_format: {type: json_schema, ...}}; a client for a backend without that field may map it
 * to what the backend has, and a backend that refuses it fails the call with {@link
 * LlmException.Kind#RESPONSE_FORMAT_UNSUPPORTED}. The schema is copied deeply and keeps the order
 * of its keys, as {@link ToolDefinition}'s does. Instances are immutable and safe to share.
 *
 * @param name the schema's name, 1 to 64 letters, digits, {@code _} or {@code -}
 * @param schema the JSON schema the answer must fit, as nested maps and lists; an unmodifiable copy
 *     in the order given
 * @param strict whether the server must keep to the schema exactly (OpenAI's {@code strict}: every
 *     property required, {@code additionalProperties: false})
 */
public record ResponseFormat(String name, Map<String, Object> schema, boolean strict) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * @throws IllegalArgumentException if the name is not 1 to 64 letters, digits, {@code _} or
   *     {@code -}, or the schema has a key that is not a string
   */
  public ResponseFormat {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a response format's name must be 1 to 64 letters, digits, '_' or '-', was '"
              + name
              + "'");
    }
    schema = ToolDefinition.copyMap(Objects.requireNonNull(schema, "schema"), "schema");
  }

  /** Returns a format asking for a JSON object that fits {@code schema}. */
  public static ResponseFormat jsonSchema(String name, Map<String, Object> schema, boolean strict) {
    return new ResponseFormat(name, schema, strict);
  }

  @Override
  public String toString() {
    return "ResponseFormat{jsonSchema " + name + (strict ? ", strict" : "") + "}";
  }
}
