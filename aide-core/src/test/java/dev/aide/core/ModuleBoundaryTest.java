package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptor exports the API packages and nothing else, and a consumer on the module
 * path can use the API but not the engine's internals.
 */
class ModuleBoundaryTest {
  static final Set<String> API =
      Set.of(
          "dev.aide.core",
          "dev.aide.core.exec",
          "dev.aide.core.llm",
          "dev.aide.core.score",
          "dev.aide.core.search");

  @Test
  void onlyTheApiPackagesAreExported() throws URISyntaxException {
    ModuleDescriptor module = descriptor();

    assertThat(module.name()).isEqualTo("dev.aide.core");
    assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
    assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(API);
    assertThat(module.packages()).contains("dev.aide.core.internal");
    assertThat(module.opens()).isEmpty();
    assertThat(module.uses())
        .containsExactlyInAnyOrder(
            "dev.aide.core.llm.LlmClientProvider", "dev.aide.core.exec.ExecutorProvider");
  }

  @Test
  void aConsumerModuleSeesTheApiButNotTheInternals(@TempDir Path dir) throws IOException {
    String api =
        "package app; public class Main { public static void main(String[] a) {"
            + " System.out.println(dev.aide.core.Aide.builder()); } }";
    assertThat(compileConsumer(dir.resolve("api"), api)).isEmpty();

    String internal =
        "package app; public class Main { public static void main(String[] a) {"
            + " System.out.println(dev.aide.core.internal.SearchEngine.class); } }";
    assertThat(compileConsumer(dir.resolve("internal"), internal))
        .contains("package dev.aide.core.internal is not visible");
  }

  /** Compiles a module {@code app} that requires dev.aide.core; returns javac's messages. */
  private static String compileConsumer(Path dir, String main) throws IOException {
    Path source = dir.resolve("src");
    Files.createDirectories(source.resolve("app"));
    Files.writeString(source.resolve("module-info.java"), "module app { requires dev.aide.core; }");
    Files.writeString(source.resolve("app/Main.java"), main);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    // The module path: aide-core's classes and the jars they require, from the test class path.
    String modulePath =
        Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(p -> !p.contains("test-classes") && !p.contains("junit"))
            .collect(Collectors.joining(java.io.File.pathSeparator));
    List<String> options =
        List.of("--module-path", modulePath, "-d", dir.resolve("out").toString(), "-proc:none");
    var files =
        javac
            .getStandardFileManager(null, null, null)
            .getJavaFileObjects(
                source.resolve("module-info.java"), source.resolve("app/Main.java"));
    boolean ok = javac.getTask(messages, null, null, options, null, files).call();
    assertThat(ok).as(messages.toString()).isEqualTo(messages.toString().isEmpty());
    return messages.toString();
  }

  private static ModuleDescriptor descriptor() throws URISyntaxException {
    Path classes = Path.of(Aide.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(classes).find("dev.aide.core").orElseThrow().descriptor();
  }
}
