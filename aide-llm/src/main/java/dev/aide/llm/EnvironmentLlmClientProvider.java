package dev.aide.llm;

import dev.aide.core.llm.LlmClientProvider;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an {@link OpenAiClient} or {@link AnthropicClient} from environment variables; registered
 * through {@link java.util.ServiceLoader} for {@code Aide.optimize(task)}.
 *
 * <p>The variables, and the first rule that applies:
 *
 * <ol>
 *   <li>{@code ANTHROPIC_API_KEY} is set, and {@code OPENAI_API_KEY} is not or {@code AIDE_MODEL}
 *       starts with {@code claude}: an {@link AnthropicClient} at {@code ANTHROPIC_BASE_URL}
 *       (default {@value AnthropicClient#DEFAULT_BASE_URL}), model {@code AIDE_MODEL} or {@value
 *       #DEFAULT_ANTHROPIC_MODEL}.
 *   <li>{@code OPENAI_API_KEY} is set: an {@link OpenAiClient} at {@code OPENAI_BASE_URL} (default
 *       {@value OpenAiClient#DEFAULT_BASE_URL}), model {@code AIDE_MODEL} or {@value
 *       #DEFAULT_OPENAI_MODEL}.
 *   <li>No key is set: an {@link OpenAiClient} without a key at {@code OPENAI_BASE_URL}, or else at
 *       {@value #LOCAL_BASE_URL} (Ollama), if {@code GET /models} there answers within half a
 *       second; model {@code AIDE_MODEL} or else the first model the server lists; its streams may
 *       be idle for {@link #LOCAL_IDLE_TIMEOUT} (a local model reading a long prompt).
 * </ol>
 *
 * <p>{@code AIDE_LLM_IDLE_TIMEOUT} ({@code 600}, {@code 10m}, {@code PT10M}) sets every client's
 * {@code idleTimeout}, the longest a streamed answer may stay silent, for slow servers and
 * reasoning models that think for minutes before their first token.
 *
 * <p>Blank variables count as unset. The probe is the only network call {@link #configure} makes.
 * Safe for use by several threads at once.
 */
public final class EnvironmentLlmClientProvider implements LlmClientProvider {
  /** The model used with OpenAI when {@code AIDE_MODEL} is unset. */
  public static final String DEFAULT_OPENAI_MODEL = "gpt-4.1";

  /** The model used with Anthropic when {@code AIDE_MODEL} is unset. */
  public static final String DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";

  /** Where a local OpenAI-compatible server is looked for when no key is set: Ollama's port. */
  public static final String LOCAL_BASE_URL = "http://localhost:11434/v1";

  private static final Logger log = LoggerFactory.getLogger(EnvironmentLlmClientProvider.class);

  private final String localBaseUrl;
  private final Duration probeTimeout;
  private volatile String lastProbe = "";

  /** Called by {@link java.util.ServiceLoader}. */
  public EnvironmentLlmClientProvider() {
    // A refused connection fails at once; the limit is for a server that accepts and is slow.
    this(LOCAL_BASE_URL, Duration.ofSeconds(3));
  }

  EnvironmentLlmClientProvider(String localBaseUrl, Duration probeTimeout) {
    this.localBaseUrl = localBaseUrl;
    this.probeTimeout = probeTimeout;
  }

  @Override
  public Optional<Configured> configure(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    String model = get(environment, "AIDE_MODEL");
    String openAiKey = get(environment, "OPENAI_API_KEY");
    String anthropicKey = get(environment, "ANTHROPIC_API_KEY");
    Duration idle = idleTimeout(environment);
    boolean wantsClaude = model != null && model.toLowerCase(Locale.ROOT).startsWith("claude");
    if (anthropicKey != null && (openAiKey == null || wantsClaude)) {
      AnthropicClient.Builder builder = AnthropicClient.builder().apiKey(anthropicKey);
      String baseUrl = get(environment, "ANTHROPIC_BASE_URL");
      if (baseUrl != null) builder.baseUrl(baseUrl);
      if (idle != null) builder.idleTimeout(idle);
      return configured(builder.build(), model != null ? model : DEFAULT_ANTHROPIC_MODEL);
    }
    String openAiBaseUrl = get(environment, "OPENAI_BASE_URL");
    if (openAiKey != null) {
      OpenAiClient.Builder builder = OpenAiClient.builder().apiKey(openAiKey);
      if (openAiBaseUrl != null) builder.baseUrl(openAiBaseUrl);
      if (idle != null) builder.idleTimeout(idle);
      return configured(builder.build(), model != null ? model : DEFAULT_OPENAI_MODEL);
    }
    String baseUrl = openAiBaseUrl != null ? openAiBaseUrl : localBaseUrl;
    String found = probe(baseUrl, model);
    if (found == null) return Optional.empty();
    // a local model may read a long prompt for minutes before its first token
    return configured(
        OpenAiClient.builder()
            .baseUrl(baseUrl)
            .idleTimeout(idle != null ? idle : LOCAL_IDLE_TIMEOUT)
            .build(),
        found);
  }

  /** The idle timeout of a local server's stream unless {@code AIDE_LLM_IDLE_TIMEOUT} sets one. */
  static final Duration LOCAL_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /**
   * Reads {@code AIDE_LLM_IDLE_TIMEOUT}: seconds ({@code 600}), a number with a unit ({@code 90s},
   * {@code 10m}, {@code 1h}) or an ISO-8601 duration ({@code PT10M}); null when unset.
   *
   * @throws IllegalArgumentException when it is set to something else, or to zero
   */
  static @Nullable Duration idleTimeout(Map<String, String> environment) {
    String text = get(environment, "AIDE_LLM_IDLE_TIMEOUT");
    if (text == null) return null;
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(t));
      }
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "AIDE_LLM_IDLE_TIMEOUT must be a positive duration such as 600, 10m or PT10M, was "
              + text);
    }
    return d;
  }

  @Override
  public String requirements() {
    return "aide-llm: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) or"
        + " ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL), and AIDE_MODEL to choose the model"
        + " (defaults "
        + DEFAULT_OPENAI_MODEL
        + ", "
        + DEFAULT_ANTHROPIC_MODEL
        + "); neither key was set"
        + (lastProbe.isEmpty() ? "" : ", and " + lastProbe)
        + "; or run a local OpenAI-compatible server such as Ollama at "
        + LOCAL_BASE_URL;
  }

  private Optional<Configured> configured(OpenAiClient client, String model) {
    log.info("Using {} with model {}", client, model);
    return Optional.of(new Configured(client, model));
  }

  private Optional<Configured> configured(AnthropicClient client, String model) {
    log.info("Using {} with model {}", client, model);
    return Optional.of(new Configured(client, model));
  }

  /** Returns the model to use at {@code baseUrl}, or null with the reason in {@link #lastProbe}. */
  private @Nullable String probe(String baseUrl, @Nullable String model) {
    HttpUrl base = HttpUrl.parse(baseUrl);
    if (base == null) {
      lastProbe = "OPENAI_BASE_URL is not an http or https URL";
      return null;
    }
    HttpUrl url = base.newBuilder().addPathSegment("models").build();
    String where = HttpTransport.safe(url);
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(probeTimeout).build();
    try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      if (!response.isSuccessful()) {
        lastProbe = "GET " + where + " answered HTTP " + response.code();
        return null;
      }
      if (model != null) return model;
      String first = firstModel(response.body().string());
      if (first == null) {
        lastProbe =
            "the server at " + where + " lists no models (pull one, e.g. `ollama pull qwen3`)";
      }
      return first;
    } catch (InterruptedIOException e) {
      lastProbe = "nothing answered GET " + where + " within " + probeTimeout.toMillis() + " ms";
      return null;
    } catch (IOException e) {
      lastProbe = "nothing answered GET " + where + " (" + e.getMessage() + ")";
      return null;
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private static @Nullable String firstModel(String body) {
    try {
      for (Object item : Json.list(Json.object(Json.read(body)), "data")) {
        String id = Json.string(Json.object(item), "id");
        if (id != null && !id.isBlank()) return id;
      }
    } catch (IOException e) {
      // not the documented list: no model to pick
    }
    return null;
  }

  private static @Nullable String get(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
