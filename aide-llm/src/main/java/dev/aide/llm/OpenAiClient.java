package dev.aide.llm;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatProgress;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link LlmClient} for OpenAI's Chat Completions API ({@code POST {baseUrl}/chat/completions})
 * and every server that speaks it: Ollama, vLLM, llama.cpp's server, LM Studio, OpenRouter, Groq,
 * DeepSeek, Gemini's OpenAI endpoint.
 *
 * <pre>{@code
 * LlmClient openAi = OpenAiClient.builder().apiKey(System.getenv("OPENAI_API_KEY")).build();
 * LlmClient ollama = OpenAiClient.builder().baseUrl("http://localhost:11434/v1").build();
 * }</pre>
 *
 * <p><b>The request</b> holds {@code model} and {@code messages}, and only what the caller set
 * besides: {@code temperature}, the output limit, {@code tools} and {@code tool_choice} (a named
 * tool becomes {@code {"type": "function", "function": {"name": ...}}}), and a {@linkplain
 * ResponseFormat response format} as {@code "response_format": {"type": "json_schema",
 * "json_schema": {"name": ..., "schema": ..., "strict": ...}}}, which OpenAI, vLLM, llama.cpp's
 * server, LM Studio and Ollama's OpenAI-compatible route accept; a 4xx that names {@code
 * response_format} throws an {@link UnsupportedParameterException} of kind {@link
 * dev.aide.core.llm.LlmException.Kind#RESPONSE_FORMAT_UNSUPPORTED}. Reasoning models (o1, o3, o4
 * and gpt-5 families; see {@link #isReasoningModel}) take the output limit as {@code
 * max_completion_tokens} and reject {@code temperature}, so a temperature is not sent to them (as
 * logged once per model); other models, and every compatible server, get {@code max_tokens}. {@link
 * Builder#reasoningModels} changes which models count as reasoning models.
 *
 * <p><b>The answer</b>: the first choice's text and tool calls, with each call's {@code arguments}
 * kept exactly as the model wrote them. A {@code refusal} in place of content throws a {@link
 * RefusedException} that quotes it. A call is reported as {@link FinishReason#TOOL_CALLS} even when
 * the server says {@code stop}, as OpenAI does for a forced tool. {@code length} becomes {@link
 * FinishReason#LENGTH}, and then a tool call's arguments are usually cut off: they stay as
 * received, invalid JSON and all, so the caller sees both the cut and what came. Usage: {@code
 * prompt_tokens} (cached ones included, {@code prompt_tokens_details.cached_tokens}, or DeepSeek's
 * {@code prompt_cache_hit_tokens}) and {@code completion_tokens} (reasoning included, {@code
 * completion_tokens_details.reasoning_tokens}); the request id from {@code x-request-id}.
 *
 * <p><b>Streaming</b> is the default: the request adds {@code "stream": true} and {@code
 * "stream_options": {"include_usage": true}}, and the server-sent chunks are joined into the same
 * answer (text deltas appended, tool-call argument fragments joined by {@code index}, the usage
 * from the last chunk). An {@code error} object sent as an event (as OpenRouter does) fails the
 * call as the same error in a plain answer would, and a stream that ends before {@code data:
 * [DONE]} is a retryable {@link UnreadableResponseException}, never a partial answer. A server that
 * answers with plain JSON all the same is read as a plain answer. {@link Builder#stream
 * Builder.stream(false)} turns streaming off, for a server that rejects it.
 *
 * <p>Failures, retries and timeouts are as {@link ProviderException} and {@link Builder} describe.
 * Instances are immutable and safe for use by several threads at once; share one: it holds one
 * connection pool.
 */
public final class OpenAiClient implements LlmClient {
  /** OpenAI's own API. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private static final Logger log = LoggerFactory.getLogger(OpenAiClient.class);

  private final HttpTransport transport;
  private final HttpUrl endpoint;
  private final Predicate<String> reasoningModels;
  private final Set<String> temperatureDropped = ConcurrentHashMap.newKeySet();

  private OpenAiClient(Builder builder) {
    HttpUrl base = builder.settings.parsedBaseUrl();
    this.endpoint = base.newBuilder().addPathSegments("chat/completions").build();
    Map<String, String> fixed = new LinkedHashMap<>();
    if (builder.settings.apiKey != null) {
      fixed.put("Authorization", "Bearer " + builder.settings.apiKey);
    }
    this.transport =
        new HttpTransport(
            builder.settings, HttpTransport.providerName(base, "api.openai.com", "OpenAI"), fixed);
    this.reasoningModels = builder.reasoningModels;
  }

  /** Returns a builder with the defaults: OpenAI's API, no key, 3 retries. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Says whether {@code model} is one of OpenAI's reasoning models by its name: after any {@code
   * vendor/} prefix (as OpenRouter writes {@code openai/o3}), it starts with {@code o1}, {@code
   * o3}, {@code o4} or {@code gpt-5}, in any case.
   */
  public static boolean isReasoningModel(String model) {
    String name = model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return name.startsWith("o1")
        || name.startsWith("o3")
        || name.startsWith("o4")
        || name.startsWith("gpt-5");
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
    HttpTransport.Answer answer =
        transport.post(endpoint, body(request), OpenAiClient::problem, OpenAiEvents::new, progress);
    return response(answer, request.model());
  }

  private Map<String, Object> body(ChatRequest request) {
    boolean reasoning = reasoningModels.test(request.model());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", request.model());
    List<Object> messages = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      messages.add(
          Json.obj(
              "role",
              message.role().name().toLowerCase(Locale.ROOT),
              "content",
              message.content()));
    }
    body.put("messages", messages);
    if (request.temperature() != null) {
      if (reasoning) {
        if (temperatureDropped.add(request.model())) {
          log.info(
              "Not sending the temperature ({}) to {}, a reasoning model, which rejects it (logged"
                  + " once per model)",
              request.temperature(),
              request.model());
        }
      } else {
        body.put("temperature", request.temperature());
      }
    }
    if (request.maxOutputTokens() != null) {
      body.put(reasoning ? "max_completion_tokens" : "max_tokens", request.maxOutputTokens());
    }
    if (!request.tools().isEmpty()) {
      List<Object> tools = new ArrayList<>();
      for (ToolDefinition tool : request.tools()) {
        Map<String, Object> function =
            Json.obj(
                "name", tool.name(),
                "description", tool.description(),
                "parameters", tool.parameters());
        tools.add(Json.obj("type", "function", "function", function));
      }
      body.put("tools", tools);
    }
    ToolChoice choice = request.toolChoice();
    if (choice != null) {
      switch (choice.mode()) {
        case AUTO:
          body.put("tool_choice", "auto");
          break;
        case REQUIRED:
          body.put("tool_choice", "required");
          break;
        case TOOL:
          body.put(
              "tool_choice",
              Json.obj(
                  "type",
                  "function",
                  "function",
                  Json.obj("name", Objects.requireNonNull(choice.toolName()))));
          break;
      }
    }
    ResponseFormat format = request.responseFormat();
    if (format != null) {
      body.put(
          "response_format",
          Json.obj(
              "type",
              "json_schema",
              "json_schema",
              Json.obj(
                  "name", format.name(), "schema", format.schema(), "strict", format.strict())));
    }
    if (transport.streams()) {
      body.put("stream", true);
      body.put("stream_options", Json.obj("include_usage", true));
    }
    return body;
  }

  /** What a successful answer lacks, if anything: a server fault, retried. */
  private static @Nullable String problem(Map<String, Object> body) {
    List<?> choices = Json.list(body, "choices");
    if (choices.isEmpty()) return "no choices";
    if (Json.object(Json.object(choices.get(0)), "message") == null) {
      return "the first choice has no message";
    }
    return null;
  }

  private ChatResponse response(HttpTransport.Answer answer, String model) {
    Map<String, Object> choice = Json.object(Json.list(answer.body(), "choices").get(0));
    Map<String, Object> message = Objects.requireNonNull(Json.object(choice, "message"));

    List<ToolCall> calls = new ArrayList<>();
    for (Object item : Json.list(message, "tool_calls")) {
      Map<String, Object> call = Json.object(item);
      Map<String, Object> function = Json.object(call, "function");
      String name = Json.string(function, "name");
      if (name == null) throw transport.unreadable(answer, "a tool call without a function name");
      Object arguments = function.get("arguments");
      String text =
          arguments instanceof String
              ? (String) arguments
              : arguments == null ? "" : Json.write(arguments); // some servers send an object
      calls.add(new ToolCall(Json.string(call, "id"), name, text));
    }
    String text = text(message.get("content"));
    String refusal = Json.string(message, "refusal");
    if (refusal != null && text.isEmpty() && calls.isEmpty()) {
      throw transport.refused(answer, model, refusal, "");
    }
    return new ChatResponse(
        text,
        calls,
        finishReason(Json.string(choice, "finish_reason"), !calls.isEmpty()),
        usage(Json.object(answer.body(), "usage")),
        answer.requestId());
  }

  /** The content is a string, null beside tool calls, or (from some servers) a list of parts. */
  private static String text(@Nullable Object content) {
    if (content instanceof String) return (String) content;
    StringBuilder text = new StringBuilder();
    if (content instanceof List) {
      for (Object part : (List<?>) content) {
        String partText = Json.string(Json.object(part), "text");
        if (partText != null) text.append(partText);
      }
    }
    return text.toString();
  }

  private static FinishReason finishReason(@Nullable String reason, boolean hasToolCalls) {
    if ("length".equals(reason)) return FinishReason.LENGTH;
    if ("content_filter".equals(reason)) return FinishReason.CONTENT_FILTER;
    if (hasToolCalls || "tool_calls".equals(reason) || "function_call".equals(reason)) {
      return FinishReason.TOOL_CALLS;
    }
    if ("stop".equals(reason)) return FinishReason.STOP;
    return FinishReason.OTHER;
  }

  private static TokenUsage usage(@Nullable Map<String, Object> usage) {
    long input = Json.count(usage, "prompt_tokens");
    long output = Json.count(usage, "completion_tokens");
    long cached = Json.count(Json.object(usage, "prompt_tokens_details"), "cached_tokens");
    if (cached == 0) cached = Json.count(usage, "prompt_cache_hit_tokens");
    long reasoning =
        Json.count(Json.object(usage, "completion_tokens_details"), "reasoning_tokens");
    return new TokenUsage(input, output, Math.min(cached, input), Math.min(reasoning, output));
  }

  @Override
  public String toString() {
    return "OpenAiClient{" + HttpTransport.safe(endpoint) + "}";
  }

  /**
   * Configures an {@link OpenAiClient}. Not safe for use by several threads at once.
   *
   * <p>Defaults: {@value #DEFAULT_BASE_URL}, no API key (no {@code Authorization} header, as local
   * servers want), streamed answers, connect timeout 30 s, idle timeout 2 minutes (streamed), read
   * timeout 10 minutes (plain calls), each attempt capped at 30 minutes, 3 retries, reasoning
   * models by {@link #isReasoningModel}.
   */
  public static final class Builder {
    private final ClientSettings settings = new ClientSettings(DEFAULT_BASE_URL);
    private Predicate<String> reasoningModels = OpenAiClient::isReasoningModel;

    private Builder() {}

    /** Sets the API key, sent as {@code Authorization: Bearer <key>}. */
    public Builder apiKey(String apiKey) {
      settings.apiKey(apiKey);
      return this;
    }

    /**
     * Sets the URL the API's paths are resolved against, e.g. {@code http://localhost:11434/v1};
     * {@code /chat/completions} is appended to its path, and a query (as Azure's {@code
     * api-version}) is kept.
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl(baseUrl);
      return this;
    }

    /**
     * Adds a header to every request, e.g. {@code OpenAI-Organization} or OpenRouter's {@code
     * HTTP-Referer}; it replaces a header of the same name the client would send. Values of 12
     * characters or more are treated as secrets and cut out of messages.
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
     * chunks of it; zero means no limit. Default 2 min. When it passes, the attempt fails with a
     * retryable {@link RequestTimeoutException}. Raise it for a local server that reads a long
     * prompt for minutes before its first token.
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
     * Sets whether answers are streamed as server-sent events (see {@link OpenAiClient}). Default
     * true; {@code false} asks for the whole answer at once, for a server that cannot stream or
     * rejects {@code stream_options}.
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
     * Sets which models are reasoning models, which get {@code max_completion_tokens} and no {@code
     * temperature}. Default {@link OpenAiClient#isReasoningModel}; {@code model -> true} suits an
     * Azure deployment of a reasoning model under a name of its own, {@code model -> false} a
     * server that knows only {@code max_tokens}.
     */
    public Builder reasoningModels(Predicate<String> reasoningModels) {
      this.reasoningModels = Objects.requireNonNull(reasoningModels, "reasoningModels");
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
    public OpenAiClient build() {
      return new OpenAiClient(this);
    }
  }
}
