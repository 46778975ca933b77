package dev.aide.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The contract, and what is particular to OpenAI's Chat Completions API. */
class OpenAiClientTest extends LlmClientContract {

  @Override
  LlmClient client(Options options) {
    OpenAiClient.Builder builder =
        OpenAiClient.builder()
            .apiKey(SECRET)
            .baseUrl(options.baseUrl)
            .maxRetries(options.maxRetries)
            .sleeper(sleeper)
            .clock(clock())
            .random(() -> options.random);
    if (options.readTimeout != null) builder.readTimeout(options.readTimeout);
    if (options.okHttpClient != null) builder.okHttpClient(options.okHttpClient);
    if (options.stream != null) builder.stream(options.stream);
    if (options.idleTimeout != null) builder.idleTimeout(options.idleTimeout);
    if (options.listener != null) builder.streamListener(options.listener);
    return builder.build();
  }

  @Override
  String baseUrl(MockWebServer server) {
    return server.url("/v1").toString();
  }

  @Override
  String path() {
    return "/v1/chat/completions";
  }

  @Override
  String requestIdHeader() {
    return "x-request-id";
  }

  /** A chat.completion object as the API reference shows it. */
  static String completion(String message, String finishReason, String usage) {
    return """
        {
          "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
          "object": "chat.completion",
          "created": 1741569952,
          "model": "gpt-4.1-2025-04-14",
          "choices": [
            {
              "index": 0,
              "message": %s,
              "logprobs": null,
              "finish_reason": "%s"
            }
          ],
          "usage": %s,
          "service_tier": "default"
        }
        """
        .formatted(message, finishReason, usage);
  }

  static String usage(int prompt, int completion, int cached, int reasoning) {
    return """
        {
          "prompt_tokens": %d,
          "completion_tokens": %d,
          "total_tokens": %d,
          "prompt_tokens_details": {"cached_tokens": %d, "audio_tokens": 0},
          "completion_tokens_details": {
            "reasoning_tokens": %d,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
          }
        }
        """
        .formatted(prompt, completion, prompt + completion, cached, reasoning);
  }

  static String textMessage(String text) {
    return """
        {"role": "assistant", "content": %s, "refusal": null, "annotations": []}"""
        .formatted(Json.write(text));
  }

  static String toolMessage(String id, String name, String arguments) {
    return """
        {
          "role": "assistant",
          "content": null,
          "tool_calls": [
            {"id": "%s", "type": "function", "function": {"name": "%s", "arguments": %s}}
          ],
          "refusal": null,
          "annotations": []
        }"""
        .formatted(id, name, Json.write(arguments));
  }

  @Override
  String textAnswer(String text) {
    return completion(textMessage(text), "stop", usage(25, 12, 5, 4));
  }

  @Override
  TokenUsage textAnswerUsage() {
    return new TokenUsage(25, 12, 5, 4);
  }

  @Override
  String toolCallAnswer(String id, String name, String arguments) {
    return completion(toolMessage(id, name, arguments), "tool_calls", usage(80, 20, 0, 0));
  }

  @Override
  String truncatedTextAnswer(String text) {
    return completion(textMessage(text), "length", usage(25, 256, 0, 0));
  }

  @Override
  String truncatedToolCallAnswer(String name) {
    return completion(
        toolMessage("call_1", name, truncatedArguments()), "length", usage(80, 256, 0, 0));
  }

  @Override
  String truncatedArguments() {
    return "{\"is_bug\": false, \"summary\": \"The run pri";
  }

  @Override
  String errorBody(String type, @Nullable String code, String message) {
    return """
        {
          "error": {
            "message": %s,
            "type": "%s",
            "param": null,
            "code": %s
          }
        }
        """
        .formatted(Json.write(message), type, code == null ? "null" : "\"" + code + "\"");
  }

