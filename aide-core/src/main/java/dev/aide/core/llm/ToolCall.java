package dev.aide.core.llm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call of a tool in a model's answer.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param id the provider's id for the call, if it gave one
 * @param name the tool's name
 * @param arguments the arguments as raw JSON text, exactly as the model wrote them: it may be
 *     invalid or cut off
 */
public record ToolCall(@Nullable String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
