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
import dev.aide.core.llm.ResponseFormat;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every HTTP client must show, run against each one on a MockWebServer. A subclass
 * supplies the client and the provider's documented wire format.
 */
abstract class LlmClientContract {
  static final String SECRET = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  final RecordingSleeper sleeper = new RecordingSleeper();

  /** The failures every provider reports, each answered in the provider's own error format. */
  enum Failure {
    AUTHENTICATION,
    PERMISSION,
    BAD_REQUEST,
    MODEL_NOT_FOUND,
    CONTEXT_LENGTH,
    UNSUPPORTED_PARAMETER,
    TOOLS_UNSUPPORTED,
    QUOTA,
    RATE_LIMIT,
    SERVER_ERROR,
    OVERLOADED
  }

  /** A provider's error answer: its status and the fields its body holds. */
  record ErrorFixture(int status, String type, @Nullable String code, String message) {}

  /** Options a test may change; the rest are the client's defaults, the key and the fakes. */
  static final class Options {
    int maxRetries = 3;
    @Nullable Duration readTimeout;
    double random;
    String baseUrl = "";
    @Nullable OkHttpClient okHttpClient;
    @Nullable Boolean stream;
    @Nullable Duration idleTimeout;
    @Nullable StreamListener listener;
  }

  // ---- what a backend supplies ----

  abstract LlmClient client(Options options);

  /** The base URL for this server, as a user would configure it. */
  abstract String baseUrl(MockWebServer server);

  abstract String path();

  abstract String requestIdHeader();

  /** A complete text answer with usage 25 in (5 cached), 12 out (4 of them reasoning). */
  abstract String textAnswer(String text);

  /** {@link #textAnswer}'s usage, normalised. */
  abstract TokenUsage textAnswerUsage();

  abstract String toolCallAnswer(String id, String name, String arguments);

  abstract String truncatedTextAnswer(String text);

  /** An answer cut off inside a tool call's arguments; {@link #truncatedArguments} as received. */
  abstract String truncatedToolCallAnswer(String name);

  abstract String truncatedArguments();

  abstract String errorBody(String type, @Nullable String code, String message);

  abstract ErrorFixture fixture(Failure failure);

  /** The body sent for {@link #minimalRequest}. */
  abstract String minimalRequestBody();

  /** The body sent for {@link #fullRequest}. */
  abstract String fullRequestBody();

  abstract void assertAuthenticated(RecordedRequest request);

  /** A successful answer that lacks the answer itself (no choices, no content). */
  abstract String answerWithoutContent();

  /** An answer in which the model refuses; {@code reason} is quoted where the API carries one. */
  abstract String refusalAnswer(String reason);

  // ---- streamed answers, as the provider documents its server-sent events ----

  /** What a streamed request adds to the body, as a JSON object. */
  abstract String streamFields();

  /**
   * A streamed text answer: {@code pieces} as one text delta each, finish STOP, with {@link
   * #textAnswerUsage} in the provider's last usage event.
   */
  abstract String textStream(List<String> pieces);

  /**
   * A streamed answer with two tool calls whose arguments come in fragments: {@code call_1} /
   * {@code submit_review} with {@code {"is_bug":false,"summary":"ok"}} and {@code call_2} / {@code
   * set_metric_direction} with {@code {"lower_is_better":true}} (ids as the provider spells them,
   * see {@link #streamedCallId}).
   */
  abstract String toolCallsStream();

  /** The id of tool call {@code n} (1 or 2) in {@link #toolCallsStream}. */
  abstract String streamedCallId(int n);

  /** A stream that sends some text and then a retryable error event (a server error, overload). */
  abstract String errorMidStream();

  /** The provider's words in {@link #errorMidStream}'s error. */
  abstract String errorMidStreamMessage();

  /** A stream that sends some text and then an error event about the request (not retryable). */
  abstract String requestErrorMidStream();

  /** {@link #textStream} without its last event ({@code [DONE]}, {@code message_stop}). */
  abstract String streamWithoutItsEnd(List<String> pieces);

  /** How messages name the stream's last event. */
  abstract String streamEnd();

  // ---- helpers ----

  Options options() {
    Options options = new Options();
    options.baseUrl = baseUrl(server);
    return options;
  }

