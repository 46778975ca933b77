package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.LlmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret a program prints never reaches the journal, the reviewer's prompt or the reports. */
class RedactionTest {
  private static final String ENV_KEY = "sk-proj-0123456789abcdef";
  private static final String DB_PASSWORD = "hunter2-correct-horse";
  private static final String GIVEN_IN_CODE = "vault-token-7f3a9c";

  @TempDir Path tmp;

  @Test
  void printedSecretsAreRedactedEverywhereTheOutputGoes() throws IOException {
    FakeWorld world = new FakeWorld(List.of("0.50", "bug"), false);
    Executor leaky =
        request -> {
          ExecutionResult clean = FakeWorld.run(request);
          String leak =
              "OPENAI_API_KEY="
                  + ENV_KEY
                  + "\nDATABASE_URL=postgres://app:"
                  + DB_PASSWORD
                  + "@db/prod\ntoken "
                  + GIVEN_IN_CODE
                  + "\n";
          return new ExecutionResult(
              leak + clean.output(),
              0,
              clean.exitCode(),
              clean.duration(),
              false,
              clean.errorType(),
              clean.errorType() == null ? null : "bad key " + ENV_KEY,
              List.of());
        };
    List<ChatRequest> reviews = Collections.synchronizedList(new ArrayList<>());
    LlmClient reviewer = world.reviewer();
    Path out = tmp.resolve("run");

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(
                request -> {
                  reviews.add(request);
                  return reviewer.chat(request);
                },
                "m")
            .executor(leaky)
            .environment(
                Map.of(
                    "OPENAI_API_KEY",
                    ENV_KEY,
                    "DATABASE_URL",
                    "postgres://app:" + DB_PASSWORD + "@db/prod",
                    "HF_HUB_DISABLE_TOKEN",
                    "true"))
            .redact(GIVEN_IN_CODE)
            .steps(2)
            .outputDir(out)
            .build()
            .run(Task.builder().goal("Predict y").evaluation("accuracy").build());

    assertThat(result.journal().nodes()).hasSize(2);
    String everything;
    try (Stream<Path> files = Files.walk(out)) {
      everything =
          files
              .filter(Files::isRegularFile)
              .map(RedactionTest::read)
              .collect(Collectors.joining("\n"));
    }
    everything += reviews.toString();
    for (Node node : result.journal().nodes()) {
      everything += node.execution() == null ? "" : node.execution().toString();
    }
    assertThat(everything)
        .contains("OPENAI_API_KEY=[redacted]")
        .contains("postgres://[redacted]@db/prod")
        .contains("token [redacted]")
        .doesNotContain(ENV_KEY)
        .doesNotContain(DB_PASSWORD)
        .doesNotContain(GIVEN_IN_CODE);
    assertThat(reviews).isNotEmpty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
