package dev.aide.testkit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * A fake OpenAI-compatible server on loopback, for end-to-end tests of an application that talks to
 * its LLM over HTTP: each Chat Completions request is read back into a {@link ChatRequest},
 * answered by a script (any {@link LlmClient}, usually a {@link ScriptedLlm}) and written as the
 * Chat Completions answer, with tool calls, finish reason and usage. It wraps okhttp's {@link
 * MockWebServer}.
 *
 * <pre>{@code
 * ScriptedLlm script = ScriptedLlm.builder()
 *     .whenReview(request -> Answers.goodRun(0.5, Direction.MAXIMIZE))
 *     .otherwise(request -> Answers.code("Print the score.", "print('metric: 0.5')"))
 *     .build();
 * try (FakeOpenAiServer server = FakeOpenAiServer.start(script)) {
 *   LlmClient client = OpenAiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
 *   // ... run the application's search with client ...
 *   assertThat(script.requests(ScriptedLlm::isReview)).isNotEmpty();
 * }
 * }</pre>
 *
 * <p>An {@link LlmException} thrown by the script becomes an error answer: its status when it has
 * one, else 401 for {@link LlmException.Kind#AUTHENTICATION}, 404 for {@link
 * LlmException.Kind#MODEL_NOT_FOUND}, 503 for {@link LlmException.Kind#TRANSIENT} (which clients
 * retry) and 400 for the rest, with the message in the body. A request the server cannot read, or a
 * script that fails otherwise, gets a 400 that says why. Paths other than {@code
 * .../chat/completions} get a 404.
 *
 * <p>Thread-safe; requests are answered on MockWebServer's threads, concurrently. Close it to stop
 * the server.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private final MockWebServer server = new MockWebServer();
  private final LlmClient script;
  private final List<RecordedRequest> recorded = new ArrayList<>();
  private final List<ChatRequest> requests = new ArrayList<>();

  private FakeOpenAiServer(LlmClient script) {
    this.script = script;
  }

  /**
   * Starts a server on a free loopback port that answers with {@code script}.
   *
   * @throws IOException when no port could be bound
   */
  public static FakeOpenAiServer start(LlmClient script) throws IOException {
    FakeOpenAiServer fake = new FakeOpenAiServer(Objects.requireNonNull(script, "script"));
    fake.server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return fake.answer(request);
          }
        });
    fake.server.start();
    return fake;
  }

  /** Returns the base URL to give an OpenAI-compatible client, ending in {@code /v1}. */
  public String baseUrl() {
    return server.url("/v1").toString();
  }

  /** Returns the Chat Completions requests the server read, in the order they arrived. */
  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns every HTTP request the server got, as MockWebServer recorded it (headers, path, raw
   * body), in the order they arrived.
   */
  public synchronized List<RecordedRequest> recordedRequests() {
    return List.copyOf(recorded);
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  private MockResponse answer(RecordedRequest http) {
    synchronized (this) {
      recorded.add(http);
    }
    if (!http.getUrl().encodedPath().endsWith("/chat/completions")) {
      return error(404, "not_found", "the fake server answers only POST .../chat/completions");
    }
    ChatRequest request;
    try {
      request = read(http.getBody() == null ? "" : http.getBody().utf8());
    } catch (IOException | RuntimeException e) {
      return error(400, "invalid_request_error", "the fake server cannot read the request: " + e);
    }
    synchronized (this) {
      requests.add(request);
    }
    ChatResponse response;
    try {
      response = script.chat(request);
    } catch (LlmException e) {
      return error(status(e), "invalid_request_error", String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      return error(400, "invalid_request_error", "the fake server's script failed: " + e);
    }
    return ok(request.model(), response);
  }

  private static int status(LlmException e) {
    if (e.statusCode() > 0) return e.statusCode();
    return switch (e.kind()) {
      case AUTHENTICATION -> 401;
      case MODEL_NOT_FOUND -> 404;
      case TRANSIENT -> 503;
      default -> 400;
    };
  }

  static ChatRequest read(String json) throws IOException {
    Map<?, ?> body = map(JSON.fromJson(json), "the body");
    ChatRequest.Builder builder = ChatRequest.builder().model(text(body.get("model"), "model"));
    for (Object item : list(body.get("messages"), "messages")) {
      Map<?, ?> message = map(item, "a message");
      String role = text(message.get("role"), "a message's role");
      String content = content(message.get("content"));
      builder.addMessage(
          switch (role) {
            case "system", "developer" -> ChatMessage.system(content);
            case "user" -> ChatMessage.user(content);
            case "assistant" -> ChatMessage.assistant(content);
            default -> throw new IllegalArgumentException("unknown message role " + role);
          });
    }
    if (body.get("temperature") instanceof Number t) builder.temperature(t.doubleValue());
    Object limit =
        body.get("max_completion_tokens") != null
            ? body.get("max_completion_tokens")
            : body.get("max_tokens");
    if (limit instanceof Number n) builder.maxOutputTokens(n.intValue());
    if (body.get("tools") != null) {
      List<ToolDefinition> tools = new ArrayList<>();
      for (Object item : list(body.get("tools"), "tools")) {
        Map<?, ?> function = map(map(item, "a tool").get("function"), "a tool's function");
        Map<String, Object> parameters = new LinkedHashMap<>();
        Object schema = function.get("parameters");
        if (schema != null) {
          map(schema, "a tool's parameters").forEach((k, v) -> parameters.put(k.toString(), v));
        }
        Object description = function.get("description");
        tools.add(
            new ToolDefinition(
                text(function.get("name"), "a tool's name"),
                description == null ? "" : description.toString(),
                parameters));
      }
      builder.tools(tools);
    }
    Object choice = body.get("tool_choice");
    if ("auto".equals(choice)) {
      builder.toolChoice(ToolChoice.auto());
    } else if ("required".equals(choice)) {
      builder.toolChoice(ToolChoice.required());
    } else if (choice instanceof Map<?, ?> named) {
      Map<?, ?> function = map(named.get("function"), "tool_choice's function");
      builder.toolChoice(ToolChoice.tool(text(function.get("name"), "tool_choice's name")));
    }
    return builder.build();
  }

  private static String content(@Nullable Object content) {
    if (content == null) return "";
    if (content instanceof String s) return s;
    StringBuilder text = new StringBuilder();
    for (Object part : list(content, "a message's content")) {
      Object t = map(part, "a content part").get("text");
      if (t != null) text.append(t);
    }
    return text.toString();
  }

  private static Map<?, ?> map(@Nullable Object value, String what) {
    if (value instanceof Map<?, ?> m) return m;
    throw new IllegalArgumentException(what + " is not a JSON object");
  }

  private static List<?> list(@Nullable Object value, String what) {
    if (value instanceof List<?> l) return l;
    throw new IllegalArgumentException(what + " is not a JSON array");
  }

  private static String text(@Nullable Object value, String what) {
    if (value instanceof String s) return s;
    throw new IllegalArgumentException(what + " is missing or not a string");
  }

  private MockResponse ok(String model, ChatResponse response) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", response.text());
    if (!response.toolCalls().isEmpty()) {
      List<Object> calls = new ArrayList<>();
      int i = 0;
      for (ToolCall call : response.toolCalls()) {
        String id = call.id() == null ? "call_" + i : call.id();
        i++;
        calls.add(
            Map.of(
                "id",
                id,
                "type",
                "function",
                "function",
                Map.of("name", call.name(), "arguments", call.arguments())));
      }
      message.put("tool_calls", calls);
    }
    TokenUsage usage = response.usage();
    Map<String, Object> body = new LinkedHashMap<>();
    int number;
    synchronized (this) {
      number = requests.size();
    }
    body.put("id", "chatcmpl-fake-" + number);
    body.put("object", "chat.completion");
    body.put("created", 1767225600);
    body.put("model", model);
    body.put(
        "choices",
        List.of(
            Map.of(
                "index",
                0,
                "message",
                message,
                "finish_reason",
                finishReason(response.finishReason()))));
    body.put(
        "usage",
        Map.of(
            "prompt_tokens",
            usage.input(),
            "completion_tokens",
            usage.output(),
            "total_tokens",
            usage.input() + usage.output()));
    String requestId = response.requestId() == null ? "req_fake_" + number : response.requestId();
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .addHeader("x-request-id", requestId)
        .body(JSON.toJson(body))
        .build();
  }

  private static String finishReason(FinishReason reason) {
    return switch (reason) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      case OTHER -> "other";
    };
  }

  private static MockResponse error(int status, String type, String message) {
    Map<String, Object> error = Map.of("message", message, "type", type);
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(JSON.toJson(Map.of("error", error)))
        .build();
  }
}
