package dev.aide.core.internal;

import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ResponseFormat;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run asks the reviewer for a structured answer (a review, the metric's direction), and the
 * fallbacks it has taken: a forced function call first; a JSON schema as the response format once
 * the backend refuses functions ({@link LlmException.Kind#TOOLS_UNSUPPORTED}) or ignores the forced
 * choice (an answer without a call, as Ollama gives); JSON in plain text once it refuses the
 * response format too ({@link LlmException.Kind#RESPONSE_FORMAT_UNSUPPORTED}).
 *
 * <p>The mode only moves forward, and each move is logged once per run (INFO) with its reason, not
 * per node. One per run, shared by the reviews and the direction question; thread-safe.
 */
final class AnswerFormat {
  private static final Logger log = LoggerFactory.getLogger(AnswerFormat.class);

  /** How the answer is asked for, in the order of the fallbacks. */
  enum Mode {
    /** A forced call of the answer's function. */
    TOOL,
    /** The answer's function's schema as the response format, no tools. */
    SCHEMA,
    /** A JSON object in plain text, described in the prompt. */
    TEXT
  }

  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.TOOL);
  private final List<String> switches = new CopyOnWriteArrayList<>();

  /** How the next request is asked. */
  Mode mode() {
    return mode.get();
  }

  /** The fallbacks taken so far, as logged, in order. */
  List<String> switches() {
    return List.copyOf(switches);
  }

  /** Moves straight to {@code next}, e.g. when a resumed run's reviewer is known to need it. */
  void moveTo(Mode next, String reason) {
    Mode current;
    while ((current = mode.get()).compareTo(next) < 0) {
      if (mode.compareAndSet(current, next)) {
        record(next, reason);
        return;
      }
    }
  }

  /** Sets {@code request} up to ask, in {@code mode}, for the arguments of {@code tool}. */
  static ChatRequest.Builder ask(ChatRequest.Builder request, Mode mode, ToolDefinition tool) {
    switch (mode) {
      case TOOL -> request.tools(List.of(tool)).toolChoice(ToolChoice.tool(tool.name()));
      case SCHEMA -> request.responseFormat(schema(tool));
      case TEXT -> {}
    }
    return request;
  }

  /** The response format whose schema is {@code tool}'s parameters, strict. */
  static ResponseFormat schema(ToolDefinition tool) {
    Map<String, Object> schema = new LinkedHashMap<>(tool.parameters());
    schema.put("additionalProperties", false); // what strict mode requires
    return ResponseFormat.jsonSchema(tool.name(), schema, true);
  }

  /**
   * Takes the fallback from {@code asked} when {@code e} refuses it.
   *
   * @return whether it did (or another call already did), so that the caller should ask again in
   *     {@link #mode()}
   */
  boolean refused(Mode asked, LlmException e, String toolName) {
    @Nullable Mode next =
        switch (asked) {
          case TOOL -> e.kind() == LlmException.Kind.TOOLS_UNSUPPORTED ? Mode.SCHEMA : null;
          case SCHEMA ->
              e.kind() == LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED ? Mode.TEXT : null;
          case TEXT -> null;
        };
    if (next == null) return false;
    String reason =
        asked == Mode.TOOL
            ? "the reviewer's backend refused the "
                + toolName
                + " function ("
                + e.getMessage()
                + ")"
            : "the reviewer's backend refused the response format (" + e.getMessage() + ")";
    moveTo(next, reason);
    return true;
  }

  /**
   * Takes the fallback from a forced function call when {@code response}, asked in {@code asked},
   * calls no function: the backend ignores the tool choice. The answer itself is still read.
   */
  void answered(Mode asked, ChatResponse response, String toolName) {
    if (asked == Mode.TOOL && response.toolCalls().isEmpty()) {
      moveTo(
          Mode.SCHEMA,
          "the reviewer's answer called no function although "
              + toolName
              + " was forced (the backend ignores tool_choice)");
    }
  }

  private void record(Mode next, String reason) {
    String line =
        reason
            + "; asking "
            + (next == Mode.SCHEMA
                ? "with a JSON schema as the response format"
                : "for JSON in plain text")
            + " from now on";
    switches.add(line);
    log.info("{}", Character.toUpperCase(line.charAt(0)) + line.substring(1));
  }

  @Override
  public String toString() {
    return "AnswerFormat{" + mode.get() + "}";
  }
}
