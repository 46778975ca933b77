package dev.aide.examples;

import dev.aide.core.Aide;
import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.SearchEvent;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows how an application embeds the search: its own {@link LlmClient} and {@link Executor} as
 * lambdas, a listener for progress, and the best code at the end.
 *
 * <p>The "LLM" here is scripted so that the example runs anywhere without an API key: it proposes
 * {@code x = <number>} programs, nudging the parent's x at random, and the executor scores a
 * program in process as {@code (x - 3)^2}, lower being better. Swap in a real client from aide-llm
 * and a process executor from aide-exec to search over real code.
 *
 * <p>Run with {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl aide-examples exec:java};
 * the run's files land in {@code aide-examples/runs/embedding-example}.
 */
public final class EmbeddingExample {
  private static final Pattern X = Pattern.compile("x = (-?[0-9.]+)");
  private static final Pattern METRIC = Pattern.compile("metric: (-?[0-9.]+)");

  private EmbeddingExample() {}

  public static void main(String[] args) {
    Task task =
        Task.builder()
            .goal("Choose x so that (x - 3)^2 is as small as possible.")
            .evaluation("The program prints metric: (x - 3)^2; lower is better.")
            .direction(Direction.MINIMIZE)
            .build();

    Random random = new Random(7);
    LlmClient coder =
        request -> {
          String prompt = request.messages().get(request.messages().size() - 1).content();
          Matcher parent = X.matcher(prompt);
          double x = parent.find() ? Double.parseDouble(parent.group(1)) : 10 * random.nextDouble();
          double next = x + random.nextGaussian();
          String code =
              String.format(Locale.ROOT, "x = %.4f%nprint(f\"metric: {(x - 3) ** 2}\")", next);
          return ChatResponse.ofText("Move x a little.\n\n```python\n" + code + "\n```");
        };
    LlmClient reviewer =
        request -> {
          ChatMessage last = request.messages().get(request.messages().size() - 1);
          Matcher metric = METRIC.matcher(last.content());
          String value = metric.find() ? metric.group(1) : "null";
          // The call the engine asks its reviewer for; ReviewProtocol names it and its fields.
          String arguments =
              String.format(
                  Locale.ROOT,
                  "{\"%s\": false, \"%s\": \"Printed the metric.\", \"%s\": %s, \"%s\": true}",
                  ReviewProtocol.IS_BUG,
                  ReviewProtocol.SUMMARY,
                  ReviewProtocol.METRIC,
                  value,
                  ReviewProtocol.LOWER_IS_BETTER);
          return ChatResponse.ofToolCall(ReviewProtocol.REVIEW_TOOL, arguments);
        };
    Executor executor =
        request -> {
          Matcher x = X.matcher(request.code());
          if (!x.find()) return ExecutionResult.of("NameError: x", 1, Duration.ZERO);
          double value = Double.parseDouble(x.group(1));
          String output = String.format(Locale.ROOT, "metric: %.6f%n", Math.pow(value - 3, 2));
          return ExecutionResult.of(output, 0, Duration.ofMillis(1));
        };

    Result result =
        Aide.builder()
            .coder(coder, "scripted")
            .reviewer(reviewer, "scripted")
            .executor(executor)
            .steps(30)
            .seed(7)
            .listener(
                event -> {
                  if (event instanceof SearchEvent.NewBest best) {
                    Node node = best.node();
                    System.out.printf(
                        "step %2d: new best %s (node %d, %s)%n",
                        node.step(),
                        node.metric(),
                        node.id(),
                        node.stage().name().toLowerCase(Locale.ROOT));
                  }
                })
            .build()
            .run(task);

    Node best = result.best();
    System.out.println();
    System.out.println("Nodes: " + result.journal().size() + ", output in " + result.outputDir());
    System.out.println(best == null ? "No working solution." : "Best code:\n" + best.code());
  }
}
