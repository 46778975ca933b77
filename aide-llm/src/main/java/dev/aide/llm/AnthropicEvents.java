package dev.aide.llm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Joins the events of a streamed Messages answer into the message object a plain call answers:
 * {@code message_start} brings the usage so far; each {@code content_block_start} opens a block at
 * its {@code index}, whose {@code text_delta}s are appended and whose {@code input_json_delta}s are
 * joined and parsed as the tool's input at {@code content_block_stop} (kept as received, under
 * {@code partial_json}, when they do not parse, as after a cut-off); {@code thinking}, {@code
 * signature_delta} and other blocks and deltas are skipped; {@code message_delta} brings the {@code
 * stop_reason} and the cumulative usage, which replaces the counts it names; {@code ping} is
 * ignored; {@code message_stop} ends the stream. Used by one thread.
 */
final class AnthropicEvents implements HttpTransport.EventStream {
  private final TreeMap<Integer, Block> blocks = new TreeMap<>();
  private final Map<String, Object> usage = new LinkedHashMap<>();
  private @Nullable String stopReason;
  private @Nullable Map<String, Object> stopDetails;
  private boolean finished;

  /** One content block as its deltas arrive. */
  private static final class Block {
    final Map<String, Object> start;
    final StringBuilder text = new StringBuilder();
    final StringBuilder json = new StringBuilder();
    @Nullable Object input;
    boolean stopped;

    Block(Map<String, Object> start) {
      this.start = start;
    }

    String type() {
      String type = Json.string(start, "type");
      return type == null ? "" : type;
    }
  }

  @Override
  public long event(@Nullable String name, Map<String, Object> data) {
    String type = Json.string(data, "type");
    if (type == null) type = name == null ? "" : name;
    switch (type) {
      case "message_start":
        Map<String, Object> message = Json.object(data, "message");
        addUsage(Json.object(message, "usage"));
        return 0;
      case "content_block_start":
        Map<String, Object> start = Json.object(data, "content_block");
        Block block = new Block(start == null ? Map.of() : start);
        String initial = Json.string(block.start, "text");
        if (initial != null) block.text.append(initial);
        blocks.put(index(data), block);
        return initial == null ? 0 : initial.length();
      case "content_block_delta":
        return delta(blocks.get(index(data)), Json.object(data, "delta"));
      case "content_block_stop":
        Block stopped = blocks.get(index(data));
        if (stopped != null) stop(stopped);
        return 0;
      case "message_delta":
        Map<String, Object> delta = Json.object(data, "delta");
        String reason = Json.string(delta, "stop_reason");
        if (reason != null) stopReason = reason;
        Map<String, Object> details = Json.object(delta, "stop_details");
        if (details != null) stopDetails = details;
        addUsage(Json.object(data, "usage"));
        return 0;
      case "message_stop":
        finished = true;
        return 0;
      default:
        return 0; // ping, and events added later
    }
  }

  private static long delta(@Nullable Block block, @Nullable Map<String, Object> delta) {
    if (block == null) return 0;
    String type = Json.string(delta, "type");
    if ("text_delta".equals(type)) {
      String text = Json.string(delta, "text");
      if (text == null) return 0;
      block.text.append(text);
      return text.length();
    }
    if ("input_json_delta".equals(type)) {
      String json = Json.string(delta, "partial_json");
      if (json == null) return 0;
      block.json.append(json);
      return json.length();
    }
    return 0; // thinking_delta, signature_delta, citations_delta carry nothing for the caller
  }

  /** Parses a tool block's joined input; without any, the input its start carried. */
  private static void stop(Block block) {
    if (block.stopped) return;
    block.stopped = true;
    if (block.json.length() == 0) {
      block.input = block.start.get("input");
      return;
    }
    try {
      block.input = Json.read(block.json.toString());
    } catch (IOException e) {
      block.input = null; // cut off: kept as received
    }
  }

  private void addUsage(@Nullable Map<String, Object> counts) {
    if (counts == null) return;
    counts.forEach(
        (key, value) -> {
          if (value != null) usage.put(key, value);
        });
  }

  private static int index(Map<String, Object> data) {
    Object value = data.get("index");
    return value instanceof Number ? ((Number) value).intValue() : 0;
  }

  @Override
  public void done() {
    // Anthropic ends with message_stop, never [DONE]
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public String last() {
    return "message_stop";
  }

  @Override
  public Map<String, Object> answer() {
    List<Object> content = new ArrayList<>();
    for (Block block : blocks.values()) {
      switch (block.type()) {
        case "text":
          content.add(Json.obj("type", "text", "text", block.text.toString()));
          break;
        case "tool_use":
          stop(block);
          Map<String, Object> call =
              Json.obj(
                  "type",
                  "tool_use",
                  "id",
                  Json.string(block.start, "id"),
                  "name",
                  Json.string(block.start, "name"));
          if (block.input != null) {
            call.put("input", block.input);
          } else {
            call.put("partial_json", block.json.toString());
          }
          content.add(call);
          break;
        default:
          break; // thinking, redacted_thinking, server tool blocks
      }
    }
    Map<String, Object> message = Json.obj("type", "message", "content", content);
    message.put("stop_reason", stopReason);
    if (stopDetails != null) message.put("stop_details", stopDetails);
    message.put("usage", usage);
    return message;
  }
}
