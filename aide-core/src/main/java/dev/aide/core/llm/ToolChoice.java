package dev.aide.core.llm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether the model must call a tool: {@link #auto()}, {@link #required()} or one named tool
 * ({@link #tool(String)}).
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param mode how tools are chosen
 * @param toolName the tool that must be called when the mode is {@link Mode#TOOL}, else null
 */
public record ToolChoice(Mode mode, @Nullable String toolName) {
  /** How the model chooses among tools. */
  public enum Mode {
    /** The model may answer with text or call any tool. */
    AUTO,
    /** The model must call some tool. */
    REQUIRED,
    /** The model must call the named tool. */
    TOOL
  }

  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    if ((mode == Mode.TOOL) != (toolName != null)) {
      throw new IllegalArgumentException("a tool name is given exactly when the mode is TOOL");
    }
    if (toolName != null && toolName.isBlank()) {
      throw new IllegalArgumentException("the tool name must not be blank");
    }
  }

  public static ToolChoice auto() {
    return new ToolChoice(Mode.AUTO, null);
  }

  public static ToolChoice required() {
    return new ToolChoice(Mode.REQUIRED, null);
  }

  public static ToolChoice tool(String name) {
    return new ToolChoice(Mode.TOOL, Objects.requireNonNull(name, "name"));
  }
}
