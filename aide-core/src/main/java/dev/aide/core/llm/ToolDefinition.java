package dev.aide.core.llm;

import java.util.Map;
import java.util.Objects;

/**
 * A function the model may call.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param name the function's name, e.g. {@code submit_review}
 * @param description what the function is for, shown to the model
 * @param parameters the JSON schema of the arguments, as nested maps, lists, strings, numbers and
 *     booleans
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
  }
}
