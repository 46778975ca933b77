package dev.aide.llm;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatProgress;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ResponseFormat;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LlmClient} for Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}, headers
 * {@code x-api-key} and {@code anthropic-version: 2023-06-01}).
 *
 * <pre>{@code
 * LlmClient claude = AnthropicClient.builder().apiKey(System.getenv("ANTHROPIC_API_KEY")).build();
 * }</pre>
 *
 * <p><b>The request</b>: system messages go, joined by blank lines, into the top-level {@code
 * system}; the others into {@code messages}, with blank ones left out (the API rejects a message
 * without content, such as the empty assistant answer a caller may repeat when it asks again) and
 * turns of one role in a row then joined by blank lines (the roles must alternate). {@code
 * max_tokens}, which the API requires, is the request's output limit or else {@link
 * Builder#defaultMaxTokens} ({@value #DEFAULT_MAX_TOKENS}); {@code temperature}, {@code tools}
 * (with {@code input_schema}) and {@code tool_choice} ({@code auto}, {@code any}, or {@code
 * {"type": "tool", "name": ...}}) are sent only when set. The API has no {@code response_format}: a
 * {@linkplain ResponseFormat response format} is sent as the one tool, named as the format, with
 * the format's schema as its {@code input_schema}, and forced; the tool's input comes back as the
 * answer's text, with no tool call (a request cannot have both tools and a response format).
 *
 * <p><b>The answer</b>: the {@code text} blocks joined, {@code thinking} and {@code
 * redacted_thinking} blocks skipped, and each {@code tool_use} block a {@link ToolCall} whose
 * arguments are its {@code input} object written as JSON text. {@code stop_reason} {@code end_turn}
 * and {@code stop_sequence} are {@link FinishReason#STOP}, {@code tool_use} is {@link
 * FinishReason#TOOL_CALLS}, {@code max_tokens} and {@code model_context_window_exceeded} are {@link
 * FinishReason#LENGTH} (a tool call cut off this way keeps whatever input came); {@code refusal}
 * throws a {@link RefusedException} quoting {@code stop_details.explanation}. Usage: input is
 * {@code input_tokens} plus both cache counts, so that it compares with OpenAI's {@code
 * prompt_tokens}; cached input is {@code cache_read_input_tokens}; output is {@code output_tokens},
 * which includes thinking; the API does not count reasoning apart, so that stays 0. The request id
 * comes from {@code request-id}.
 *
 * <p><b>Streaming</b> is the default: the request adds {@code "stream": true}, and the events
 * ({@code message_start}, {@code content_block_start/delta/stop}, {@code message_delta}, {@code
 * message_stop}; {@code ping} ignored) are joined into the same answer, a tool's {@code
 * input_json_delta}s parsed when its block stops. An {@code error} event in the stream, such as
 * {@code overloaded_error}, fails the attempt as that error in a plain answer would (overloaded is
 * retried), and a stream that ends before {@code message_stop} is a retryable {@link
 * UnreadableResponseException}, never a partial answer. {@link Builder#stream
 * Builder.stream(false)} asks for the whole answer at once; Anthropic advises streaming for long
 * requests.
 *
 * <p>Failures, retries and timeouts are as {@link ProviderException} and {@link Builder} describe.
 * Instances are immutable and safe for use by several threads at once; share one: it holds one
 * connection pool.
 */
public final class AnthropicClient implements LlmClient {
  /** Anthropic's own API. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

  /** The {@code max_tokens} sent when a request sets no output limit. */
  public static final int DEFAULT_MAX_TOKENS = 8192;

  /** The API version this client speaks. */
  static final String API_VERSION = "2023-06-01";

  private final HttpTransport transport;
  private final HttpUrl endpoint;
  private final int defaultMaxTokens;

