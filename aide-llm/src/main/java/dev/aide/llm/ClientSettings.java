package dev.aide.llm;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The settings {@link OpenAiClient.Builder} and {@link AnthropicClient.Builder} share, with their
 * defaults and their checks; each builder holds one and delegates to it. {@link HttpTransport}
 * reads the fields, which only these setters write. Not safe for use by several threads at once.
 */
final class ClientSettings {
  @Nullable String apiKey;
  String baseUrl;
  final Map<String, String> headers = new LinkedHashMap<>();
  Duration connectTimeout = Duration.ofSeconds(30);
  Duration readTimeout = Duration.ofMinutes(10);
  Duration idleTimeout = Duration.ofMinutes(2);
  Duration callTimeout = Duration.ofMinutes(30);
  boolean stream = true;
  @Nullable StreamListener streamListener;
  int maxRetries = 3;
  @Nullable OkHttpClient base;
  Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
  Clock clock = Clock.systemUTC();
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

  ClientSettings(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  void apiKey(String apiKey) {
    Objects.requireNonNull(apiKey, "apiKey");
    if (apiKey.isBlank()) throw new IllegalArgumentException("apiKey must not be blank");
    this.apiKey = apiKey;
  }

  void baseUrl(String baseUrl) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
  }

  void header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Headers.of(name, value); // rejects names and values that are not legal in HTTP
    headers.put(name, value);
  }

  void connectTimeout(Duration timeout) {
    this.connectTimeout = timeout(timeout, "connectTimeout");
  }

  void readTimeout(Duration timeout) {
    this.readTimeout = timeout(timeout, "readTimeout");
  }

  void idleTimeout(Duration timeout) {
    this.idleTimeout = timeout(timeout, "idleTimeout");
  }

  void stream(boolean stream) {
    this.stream = stream;
  }

  void streamListener(StreamListener listener) {
    this.streamListener = Objects.requireNonNull(listener, "listener");
  }

  void callTimeout(Duration timeout) {
    this.callTimeout = timeout(timeout, "callTimeout");
  }

  void maxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    this.maxRetries = maxRetries;
  }

  void okHttpClient(OkHttpClient client) {
    this.base = Objects.requireNonNull(client, "client");
  }

  void sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  void clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The base URL, parsed.
   *
   * @throws IllegalArgumentException if it is not an http or https URL; the message has the API key
   *     and header values cut out
   */
  HttpUrl parsedBaseUrl() {
    HttpUrl url = HttpUrl.parse(baseUrl);
    if (url == null) {
      throw new IllegalArgumentException(
          "baseUrl is not an http or https URL: "
              + new Secrets(apiKey, headers.values()).redact(baseUrl));
    }
    return url;
  }

  private static Duration timeout(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + timeout);
    }
    return timeout;
  }
}
