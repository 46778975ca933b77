package dev.aide.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.Aide;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorProvider;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmClientProvider;
import dev.aide.exec.ProcessExecutor;
import dev.aide.llm.OpenAiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a search the way an application that depends on aide-core, aide-llm and aide-exec through
 * aide-bom does: the real OpenAI-compatible client over HTTP (a fake server on loopback) and real
 * Python processes. It fails when the BOM lets Maven resolve a classpath our modules cannot run on,
 * such as an okio older than OkHttp needs ({@code NoSuchMethodError: okio.Okio.socket}).
 */
class EmbeddingTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Pattern METRIC = Pattern.compile("metric: ([0-9.]+)");

  @TempDir Path tmp;
  private final MockWebServer server = new MockWebServer();
  private final FakeOpenAi llm = new FakeOpenAi();

  @BeforeEach
  void startServer() throws Exception {
    // As a directory made with the usual umask is (JUnit makes it rwx------): a root JVM runs
    // programs as nobody, who must reach the run's workspaces.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    server.setDispatcher(llm);
    server.start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private LlmClient client() {
    return OpenAiClient.builder()
        .apiKey("sk-consumer-test")
        .baseUrl(server.url("/v1").toString())
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
    assertEquals(3, llm.coderCalls.get());
    assertEquals(3, llm.reviewerCalls.get());
    assertEquals(1, llm.directionCalls.get());
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

  /**
   * Answers Chat Completions as a scripted LLM: the metric's direction when asked
   * (set_metric_direction), Python code, then a forced submit_review call.
   */
  static final class FakeOpenAi extends Dispatcher {
    final AtomicInteger coderCalls = new AtomicInteger();
    final AtomicInteger reviewerCalls = new AtomicInteger();
    final AtomicInteger directionCalls = new AtomicInteger();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String body = request.getBody() == null ? "" : request.getBody().utf8();
      if (body.contains("\"set_metric_direction\"")) {
        directionCalls.incrementAndGet();
        String arguments = "{\"lower_is_better\": false, \"reason\": \"Higher is better.\"}";
        return ok(
            "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"call_0\","
                + " \"type\": \"function\", \"function\": {\"name\": \"set_metric_direction\","
                + " \"arguments\": "
                + quote(arguments)
                + "}}]}",
            "tool_calls");
      }
      if (body.contains("\"tools\"")) {
        reviewerCalls.incrementAndGet();
        Matcher metric = METRIC.matcher(body);
        String arguments =
            metric.find()
                ? "{\"is_bug\": false, \"summary\": \"Printed the score.\", \"metric\": "
                    + metric.group(1)
                    + ", \"lower_is_better\": false}"
                : "{\"is_bug\": true, \"summary\": \"No score.\", \"metric\": null,"
                    + " \"lower_is_better\": false}";
        String call =
            "{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\":"
                + " \"submit_review\", \"arguments\": "
                + quote(arguments)
                + "}}";
        return ok(
            "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [" + call + "]}",
            "tool_calls");
      }
      coderCalls.incrementAndGet();
      String text =
          "Take the square root.\n\n```python\nimport math\n"
              + "print(f\"metric: {math.sqrt(0.25):.3f}\")\n```\n";
      return ok("{\"role\": \"assistant\", \"content\": " + quote(text) + "}", "stop");
    }

    private static MockResponse ok(String message, String finishReason) {
      String body =
          "{\"id\": \"chatcmpl-1\", \"object\": \"chat.completion\", \"created\": 1767225600,"
              + " \"model\": \"scripted\", \"choices\": [{\"index\": 0, \"message\": "
              + message
              + ", \"finish_reason\": \""
              + finishReason
              + "\"}], \"usage\": {\"prompt_tokens\": 100, \"completion_tokens\": 20,"
              + " \"total_tokens\": 120}}";
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", "application/json")
          .body(body)
          .build();
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
  }
}
