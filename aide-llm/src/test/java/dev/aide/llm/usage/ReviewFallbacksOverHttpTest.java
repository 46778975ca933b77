package dev.aide.llm.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Result;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.ChatResponse;
import dev.aide.llm.OpenAiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reviewer's fallbacks end to end: a search whose reviewer is an {@link OpenAiClient} on a
 * server that refuses tools (as Ollama does for a model without them) and then the response format
 * (as OpenAI does for a model without structured outputs) is reviewed from JSON text.
 */
class ReviewFallbacksOverHttpTest {
  @StartStop final MockWebServer server = new MockWebServer();
  @TempDir Path tmp;

  /** What each request to the server asked with: tools, response_format or neither. */
  final List<String> asked = new CopyOnWriteArrayList<>();

  static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void aServerThatRefusesToolsAndThenTheSchemaIsAskedForJsonTextFromThenOn() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String body = request.getBody() == null ? "" : request.getBody().utf8();
            if (body.contains("\"tools\"")) {
              asked.add("tools");
              return json(400, "{\"error\": \"llama3 does not support tools\"}");
            }
            if (body.contains("\"response_format\"")) {
              asked.add("response_format");
              return json(
                  400,
                  "{\"error\": {\"message\": \"Invalid parameter: 'response_format' of type"
                      + " 'json_schema' is not supported with this model.\", \"type\":"
                      + " \"invalid_request_error\", \"param\": \"response_format\", \"code\":"
                      + " null}}");
            }
            asked.add("text");
            String review =
                "{\\\"is_bug\\\": false, \\\"summary\\\": \\\"Ran.\\\", \\\"metric\\\": 0.7,"
                    + " \\\"lower_is_better\\\": false}";
            return json(
                200,
                "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \""
                    + review
                    + "\"}, \"finish_reason\": \"stop\"}]}");
          }
        });
    OpenAiClient reviewer =
        OpenAiClient.builder().baseUrl(server.url("/v1").toString()).stream(false).build();

    Result result =
        Aide.builder()
            .coder(request -> ChatResponse.ofText("```python\nprint('metric: 0.7')\n```"), "c")
            .reviewer(reviewer, "llama3")
            .executor(
                request ->
                    new ExecutionResult(
                        "metric: 0.7\n", 0, 0, Duration.ofMillis(5), false, null, null, List.of()))
            .steps(2)
            .seed(1)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(Task.builder().goal("Predict y").direction(Direction.MAXIMIZE).build());

    assertThat(result.journal().goodNodes()).hasSize(2);
    assertThat(result.best().metric().value()).isEqualTo(0.7);
    assertThat(asked).containsExactly("tools", "response_format", "text", "text");
  }
}
