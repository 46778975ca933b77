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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The contract, and what is particular to Anthropic's Messages API. */
class AnthropicClientTest extends LlmClientContract {

  @Override
  LlmClient client(Options options) {
    AnthropicClient.Builder builder =
        AnthropicClient.builder()
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
    return server.url("/").toString();
  }

  @Override
  String path() {
    return "/v1/messages";
  }

  @Override
  String requestIdHeader() {
    return "request-id";
  }

  /** A Message object as the API reference shows it. */
  static String message(String content, String stopReason, String usage) {
    return """
        {
          "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
          "type": "message",
          "role": "assistant",
          "model": "claude-sonnet-4-5-20250929",
          "content": %s,
          "stop_reason": "%s",
          "stop_sequence": null,
          "usage": %s
        }
        """
        .formatted(content, stopReason, usage);
  }

  static String usage(int input, int cacheCreation, int cacheRead, int output) {
    return """
        {
          "input_tokens": %d,
          "cache_creation_input_tokens": %d,
          "cache_read_input_tokens": %d,
          "output_tokens": %d,
          "service_tier": "standard"
        }
        """
        .formatted(input, cacheCreation, cacheRead, output);
  }

  static String text(String text) {
    return "{\"type\": \"text\", \"text\": " + Json.write(text) + "}";
  }

  static String toolUse(String id, String name, String inputJson) {
    return """
        {"type": "tool_use", "id": "%s", "name": "%s", "input": %s}"""
        .formatted(id, name, inputJson);
  }

  @Override
  String textAnswer(String text) {
    return message("[" + text(text) + "]", "end_turn", usage(12, 8, 5, 12));
  }

  @Override
  TokenUsage textAnswerUsage() {
    return new TokenUsage(25, 12, 5, 0); // the API does not count thinking apart
  }

  @Override
  String toolCallAnswer(String id, String name, String arguments) {
    return message("[" + toolUse(id, name, arguments) + "]", "tool_use", usage(80, 0, 0, 20));
  }

  @Override
  String truncatedTextAnswer(String text) {
    return message("[" + text(text) + "]", "max_tokens", usage(25, 0, 0, 256));
  }

  @Override
  String truncatedToolCallAnswer(String name) {
    return message(
        "[" + toolUse("toolu_01A09q90qw90lq917835lq9", name, "{\"is_bug\": false}") + "]",
        "max_tokens",
        usage(80, 0, 0, 256));
  }

  @Override
  String truncatedArguments() {
    return "{\"is_bug\":false}";
  }

  @Override
  String errorBody(String type, @Nullable String code, String message) {
    return """
        {
          "type": "error",
          "error": {"type": "%s", "message": %s},
          "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"
        }
        """
        .formatted(type, Json.write(message));
  }