  @Override
  ErrorFixture fixture(Failure failure) {
    switch (failure) {
      case AUTHENTICATION:
        return new ErrorFixture(
            401,
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect API key provided: sk-test-****************************b1a0. You can find"
                + " your API key at https://platform.openai.com/account/api-keys.");
      case PERMISSION:
        return new ErrorFixture(
            403,
            "request_forbidden",
            "unsupported_country_region_territory",
            "Country, region, or territory not supported");
      case BAD_REQUEST:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            "invalid_type",
            "Invalid type for 'messages[0].content': expected one of a string or array of"
                + " objects, but got an integer instead.");
      case MODEL_NOT_FOUND:
        return new ErrorFixture(
            404,
            "invalid_request_error",
            "model_not_found",
            "The model `gpt-9` does not exist or you do not have access to it.");
      case CONTEXT_LENGTH:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            "context_length_exceeded",
            "This model's maximum context length is 128000 tokens. However, your messages"
                + " resulted in 130412 tokens. Please reduce the length of the messages.");
      case UNSUPPORTED_PARAMETER:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            "unsupported_parameter",
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
                + " 'max_completion_tokens' instead.");
      case TOOLS_UNSUPPORTED: // Ollama's OpenAI-compatible route
        return new ErrorFixture(
            400, "api_error", null, "registry.ollama.ai/library/gemma3:4b does not support tools");
      case QUOTA:
        return new ErrorFixture(
            429,
            "insufficient_quota",
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details. For"
                + " more information on this error, read the docs:"
                + " https://platform.openai.com/docs/guides/error-codes/api-errors.");
      case RATE_LIMIT:
        return new ErrorFixture(
            429,
            "tokens",
            "rate_limit_exceeded",
            "Rate limit reached for gpt-4.1 in organization org-abc on tokens per min (TPM):"
                + " Limit 30000, Used 29500, Requested 1200. Please try again in 1.4s.");
      case SERVER_ERROR:
        return new ErrorFixture(
            500,
            "server_error",
            null,
            "The server had an error while processing your request. Sorry about that!");
      default:
        return new ErrorFixture(
            503,
            "server_error",
            null,
            "The engine is currently overloaded, please try again later.");
    }
  }

  @Override
  String minimalRequestBody() {
    return """
        {
          "model": "test-model",
          "messages": [
            {"role": "system", "content": "You write Python."},
            {"role": "user", "content": "Print 1."}
          ]
        }
        """;
  }

  @Override
  String fullRequestBody() {
    return """
        {
          "model": "test-model",
          "messages": [
            {"role": "system", "content": "You review runs."},
            {"role": "user", "content": "Review this."}
          ],
          "temperature": 0.3,
          "max_tokens": 256,
          "tools": [
            {
              "type": "function",
              "function": {
                "name": "submit_review",
                "description": "Submit the review.",
                "parameters": {
                  "type": "object",
                  "properties": {"is_bug": {"type": "boolean"}},
                  "required": ["is_bug"]
                }
              }
            }
          ],
          "tool_choice": {"type": "function", "function": {"name": "submit_review"}}
        }
        """;
  }

  @Override
  void assertAuthenticated(RecordedRequest request) {
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + SECRET);
  }

  @Override
  String answerWithoutContent() {
    return "{\"id\": \"x\", \"object\": \"chat.completion\", \"choices\": []}";
  }

  @Override
  String refusalAnswer(String reason) {
    return completion(
        """
        {"role": "assistant", "content": null, "refusal": %s, "annotations": []}"""
            .formatted(Json.write(reason)),
        "stop",
        usage(20, 8, 0, 0));
  }

  @Override
  long contextSizeInFixture() {
    return 128000;
  }

  // ---- streamed answers: chat.completion.chunk events as the API reference shows them ----

  /** One chunk event; {@code choices} is a JSON array, {@code usage} a JSON object or null. */
  static String chunk(String choices, String usage) {
    return "data: {\"id\":\"chatcmpl-C3x9Tq\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1741569952,\"model\":\"gpt-4.1-2025-04-14\",\"service_tier\":\"default\","
        + "\"system_fingerprint\":\"fp_b3f1157249\",\"choices\":"
        + choices
        + ",\"usage\":"
        + usage
        + ",\"obfuscation\":\"V3dqYw\"}\n\n";
  }

  static String delta(String delta, @Nullable String finishReason) {
    return "[{\"index\":0,\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"")
        + "}]";
  }

  static String usageChunk() {
    return chunk("[]", usage(25, 12, 5, 4).replaceAll("\\s+", ""));
  }

  @Override
  String streamFields() {
    return "{\"stream\": true, \"stream_options\": {\"include_usage\": true}}";
  }

  String textChunks(List<String> pieces) {
    StringBuilder body = new StringBuilder();
    body.append(
        chunk(delta("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null), "null"));
    for (String piece : pieces) {
      body.append(chunk(delta("{\"content\":" + Json.write(piece) + "}", null), "null"));
    }
    body.append(chunk(delta("{}", "stop"), "null"));
    return body.toString();
  }

  @Override
  String textStream(List<String> pieces) {
    return textChunks(pieces) + usageChunk() + "data: [DONE]\n\n";
  }

  @Override
  String streamWithoutItsEnd(List<String> pieces) {
    return textChunks(pieces) + usageChunk();
  }

  @Override
  String streamEnd() {
    return "data: [DONE]";
  }

  static String callFragment(
      int index, @Nullable String id, @Nullable String name, String arguments) {
    String head = id == null ? "" : "\"id\":\"" + id + "\",\"type\":\"function\",";
    String function =
        (name == null ? "" : "\"name\":\"" + name + "\",")
            + "\"arguments\":"
            + Json.write(arguments);
    return "{\"tool_calls\":[{\"index\":"
        + index
        + ","
        + head
        + "\"function\":{"
        + function
        + "}}]}";
  }

  @Override
  String toolCallsStream() {
    // the fragments of the two calls interleave, as parallel calls may
    return chunk(
            delta(
                "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                    + "\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\",\"function\":"
                    + "{\"name\":\"submit_review\",\"arguments\":\"\"}}],\"refusal\":null}",
                null),
            "null")
        + chunk(delta(callFragment(0, null, null, "{\"is_bug\":"), null), "null")
        + chunk(
            delta(
                callFragment(1, "call_ABTnr1fr4mRBe4B3LPAkgYJY", "set_metric_direction", ""), null),
            "null")
        + chunk(delta(callFragment(0, null, null, "false,\"summary\""), null), "null")
        + chunk(delta(callFragment(1, null, null, "{\"lower_is_better\":true}"), null), "null")
        + chunk(delta(callFragment(0, null, null, ":\"ok\"}"), null), "null")
        + chunk(delta("{}", "tool_calls"), "null")
        + usageChunk()
        + "data: [DONE]\n\n";
  }

  @Override
  String streamedCallId(int n) {
    return n == 1 ? "call_DdmO9pD3xa9XTPNJ32zg2hcA" : "call_ABTnr1fr4mRBe4B3LPAkgYJY";
  }

  /** An error as OpenRouter sends it once the stream has begun: a chunk with an error object. */
  static String openRouterErrorChunk(String code, String message) {
    return "data: {\"id\":\"gen-1761234567-abc\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1761234567,\"model\":\"openai/gpt-4.1\",\"provider\":\"OpenAI\","
        + "\"error\":{\"code\":"
        + code
        + ",\"message\":"
        + Json.write(message)
        + "},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
  }

  @Override
  String errorMidStream() {
    return ": OPENROUTER PROCESSING\n\n"
        + chunk(delta("{\"role\":\"assistant\",\"content\":\"import\"}", null), "null")
        + openRouterErrorChunk("\"server_error\"", "Provider disconnected unexpectedly");
  }

  @Override
  String errorMidStreamMessage() {
    return "Provider disconnected unexpectedly";
  }

  @Override
  String requestErrorMidStream() {
    return chunk(delta("{\"role\":\"assistant\",\"content\":\"import\"}", null), "null")
        + openRouterErrorChunk("400", "Invalid request: tool_choice is not supported");
  }

  // ---- particular to OpenAI ----

  @Test
  void reportsAPromptOpenRoutersModerationFlaggedAsFilteredNotAsBadCredentials() {
    server.enqueue(
        json(
            403,
            """
            {"error": {"code": 403,
                       "message": "openai/gpt-4o requires moderation on OpenAI. Your input was flagged for \\"harassment\\".",
                       "metadata": {"reasons": ["harassment"], "flagged_input": "you are all idiots...",
                                    "provider_name": "OpenAI", "model_slug": "openai/gpt-4o"}}}
            """));
    server.enqueue(ok(textAnswer("never read")));

    ContentFilteredException e = catchThrowableOfType(ContentFilteredException.class, this::chat);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.CONTENT_FILTERED);
    assertThat(e.endsRun()).isFalse();
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.reasons()).containsExactly("harassment");
    assertThat(e.flaggedInput()).isEqualTo("you are all idiots...");
    assertThat(e.getMessage())
        .contains("moderation flagged the prompt for harassment")
        .contains("you are all idiots...");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void recognisesToolsRejectedByEachKindOfServer() {
    server.enqueue( // vLLM started without --enable-auto-tool-choice
        json(
            400,
            """
            {"object": "error", "message": "\\"auto\\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set",
             "type": "BadRequestError", "param": null, "code": 400}
            """));
    server.enqueue( // llama.cpp's server without --jinja answers 500
        json(
            500,
            """
            {"error": {"code": 500, "message": "tools param requires --jinja flag", "type": "server_error"}}
            """));
    server.enqueue( // OpenRouter when no provider of the model takes tools
        json(
            404,
            """
            {"error": {"message": "No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing", "code": 404}}
            """));
    server.enqueue( // Ollama's native error shape
        json(400, "{\"error\": \"llama3 does not support tools\"}"));
    server.enqueue( // Groq and others
        json(
            400,
            errorBody(
                "invalid_request_error", null, "Function calling is not enabled for this model")));

    for (int i = 0; i < 5; i++) {
      UnsupportedParameterException e =
          catchThrowableOfType(UnsupportedParameterException.class, () -> chat(fullRequest()));
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(LlmException.Kind.TOOLS_UNSUPPORTED);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage()).contains("does not accept tools");
    }
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void sendsAResponseFormatAsAStrictJsonSchema() throws Exception {
    server.enqueue(ok(textAnswer("{\"is_bug\": false}")));

    ChatResponse response = chat(formatRequest());

    assertThat(response.text()).isEqualTo("{\"is_bug\": false}");
    Map<String, Object> body = Json.object(received());
    assertThat(body)
        .containsEntry(
            "response_format",
            Map.of(
                "type",
                "json_schema",
                "json_schema",
                Map.of(
                    "name",
                    "submit_review",
                    "schema",
                    Json.object(parse(Json.write(reviewFormat().schema()))),
                    "strict",
                    true)))
        .doesNotContainKeys("tools", "tool_choice");
    assertThat(Json.object(received(minimalRequest()))).doesNotContainKey("response_format");
  }

  /** Sends {@code request} to a fresh answer and returns what the server received. */
  private Object received(ChatRequest request) throws Exception {
    server.enqueue(ok(textAnswer("x")));
    chat(request);
    return received();
  }

  @Test
  void recognisesAResponseFormatRejectedByEachKindOfServer() {
    server.enqueue( // OpenAI, for a model without structured outputs
        json(
            400,
            """
            {"error": {"message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
                       "type": "invalid_request_error", "param": "response_format", "code": null}}
            """));
    server.enqueue( // LM Studio before json_schema
        json(400, "{\"error\": \"'response_format.type' must be 'json_object' or 'text'\"}"));
    server.enqueue( // a server that names the schema type
        json(
            400,
            errorBody(
                "invalid_request_error", null, "json_schema is not supported by this model")));
    server.enqueue( // a 422 from a server that validates the request
        json(
            422,
            errorBody(
                "invalid_request_error", null, "Structured output: response format not allowed")));

    for (int i = 0; i < 4; i++) {
      UnsupportedParameterException e =
          catchThrowableOfType(UnsupportedParameterException.class, () -> chat(formatRequest()));
      assertThat(e.kind())
          .as(e.getMessage())
          .isEqualTo(LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.endsRun()).isFalse();
      assertThat(e.getMessage())
          .contains("does not accept the response format")
          .doesNotContain(SECRET);
    }
    assertThat(server.getRequestCount()).isEqualTo(4); // none retried
  }

  @Test
  void pointsAt404sThatAreNotAboutTheModelToTheBaseUrl() {
    server.enqueue(json(404, "404 page not found"));

    BadRequestException e = catchThrowableOfType(BadRequestException.class, this::chat);

    assertThat(e).isNotInstanceOf(ModelNotFoundException.class);
    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("Check the base URL");
  }

  @Test
  void takesAnAnswerWithRefusalAndContentAsText() {
    server.enqueue(
        ok(
            completion(
                """
                {"role": "assistant", "content": "print(1)", "refusal": "partly"}""",
                "stop",
                usage(1, 1, 0, 0))));

    assertThat(chat().text()).isEqualTo("print(1)");
  }

  @Test
  void readsAForcedCallThatComesBackWithFinishReasonStop() {
    server.enqueue(
        ok(
            completion(
                toolMessage("call_9", "submit_review", "{\"is_bug\":true}"),
                "stop",
                usage(90, 15, 0, 0))));

    ChatResponse response = chat(fullRequest());

    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.toolCalls())
        .containsExactly(new ToolCall("call_9", "submit_review", "{\"is_bug\":true}"));
    assertThat(response.text()).isEmpty();
  }

  @Test
  void keepsArgumentsThatAreNotJsonAsTheyCame() {
    server.enqueue(
        ok(
            completion(
                toolMessage("call_1", "submit_review", "{is_bug: yes"),
                "stop",
                usage(1, 1, 0, 0))));

    assertThat(chat(fullRequest()).toolCalls().get(0).arguments()).isEqualTo("{is_bug: yes");
  }

  @Test
  void sendsMaxCompletionTokensAndNoTemperatureToReasoningModels() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat(fullRequest().newBuilder().model("o4-mini").tools(List.of()).toolChoice(null).build());

    assertThat(received())
        .isEqualTo(
            streamed(
                """
                {
                  "model": "o4-mini",
                  "messages": [
                    {"role": "system", "content": "You review runs."},
                    {"role": "user", "content": "Review this."}
                  ],
                  "max_completion_tokens": 256
                }
                """));
  }

  @Test
  void dropsTheTemperatureOfEveryRequestToAReasoningModelAndLogsItOncePerModel() throws Exception {
    LlmClient client = client(options());
    // a model name of this test's own, so that the shared log file holds no other line of it
    String model = "o3-sampling-test-" + System.nanoTime();
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok(textAnswer("x")));
      client.chat(
          fullRequest().newBuilder().model(model).tools(List.of()).toolChoice(null).build());
      assertThat(Json.object(received())).doesNotContainKey("temperature");
    }

    String logFile = System.getProperty("org.slf4j.simpleLogger.logFile");
    Assumptions.assumeTrue(
        logFile != null, "needs slf4j-simple writing to a file, as the Maven build sets it up");
    List<String> lines =
        Files.readAllLines(Path.of(logFile), StandardCharsets.UTF_8).stream()
            .filter(line -> line.contains(model))
            .toList();
    assertThat(lines)
        .singleElement()
        .asString()
        .contains("Not sending the temperature (0.3) to " + model + ", a reasoning model");
  }

  @Test
  void recognisesReasoningModelsByName() {
    assertThat(
            List.of(
                "o1", "o1-mini", "o3-2025-04-16", "O4-mini", "gpt-5", "gpt-5-mini", "openai/o3"))
        .allMatch(OpenAiClient::isReasoningModel);
    assertThat(
            List.of(
                "gpt-4.1", "gpt-4o-mini", "llama3.2", "qwen3:8b", "gpt-oss:20b", "deepseek-chat"))
        .noneMatch(OpenAiClient::isReasoningModel);
  }

  @Test
  void letsTheCallerSayWhichModelsAreReasoningModels() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    LlmClient client =
        OpenAiClient.builder()
            .baseUrl(baseUrl(server))
            .reasoningModels(model -> model.equals("my-deployment"))
            .build();

    client.chat(minimalRequest().newBuilder().model("my-deployment").maxOutputTokens(64).build());

    assertThat(Json.object(received()))
        .containsEntry("max_completion_tokens", 64.0)
        .doesNotContainKey("max_tokens");
  }

  @Test
  void sendsAutoAndRequiredToolChoiceAsStrings() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    server.enqueue(ok(textAnswer("x")));
    ChatRequest.Builder request = fullRequest().newBuilder();

    chat(request.toolChoice(ToolChoice.auto()).build());
    chat(request.toolChoice(ToolChoice.required()).build());

    assertThat(Json.object(received())).containsEntry("tool_choice", "auto");
    assertThat(Json.object(received())).containsEntry("tool_choice", "required");
  }

  @Test
  void sendsNoAuthorizationWithoutAKeyAndAddsExtraHeaders() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    OpenAiClient client =
        OpenAiClient.builder()
            .baseUrl(baseUrl(server))
            .header("HTTP-Referer", "https://example.org/aide")
            .build();

    client.chat(minimalRequest());

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("Authorization")).isNull();
    assertThat(request.getHeaders().get("HTTP-Referer")).isEqualTo("https://example.org/aide");
  }

  @Test
  void keepsTheBaseUrlsQueryAndCutsATrailingSlash() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    OpenAiClient client =
        OpenAiClient.builder()
            .baseUrl(server.url("/openai/deployments/gpt/").toString() + "?api-version=2024-10-21")
            .build();

    client.chat(minimalRequest());

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getTarget())
        .isEqualTo("/openai/deployments/gpt/chat/completions?api-version=2024-10-21");
  }

  @Test
  void readsDeepSeeksCacheHitsAsCachedInput() {
    server.enqueue(
        ok(
            completion(
                textMessage("x"),
                "stop",
                """
                {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110,
                 "prompt_cache_hit_tokens": 60, "prompt_cache_miss_tokens": 40}
                """)));

    assertThat(chat().usage()).isEqualTo(new TokenUsage(100, 10, 60, 0));
  }

  @Test
  void readsAnAnswerWithoutUsageAsZeroUsage() {
    server.enqueue(
        ok(
            """
            {"id": "x", "object": "chat.completion", "created": 1, "model": "llama3.2",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"},
                          "finish_reason": "stop"}]}
            """));

    assertThat(chat().usage()).isEqualTo(TokenUsage.ZERO);
  }

  @Test
  void mapsContentFilterAndUnknownReasons() {
    server.enqueue(ok(completion(textMessage(""), "content_filter", usage(1, 0, 0, 0))));
    server.enqueue(ok(completion(textMessage("x"), "eos", usage(1, 1, 0, 0))));

    assertThat(chat().finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(chat().finishReason()).isEqualTo(FinishReason.OTHER);
  }

  @Test
  void reportsAnAnswerWithoutChoicesAsUnreadableAfterRetrying() {
    for (int i = 0; i < 4; i++) server.enqueue(ok(answerWithoutContent()));

    assertThatThrownBy(this::chat)
        .isInstanceOf(UnreadableResponseException.class)
        .hasMessageContaining("no choices")
        .hasMessageContaining("gave up after 4 attempts");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void readsOllamasBareStringError() {
    server.enqueue(
        json(404, "{\"error\": \"model \\\"llama9\\\" not found, try pulling it first\"}"));

    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class, this::chat);

    assertThat(e.providerMessage()).isEqualTo("model \"llama9\" not found, try pulling it first");
    assertThat(e.errorType()).isNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.MODEL_NOT_FOUND);
    assertThat(e.getMessage()).contains("ollama pull test-model");
  }

  @Test
  void readsVllmsFlatErrorWithANumericCode() {
    server.enqueue(
        json(
            400,
            """
            {"object": "error",
             "message": "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
             "type": "BadRequestError", "param": null, "code": 400}
            """));

    ContextLengthExceededException e =
        catchThrowableOfType(ContextLengthExceededException.class, this::chat);

    assertThat(e.errorType()).isEqualTo("BadRequestError");
    assertThat(e.errorCode()).isEqualTo("400");
  }

  @Test
  void readsANestedErrorWithANumericCode() {
    server.enqueue(
        json(
            400,
            """
            {"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it",
                       "type": "exceed_context_size_error", "n_prompt_tokens": 9000, "n_ctx": 8192}}
            """));

    ContextLengthExceededException e =
        catchThrowableOfType(ContextLengthExceededException.class, this::chat);

    assertThat(e.errorCode()).isEqualTo("400");
    assertThat(e.errorType()).isEqualTo("exceed_context_size_error");
    assertThat(e.contextTokens()).isEqualTo(8192);
  }

  @Test
  void readsGooglesErrorInAnArray() {
    server.enqueue(
        json(
            400,
            """
            [{"error": {"code": 400, "message": "Unsupported parameter: frequency_penalty",
                        "status": "INVALID_ARGUMENT"}}]
            """));

    UnsupportedParameterException e =
        catchThrowableOfType(UnsupportedParameterException.class, this::chat);

    assertThat(e.errorType()).isEqualTo("INVALID_ARGUMENT");
    assertThat(e.providerMessage()).isEqualTo("Unsupported parameter: frequency_penalty");
  }

  @Test
  void namesTheParameterAServerRejects() {
    server.enqueue(
        json(
            400,
            """
            {"error": {"message": "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
                       "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}
            """));

    UnsupportedParameterException e =
        catchThrowableOfType(UnsupportedParameterException.class, this::chat);

    assertThat(e.parameter()).isEqualTo("temperature");
  }

  @Test
  void treatsOtherBillingCodesAsAnExhaustedQuota() {
    server.enqueue(
        json(429, errorBody("insufficient_quota", "credit_balance_exhausted", "No credits left.")));
    server.enqueue(
        json(402, "{\"error\": {\"code\": 402, \"message\": \"Insufficient credits\"}}"));

    assertThatThrownBy(this::chat).isInstanceOf(QuotaExhaustedException.class);
    assertThatThrownBy(this::chat).isInstanceOf(QuotaExhaustedException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void namesAServerOtherThanOpenAiByHostAndPort() {
    server.enqueue(error(Failure.BAD_REQUEST));

    BadRequestException e = catchThrowableOfType(BadRequestException.class, this::chat);

    assertThat(e.provider()).isEqualTo(server.getHostName() + ":" + server.getPort());
    assertThat(e.getMessage()).startsWith(e.provider() + " rejected the request (HTTP 400");
  }

  @Test
  void rejectsABaseUrlThatIsNotHttp() {
    assertThatThrownBy(() -> OpenAiClient.builder().baseUrl("ftp://example.org").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://example.org");
  }

  @Test
  void writesUserAndAssistantTurnsInOrder() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat(
        ChatRequest.builder()
            .model("m")
            .addMessage(ChatMessage.user("a"))
            .addMessage(ChatMessage.assistant("b"))
            .addMessage(ChatMessage.user("c"))
            .build());

    assertThat(Json.object(received()).get("messages"))
        .isEqualTo(
            List.of(
                Map.of("role", "user", "content", "a"),
                Map.of("role", "assistant", "content", "b"),
                Map.of("role", "user", "content", "c")));
  }
}
