package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorProvider;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmClientProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the default LLM client and executor through ServiceLoader, and the errors on a miss. */
class AideDiscoveryTest {
  @TempDir Path tmp;

  private final ClassLoader original = Thread.currentThread().getContextClassLoader();

  @AfterEach
  void restoreClassLoader() {
    Thread.currentThread().setContextClassLoader(original);
  }

  /** Configured when FAKE_LLM_KEY is set. */
  public static final class KeyedLlmProvider implements LlmClientProvider {
    @Override
    public Optional<Configured> configure(Map<String, String> environment) {
      if (!environment.containsKey("FAKE_LLM_KEY")) return Optional.empty();
      FakeWorld world = new FakeWorld(List.of("0.5"), false);
      LlmClient coder = world.coder();
      LlmClient reviewer = world.reviewer();
      LlmClient both = r -> r.tools().isEmpty() ? coder.chat(r) : reviewer.chat(r);
      return Optional.of(new Configured(both, "fake-model"));
    }

    @Override
    public String requirements() {
      return "fake-llm: set FAKE_LLM_KEY";
    }
  }

  public static final class InMemoryExecutorProvider implements ExecutorProvider {
    @Override
    public Executor create() {
      return FakeWorld::run;
    }
  }

  private void register(String llmProviders, String executorProviders) throws IOException {
    Path services = tmp.resolve("classes/META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(LlmClientProvider.class.getName()), llmProviders);
    Files.writeString(services.resolve(ExecutorProvider.class.getName()), executorProviders);
    URL[] urls = {tmp.resolve("classes").toUri().toURL()};
    Thread.currentThread().setContextClassLoader(new URLClassLoader(urls, original));
  }

  @Test
  void withNoLlmModuleTheErrorSaysWhichModuleToAddAndWhichMethodToCall() throws IOException {
    register("", "");

    assertThatThrownBy(() -> Aide.builder().environment(Map.of()).build())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("dev.aide:aide-llm")
        .hasMessageContaining("Aide.builder().coder(client, model)");
  }

  @Test
  void withNoConfigurationTheErrorListsWhatEachProviderLooksFor() throws IOException {
    register(KeyedLlmProvider.class.getName(), "");

    assertThatThrownBy(() -> Aide.builder().environment(Map.of()).build())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("fake-llm: set FAKE_LLM_KEY")
        .hasMessageContaining("coder(client, model)");
  }

  @Test
  void withNoExecutorModuleTheErrorSaysWhichModuleToAdd() throws IOException {
    register(KeyedLlmProvider.class.getName(), "");

    assertThatThrownBy(() -> Aide.builder().environment(Map.of("FAKE_LLM_KEY", "k")).build())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("dev.aide:aide-exec")
        .hasMessageContaining("executor(executor)");
  }

  @Test
  void explicitClientsNeedNoProviders() throws IOException {
    register("", "");
    FakeWorld world = new FakeWorld(List.of("0.5"), false);

    Aide aide = Aide.builder().coder(world.coder(), "m").executor(world.executor()).build();

    assertThat(aide).isNotNull();
  }

  @Test
  void searchRunsWithTheDiscoveredClientAndExecutor() throws IOException {
    register(KeyedLlmProvider.class.getName(), InMemoryExecutorProvider.class.getName());

    Result result =
        Aide.builder()
            .environment(Map.of("FAKE_LLM_KEY", "k"))
            .steps(2)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(Task.builder().goal("Predict y").build());

    assertThat(result.best().metric().value()).isEqualTo(0.5);
    assertThat(Files.readString(tmp.resolve("run/run.json"))).contains("fake-model");
  }
}