  @Override
  ErrorFixture fixture(Failure failure) {
    switch (failure) {
      case AUTHENTICATION:
        return new ErrorFixture(401, "authentication_error", null, "invalid x-api-key");
      case PERMISSION:
        return new ErrorFixture(
            403,
            "permission_error",
            null,
            "Your API key does not have permission to use the specified resource.");
      case BAD_REQUEST:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            null,
            "messages: roles must alternate between \"user\" and \"assistant\", but found multiple"
                + " \"user\" roles in a row");
      case MODEL_NOT_FOUND:
        return new ErrorFixture(404, "not_found_error", null, "model: claude-9");
      case CONTEXT_LENGTH:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            null,
            "prompt is too long: 208563 tokens > 200000 maximum");
      case UNSUPPORTED_PARAMETER:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            null,
            "'claude-3-5-haiku-20241022' does not support thinking.");
      case TOOLS_UNSUPPORTED:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            null,
            "Thinking may not be enabled when tool_choice forces tool use.");
      case QUOTA:
        return new ErrorFixture(
            400,
            "invalid_request_error",
            null,
            "Your credit balance is too low to access the Anthropic API. Please go to Plans &"
                + " Billing to upgrade or purchase credits.");
      case RATE_LIMIT:
        return new ErrorFixture(
            429,
            "rate_limit_error",
            null,
            "Number of request tokens has exceeded your per-minute rate limit"
                + " (https://docs.anthropic.com/en/api/rate-limits); see the response headers for"
                + " current usage. Please reduce the prompt length or the maximum tokens requested,"
                + " or try again later.");
      case SERVER_ERROR:
        return new ErrorFixture(500, "api_error", null, "Internal server error");
      default:
        return new ErrorFixture(529, "overloaded_error", null, "Overloaded");
    }
  }

  @Override
  String minimalRequestBody() {
    return """
        {
          "model": "test-model",
          "max_tokens": 8192,
          "system": "You write Python.",
          "messages": [{"role": "user", "content": "Print 1."}]
        }
        """;
  }

  @Override
  String fullRequestBody() {
    return """
        {
          "model": "test-model",
          "max_tokens": 256,
          "system": "You review runs.",
          "messages": [{"role": "user", "content": "Review this."}],
          "temperature": 0.3,
          "tools": [
            {
              "name": "submit_review",
              "description": "Submit the review.",
              "input_schema": {
                "type": "object",
                "properties": {"is_bug": {"type": "boolean"}},
                "required": ["is_bug"]
              }
            }
          ],
          "tool_choice": {"type": "tool", "name": "submit_review"}
        }
        """;
  }

  @Override
  void assertAuthenticated(RecordedRequest request) {
    assertThat(request.getHeaders().get("x-api-key")).isEqualTo(SECRET);
    assertThat(request.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(request.getHeaders().get("Authorization")).isNull();
  }

  @Override
  String answerWithoutContent() {
    return "{\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\"}";
  }

  @Override
  String refusalAnswer(String reason) {
    return """
        {
          "id": "msg_01",
          "type": "message",
          "role": "assistant",
          "model": "claude-sonnet-4-5-20250929",
          "content": [{"type": "text", "text": "Hello.."}],
          "stop_reason": "refusal",
          "stop_details": {"type": "refusal", "category": "cyber", "explanation": %s},
          "usage": {"input_tokens": 10, "output_tokens": 2}
        }
        """
        .formatted(Json.write(reason));
  }

  @Override
  long contextSizeInFixture() {
    return 200000;
  }

  // ---- streamed answers: the Messages API's server-sent events as its documentation shows them
  // ----

  static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  static String messageStart(int input, int cacheCreation, int cacheRead) {
    return event(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01KvYfLtNPTmbDcrRwh1M2aL\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
            + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"
            + input
            + ",\"cache_creation_input_tokens\":"
            + cacheCreation
            + ",\"cache_read_input_tokens\":"
            + cacheRead
            + ",\"output_tokens\":1,\"service_tier\":\"standard\"}}}");
  }

  static String blockStart(int index, String block) {
    return event(
        "content_block_start",
        "{\"type\":\"content_block_start\",\"index\":"
            + index
            + ",\"content_block\":"
            + block
            + "}");
  }

  static String blockDelta(int index, String delta) {
    return event(
        "content_block_delta",
        "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}");
  }

  static String blockStop(int index) {
    return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  static String messageDelta(String stopReason, int output) {
    return event(
        "message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
            + stopReason
            + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
            + output
            + "}}");
  }

  static final String PING = event("ping", "{\"type\": \"ping\"}");
  static final String MESSAGE_STOP = event("message_stop", "{\"type\":\"message_stop\"}");

  @Override
  String streamFields() {
    return "{\"stream\": true}";
  }

  String textEvents(List<String> pieces) {
    StringBuilder body = new StringBuilder(messageStart(12, 8, 5));
    // a thinking block comes first and is skipped
    body.append(blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"))
        .append(blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Print it.\"}"))
        .append(
            blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9\"}"))
        .append(blockStop(0))
        .append(blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"))
        .append(PING);
    for (String piece : pieces) {
      body.append(blockDelta(1, "{\"type\":\"text_delta\",\"text\":" + Json.write(piece) + "}"));
    }
    body.append(blockStop(1)).append(messageDelta("end_turn", 12));
    return body.toString();
  }

  @Override
  String textStream(List<String> pieces) {
    return textEvents(pieces) + MESSAGE_STOP;
  }

  @Override
  String streamWithoutItsEnd(List<String> pieces) {
    return textEvents(pieces);
  }

  @Override
  String streamEnd() {
    return "message_stop";
  }

  static String json(String partial) {
    return "{\"type\":\"input_json_delta\",\"partial_json\":" + Json.write(partial) + "}";
  }

  @Override
  String toolCallsStream() {
    return messageStart(80, 0, 0)
        + blockStart(
            0,
            "{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                + "\"name\":\"submit_review\",\"input\":{}}")
        + blockDelta(0, json(""))
        + blockDelta(0, json("{\"is_bug\": "))
        + PING
        + blockDelta(0, json("false, \"summ"))
        + blockDelta(0, json("ary\": \"ok\"}"))
        + blockStop(0)
        + blockStart(
            1,
            "{\"type\":\"tool_use\",\"id\":\"toolu_01GhAaDx4iGCG6MUnxDTzGQb\","
                + "\"name\":\"set_metric_direction\",\"input\":{}}")
        + blockDelta(1, json("{\"lower_is_better\""))
        + blockDelta(1, json(": true}"))
        + blockStop(1)
        + messageDelta("tool_use", 45)
        + MESSAGE_STOP;
  }

  @Override
  String streamedCallId(int n) {
    return n == 1 ? "toolu_01T1x1fJ34qAmk2tNTrN7Up6" : "toolu_01GhAaDx4iGCG6MUnxDTzGQb";
  }

  @Override
  String errorMidStream() {
    return messageStart(12, 0, 0)
        + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
        + blockDelta(0, "{\"type\":\"text_delta\",\"text\":\"import\"}")
        + event(
            "error",
            "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}");
  }

  @Override
  String errorMidStreamMessage() {
    return "Overloaded";
  }

  @Override
  String requestErrorMidStream() {
    return messageStart(12, 0, 0)
        + event(
            "error",
            "{\"type\": \"error\", \"error\": {\"type\": \"invalid_request_error\", \"message\":"
                + " \"messages: roles must alternate\"}}");
  }

  // ---- particular to Anthropic ----

  @Test
  void keepsTheInputOfAStreamedToolCallCutOffByMaxTokensAsReceived() {
    server.enqueue(
        events(
            messageStart(80, 0, 0)
                + blockStart(
                    0,
                    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"submit_review\","
                        + "\"input\":{}}")
                + blockDelta(0, json("{\"is_bug\": fal"))
                + blockStop(0)
                + messageDelta("max_tokens", 256)
                + MESSAGE_STOP));

    ChatResponse response = chat(fullRequest());

    assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(response.toolCalls())
        .containsExactly(new ToolCall("toolu_1", "submit_review", "{\"is_bug\": fal"));
  }

  @Test
  void readsAStreamedToolCallWithoutInputDeltasAsItsStartsInput() {
    server.enqueue(
        events(
            messageStart(80, 0, 0)
                + blockStart(
                    0,
                    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"submit_review\","
                        + "\"input\":{}}")
                + blockStop(0)
                + messageDelta("tool_use", 5)
                + MESSAGE_STOP));

    assertThat(chat(fullRequest()).toolCalls())
        .containsExactly(new ToolCall("toolu_1", "submit_review", "{}"));
  }

  @Test
  void leavesOutEmptyTurnsAndJoinsTheUserTurnsThatThenMeet() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat(
        ChatRequest.builder()
            .model("claude-sonnet-4-5")
            .addMessage(ChatMessage.system("You write Python."))
            .addMessage(ChatMessage.user("Write a solution."))
            .addMessage(ChatMessage.assistant(""))
            .addMessage(ChatMessage.user("Your answer had no code. Answer with one code block."))
            .addMessage(ChatMessage.assistant("  \n"))
            .addMessage(ChatMessage.user(""))
            .build());

    assertThat(received())
        .isEqualTo(
            streamed(
                """
                {
                  "model": "claude-sonnet-4-5",
                  "max_tokens": 8192,
                  "system": "You write Python.",
                  "messages": [
                    {"role": "user",
                     "content": "Write a solution.\\n\\nYour answer had no code. Answer with one code block."}
                  ]
                }
                """));
  }

  @Test
  void failsWithoutSendingWhenEveryTurnIsEmpty() {
    LlmException e =
        catchThrowableOfType(
            LlmException.class,
            () ->
                chat(
                    ChatRequest.builder()
                        .model("claude-sonnet-4-5")
                        .addMessage(ChatMessage.system("You write Python."))
                        .addMessage(ChatMessage.user(" "))
                        .build()));

    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("is empty");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void namesTheRefusalsCategory() {
    server.enqueue(
        ok(refusalAnswer("This request was declined because it could enable cyber harm.")));

    RefusedException e = catchThrowableOfType(RefusedException.class, this::chat);

    assertThat(e.getMessage()).contains("stop_reason refusal, category cyber");
  }

  @Test
  void reportsARefusalWithoutDetailsAsRefusedWithoutAReason() {
    server.enqueue(ok(message("[]", "refusal", usage(10, 0, 0, 0))));

    RefusedException e = catchThrowableOfType(RefusedException.class, this::chat);

    assertThat(e.refusal()).isNull();
    assertThat(e.getMessage()).contains("refused to answer").contains("gave no reason");
  }

  @Test
  void sendsAResponseFormatAsAForcedToolAndReadsItsInputAsTheText() throws Exception {
    server.enqueue(
        ok(
            message(
                "[" + toolUse("toolu_01", "submit_review", "{\"is_bug\": true}") + "]",
                "tool_use",
                usage(30, 0, 0, 9))));

    ChatResponse response = chat(formatRequest());

    assertThat(response.text()).isEqualTo("{\"is_bug\":true}");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    Map<String, Object> body = Json.object(received());
    assertThat(body)
        .containsEntry(
            "tools",
            List.of(
                Map.of(
                    "name",
                    "submit_review",
                    "description",
                    "Give the answer as this tool's input.",
                    "input_schema",
                    Json.object(parse(Json.write(reviewFormat().schema()))))))
        .containsEntry("tool_choice", Map.of("type", "tool", "name", "submit_review"))
        .doesNotContainKey("response_format");
  }

  @Test
  void readsAStreamedFormatAnswerFromTheForcedToolsInput() {
    server.enqueue(
        events(
            messageStart(30, 0, 0)
                + blockStart(
                    0,
                    "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"submit_review\","
                        + "\"input\":{}}")
                + blockDelta(0, json("{\"is_bug\": "))
                + blockDelta(0, json("false}"))
                + blockStop(0)
                + messageDelta("tool_use", 9)
                + MESSAGE_STOP));

    ChatResponse response = chat(formatRequest());

    assertThat(response.text()).isEqualTo("{\"is_bug\":false}");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void keepsACutOffFormatAnswerMarkedAsCut() {
    server.enqueue(
        ok(
            message(
                "[" + toolUse("toolu_01", "submit_review", "{\"is_bug\": true}") + "]",
                "max_tokens",
                usage(30, 0, 0, 256))));

    ChatResponse response = chat(formatRequest());

    assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(response.text()).isEqualTo("{\"is_bug\":true}");
  }

  @Test
  void refusesARequestWithBothToolsAndAResponseFormat() {
    ChatRequest both = fullRequest().newBuilder().responseFormat(reviewFormat()).build();

    assertThatThrownBy(() -> chat(both))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both tools and a response format (submit_review)");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void skipsThinkingBlocksWhenReadingText() {
    server.enqueue(
        ok(
            message(
                """
                [
                  {"type": "thinking", "thinking": "The user wants one line.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"},
                  {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kJ6bHiKBn4Hd"},
                  {"type": "text", "text": "print(1)"}
                ]
                """,
                "end_turn",
                usage(10, 0, 0, 300))));

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("print(1)");
    assertThat(response.usage()).isEqualTo(new TokenUsage(10, 300, 0, 0));
  }

  @Test
  void writesAToolUseInputObjectAsArgumentsJson() {
    server.enqueue(
        ok(
            message(
                "["
                    + text("Submitting the review.")
                    + ","
                    + toolUse(
                        "toolu_01A09q90qw90lq917835lq9",
                        "submit_review",
                        """
                        {"is_bug": false, "summary": "Ran fine.", "metric": 0.8125,
                         "lower_is_better": false, "folds": 5, "notes": ["a", null]}""")
                    + "]",
                "tool_use",
                usage(100, 0, 0, 40))));

    ChatResponse response = chat(fullRequest());

    assertThat(response.text()).isEqualTo("Submitting the review.");
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.toolCalls())
        .containsExactly(
            new ToolCall(
                "toolu_01A09q90qw90lq917835lq9",
                "submit_review",
                "{\"is_bug\":false,\"summary\":\"Ran fine.\",\"metric\":0.8125,"
                    + "\"lower_is_better\":false,\"folds\":5,\"notes\":[\"a\",null]}"));
  }

  @Test
  void retriesOverloadedStatus529() {
    server.enqueue(error(Failure.OVERLOADED));
    server.enqueue(ok(textAnswer("x")));

    assertThat(chat().text()).isEqualTo("x");
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void joinsSystemMessagesIntoTheTopLevelSystem() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat(
        ChatRequest.builder()
            .model("claude-sonnet-4-5")
            .addMessage(ChatMessage.system("Be brief."))
            .addMessage(ChatMessage.user("a"))
            .addMessage(ChatMessage.assistant("b"))
            .addMessage(ChatMessage.system("Use Python."))
            .addMessage(ChatMessage.user("c"))
            .build());

    Map<String, Object> body = Json.object(received());
    assertThat(body).containsEntry("system", "Be brief.\n\nUse Python.");
    assertThat(body.get("messages"))
        .isEqualTo(
            List.of(
                Map.of("role", "user", "content", "a"),
                Map.of("role", "assistant", "content", "b"),
                Map.of("role", "user", "content", "c")));
  }

  @Test
  void sendsAnyForRequiredAndAutoForAuto() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    server.enqueue(ok(textAnswer("x")));
    ChatRequest.Builder request = fullRequest().newBuilder();

    chat(request.toolChoice(ToolChoice.required()).build());
    chat(request.toolChoice(ToolChoice.auto()).build());

    assertThat(Json.object(received())).containsEntry("tool_choice", Map.of("type", "any"));
    assertThat(Json.object(received())).containsEntry("tool_choice", Map.of("type", "auto"));
  }

  @Test
  void sendsTheConfiguredDefaultMaxTokensAndExtraHeaders() throws Exception {
    server.enqueue(ok(textAnswer("x")));
    AnthropicClient client =
        AnthropicClient.builder()
            .apiKey(SECRET)
            .baseUrl(baseUrl(server))
            .defaultMaxTokens(1024)
            .header("anthropic-beta", "token-efficient-tools-2025-02-19")
            .build();

    client.chat(minimalRequest());

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("anthropic-beta"))
        .isEqualTo("token-efficient-tools-2025-02-19");
    assertThat(Json.object(parse(request.getBody().utf8()))).containsEntry("max_tokens", 1024.0);
  }

  @Test
  void readsTheRequestIdFromTheErrorBodyWhenNoHeaderCarriesIt() {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .body(errorBody("invalid_request_error", null, "max_tokens: Field required"))
            .build());

    BadRequestException e = catchThrowableOfType(BadRequestException.class, this::chat);

    assertThat(e.requestId()).isEqualTo("req_011CSHoEeqs5C35K2UUqR7Fy");
  }

  @Test
  void treatsBillingErrorsAndTheSpendLimitAsAnExhaustedQuota() {
    server.enqueue(json(402, errorBody("billing_error", null, "Billing issue on the account.")));
    server.enqueue(
        json(
            429,
            """
            {"type": "error",
             "error": {"type": "rate_limit_error",
                       "message": "You have reached your monthly spend limit.",
                       "details": {"error_code": "enforced_spend_limit_reached"}}}
            """));

    assertThatThrownBy(this::chat).isInstanceOf(QuotaExhaustedException.class);
    assertThatThrownBy(this::chat).isInstanceOf(QuotaExhaustedException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void mapsEveryStopReason() {
    String[] reasons = {
      "end_turn", "stop_sequence", "max_tokens", "model_context_window_exceeded", "pause_turn"
    };
    for (String reason : reasons) {
      server.enqueue(ok(message("[" + text("x") + "]", reason, usage(1, 0, 0, 1))));
    }

    assertThat(List.of(reasons))
        .map(reason -> chat().finishReason())
        .containsExactly(
            FinishReason.STOP,
            FinishReason.STOP,
            FinishReason.LENGTH,
            FinishReason.LENGTH,
            FinishReason.OTHER);
  }

  @Test
  void reportsAnAnswerWithoutContentAsUnreadableAfterRetrying() {
    for (int i = 0; i < 4; i++) server.enqueue(ok(answerWithoutContent()));

    assertThatThrownBy(this::chat)
        .isInstanceOf(UnreadableResponseException.class)
        .hasMessageContaining("no content")
        .hasMessageContaining("gave up after 4 attempts");
  }

  @Test
  void retriesAnErrorOfTypeErrorInASuccessfulStatus() {
    server.enqueue(ok(errorBody("overloaded_error", null, "Overloaded")));
    server.enqueue(ok(textAnswer("x")));

    assertThat(chat().text()).isEqualTo("x");
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void callsItselfAnthropicOnlyOnAnthropicsHost() {
    server.enqueue(error(Failure.MODEL_NOT_FOUND));

    BadRequestException e = catchThrowableOfType(BadRequestException.class, this::chat);

    assertThat(e.provider()).isEqualTo(server.getHostName() + ":" + server.getPort());
    assertThat(AnthropicClient.builder().build().toString())
        .isEqualTo("AnthropicClient{https://api.anthropic.com/v1/messages}");
  }
}
