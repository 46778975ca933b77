package dev.aide.llm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Both builders check their shared settings alike, with the same messages. */
class BuilderChecksTest {

  @Test
  void rejectsAMissingOrBlankApiKey() {
    both(
        () -> OpenAiClient.builder().apiKey(null),
        () -> AnthropicClient.builder().apiKey(null),
        NullPointerException.class,
        "apiKey");
    both(
        () -> OpenAiClient.builder().apiKey(" "),
        () -> AnthropicClient.builder().apiKey(" "),
        IllegalArgumentException.class,
        "apiKey must not be blank");
  }

  @Test
  void rejectsAMissingBaseUrlAndOneThatIsNotHttpWithoutQuotingTheKey() {
    both(
        () -> OpenAiClient.builder().baseUrl(null),
        () -> AnthropicClient.builder().baseUrl(null),
        NullPointerException.class,
        "baseUrl");
    String key = "sk-secret-1234567890";
    both(
        () -> OpenAiClient.builder().apiKey(key).baseUrl("ftp://" + key).build(),
        () -> AnthropicClient.builder().apiKey(key).baseUrl("ftp://" + key).build(),
        IllegalArgumentException.class,
        "baseUrl is not an http or https URL: ftp://[redacted]");
  }

  @Test
  void rejectsNegativeTimeoutsAndRetries() {
    Duration negative = Duration.ofSeconds(-1);
    both(
        () -> OpenAiClient.builder().connectTimeout(negative),
        () -> AnthropicClient.builder().connectTimeout(negative),
        IllegalArgumentException.class,
        "connectTimeout must not be negative, was PT-1S");
    both(
        () -> OpenAiClient.builder().readTimeout(negative),
        () -> AnthropicClient.builder().readTimeout(negative),
        IllegalArgumentException.class,
        "readTimeout must not be negative, was PT-1S");
    both(
        () -> OpenAiClient.builder().callTimeout(negative),
        () -> AnthropicClient.builder().callTimeout(negative),
        IllegalArgumentException.class,
        "callTimeout must not be negative, was PT-1S");
    both(
        () -> OpenAiClient.builder().callTimeout(null),
        () -> AnthropicClient.builder().callTimeout(null),
        NullPointerException.class,
        "callTimeout");
    both(
        () -> OpenAiClient.builder().idleTimeout(negative),
        () -> AnthropicClient.builder().idleTimeout(negative),
        IllegalArgumentException.class,
        "idleTimeout must not be negative, was PT-1S");
    both(
        () -> OpenAiClient.builder().idleTimeout(null),
        () -> AnthropicClient.builder().idleTimeout(null),
        NullPointerException.class,
        "idleTimeout");
    both(
        () -> OpenAiClient.builder().streamListener(null),
        () -> AnthropicClient.builder().streamListener(null),
        NullPointerException.class,
        "listener");
    both(
        () -> OpenAiClient.builder().maxRetries(-1),
        () -> AnthropicClient.builder().maxRetries(-1),
        IllegalArgumentException.class,
        "maxRetries must be >= 0, was -1");
  }

  @Test
  void rejectsMissingSeamsAndHeaders() {
    both(
        () -> OpenAiClient.builder().okHttpClient(null),
        () -> AnthropicClient.builder().okHttpClient(null),
        NullPointerException.class,
        "client");
    both(
        () -> OpenAiClient.builder().sleeper(null),
        () -> AnthropicClient.builder().sleeper(null),
        NullPointerException.class,
        "sleeper");
    both(
        () -> OpenAiClient.builder().clock(null),
        () -> AnthropicClient.builder().clock(null),
        NullPointerException.class,
        "clock");
    both(
        () -> OpenAiClient.builder().header("X-Name", null),
        () -> AnthropicClient.builder().header("X-Name", null),
        NullPointerException.class,
        "value");
    both(
        () -> OpenAiClient.builder().header("Bad Name", "v"),
        () -> AnthropicClient.builder().header("Bad Name", "v"),
        IllegalArgumentException.class,
        "Unexpected char");
  }

  private static void both(
      ThrowingCallable openAi,
      ThrowingCallable anthropic,
      Class<? extends Throwable> type,
      String message) {
    assertThatThrownBy(openAi).isInstanceOf(type).hasMessageStartingWith(message);
    assertThatThrownBy(anthropic).isInstanceOf(type).hasMessageStartingWith(message);
  }
}
