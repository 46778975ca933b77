package dev.aide.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Joins the {@code chat.completion.chunk} events of a streamed Chat Completions answer into the
 * {@code chat.completion} object a plain call answers: the first choice's {@code delta.content} and
 * {@code delta.refusal} appended, tool-call fragments joined by their {@code index} (the id and
 * name from the fragment that has them, the {@code arguments} text appended), the last {@code
 * finish_reason} and the last {@code usage} (with {@code stream_options.include_usage}, a last
 * chunk whose {@code choices} is empty or null). Fields it does not know, such as {@code
 * obfuscation}, are ignored. The stream ends with {@code data: [DONE]}. Used by one thread.
 */
final class OpenAiEvents implements HttpTransport.EventStream {
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder refusal = new StringBuilder();
  private final TreeMap<Integer, Call> calls = new TreeMap<>();
  private boolean sawChoice;
  private @Nullable String finishReason;
  private @Nullable Map<String, Object> usage;
  private boolean finished;

  /** One tool call as its fragments arrive. */
  private static final class Call {
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();
  }

  @Override
  public long event(@Nullable String name, Map<String, Object> chunk) {
    Map<String, Object> chunkUsage = Json.object(chunk, "usage");
    if (chunkUsage != null) usage = chunkUsage;
    long added = 0;
    for (Object item : Json.list(chunk, "choices")) {
      Map<String, Object> choice = Json.object(item);
      if (choice == null || index(choice, 0) != 0) continue; // one choice is asked for
      sawChoice = true;
      String reason = Json.string(choice, "finish_reason");
      if (reason != null) finishReason = reason;
      Map<String, Object> delta = Json.object(choice, "delta");
      String text = Json.string(delta, "content");
      if (text != null) {
        content.append(text);
        added += text.length();
      }
      String refused = Json.string(delta, "refusal");
      if (refused != null) {
        refusal.append(refused);
        added += refused.length();
      }
      for (Object fragment : Json.list(delta, "tool_calls")) {
        added += callFragment(Json.object(fragment));
      }
    }
    return added;
  }

  /** Adds one tool-call fragment to its call; returns the characters of arguments it added. */
  private long callFragment(@Nullable Map<String, Object> fragment) {
    if (fragment == null) return 0;
    String id = Json.string(fragment, "id");
    int index;
    if (fragment.get("index") instanceof Number) {
      index = index(fragment, 0);
    } else if (calls.isEmpty()) {
      index = 0;
    } else {
      // a server that sends no index: a new id starts a new call, else it continues the last
      int last = calls.lastKey();
      String lastId = calls.get(last).id;
      index = id != null && lastId != null && !id.equals(lastId) ? last + 1 : last;
    }
    Call call = calls.computeIfAbsent(index, i -> new Call());
    if (id != null && call.id == null) call.id = id;
    Map<String, Object> function = Json.object(fragment, "function");
    String name = Json.string(function, "name");
    if (name != null && !name.isEmpty() && call.name == null) call.name = name;
    Object arguments = function == null ? null : function.get("arguments");
    String text =
        arguments instanceof String
            ? (String) arguments
            : arguments == null ? "" : Json.write(arguments); // some servers send an object
    call.arguments.append(text);
    return text.length();
  }

  private static int index(Map<String, Object> map, int absent) {
    Object value = map.get("index");
    return value instanceof Number ? ((Number) value).intValue() : absent;
  }

  @Override
  public void done() {
    finished = true;
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public String last() {
    return "data: [DONE]";
  }

  @Override
  public Map<String, Object> answer() {
    List<Object> choices = new ArrayList<>();
    if (sawChoice) {
      Map<String, Object> message =
          Json.obj(
              "role",
              "assistant",
              "content",
              content.toString(),
              "refusal",
              refusal.length() == 0 ? null : refusal.toString());
      if (!calls.isEmpty()) {
        List<Object> toolCalls = new ArrayList<>();
        for (Call call : calls.values()) {
          toolCalls.add(
              Json.obj(
                  "id",
                  call.id,
                  "type",
                  "function",
                  "function",
                  Json.obj("name", call.name, "arguments", call.arguments.toString())));
        }
        message.put("tool_calls", toolCalls);
      }
      choices.add(Json.obj("index", 0, "message", message, "finish_reason", finishReason));
    }
    return Json.obj("object", "chat.completion", "choices", choices, "usage", usage);
  }
}
