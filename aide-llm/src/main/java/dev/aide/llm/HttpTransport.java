package dev.aide.llm;

import dev.aide.core.llm.ChatProgress;
import dev.aide.core.llm.LlmException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts JSON to one endpoint of a provider and returns the JSON answer, retrying what can succeed
 * on a second try. Both clients use it; it is safe for use by several threads at once.
 *
 * <p>Retried: connection failures, timeouts, HTTP 408, 409, 429 (a rate limit, not an exhausted
 * quota) and every status from 500 up, and a successful status whose body is no answer (not JSON,
 * an {@code error} object whose code is 429 or from 500 up, or without one; no choices or content),
 * at most {@code maxRetries} times. A response header {@code x-should-retry: true} or {@code false}
 * overrides that choice, as the official SDKs let it. The wait before retry n (from 0) is what the
 * server asks for in {@code retry-after-ms} or {@code retry-after} (seconds or an HTTP date),
 * capped at 60 s; without either it is {@code min(0.5 s * 2^n, 8 s)}, shortened by a random part of
 * up to a quarter so that workers do not retry in step. OkHttp itself, underneath, repeats a
 * request at once when a pooled connection turned out stale, and a 408 once when it asks for no
 * wait.
 *
 * <p>A streamed call (the default; see {@link ClientSettings#stream}) asks for server-sent events
 * and reads them as they come, with the idle timeout as the longest silence (before the headers and
 * between events); an {@link EventStream} of the client's builds from them the JSON object a plain
 * call would have answered, and that is checked and returned as if it had come whole. An event
 * whose data carries an {@code error} object (or is named {@code error}) fails the attempt as that
 * error in a plain successful answer would; so does a stream that ends before its last event, as a
 * retryable unreadable answer. A server that answers a streamed request with plain JSON is read as
 * a plain call.
 */
final class HttpTransport {
  private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /**
   * Runs the calls of every client: threads are made on demand and end after a minute idle. They
   * are daemons, so an idle client never keeps the JVM from exiting.
   */
  private static final ExecutorService DISPATCHER_THREADS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          runnable -> {
            Thread thread = new Thread(runnable, "aide-llm-http");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Says what is missing from a successful answer's JSON (e.g. "no choices"), or null when the
   * answer is usable. Such an answer is a fault of the server and is retried.
   */
  @FunctionalInterface
  interface AnswerCheck {
    @Nullable String problem(Map<String, Object> body);
  }

  /**
   * Builds one attempt's answer from its server-sent events, as the JSON object a plain call would
   * have answered, so that the client reads both alike. One per attempt, used by one thread.
   */
  interface EventStream {
    /**
     * Takes one event whose data is a JSON object without an error.
     *
     * @param name the event's {@code event:} field, or null
     * @return how many characters of text and tool-call arguments it added
     */
    long event(@Nullable String name, Map<String, Object> data);

    /** Takes the data {@code [DONE]}. */
    void done();

    /** Says whether the stream's last event has come; reading stops there. */
    boolean finished();

    /** How messages name the stream's last event, e.g. {@code data: [DONE]}. */
    String last();

    /** Returns the answer the events built, in the shape of a plain call's JSON object. */
    Map<String, Object> answer();
  }

  /** A successful answer: its JSON object and the provider's request id. */
  record Answer(Map<String, Object> body, @Nullable String requestId, int status) {}

  private final OkHttpClient http;
  private final OkHttpClient streaming;
  private final boolean stream;
  private final Duration idleTimeout;
  private final @Nullable StreamListener listener;
  private final String provider;
  private final Headers headers;
  private final Secrets secrets;
  private final int maxRetries;
  private final Sleeper sleeper;
  private final Clock clock;
  private final DoubleSupplier random;

  /**
   * @param provider how messages name the server
   * @param fixedHeaders authentication and version headers; the settings' extra headers override
   *     them
   */
  HttpTransport(ClientSettings settings, String provider, Map<String, String> fixedHeaders) {
    // Calls run on the dispatcher's threads so that the calling thread waits interruptibly (see
    // exchange). The search's workers bound the number of calls; these limits only queue a call
    // beyond 64.
    Dispatcher dispatcher = new Dispatcher(DISPATCHER_THREADS);
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(64);
    OkHttpClient.Builder http;
    if (settings.base != null) {
      http = settings.base.newBuilder(); // shares its pool, interceptors, proxy and TLS
    } else {
      http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES));
    }
    this.http =
        http.connectTimeout(settings.connectTimeout)
            .readTimeout(settings.readTimeout)
            .callTimeout(settings.callTimeout)
            .dispatcher(dispatcher)
            .build();
    // the same pool and dispatcher; only the longest silence differs
    this.streaming = this.http.newBuilder().readTimeout(settings.idleTimeout).build();
    this.stream = settings.stream;
    this.idleTimeout = settings.idleTimeout;
    this.listener = settings.streamListener;
    Headers.Builder all = new Headers.Builder();
    fixedHeaders.forEach(all::set);
    settings.headers.forEach(all::set);
    all.set("Accept", "application/json");
    this.headers = all.build();
    this.provider = provider;
    this.secrets = new Secrets(settings.apiKey, settings.headers.values());
    this.maxRetries = settings.maxRetries;
    this.sleeper = settings.sleeper;
    this.clock = settings.clock;
    this.random = settings.random;
  }

  /** Says whether calls are streamed, so that the client asks for a stream in its body. */
  boolean streams() {
    return stream;
  }

  /** Returns how messages name {@code url}: the provider's name for its own API, else host:port. */
  static String providerName(HttpUrl url, String officialHost, String officialName) {
    if (url.host().equals(officialHost)) return officialName;
    return url.host() + ":" + url.port();
  }

  /** Returns {@code url} without user info or query, which may hold secrets. */
  static String safe(HttpUrl url) {
    return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
  }

  /**
   * Posts {@code body} as JSON to {@code url} and returns the JSON object of the answer.
   *
   * @param check what a successful answer must hold; one that lacks it is retried
   * @param events makes, for each attempt of a streamed call, what builds the answer from the
   *     events; unused when calls are not streamed
   * @param progress hears, besides the client's stream listener, the characters a streamed answer
   *     has received so far
   * @throws ProviderException when no attempt succeeded; the last attempt's failure
   * @throws LlmException when the thread was interrupted
   */
  Answer post(
      HttpUrl url,
      Map<String, Object> body,
      AnswerCheck check,
      Supplier<EventStream> events,
      ChatProgress progress) {
    Request.Builder builder =
        new Request.Builder()
            .url(url)
            .headers(headers)
            .post(RequestBody.create(Json.write(body), JSON));
    if (stream) builder.header("Accept", "text/event-stream");
    Request request = builder.build();
    String where = safe(url);
    String model = Json.string(body, "model");
    StreamRead read =
        stream ? response -> readStream(response, events.get(), model, check, progress) : null;
    for (int attempt = 1; ; attempt++) {
      IntFunction<ProviderException> failure; // of the number of attempts to report
      Duration asked = null;
      Boolean serverSays = null;
      log.debug("{}: POST {} (attempt {} of {})", provider, where, attempt, maxRetries + 1);
      long start = System.nanoTime();
      try {
        Exchange response = exchange(request, read);
        String requestId = requestId(response.headers());
        String text = response.text();
        int status = response.status();
        if (response.streamed() != null) {
          log.debug(
              "{}: HTTP {}, stream read in {} ms [request id {}]",
              provider,
              status,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
              requestId);
          Outcome outcome = response.streamed();
          if (outcome.answer() != null) return outcome.answer();
          failure = Objects.requireNonNull(outcome.fault());
        } else if (status >= 200 && status < 300) {
          log.debug(
              "{}: HTTP {} in {} ms [request id {}]",
              provider,
              status,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
              requestId);
          Outcome outcome = read(status, text, requestId, model, check);
          if (outcome.answer() != null) return outcome.answer();
          failure = Objects.requireNonNull(outcome.fault());
        } else {
          ErrorInfo info = ErrorInfo.parse(text, requestId, secrets);
          failure = attempts -> Errors.forStatus(provider, status, info, model, attempts);
        }
        asked = retryAfter(response.headers());
        serverSays = shouldRetry(response.headers());
      } catch (IOException e) {
        failure = attempts -> Errors.forIoFailure(provider, where, e, secrets, attempts);
      }
      ProviderException first = failure.apply(1);
      boolean retry = serverSays != null ? serverSays : first.isRetryable();
      if (!retry || attempt > maxRetries) throw attempt > 1 ? failure.apply(attempt) : first;
      Duration wait = asked != null ? asked : backoff(attempt - 1);
      log.info(
          "{}; retrying in {} ms (attempt {} of {})",
          first.getMessage(),
          wait.toMillis(),
          attempt + 1,
          maxRetries + 1);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(e);
      }
    }
  }

  /** {@code x-should-retry}: true or false when the server says so, else null. */
  private static @Nullable Boolean shouldRetry(Headers headers) {
    String value = headers.get("x-should-retry");
    if ("true".equalsIgnoreCase(value)) return Boolean.TRUE;
    if ("false".equalsIgnoreCase(value)) return Boolean.FALSE;
    return null;
  }

  /**
   * What came back for one attempt: the status, the headers and the whole body, or, for an event
   * stream, what reading it gave (and an empty text).
   */
  private record Exchange(int status, Headers headers, String text, @Nullable Outcome streamed) {}

  /** Reads a successful answer that is an event stream. */
  @FunctionalInterface
  private interface StreamRead {
    Outcome read(Response response) throws IOException;
  }

  /**
   * Sends {@code request} once and reads the whole answer on one of OkHttp's threads while this
   * thread waits, so that an interrupt abandons the call: OkHttp's own {@code execute()} blocks in
   * a socket read that ignores interrupts, for up to the read timeout.
   *
   * @param stream reads a successful event stream; null for a plain call
   * @throws LlmException when this thread is interrupted; the call is cancelled
   */
  private Exchange exchange(Request request, @Nullable StreamRead stream) throws IOException {
    Call call = (stream != null ? streaming : http).newCall(request);
    CompletableFuture<Exchange> result = new CompletableFuture<>();
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call call, Response response) {
            try (response) {
              if (stream != null && response.isSuccessful() && isEventStream(response.body())) {
                Outcome outcome = stream.read(response);
                result.complete(new Exchange(response.code(), response.headers(), "", outcome));
              } else {
                result.complete(
                    new Exchange(
                        response.code(), response.headers(), response.body().string(), null));
              }
            } catch (IOException | RuntimeException e) {
              result.completeExceptionally(e);
            }
          }

          @Override
          public void onFailure(Call call, IOException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get();
    } catch (InterruptedException e) {
      call.cancel();
      throw interrupted(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) throw (IOException) cause;
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      throw new IOException(cause);
    }
  }

  private static boolean isEventStream(ResponseBody body) {
    MediaType type = body.contentType();
    return type != null && type.type().equals("text") && type.subtype().equals("event-stream");
  }

  /**
   * Reads server-sent events ({@code event:} and {@code data:} lines, an event ended by a blank
   * line, {@code :} comments skipped) into {@code events} until its last event, telling the
   * listener as the answer grows.
   *
   * @throws IOException when reading fails; a silence longer than the idle timeout says so
   */
  private Outcome readStream(
      Response response,
      EventStream events,
      @Nullable String model,
      AnswerCheck check,
      ChatProgress progress)
      throws IOException {
    int status = response.code();
    String requestId = requestId(response.headers());
    BufferedSource source = response.body().source();
    String name = null;
    StringBuilder data = null;
    long characters = 0;
    boolean listenerFailed = false;
    boolean progressFailed = false;
    while (!events.finished()) {
      String line;
      try {
        line = source.readUtf8Line();
      } catch (SocketTimeoutException e) {
        SocketTimeoutException idle =
            new SocketTimeoutException(
                "the stream sent nothing for "
                    + idleTimeout.toMillis()
                    + " ms after "
                    + characters
                    + " characters; idleTimeout is the longest silence allowed");
        idle.initCause(e);
        throw idle;
      }
      if (line != null && !line.isEmpty()) {
        if (line.startsWith(":")) continue; // a comment, e.g. OpenRouter's keep-alive
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        if (field.equals("event")) {
          name = value;
        } else if (field.equals("data")) {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        continue; // id, retry and unknown fields mean nothing here
      }
      if (data != null) {
        String text = data.toString();
        if (text.strip().equals("[DONE]")) {
          events.done();
        } else {
          Object root;
          try {
            root = Json.read(text);
          } catch (IOException e) {
            ErrorInfo info = ErrorInfo.parse(text, requestId, secrets);
            return Outcome.fault(
                attempts ->
                    Errors.unreadable(
                        provider, status, "an event that is not JSON", info, e, true, attempts));
          }
          Map<String, Object> object = Json.object(root);
          if (object == null) {
            ErrorInfo info = ErrorInfo.none(requestId);
            return Outcome.fault(
                attempts ->
                    Errors.unreadable(
                        provider,
                        status,
                        "an event that is not a JSON object",
                        info,
                        null,
                        true,
                        attempts));
          }
          if (object.get("error") != null || "error".equals(name)) {
            ErrorInfo info = ErrorInfo.parse(text, requestId, secrets);
            return Outcome.fault(
                attempts -> Errors.forErrorInAnswer(provider, status, info, model, attempts));
          }
          long added = events.event(name, object);
          characters += added;
          if (added > 0) {
            // each hears on its own: one that throws does not silence the other
            try {
              if (listener != null) listener.received(model == null ? "" : model, characters);
            } catch (RuntimeException e) {
              if (!listenerFailed) log.warn("The stream listener failed; ignored", e);
              listenerFailed = true;
            }
            try {
              progress.received(characters);
            } catch (RuntimeException e) {
              if (!progressFailed) log.warn("The call's progress listener failed; ignored", e);
              progressFailed = true;
            }
          }
        }
      }
      name = null;
      data = null;
      if (line == null) break;
    }
    if (!events.finished()) {
      String what = "the event stream ended before " + events.last();
      ErrorInfo info = ErrorInfo.none(requestId);
      return Outcome.fault(
          attempts -> Errors.unreadable(provider, status, what, info, null, true, attempts));
    }
    Map<String, Object> body = events.answer();
    String problem = check.problem(body);
    if (problem != null) {
      ErrorInfo info = ErrorInfo.none(requestId);
      return Outcome.fault(
          attempts -> Errors.unreadable(provider, status, problem, info, null, true, attempts));
    }
    return new Outcome(new Answer(body, requestId, status), null);
  }

  /**
   * What a successful status brought: the answer, or, when it holds none, a function from the
   * number of attempts to the failure to report.
   */
  private record Outcome(@Nullable Answer answer, @Nullable IntFunction<ProviderException> fault) {
    static Outcome fault(IntFunction<ProviderException> fault) {
      return new Outcome(null, fault);
    }
  }

  private Outcome read(
      int status,
      String text,
      @Nullable String requestId,
      @Nullable String model,
      AnswerCheck check) {
    Object root;
    try {
      root = Json.read(text);
    } catch (IOException e) {
      ErrorInfo info = ErrorInfo.parse(text, requestId, secrets);
      return Outcome.fault(
          attempts -> Errors.unreadable(provider, status, "not JSON", info, e, true, attempts));
    }
    Map<String, Object> body = Json.object(root);
    if (body == null) {
      ErrorInfo info = ErrorInfo.none(requestId);
      return Outcome.fault(
          attempts ->
              Errors.unreadable(provider, status, "not a JSON object", info, null, true, attempts));
    }
    if (body.get("error") != null) {
      ErrorInfo info = ErrorInfo.parse(text, requestId, secrets);
      return Outcome.fault(
          attempts -> Errors.forErrorInAnswer(provider, status, info, model, attempts));
    }
    String problem = check.problem(body);
    if (problem != null) {
      ErrorInfo info = ErrorInfo.none(requestId);
      return Outcome.fault(
          attempts -> Errors.unreadable(provider, status, problem, info, null, true, attempts));
    }
    return new Outcome(new Answer(body, requestId, status), null);
  }

  /** Returns the exception for an answer whose JSON is malformed in a way a retry does not mend. */
  UnreadableResponseException unreadable(Answer answer, String what) {
    return Errors.unreadable(
        provider, answer.status(), what, ErrorInfo.none(answer.requestId()), null, false, 1);
  }

  /** Returns the exception for an answer in which the model declined to answer. */
  RefusedException refused(
      Answer answer, @Nullable String model, @Nullable String refusal, String detail) {
    String text = secrets.redact(refusal == null ? "" : refusal);
    String who = model == null ? "The model" : model;
    String message =
        who
            + " on "
            + provider
            + " refused to answer"
            + detail
            + (text.isBlank() ? " and gave no reason" : ": \"" + text + "\"")
            + (answer.requestId() == null ? "" : " [request id " + answer.requestId() + "]");
    return new RefusedException(
        message,
        text.isBlank() ? null : text,
        answer.status(),
        provider,
        ErrorInfo.none(answer.requestId()));
  }

  private @Nullable Duration retryAfter(Headers headers) {
    Double millis = number(headers.get("retry-after-ms"));
    if (millis != null) return cap(Duration.ofNanos((long) (millis * 1e6)));
    String value = headers.get("retry-after");
    if (value == null) return null;
    Double seconds = number(value);
    if (seconds != null) return cap(Duration.ofNanos((long) (seconds * 1e9)));
    Date date = headers.getDate("retry-after");
    if (date == null) return null;
    return cap(Duration.ofMillis(Math.max(0, date.getTime() - clock.millis())));
  }

  private static @Nullable Double number(@Nullable String text) {
    if (text == null) return null;
    try {
      double value = Double.parseDouble(text.strip());
      return Double.isFinite(value) && value >= 0 ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Duration cap(Duration wait) {
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  /** Returns the wait before retry {@code retry} (from 0) when the server asked for none. */
  private Duration backoff(int retry) {
    long base = INITIAL_BACKOFF.toNanos() << Math.min(retry, 10);
    base = Math.min(base, MAX_BACKOFF.toNanos());
    return Duration.ofNanos((long) (base * (1 - 0.25 * random.getAsDouble())));
  }

  private static @Nullable String requestId(Headers headers) {
    String id = headers.get("x-request-id");
    return id != null ? id : headers.get("request-id");
  }

  private LlmException interrupted(Exception e) {
    Thread.currentThread().interrupt();
    return new LlmException("Interrupted while calling " + provider, e, false, false, 0, null);
  }
}
