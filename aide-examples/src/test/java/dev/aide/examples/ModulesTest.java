package dev.aide.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.exec.ProcessExecutor;
import dev.aide.llm.OpenAiClient;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** aide-llm and aide-exec export their one API package and provide their services. */
class ModulesTest {
  @Test
  void aideLlm() throws URISyntaxException {
    ModuleDescriptor llm = descriptor(OpenAiClient.class, "dev.aide.llm");

    assertThat(llm.exports()).map(ModuleDescriptor.Exports::source).containsExactly("dev.aide.llm");
    assertThat(llm.provides())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.service()).isEqualTo("dev.aide.core.llm.LlmClientProvider");
              assertThat(p.providers())
                  .containsExactly("dev.aide.llm.EnvironmentLlmClientProvider");
            });
  }

  @Test
  void aideExec() throws URISyntaxException {
    ModuleDescriptor exec = descriptor(ProcessExecutor.class, "dev.aide.exec");

    assertThat(exec.exports())
        .map(ModuleDescriptor.Exports::source)
        .containsExactly("dev.aide.exec");
    assertThat(exec.provides())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.service()).isEqualTo("dev.aide.core.exec.ExecutorProvider");
              assertThat(p.providers()).containsExactly("dev.aide.exec.ProcessExecutorProvider");
            });
  }

  private static ModuleDescriptor descriptor(Class<?> type, String name) throws URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).find(name).orElseThrow().descriptor();
  }
}