  static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  static ChatRequest minimalRequest() {
    return ChatRequest.builder()
        .model("test-model")
        .addMessage(ChatMessage.system("You write Python."))
        .addMessage(ChatMessage.user("Print 1."))
        .build();
  }

  static ToolDefinition submitReview() {
    return new ToolDefinition(
        "submit_review",
        "Submit the review.",
        Map.of(
            "type", "object",
            "properties", Map.of("is_bug", Map.of("type", "boolean")),
            "required", List.of("is_bug")));
  }

  /** A strict response format as the engine asks for a review without tools. */
  static ResponseFormat reviewFormat() {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", Map.of("is_bug", Map.of("type", "boolean")));
    schema.put("required", List.of("is_bug"));
    schema.put("additionalProperties", false);
    return ResponseFormat.jsonSchema("submit_review", schema, true);
  }

  /** {@link #minimalRequest()} asking for an answer that fits {@link #reviewFormat()}. */
  static ChatRequest formatRequest() {
    return minimalRequest().newBuilder().responseFormat(reviewFormat()).build();
  }

  static ChatRequest fullRequest() {
    return ChatRequest.builder()
        .model("test-model")
        .addMessage(ChatMessage.system("You review runs."))
        .addMessage(ChatMessage.user("Review this."))
        .temperature(0.3)
        .maxOutputTokens(256)
        .tools(List.of(submitReview()))
        .toolChoice(ToolChoice.tool("submit_review"))
        .build();
  }

  MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .addHeader(requestIdHeader(), "req_" + status)
        .body(body)
        .build();
  }

  MockResponse ok(String body) {
    return json(200, body);
  }

  /** A 200 answer of server-sent events. */
  MockResponse events(String body) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "text/event-stream; charset=utf-8")
        .addHeader("Cache-Control", "no-cache")
        .addHeader(requestIdHeader(), "req_stream")
        .body(body)
        .build();
  }

  /** Ends the stalls of {@link StallingBody}, so that no server thread outlives its test. */
  final CountDownLatch testOver = new CountDownLatch(1);

  @AfterEach
  void endStalls() {
    testOver.countDown();
  }

  /**
   * A body that sends its first {@code head} bytes, then nothing until the test ends (at most 5
   * minutes), then the rest: a stream that falls silent in the middle. (MockWebServer's {@code
   * throttleBody} would also throttle the reading of the request.)
   */
  final class StallingBody implements MockResponseBody {
    private final byte[] bytes;
    private final int head;

    StallingBody(String body, int head) {
      this.bytes = body.getBytes(StandardCharsets.UTF_8);
      this.head = head;
    }

    @Override
    public long getContentLength() {
      return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes, 0, head);
      sink.flush();
      try {
        testOver.await(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sink.write(bytes, head, bytes.length - head);
    }
  }

  /** A stream of events that stalls after its first {@code head} bytes. */
  MockResponse stallingEvents(String body, int head) {
    return new MockResponse.Builder(events(body)).body(new StallingBody(body, head)).build();
  }

  /** {@code body} with the fields a streamed request adds. */
  Object streamed(String body) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>(Json.object(parse(body)));
    map.putAll(Json.object(parse(streamFields())));
    return map;
  }

  MockResponse error(Failure failure) {
    ErrorFixture fixture = fixture(failure);
    return json(fixture.status(), errorBody(fixture.type(), fixture.code(), fixture.message()));
  }

  static Object parse(String json) throws IOException {
    return Json.read(json);
  }

  Object received() throws Exception {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).isNotNull();
    assertThat(request.getBody()).isNotNull();
    return parse(request.getBody().utf8());
  }

  ChatResponse chat(ChatRequest request) {
    return client(options()).chat(request);
  }

  ChatResponse chat() {
    return chat(minimalRequest());
  }

  Options withRandom(double random) {
    Options options = options();
    options.random = random;
    return options;
  }

  // ---- answers ----

  @Test
  void readsATextAnswerWithUsageAndRequestId() {
    server.enqueue(ok(textAnswer("print(1)")));

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("print(1)");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.usage()).isEqualTo(textAnswerUsage());
    assertThat(response.requestId()).isEqualTo("req_200");
  }

  @Test
  void normalisesUsageSoThatTotalsCompare() {
    server.enqueue(ok(textAnswer("print(1)")));

    TokenUsage usage = chat().usage();

    assertThat(usage.input()).isEqualTo(25);
    assertThat(usage.cachedInput()).isEqualTo(5);
    assertThat(usage.output()).isEqualTo(12);
    assertThat(usage.total()).isEqualTo(37);
  }

  @Test
  void postsToTheDocumentedPathWithCredentials() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat();

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo(path());
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertAuthenticated(request);
  }

  @Test
  void sendsOnlyWhatTheCallerSetAndAsksForAStream() throws Exception {
    server.enqueue(ok(textAnswer("x")));

    chat(minimalRequest());

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    assertThat(parse(request.getBody().utf8())).isEqualTo(streamed(minimalRequestBody()));
  }

  @Test
  void sendsSamplingLimitAndForcedToolAsDocumented() throws Exception {
    server.enqueue(ok(toolCallAnswer("call_1", "submit_review", "{\"is_bug\": false}")));

    chat(fullRequest());

    assertThat(received()).isEqualTo(streamed(fullRequestBody()));
  }

  @Test
  void sendsNoStreamFieldsAndReadsThePlainAnswerWhenStreamingIsOff() throws Exception {
    server.enqueue(ok(textAnswer("print(1)")));
    Options options = options();
    options.stream = false;

    ChatResponse response = client(options).chat(minimalRequest());

    assertThat(response.text()).isEqualTo("print(1)");
    assertThat(response.usage()).isEqualTo(textAnswerUsage());
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(parse(request.getBody().utf8())).isEqualTo(parse(minimalRequestBody()));
  }

  @Test
  void readsAForcedToolCall() {
    server.enqueue(ok(toolCallAnswer("call_1", "submit_review", "{\"is_bug\":false}")));

    ChatResponse response = chat(fullRequest());

    assertThat(response.toolCalls())
        .containsExactly(new ToolCall("call_1", "submit_review", "{\"is_bug\":false}"));
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void reportsTruncatedTextAsLength() {
    server.enqueue(ok(truncatedTextAnswer("import numpy as")));

    ChatResponse response = chat();

    assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(response.text()).isEqualTo("import numpy as");
  }

  @Test
  void reportsATruncatedToolCallAsLengthAndKeepsItsArgumentsAsReceived() {
    server.enqueue(ok(truncatedToolCallAnswer("submit_review")));

    ChatResponse response = chat(fullRequest());

    assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(response.toolCalls()).hasSize(1);
    assertThat(response.toolCalls().get(0).name()).isEqualTo("submit_review");
    assertThat(response.toolCalls().get(0).arguments()).isEqualTo(truncatedArguments());
  }

  @Test
  void servesConcurrentCallsFromOneInstance() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return ok(textAnswer("print(1)"));
          }
        });
    LlmClient client = client(options());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ChatResponse>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) futures.add(pool.submit(() -> client.chat(minimalRequest())));
      for (Future<ChatResponse> future : futures) {
        assertThat(future.get(10, TimeUnit.SECONDS).text()).isEqualTo("print(1)");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.getRequestCount()).isEqualTo(16);
  }

  // ---- errors ----

  @ParameterizedTest
  @EnumSource(Failure.class)
  void mapsEachProviderErrorToItsType(Failure failure) {
    ErrorFixture fixture = fixture(failure);
    for (int i = 0; i < 4; i++) server.enqueue(error(failure));

    ProviderException e = catchThrowableOfType(ProviderException.class, this::chat);

    assertThat(e).isInstanceOf(expectedType(failure));
    assertThat(e.statusCode()).isEqualTo(fixture.status());
    assertThat(e.errorType()).isEqualTo(fixture.type());
    assertThat(e.errorCode()).isEqualTo(fixture.code());
    assertThat(e.providerMessage()).isEqualTo(fixture.message());
    assertThat(e.requestId()).isEqualTo("req_" + fixture.status());
    assertThat(e.getMessage())
        .contains(String.valueOf(fixture.status()))
        .contains(fixture.message())
        .contains("req_" + fixture.status());
    boolean retryable =
        failure == Failure.RATE_LIMIT
            || failure == Failure.SERVER_ERROR
            || failure == Failure.OVERLOADED;
    boolean endsRun =
        failure == Failure.AUTHENTICATION
            || failure == Failure.PERMISSION
            || failure == Failure.QUOTA;
    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e.endsRun()).isEqualTo(endsRun);
    assertThat(e.kind()).isEqualTo(expectedKind(failure));
    assertThat(server.getRequestCount()).isEqualTo(retryable ? 4 : 1);
  }

  static LlmException.Kind expectedKind(Failure failure) {
    switch (failure) {
      case AUTHENTICATION:
      case PERMISSION:
        return LlmException.Kind.AUTHENTICATION;
      case BAD_REQUEST:
      case UNSUPPORTED_PARAMETER:
        return LlmException.Kind.INVALID_REQUEST;
      case MODEL_NOT_FOUND:
        return LlmException.Kind.MODEL_NOT_FOUND;
      case CONTEXT_LENGTH:
        return LlmException.Kind.CONTEXT_TOO_LONG;
      case TOOLS_UNSUPPORTED:
        return LlmException.Kind.TOOLS_UNSUPPORTED;
      case QUOTA:
        return LlmException.Kind.QUOTA;
      default:
        return LlmException.Kind.TRANSIENT;
    }
  }

  @Test
  void namesTheModelThatWasNotFoundAndHowToFixIt() {
    server.enqueue(error(Failure.MODEL_NOT_FOUND));

    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class, this::chat);

    assertThat(e.model()).isEqualTo("test-model");
    assertThat(e.getMessage())
        .contains("does not know the model 'test-model'")
        .contains("Check the model name")
        .contains("ollama pull test-model");
  }

  @Test
  void saysTheContextSizeTheProviderGave() {
    server.enqueue(error(Failure.CONTEXT_LENGTH));

    ContextLengthExceededException e =
        catchThrowableOfType(ContextLengthExceededException.class, this::chat);

    assertThat(e.contextTokens()).isEqualTo(contextSizeInFixture());
    assertThat(e.getMessage())
        .contains("the model's context of " + contextSizeInFixture() + " tokens")
        .contains("Shorten the prompt");
  }

  /** The context size that {@link Failure#CONTEXT_LENGTH}'s message states. */
  abstract long contextSizeInFixture();

  static Class<? extends ProviderException> expectedType(Failure failure) {
    switch (failure) {
      case AUTHENTICATION:
      case PERMISSION:
        return AuthenticationException.class;
      case BAD_REQUEST:
        return BadRequestException.class;
      case MODEL_NOT_FOUND:
        return ModelNotFoundException.class;
      case CONTEXT_LENGTH:
        return ContextLengthExceededException.class;
      case UNSUPPORTED_PARAMETER:
      case TOOLS_UNSUPPORTED:
        return UnsupportedParameterException.class;
      case QUOTA:
        return QuotaExhaustedException.class;
      case RATE_LIMIT:
        return RateLimitedException.class;
      default:
        return ServerException.class;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Failure.class,
      names = {"AUTHENTICATION", "BAD_REQUEST", "QUOTA"})
  void doesNotRetryWhatCannotSucceed(Failure failure) {
    server.enqueue(error(failure));
    server.enqueue(ok(textAnswer("never read")));

    assertThatThrownBy(this::chat).isInstanceOf(expectedType(failure));

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void reportsATimeoutAfterRetryingIt() {
    MockResponse slow =
        new MockResponse.Builder(ok(textAnswer("late"))).headersDelay(1, TimeUnit.SECONDS).build();
    server.enqueue(slow);
    server.enqueue(slow);
    Options options = options();
    options.stream = false; // a streamed call waits for the idle timeout instead
    options.readTimeout = Duration.ofMillis(100);
    options.maxRetries = 1;

    RequestTimeoutException e =
        catchThrowableOfType(
            RequestTimeoutException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.statusCode()).isZero();
    assertThat(e.getMessage()).contains("gave up after 2 attempts");
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void sendsThroughACopyOfTheUsersOkHttpClient() throws Exception {
    server.enqueue(ok(textAnswer("hi")));
    OkHttpClient users =
        new OkHttpClient.Builder()
            .addInterceptor(
                chain ->
                    chain.proceed(chain.request().newBuilder().header("X-Traced", "yes").build()))
            .readTimeout(Duration.ofSeconds(7))
            .build();
    Options options = options();
    options.okHttpClient = users;

    ChatResponse response = client(options).chat(minimalRequest());

    assertThat(response.text()).isEqualTo("hi");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("X-Traced")).isEqualTo("yes");
    assertAuthenticated(request);
    assertThat(users.readTimeoutMillis()).as("the user's client is not changed").isEqualTo(7_000);
  }

  @Test
  void anInterruptAbandonsACallThatIsWaitingForTheServer() throws Exception {
    // The server takes a minute to answer; the read timeout is ten minutes.
    server.enqueue(
        new MockResponse.Builder(ok(textAnswer("late"))).headersDelay(1, TimeUnit.MINUTES).build());
    LlmClient client = client(options());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                client.chat(minimalRequest());
              } catch (Throwable t) {
                thrown.set(t);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    server.takeRequest(); // the request has reached the server, so the caller is waiting
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(caller.isAlive()).as("the interrupted call still waits for the server").isFalse();
    assertThat(thrown.get())
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("Interrupted while calling");
    assertThat(((LlmException) thrown.get()).isRetryable()).isFalse();
    assertThat(stillInterrupted).as("the interrupt flag is kept for the caller").isTrue();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void reportsAConnectionFailureAfterRetryingIt() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    Options options = options();
    options.baseUrl = baseUrl(closed);
    closed.close();
    options.maxRetries = 2;

    ConnectionFailedException e =
        catchThrowableOfType(
            ConnectionFailedException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.endsRun()).isFalse();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.UNREACHABLE);
    assertThat(e.getMessage())
        .contains("Could not reach")
        .contains("gave up after 3 attempts")
        .contains("Check the base URL and that the server runs");
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void namesTheUnreachableUrlWithoutItsPassword() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    Options options = options();
    options.baseUrl =
        baseUrl(closed).replace("://", "://aide:hunter2-password@") + "?key=query-secret";
    closed.close();
    options.maxRetries = 0;

    ConnectionFailedException e =
        catchThrowableOfType(
            ConnectionFailedException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e.getMessage())
        .contains(closed.getHostName() + ":" + closed.getPort() + path())
        .doesNotContain("hunter2")
        .doesNotContain("query-secret");
  }

  @Test
  void retriesASuccessfulStatusWhoseBodyIsNotJson() {
    server.enqueue(new MockResponse.Builder().code(200).body("<html>Bad gateway</html>").build());
    server.enqueue(ok(textAnswer("print(1)")));

    assertThat(chat().text()).isEqualTo("print(1)");
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void reportsABodyThatStaysNotJsonAsUnreadableAfterRetrying() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body("<html>Bad gateway</html>").build());
    }

    UnreadableResponseException e =
        catchThrowableOfType(UnreadableResponseException.class, this::chat);

    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.UNREADABLE_RESPONSE);
    assertThat(e.getMessage())
        .contains("not JSON")
        .contains("<html>Bad gateway</html>")
        .contains("gave up after 4 attempts");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void retriesASuccessfulStatusWithoutTheAnswer() {
    server.enqueue(ok(answerWithoutContent()));
    server.enqueue(ok(textAnswer("print(1)")));

    assertThat(chat().text()).isEqualTo("print(1)");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void retriesASuccessfulStatusCarryingAServerError() {
    server.enqueue(ok(errorBody("server_error", null, "Upstream model failed")));
    server.enqueue(ok(errorBody("api_error", "502", "Bad gateway upstream")));
    server.enqueue(ok(textAnswer("print(1)")));

    assertThat(chat().text()).isEqualTo("print(1)");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void reportsAServerErrorInASuccessfulStatusAfterRetrying() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(ok(errorBody("server_error", null, "Upstream model failed")));
    }

    ServerException e = catchThrowableOfType(ServerException.class, this::chat);

    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(e.errorType()).isEqualTo("server_error");
    assertThat(e.providerMessage()).isEqualTo("Upstream model failed");
    assertThat(e.requestId()).isEqualTo("req_200");
    assertThat(e.getMessage()).contains("gave up after 4 attempts");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void mapsAClientErrorInASuccessfulStatusLikeItsStatusWithoutRetrying() {
    server.enqueue(ok(errorBody("invalid_request_error", "400", "messages: field required")));
    server.enqueue(ok(textAnswer("never read")));

    BadRequestException e = catchThrowableOfType(BadRequestException.class, this::chat);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void retriesARateLimitInASuccessfulStatus() {
    server.enqueue(ok(errorBody("rate_limit_error", "429", "Slow down")));
    server.enqueue(ok(textAnswer("x")));

    assertThat(chat().text()).isEqualTo("x");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void reportsARefusalWithItsWords() {
    server.enqueue(ok(refusalAnswer("I can't help with that request.")));
    server.enqueue(ok(textAnswer("never read")));

    RefusedException e = catchThrowableOfType(RefusedException.class, this::chat);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.REFUSED);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.endsRun()).isFalse();
    assertThat(e.refusal()).isEqualTo("I can't help with that request.");
    assertThat(e.getMessage())
        .contains("test-model")
        .contains("refused")
        .contains("\"I can't help with that request.\"")
        .contains("req_200");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void sendsAToolSchemaWithItsKeysInTheOrderGiven() throws Exception {
    List<String> keys =
        List.of(
            "zeta", "alpha", "mu", "beta", "omega", "gamma", "kappa", "delta", "iota", "epsilon",
            "theta", "eta");
    Map<String, Object> properties = new LinkedHashMap<>();
    for (String key : keys) properties.put(key, Map.of("type", "string"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", keys);
    server.enqueue(ok(textAnswer("x")));

    chat(
        fullRequest()
            .newBuilder()
            .tools(List.of(new ToolDefinition("submit_review", "Submit.", schema)))
            .build());

    String body = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
    String sent = body.substring(body.indexOf("\"properties\":{"), body.indexOf("\"required\""));
    List<Integer> positions = new ArrayList<>();
    for (String key : keys) positions.add(sent.indexOf("\"" + key + "\":"));
    assertThat(positions).doesNotContain(-1).isSorted();
  }

  // ---- retries ----

  @Test
  void retriesServerErrorsWithExponentialBackoff() {
    for (int i = 0; i < 3; i++) server.enqueue(error(Failure.SERVER_ERROR));
    server.enqueue(ok(textAnswer("print(1)")));

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("print(1)");
    assertThat(sleeper.waits)
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void shortensBackoffByAJitterOfUpToAQuarter() {
    server.enqueue(error(Failure.SERVER_ERROR));
    server.enqueue(ok(textAnswer("x")));

    client(withRandom(0.5)).chat(minimalRequest());

    assertThat(sleeper.waits).containsExactly(Duration.ofNanos(437_500_000));
  }

  @Test
  void capsBackoffAtEightSeconds() {
    Options options = options();
    options.maxRetries = 6;
    for (int i = 0; i < 6; i++) server.enqueue(error(Failure.OVERLOADED));
    server.enqueue(ok(textAnswer("x")));

    client(options).chat(minimalRequest());

    assertThat(sleeper.waits)
        .extracting(Duration::toMillis)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 8000L);
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastFailure() {
    for (int i = 0; i < 4; i++) server.enqueue(error(Failure.OVERLOADED));
    server.enqueue(ok(textAnswer("never read")));

    ServerException e = catchThrowableOfType(ServerException.class, this::chat);

    assertThat(e.getMessage()).contains("gave up after 4 attempts");
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(sleeper.waits).hasSize(3);
  }

  @Test
  void honoursRetryAfterMs() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.RATE_LIMIT))
            .addHeader("retry-after-ms", "1500")
            .build());
    server.enqueue(ok(textAnswer("x")));

    chat();

    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(1500));
  }

  @Test
  void honoursRetryAfterSeconds() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.RATE_LIMIT)).addHeader("retry-after", "2").build());
    server.enqueue(ok(textAnswer("x")));

    chat();

    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void prefersRetryAfterMsToRetryAfter() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.RATE_LIMIT))
            .addHeader("retry-after", "7")
            .addHeader("retry-after-ms", "250")
            .build());
    server.enqueue(ok(textAnswer("x")));

    chat();

    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void honoursRetryAfterAsAnHttpDate() {
    String inFiveSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(NOW.plusSeconds(5), ZoneOffset.UTC));
    server.enqueue(
        new MockResponse.Builder(error(Failure.OVERLOADED))
            .addHeader("retry-after", inFiveSeconds)
            .build());
    server.enqueue(ok(textAnswer("x")));

    chat();

    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void capsRetryAfterAtSixtySeconds() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.RATE_LIMIT))
            .addHeader("retry-after", "120")
            .build());
    server.enqueue(ok(textAnswer("x")));

    chat();

    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(60));
  }

  @Test
  void retriesRequestTimeoutAndConflict() {
    // OkHttp repeats a 408 once by itself unless it asks for a wait; this one asks for 1 s.
    server.enqueue(
        new MockResponse.Builder(json(408, errorBody("timeout_error", null, "Request timed out")))
            .addHeader("retry-after", "1")
            .build());
    server.enqueue(json(409, errorBody("conflict_error", null, "Conflict")));
    server.enqueue(ok(textAnswer("x")));

    assertThat(chat().text()).isEqualTo("x");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void doesNotRetryWhenTheServerSaysXShouldRetryFalse() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.SERVER_ERROR))
            .addHeader("x-should-retry", "false")
            .build());
    server.enqueue(ok(textAnswer("never read")));

    ServerException e = catchThrowableOfType(ServerException.class, this::chat);

    assertThat(e.getMessage()).doesNotContain("gave up");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void retriesWhatItWouldNotWhenTheServerSaysXShouldRetryTrue() {
    server.enqueue(
        new MockResponse.Builder(error(Failure.BAD_REQUEST))
            .addHeader("x-should-retry", "true")
            .build());
    server.enqueue(ok(textAnswer("x")));

    assertThat(chat().text()).isEqualTo("x");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void doesNotRetryWhenRetriesAreOff() {
    Options options = options();
    options.maxRetries = 0;
    server.enqueue(error(Failure.RATE_LIMIT));

    RateLimitedException e =
        catchThrowableOfType(
            RateLimitedException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e.getMessage()).doesNotContain("gave up");
    assertThat(sleeper.waits).isEmpty();
  }

  // ---- secrets ----

  @Test
  void keepsTheApiKeyOutOfMessagesToStringAndLogs() throws Exception {
    server.enqueue(json(500, errorBody("server_error", null, "Failed for key " + SECRET)));
    server.enqueue(json(401, errorBody("authentication_error", null, "Invalid key " + SECRET)));
    LlmClient client = client(options());

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> client.chat(minimalRequest()));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.getMessage()).doesNotContain(SECRET).contains("[redacted]");
    assertThat(e.providerMessage()).doesNotContain(SECRET);
    assertThat(e.toString()).doesNotContain(SECRET);
    assertThat(client.toString()).doesNotContain(SECRET);

    String logFile = System.getProperty("org.slf4j.simpleLogger.logFile");
    Assumptions.assumeTrue(
        logFile != null, "needs slf4j-simple writing to a file, as the Maven build sets it up");
    String log = Files.readString(Path.of(logFile), StandardCharsets.UTF_8);
    assertThat(log).contains("retrying in").contains("[redacted]").doesNotContain(SECRET);
  }

  // ---- streaming ----

  @Test
  void joinsAStreamedTextAnswerWithItsUsageFromTheLastEvent() {
    server.enqueue(events(textStream(List.of("import numpy", " as np\n", "print(1)"))));

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("import numpy as np\nprint(1)");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.usage()).isEqualTo(textAnswerUsage());
    assertThat(response.requestId()).isEqualTo("req_stream");
  }

  @Test
  void joinsTheArgumentFragmentsOfTwoStreamedToolCalls() {
    server.enqueue(events(toolCallsStream()));

    ChatResponse response = chat(fullRequest());

    assertThat(response.toolCalls())
        .containsExactly(
            new ToolCall(
                streamedCallId(1), "submit_review", "{\"is_bug\":false,\"summary\":\"ok\"}"),
            new ToolCall(streamedCallId(2), "set_metric_direction", "{\"lower_is_better\":true}"));
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void retriesAStreamThatFailsWithAnErrorEventAndReturnsTheRetrysAnswer() {
    server.enqueue(events(errorMidStream()));
    server.enqueue(events(textStream(List.of("print(1)"))));

    ChatResponse response = chat();

    assertThat(response.text()).as("nothing of the failed stream is kept").isEqualTo("print(1)");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeper.waits).hasSize(1);
  }

  @Test
  void reportsAnErrorEventAsTheServerErrorItCarriesNotAsATruncatedAnswer() {
    server.enqueue(events(errorMidStream()));
    Options options = options();
    options.maxRetries = 0;

    ServerException e =
        catchThrowableOfType(ServerException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e).isNotNull();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains(errorMidStreamMessage());
  }

  @Test
  void reportsAnErrorEventThatRetryingCannotMendWithoutRetrying() {
    server.enqueue(events(requestErrorMidStream()));
    server.enqueue(events(textStream(List.of("never read"))));

    ProviderException e = catchThrowableOfType(ProviderException.class, this::chat);

    assertThat(e).isNotNull();
    assertThat(e.isRetryable()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void reportsAStreamCutOffBeforeItsEndAsARetryableErrorNotAPartialAnswer() {
    server.enqueue(events(streamWithoutItsEnd(List.of("import numpy", " as"))));
    Options options = options();
    options.maxRetries = 0;

    UnreadableResponseException e =
        catchThrowableOfType(
            UnreadableResponseException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e).isNotNull();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("the event stream ended before " + streamEnd());
  }

  @Test
  void retriesAStreamCutOffBeforeItsEnd() {
    server.enqueue(events(streamWithoutItsEnd(List.of("import numpy", " as"))));
    server.enqueue(events(textStream(List.of("print(1)"))));

    assertThat(chat().text()).isEqualTo("print(1)");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard: the plain read timeout is 10 minutes
  void failsAStreamThatFallsSilentForLongerThanTheIdleTimeout() {
    String body = textStream(List.of("import numpy", " as np"));
    // the server sends the first 40 bytes, then nothing until the test ends
    server.enqueue(stallingEvents(body, 40));
    Options options = options();
    options.idleTimeout = Duration.ofMillis(200);
    options.maxRetries = 0;

    RequestTimeoutException e =
        catchThrowableOfType(
            RequestTimeoutException.class, () -> client(options).chat(minimalRequest()));

    assertThat(e).isNotNull();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage())
        .contains("the stream sent nothing for 200 ms")
        .contains("idleTimeout");
  }

  @Test
  void tellsTheListenerAsTheAnswerGrows() {
    List<Long> heard = new CopyOnWriteArrayList<>();
    List<String> models = new CopyOnWriteArrayList<>();
    server.enqueue(events(textStream(List.of("import numpy", " as np\n", "print(1)"))));
    Options options = options();
    options.listener =
        (model, characters) -> {
          models.add(model);
          heard.add(characters);
        };

    client(options).chat(minimalRequest());

    assertThat(heard).containsExactly(12L, 19L, 27L);
    assertThat(models).containsOnly("test-model");
  }

  @Test
  void tellsTheCallsOwnProgressAsTheAnswerGrows() {
    List<Long> heard = new CopyOnWriteArrayList<>();
    server.enqueue(events(textStream(List.of("import numpy", " as np\n", "print(1)"))));

    ChatResponse response = client(options()).chat(minimalRequest(), heard::add);

    assertThat(response.text()).isEqualTo("import numpy as np\nprint(1)");
    assertThat(heard).containsExactly(12L, 19L, 27L);
  }

  @Test
  void aListenerThatThrowsDoesNotFailTheCall() {
    server.enqueue(events(textStream(List.of("print(1)"))));
    Options options = options();
    options.listener =
        (model, characters) -> {
          throw new IllegalStateException("listener bug");
        };

    assertThat(client(options).chat(minimalRequest()).text()).isEqualTo("print(1)");
  }

  @Test
  void anInterruptAbandonsAStreamAtOnce() throws Exception {
    String body = textStream(List.of("import numpy", " as np"));
    // the events up to the first text come, then the server stalls until the test ends; the
    // idle timeout is 2 minutes
    int upToFirstText = body.indexOf("\n\n", body.indexOf("import numpy")) + 2;
    server.enqueue(stallingEvents(body, upToFirstText));
    CountDownLatch streaming = new CountDownLatch(1);
    Options options = options();
    options.listener = (model, characters) -> streaming.countDown();
    LlmClient client = client(options);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                client.chat(minimalRequest());
              } catch (Throwable t) {
                thrown.set(t);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    assertThat(streaming.await(30, TimeUnit.SECONDS)).as("the first text arrived").isTrue();
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(caller.isAlive()).as("the interrupted call still reads the stream").isFalse();
    assertThat(thrown.get())
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("Interrupted while calling");
    assertThat(stillInterrupted).isTrue();
  }
}
