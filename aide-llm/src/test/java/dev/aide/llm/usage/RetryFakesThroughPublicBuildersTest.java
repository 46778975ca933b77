package dev.aide.llm.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.LlmClient;
import dev.aide.llm.AnthropicClient;
import dev.aide.llm.OpenAiClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** What a user's own test can do from outside the package: fake the waits and the clock. */
class RetryFakesThroughPublicBuildersTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  static ChatRequest request() {
    return ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build();
  }

  MockResponse busy() {
    return new MockResponse.Builder()
        .code(503)
        .addHeader("retry-after", "Sun, 01 Jun 2025 12:00:30 GMT")
        .body("{\"error\": {\"message\": \"busy\"}}")
        .build();
  }

  @Test
  void openAiClientTakesASleeperAndAClock() {
    server.enqueue(busy());
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"ok\"},"
                    + " \"finish_reason\": \"stop\"}]}")
            .build());
    LlmClient client =
        OpenAiClient.builder()
            .baseUrl(server.url("/v1").toString())
            .sleeper(waits::add)
            .clock(clock)
            .build();

    assertThat(client.chat(request()).text()).isEqualTo("ok");
    assertThat(waits).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void anthropicClientTakesASleeperAndAClock() {
    server.enqueue(busy());
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "{\"content\": [{\"type\": \"text\", \"text\": \"ok\"}],"
                    + " \"stop_reason\": \"end_turn\"}")
            .build());
    LlmClient client =
        AnthropicClient.builder()
            .baseUrl(server.url("/").toString())
            .sleeper(waits::add)
            .clock(clock)
            .build();

    assertThat(client.chat(request()).text()).isEqualTo("ok");
    assertThat(waits).containsExactly(Duration.ofSeconds(30));
  }
}
