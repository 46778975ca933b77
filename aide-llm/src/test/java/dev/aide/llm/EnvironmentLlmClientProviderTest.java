package dev.aide.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.LlmClientProvider;
import dev.aide.core.llm.LlmClientProvider.Configured;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class EnvironmentLlmClientProviderTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private static final String OLLAMA_MODELS =
      """
      {"object": "list",
       "data": [{"id": "qwen3:8b", "object": "model", "created": 1746000000, "owned_by": "library"},
                {"id": "llama3.2:latest", "object": "model", "created": 1745000000, "owned_by": "library"}]}
      """;

  /**
   * The probe timeout where a probe must succeed: a bound on a hang, never reached by a server that
   * answers, even on a busy machine where a first request in a cold JVM takes a second.
   */
  private static final Duration ANSWERS_IN_TIME = Duration.ofSeconds(30);

  /** A provider whose local probe goes to a port where nothing listens. */
  private static EnvironmentLlmClientProvider withNothingLocal() throws IOException {
    return withNothingLocal(Duration.ofMillis(200));
  }

  private static EnvironmentLlmClientProvider withNothingLocal(Duration probeTimeout)
      throws IOException {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/v1").toString();
    closed.close();
    return new EnvironmentLlmClientProvider(url, probeTimeout);
  }

  private EnvironmentLlmClientProvider withLocalServer() {
    return new EnvironmentLlmClientProvider(server.url("/v1").toString(), ANSWERS_IN_TIME);
  }

  private static ChatRequest hello(String model) {
    return ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi")).build();
  }

  private MockResponse openAiText() {
    return new MockResponse.Builder()
        .body(
            OpenAiClientTest.completion(
                OpenAiClientTest.textMessage("hi"), "stop", OpenAiClientTest.usage(1, 1, 0, 0)))
        .build();
  }

  @Test
  void isFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(LlmClientProvider.class))
        .anyMatch(provider -> provider instanceof EnvironmentLlmClientProvider);
  }

  @Test
  void usesOpenAiWithItsDefaultModelWhenItsKeyIsSet() throws IOException {
    Configured configured =
        withNothingLocal()
            .configure(Map.of("OPENAI_API_KEY", "sk-env-key-0123456789"))
            .orElseThrow();

    assertThat(configured.client()).isInstanceOf(OpenAiClient.class);
    assertThat(configured.client().toString())
        .contains("https://api.openai.com/v1/chat/completions");
    assertThat(configured.model()).isEqualTo("gpt-4.1");
  }

  @Test
  void sendsTheOpenAiKeyToOpenAiBaseUrlWithAideModel() throws Exception {
    server.enqueue(openAiText());
    Configured configured =
        withNothingLocal()
            .configure(
                Map.of(
                    "OPENAI_API_KEY", "sk-env-key-0123456789",
                    "OPENAI_BASE_URL", server.url("/v1").toString(),
                    "AIDE_MODEL", "deepseek-chat"))
            .orElseThrow();

    configured.client().chat(hello(configured.model()));

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-env-key-0123456789");
    assertThat(configured.model()).isEqualTo("deepseek-chat");
  }

  @Test
  void usesAnthropicWhenOnlyItsKeyIsSet() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .body(
                AnthropicClientTest.message(
                    "[" + AnthropicClientTest.text("hi") + "]",
                    "end_turn",
                    AnthropicClientTest.usage(1, 0, 0, 1)))
            .build());
    Configured configured =
        withNothingLocal()
            .configure(
                Map.of(
                    "ANTHROPIC_API_KEY",
                    "sk-ant-env-key-0123456789",
                    "ANTHROPIC_BASE_URL",
                    server.url("/").toString()))
            .orElseThrow();

    configured.client().chat(hello(configured.model()));

    assertThat(configured.client()).isInstanceOf(AnthropicClient.class);
    assertThat(configured.model()).isEqualTo("claude-sonnet-4-5");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/messages");
    assertThat(request.getHeaders().get("x-api-key")).isEqualTo("sk-ant-env-key-0123456789");
  }

  @Test
  void prefersOpenAiWhenBothKeysAreSetUnlessTheModelIsClaude() throws IOException {
    Map<String, String> both =
        Map.of("OPENAI_API_KEY", "sk-a-0123456789", "ANTHROPIC_API_KEY", "sk-ant-0123456789");
    EnvironmentLlmClientProvider provider = withNothingLocal();

    assertThat(provider.configure(both).orElseThrow().client()).isInstanceOf(OpenAiClient.class);
    Map<String, String> claude = new HashMap<>(both);
    claude.put("AIDE_MODEL", "claude-opus-4-1");
    Configured configured = provider.configure(claude).orElseThrow();
    assertThat(configured.client()).isInstanceOf(AnthropicClient.class);
    assertThat(configured.model()).isEqualTo("claude-opus-4-1");
  }

  @Test
  void takesBlankVariablesForUnset() throws IOException {
    assertThat(
            withNothingLocal()
                .configure(
                    Map.of("OPENAI_API_KEY", " ", "ANTHROPIC_API_KEY", "", "AIDE_MODEL", " ")))
        .isEmpty();
  }

  @Test
  void usesALocalServerThatAnswersWhenNoKeyIsSet() throws Exception {
    server.enqueue(new MockResponse.Builder().body(OLLAMA_MODELS).build());
    server.enqueue(openAiText());

    Configured configured = withLocalServer().configure(Map.of()).orElseThrow();
    configured.client().chat(hello(configured.model()));

    assertThat(configured.model()).isEqualTo("qwen3:8b");
    RecordedRequest probe = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(probe.getMethod()).isEqualTo("GET");
    assertThat(probe.getUrl().encodedPath()).isEqualTo("/v1/models");
    RecordedRequest chat = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(chat.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(chat.getHeaders().get("Authorization")).isNull();
  }

  @Test
  void usesAideModelWithALocalServer() {
    server.enqueue(new MockResponse.Builder().body(OLLAMA_MODELS).build());

    assertThat(withLocalServer().configure(Map.of("AIDE_MODEL", "llama3.2:latest")))
        .map(Configured::model)
        .contains("llama3.2:latest");
  }

  @Test
  void probesOpenAiBaseUrlInsteadOfOllamaWhenNoKeyIsSet() throws IOException {
    server.enqueue(new MockResponse.Builder().body(OLLAMA_MODELS).build());

    Optional<Configured> configured =
        withNothingLocal(ANSWERS_IN_TIME)
            .configure(Map.of("OPENAI_BASE_URL", server.url("/v1").toString()));

    assertThat(configured).map(Configured::model).contains("qwen3:8b");
  }

  @Test
  void findsNothingAndSaysInOneLineWhatItTried() throws IOException {
    EnvironmentLlmClientProvider provider = withNothingLocal();

    assertThat(provider.configure(Map.of())).isEmpty();

    assertThat(provider.requirements())
        .doesNotContain("\n")
        .contains("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")
        .contains("AIDE_MODEL")
        .contains("nothing answered GET http://localhost:")
        .containsPattern("/v1/models \\(.*Failed to connect.*\\)")
        .contains("http://localhost:11434/v1");
  }

  @Test
  void findsNothingWhenTheLocalServerListsNoModels() {
    server.enqueue(new MockResponse.Builder().body("{\"object\": \"list\", \"data\": []}").build());
    EnvironmentLlmClientProvider provider = withLocalServer();

    assertThat(provider.configure(Map.of())).isEmpty();
    assertThat(provider.requirements()).contains("lists no models");
  }

  @Test
  void givesUpOnASlowLocalServer() {
    server.enqueue(
        new MockResponse.Builder().body(OLLAMA_MODELS).headersDelay(2, TimeUnit.SECONDS).build());
    EnvironmentLlmClientProvider provider =
        new EnvironmentLlmClientProvider(server.url("/v1").toString(), Duration.ofMillis(100));

    assertThat(provider.configure(Map.of())).isEmpty();
    assertThat(provider.requirements()).contains("within 100 ms");
  }

  @Test
  void readsTheIdleTimeoutOfStreamsFromTheEnvironment() {
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of())).isNull();
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of("AIDE_LLM_IDLE_TIMEOUT", "600")))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of("AIDE_LLM_IDLE_TIMEOUT", "90s")))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of("AIDE_LLM_IDLE_TIMEOUT", "15m")))
        .isEqualTo(Duration.ofMinutes(15));
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of("AIDE_LLM_IDLE_TIMEOUT", "1h")))
        .isEqualTo(Duration.ofHours(1));
    assertThat(EnvironmentLlmClientProvider.idleTimeout(Map.of("AIDE_LLM_IDLE_TIMEOUT", "PT5M")))
        .isEqualTo(Duration.ofMinutes(5));
    for (String bad : new String[] {"soon", "0", "-5s", "10x"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  new EnvironmentLlmClientProvider()
                      .configure(Map.of("OPENAI_API_KEY", "k", "AIDE_LLM_IDLE_TIMEOUT", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("AIDE_LLM_IDLE_TIMEOUT must be a positive duration");
    }
  }
}
