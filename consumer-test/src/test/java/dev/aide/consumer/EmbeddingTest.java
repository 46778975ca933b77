package dev.aide.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorProvider;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmClientProvider;
import dev.aide.exec.ProcessExecutor;
import dev.aide.llm.OpenAiClient;
import dev.aide.testkit.Answers;
import dev.aide.testkit.FakeOpenAiServer;
import dev.aide.testkit.ScriptedLlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a search the way an application that depends on aide-core, aide-llm and aide-exec through
 * aide-bom does: the real OpenAI-compatible client over HTTP (aide-testkit's fake server on
 * loopback, also through the BOM) and real Python processes. It fails when the BOM lets Maven resolve a classpath our modules cannot run on,
 * such as an okio older than OkHttp needs ({@code NoSuchMethodError: okio.Okio.socket}).
 */
class EmbeddingTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Pattern METRIC = Pattern.compile("metric: ([0-9.]+)");

  @TempDir Path tmp;
  /**
   * The LLM, from aide-testkit: the metric's direction when asked, Python code, then a review with
   * the score the run printed.
   */
  private final ScriptedLlm llm =
      ScriptedLlm.builder()
          .whenDirection(request -> Answers.direction(Direction.MAXIMIZE, "Higher is better."))
          .whenReview(EmbeddingTest::review)
          .otherwise(
              request ->
                  Answers.code(
                      "Take the square root.",
                      "import math\nprint(f\"metric: {math.sqrt(0.25):.3f}\")"))
          .build();

  private FakeOpenAiServer server;

  @BeforeEach
  void startServer() throws Exception {
    // As a directory made with the usual umask is (JUnit makes it rwx------): a root JVM runs
    // programs as nobody, who must reach the run's workspaces.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    server = FakeOpenAiServer.start(llm);
  }

  private static ChatResponse review(ChatRequest request) {
    Matcher metric = METRIC.matcher(ScriptedLlm.lastMessage(request));
    return metric.find()
        ? Answers.goodRun(Double.parseDouble(metric.group(1)), Direction.MAXIMIZE)
        : Answers.buggyRun("No score.");
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private LlmClient client() {
    return OpenAiClient.builder()
        .apiKey("sk-consumer-test")
        .baseUrl(server.baseUrl())
        .build();
  }

  private static Task task() {
    return Task.builder()
        .goal("Print the square root of a quarter, labelled as the score.")
        .evaluation("The number the program prints; higher is better.")
        .build();
  }

  @Test
  void builderFormFromTheReadmeRunsRealPythonThroughTheHttpClient() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3: apt-get install python3");
    LlmClient llmClient = client();
    Executor executor = ProcessExecutor.builder().interpreter("python3", PYTHON.toString()).build();
    List<Object> events = new ArrayList<>();

    Result result =
        Aide.builder()
            .coder(llmClient, "gpt-4.1")
            .reviewer(llmClient, "gpt-4.1-mini")
            .executor(executor)
            .steps(3)
            .seed(7)
            .outputDir(tmp.resolve("run"))
            .listener(events::add)
            .build()
            .run(task());

    assertEquals(StopReason.STEPS_DONE, result.stopReason());
    assertEquals(3, result.journal().size());
    Node best = result.best();
    assertNotNull(best, "no good node: " + failures(result));
    assertEquals(0.5, best.metric().value(), 1e-9);
    assertTrue(best.code().contains("math.sqrt"), best.code());
    assertEquals(3, llm.requests(ScriptedLlm::isCoder).size());
    assertEquals(3, llm.requests(ScriptedLlm::isReview).size());
    assertEquals(1, llm.requests(ScriptedLlm::isDirection).size());
    assertEquals(7, server.requests().size());
    assertFalse(events.isEmpty());
    assertTrue(Files.readString(tmp.resolve("run/best/solution.py")).contains("math.sqrt"));
  }

  @Test
  void serviceLoaderFindsTheExecutorOfAideExecAndTheClientProviderOfAideLlm() {
    assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3: apt-get install python3");
    assertTrue(
        ServiceLoader.load(LlmClientProvider.class).stream()
            .anyMatch(p -> p.type().getName().startsWith("dev.aide.llm.")),
        "aide-llm's LlmClientProvider is not registered");
    assertTrue(
        ServiceLoader.load(ExecutorProvider.class).stream()
            .anyMatch(p -> p.type().getName().startsWith("dev.aide.exec.")),
        "aide-exec's ExecutorProvider is not registered");

    LlmClient llmClient = client();
    Result result =
        Aide.builder()
            .coder(llmClient, "gpt-4.1")
            .reviewer(llmClient, "gpt-4.1-mini")
            .steps(1)
            .outputDir(tmp.resolve("found"))
            .build()
            .run(task());

    Node best = result.best();
    assertNotNull(best, "no good node: " + failures(result));
    assertEquals(0.5, best.metric().value(), 1e-9);
  }

  private static String failures(Result result) {
    StringBuilder s = new StringBuilder();
    for (Node node : result.journal().nodes()) {
      s.append("\n  node ").append(node.id()).append(": ").append(node.failure());
    }
    return s.toString();
  }
}
