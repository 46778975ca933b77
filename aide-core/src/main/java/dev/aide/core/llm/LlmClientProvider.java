package dev.aide.core.llm;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes a default {@link LlmClient} from the environment, for {@code Aide.optimize(task)}.
 *
 * <p>Found through {@link java.util.ServiceLoader}: a module registers an implementation in {@code
 * META-INF/services/dev.aide.core.llm.LlmClientProvider}. aide-llm registers one that reads {@code
 * OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY} and similar variables.
 *
 * <p>{@code Aide.Builder.build()} calls it once per configuration; implementations need not be safe
 * for use by several threads at once, but the client they return must be.
 */
public interface LlmClientProvider {
  /**
   * Returns a client and the model to use with it, or empty when {@code environment} holds no
   * configuration for this provider.
   *
   * @param environment the process environment (a copy, in tests)
   */
  Optional<Configured> configure(Map<String, String> environment);

  /**
   * Says in one line what this provider looks for, e.g. "aide-llm: set OPENAI_API_KEY or
   * ANTHROPIC_API_KEY". Shown when no provider finds a configuration.
   */
  String requirements();

  /**
   * A client with the model to use by default.
   *
   * @param client the client
   * @param model the model name for both coder and reviewer
   */
  record Configured(LlmClient client, String model) {
    public Configured {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(model, "model");
    }
  }
}