  private AnthropicClient(Builder builder) {
    HttpUrl base = builder.settings.parsedBaseUrl();
    this.endpoint = base.newBuilder().addPathSegments("v1/messages").build();
    Map<String, String> fixed = new LinkedHashMap<>();
    if (builder.settings.apiKey != null) fixed.put("x-api-key", builder.settings.apiKey);
    fixed.put("anthropic-version", API_VERSION);
    this.transport =
        new HttpTransport(
            builder.settings,
            HttpTransport.providerName(base, "api.anthropic.com", "Anthropic"),
            fixed);
    this.defaultMaxTokens = builder.defaultMaxTokens;
  }

  /** Returns a builder with the defaults: Anthropic's API, 3 retries. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws ProviderException when the call fails; see its subclasses
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, ChatProgress.NONE);
  }

  /**
   * {@inheritDoc} A streamed answer's characters are told as they arrive, besides the builder's
   * {@link StreamListener}.
   */
  @Override
  public ChatResponse chat(ChatRequest request, ChatProgress progress) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(progress, "progress");
    return response(
        transport.post(
            endpoint,
            body(request),
            body -> body.get("content") instanceof List ? null : "no content",
            AnthropicEvents::new,
            progress),
        request.model(),
        request.responseFormat());
  }

  private Map<String, Object> body(ChatRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", request.model());
    Integer maxTokens = request.maxOutputTokens();
    body.put("max_tokens", maxTokens != null ? maxTokens : defaultMaxTokens);
    List<String> system = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    List<StringBuilder> contents = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      if (message.role() == ChatMessage.Role.SYSTEM) {
        if (!message.content().isBlank()) system.add(message.content());
        continue;
      }
      if (message.content().isBlank()) continue; // the API rejects empty content
      String role = message.role() == ChatMessage.Role.USER ? "user" : "assistant";
      int last = roles.size() - 1;
      if (last >= 0 && roles.get(last).equals(role)) {
        contents.get(last).append("\n\n").append(message.content()); // roles must alternate
      } else {
        roles.add(role);
        contents.add(new StringBuilder(message.content()));
      }
    }
    if (roles.isEmpty()) {
      throw new LlmException(
          "Every user and assistant message of the request to "
              + request.model()
              + " is empty, and Anthropic's API needs at least one with content.",
          LlmException.Kind.INVALID_REQUEST);
    }
    List<Object> messages = new ArrayList<>();
    for (int i = 0; i < roles.size(); i++) {
      messages.add(Json.obj("role", roles.get(i), "content", contents.get(i).toString()));
    }
    if (!system.isEmpty()) body.put("system", String.join("\n\n", system));
    body.put("messages", messages);
    if (request.temperature() != null) body.put("temperature", request.temperature());
    if (transport.streams()) body.put("stream", true);
    ResponseFormat format = request.responseFormat();
    if (format != null) {
      if (!request.tools().isEmpty()) {
        throw new IllegalArgumentException(
            "AnthropicClient sends a response format as a forced tool, so a request cannot have"
                + " both tools and a response format ("
                + format.name()
                + "): ask with one of them");
      }
      body.put(
          "tools",
          List.of(
              Json.obj(
                  "name", format.name(),
                  "description", "Give the answer as this tool's input.",
                  "input_schema", format.schema())));
      body.put("tool_choice", Json.obj("type", "tool", "name", format.name()));
      return body;
    }
    if (!request.tools().isEmpty()) {
      List<Object> tools = new ArrayList<>();
      for (ToolDefinition tool : request.tools()) {
        tools.add(
            Json.obj(
                "name", tool.name(),
                "description", tool.description(),
                "input_schema", tool.parameters()));
      }
      body.put("tools", tools);
    }
    ToolChoice choice = request.toolChoice();
    if (choice != null) {
      switch (choice.mode()) {
        case AUTO:
          body.put("tool_choice", Json.obj("type", "auto"));
          break;
        case REQUIRED:
          body.put("tool_choice", Json.obj("type", "any"));
          break;
        case TOOL:
          body.put(
              "tool_choice",
              Json.obj("type", "tool", "name", Objects.requireNonNull(choice.toolName())));
          break;
      }
    }
    return body;
  }

  private ChatResponse response(
      HttpTransport.Answer answer, String model, @Nullable ResponseFormat format) {
    Object content = answer.body().get("content");
    if ("refusal".equals(Json.string(answer.body(), "stop_reason"))) {
      Map<String, Object> details = Json.object(answer.body(), "stop_details");
      String category = Json.string(details, "category");
      throw transport.refused(
          answer,
          model,
          Json.string(details, "explanation"),
          " (stop_reason refusal" + (category == null ? "" : ", category " + category) + ")");
    }
    StringBuilder text = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    for (Object item : (List<?>) content) {
      Map<String, Object> block = Json.object(item);
      String type = Json.string(block, "type");
      if ("text".equals(type)) {
        String blockText = Json.string(block, "text");
        if (blockText != null) text.append(blockText);
      } else if ("tool_use".equals(type)) {
        String name = Json.string(block, "name");
        if (name == null) throw transport.unreadable(answer, "a tool_use block without a name");
        Object input = block.get("input");
        String partial = Json.string(block, "partial_json"); // a streamed input that did not parse
        calls.add(
            new ToolCall(
                Json.string(block, "id"),
                name,
                partial != null ? partial : Json.write(input == null ? Map.of() : input)));
      }
      // thinking, redacted_thinking and server tool blocks carry nothing for the caller
    }
    if (format != null) { // the forced tool's input is the answer
      StringBuilder answerText = new StringBuilder();
      for (ToolCall call : calls) {
        if (call.name().equals(format.name())) answerText.append(call.arguments());
      }
      FinishReason reason = finishReason(Json.string(answer.body(), "stop_reason"), false);
      return new ChatResponse(
          answerText.length() > 0 ? answerText.toString() : text.toString(),
          List.of(),
          reason == FinishReason.TOOL_CALLS ? FinishReason.STOP : reason,
          usage(Json.object(answer.body(), "usage")),
          answer.requestId());
    }
    return new ChatResponse(
        text.toString(),
        calls,
        finishReason(Json.string(answer.body(), "stop_reason"), !calls.isEmpty()),
        usage(Json.object(answer.body(), "usage")),
        answer.requestId());
  }

  private static FinishReason finishReason(@Nullable String reason, boolean hasToolCalls) {
    if (reason == null) return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.OTHER;
    switch (reason) {
      case "max_tokens":
      case "model_context_window_exceeded":
        return FinishReason.LENGTH;
      case "tool_use":
        return FinishReason.TOOL_CALLS;
      case "end_turn":
      case "stop_sequence":
        return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
      default:
        return FinishReason.OTHER;
    }
  }

  private static TokenUsage usage(@Nullable Map<String, Object> usage) {
    long cacheRead = Json.count(usage, "cache_read_input_tokens");
    long input =
        Json.count(usage, "input_tokens")
            + Json.count(usage, "cache_creation_input_tokens")
            + cacheRead;
    return new TokenUsage(input, Json.count(usage, "output_tokens"), cacheRead, 0);
  }

  @Override
  public String toString() {
    return "AnthropicClient{" + HttpTransport.safe(endpoint) + "}";
  }

  /**
   * Configures an {@link AnthropicClient}. Not safe for use by several threads at once.
   *
   * <p>Defaults: {@value #DEFAULT_BASE_URL}, {@code max_tokens} {@value #DEFAULT_MAX_TOKENS} when a
   * request sets none, streamed answers, connect timeout 30 s, idle timeout 2 minutes (streamed),
   * read timeout 10 minutes (plain calls), each attempt capped at 30 minutes, 3 retries.
   */
  public static final class Builder {
    private final ClientSettings settings = new ClientSettings(DEFAULT_BASE_URL);
    private int defaultMaxTokens = DEFAULT_MAX_TOKENS;

    private Builder() {}

    /** Sets the API key, sent as {@code x-api-key}. */
    public Builder apiKey(String apiKey) {
      settings.apiKey(apiKey);
      return this;
    }

    /**
     * Sets the URL the API's paths are resolved against, as {@code ANTHROPIC_BASE_URL} holds it:
     * without {@code /v1}, which the client appends with {@code /messages}.
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl(baseUrl);
      return this;
    }

    /**
     * Adds a header to every request, e.g. {@code anthropic-beta}; it replaces a header of the same
     * name the client would send. Values of 12 characters or more are treated as secrets and cut
     * out of messages.
     */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /** Sets how long connecting may take; zero means no limit. Default 30 s. */
    public Builder connectTimeout(Duration timeout) {
      settings.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets how long the server may stay silent while answering a plain (not streamed) call, which
     * it answers only when the whole answer is written; zero means no limit. Default 10 min. A
     * streamed call uses {@link #idleTimeout} instead.
     */
    public Builder readTimeout(Duration timeout) {
      settings.readTimeout(timeout);
      return this;
    }

    /**
     * Sets how long a streamed call may stay silent: before the answer's headers, and between two
     * events of it (the API sends {@code ping}s while it works); zero means no limit. Default 2
     * min. When it passes, the attempt fails with a retryable {@link RequestTimeoutException}.
     */
    public Builder idleTimeout(Duration timeout) {
      settings.idleTimeout(timeout);
      return this;
    }

    /**
     * Sets how long one attempt may take in all, streamed or not; zero means no limit. Default 30
     * min.
     */
    public Builder callTimeout(Duration timeout) {
      settings.callTimeout(timeout);
      return this;
    }

    /**
     * Sets whether answers are streamed as server-sent events (see {@link AnthropicClient}).
     * Default true; {@code false} asks for the whole answer at once.
     */
    public Builder stream(boolean stream) {
      settings.stream(stream);
      return this;
    }

    /**
     * Sets what hears a streamed answer grow, e.g. to show a generation advancing; see {@link
     * StreamListener} for the thread it is called on. Default: none.
     */
    public Builder streamListener(StreamListener listener) {
      settings.streamListener(listener);
      return this;
    }

    /** Sets how many times a retryable failure is retried; 0 turns retries off. Default 3. */
    public Builder maxRetries(int maxRetries) {
      settings.maxRetries(maxRetries);
      return this;
    }

    /**
     * Sends requests through a copy of {@code client} (made with {@link OkHttpClient#newBuilder()},
     * so it shares the client's connection pool, interceptors, proxy, authenticator and TLS
     * settings), for example to log traffic or reach the API through a corporate proxy. The copy
     * takes this builder's timeouts and its own dispatcher (daemon threads, up to 64 calls, which
     * lets an interrupt abandon a call); {@code client} itself is not changed.
     */
    public Builder okHttpClient(OkHttpClient client) {
      settings.okHttpClient(client);
      return this;
    }

    /**
     * Sets the {@code max_tokens} sent when a request sets no output limit; the API requires one.
     * Default {@value AnthropicClient#DEFAULT_MAX_TOKENS}.
     */
    public Builder defaultMaxTokens(int defaultMaxTokens) {
      if (defaultMaxTokens <= 0) {
        throw new IllegalArgumentException(
            "defaultMaxTokens must be positive, was " + defaultMaxTokens);
      }
      this.defaultMaxTokens = defaultMaxTokens;
      return this;
    }

    /**
     * Sets what waits between two attempts. Default: sleeping the calling thread. A test of code
     * that uses this client can pass one that records the waits and returns at once, so that
     * retries (up to 60 s each when the server asks) take no time; see {@link Sleeper}.
     */
    public Builder sleeper(Sleeper sleeper) {
      settings.sleeper(sleeper);
      return this;
    }

    /**
     * Sets the clock against which a {@code retry-after} HTTP date is turned into a wait. Default:
     * the system clock; a test can pass {@link Clock#fixed}.
     */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    Builder random(DoubleSupplier random) {
      settings.random(random);
      return this;
    }

    /**
     * Returns the client.
     *
     * @throws IllegalArgumentException if the base URL is not an http or https URL
     */
    public AnthropicClient build() {
      return new AnthropicClient(this);
    }
  }
}
