package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetrics;
import dev.aide.core.search.GreedyPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search whose metric the harness measures on rows it holds out: a program that lies about its
 * score does not win, and a program cannot find the labels it is scored on.
 *
 * <p>The "programs" are run by an executor in Java: {@code LIE} predicts 0.5 for every row and
 * prints {@code metric: 0.99}; {@code HONEST} predicts {@code x}, which is the label's cause, and
 * prints {@code metric: 0.97}. Each also looks for the labels of the rows it must predict.
 */
class HoldoutSearchTest {
  @TempDir Path tmp;
  private Path data;
  private final List<String> labelsFound = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger executions = new AtomicInteger();

  @BeforeEach
  void writeData() throws IOException {
    data = Files.createDirectories(tmp.resolve("data"));
    StringBuilder train = new StringBuilder("id,x,y\n");
    for (int i = 0; i < 100; i++) {
      double x = ((i * 37) % 100) / 100.0;
      train.append(1000 + i).append(',').append(x).append(',').append(x > 0.5 ? 1 : 0).append('\n');
    }
    Files.writeString(data.resolve("train.csv"), train);
    StringBuilder test = new StringBuilder("id,x\n");
    for (int i = 0; i < 20; i++) test.append(i).append(',').append(i / 20.0).append('\n');
    Files.writeString(data.resolve("test.csv"), test);
  }

  private Task task(long seed) {
    return Task.builder()
        .goal("Predict y for each row of test.csv")
        .dataDir(data)
        .metricReader(MetricReader.line("metric"))
        .holdout(Holdout.builder("y", ScoreMetrics.rocAuc()).id("id").seed(seed).build())
        .build();
  }

  private static LlmClient coder() {
    AtomicInteger calls = new AtomicInteger();
    return request -> {
      String code = calls.getAndIncrement() % 2 == 0 ? "LIE" : "HONEST";
      return new ChatResponse(
          "Plan.\n\n```python\n" + code + "\n```\n",
          List.of(),
          FinishReason.STOP,
          TokenUsage.of(10, 10),
          "c");
    };
  }

  /** A reviewer that passes every run and repeats the metric it printed. */
  private static LlmClient reviewer() {
    return request -> {
      String prompt = request.messages().get(1).content();
      String metric = prompt.contains("metric: 0.99") ? "0.99" : "0.97";
      String args =
          "{\""
              + ReviewProtocol.IS_BUG
              + "\": false, \""
              + ReviewProtocol.SUMMARY
              + "\": \"ran\", \""
              + ReviewProtocol.METRIC
              + "\": "
              + metric
              + ", \""
              + ReviewProtocol.LOWER_IS_BETTER
              + "\": false}";
      return new ChatResponse(
          "",
          List.of(new ToolCall("r", ReviewProtocol.REVIEW_TOOL, args)),
          FinishReason.TOOL_CALLS,
          TokenUsage.of(10, 10),
          "r");
    };
  }

  private Executor executor() {
    return FakeWorld.answeringProbe(this::countedRun);
  }

  private ExecutionResult countedRun(ExecutionRequest request) {
    {
      executions.incrementAndGet();
      try {
        return run(request);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private ExecutionResult run(ExecutionRequest request) throws IOException {
    Path input = request.inputDir();
    List<String> test = Files.readAllLines(input.resolve("test.csv"));
    assertThat(test.get(0)).isEqualTo("id,x");
    lookForLabels(request.workspace(), test);
    boolean lie = request.code().contains("LIE");
    StringBuilder submission = new StringBuilder("id,y\n");
    for (String row : test.subList(1, test.size())) {
      String[] f = row.split(",");
      submission.append(f[0]).append(',').append(lie ? "0.5" : f[1]).append('\n');
    }
    Files.writeString(request.workingDir().resolve("submission.csv"), submission);
    String output = lie ? "metric: 0.99\n" : "metric: 0.97\n";
    return new ExecutionResult(
        output, 0, 0, Duration.ofMillis(1), false, null, null, List.of("submission.csv"));
  }

  /**
   * Records a label of a test row wherever the program could read one: any CSV file in its
   * workspace (links followed) with a {@code y} column and a row whose id is one it must predict.
   */
  private void lookForLabels(Path workspace, List<String> test) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    for (String row : test.subList(1, test.size())) ids.add(row.split(",")[0]);
    try (Stream<Path> files = Files.walk(workspace, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!Files.isRegularFile(file)) continue;
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !List.of(lines.get(0).split(",")).contains("y")) continue;
        for (String line : lines) {
          if (ids.contains(line.split(",")[0])) labelsFound.add(file + ": " + line);
        }
      }
    }
  }

  private Aide.Builder aide(Path out) {
    return Aide.builder()
        .coder(coder(), "coder")
        .reviewer(reviewer(), "reviewer")
        .executor(executor())
        .policy(GreedyPolicy.builder().numDrafts(2).build())
        .seed(3)
        .outputDir(out);
  }

  @Test
  void theHarnessScoreRanksTheNodesAndALieIsFlaggedNotRewarded() throws IOException {
    Path out = tmp.resolve("run");

    Result result = aide(out).steps(2).reproduceBest(0.0).build().run(task(0));

    List<Node> nodes = result.journal().nodes();
    Node lie = nodes.get(0);
    Node honest = nodes.get(1);
    assertThat(lie.code()).isEqualTo("LIE");
    assertThat(lie.isBuggy()).isFalse();
    assertThat(lie.metric().value()).isEqualTo(0.5); // every prediction tied
    assertThat(lie.printedMetric()).isEqualTo(0.99);
    assertThat(lie.reviewerMetric()).isEqualTo(0.99);
    assertThat(lie.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("the program reported 0.99 but the harness"));
    assertThat(honest.metric().value()).isEqualTo(1.0);
    assertThat(result.best()).isNotNull();
    assertThat(result.best().id()).isEqualTo(honest.id());
    assertThat(labelsFound).isEmpty();

    Reproduction reproduction = result.reproduction();
    assertThat(reproduction).isNotNull();
    assertThat(reproduction.nodeId()).isEqualTo(honest.id());
    assertThat(reproduction.rerunMetric()).isEqualTo(1.0);
    assertThat(reproduction.reproduced()).isTrue();
    assertThat(Files.readString(out.resolve("run.json")))
        .contains("\"holdoutFingerprint\"")
        .contains("\"reproduced\": true");

    // best/submission.csv is the user's submission: the test file's own rows, in order
    List<String> best = Files.readAllLines(out.resolve("best/submission.csv"));
    assertThat(best).hasSize(21);
    assertThat(best.get(0)).isEqualTo("id,y");
    for (int i = 0; i < 20; i++) assertThat(best.get(i + 1)).startsWith(i + ",");
    // the prompts describe the submission and who scores it
    assertThat(Files.readString(out.resolve("run.json"))).contains("\"target\": \"y\"");
  }

  @Test
  void theSplitIsTheSameOnResumeAndAnotherSplitIsRefused() throws IOException {
    Path out = tmp.resolve("run");
    aide(out).steps(1).build().run(task(0));
    String view = Files.readString(out.resolve("input/test.csv"));

    Result resumed = aide(out).steps(2).build().run(task(0));

    assertThat(resumed.journal().nodes()).hasSize(2);
    assertThat(Files.readString(out.resolve("input/test.csv"))).isEqualTo(view);
    assertThatThrownBy(() -> aide(out).steps(3).build().run(task(1)))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("holdout");
    assertThat(RunDirectory.open(out).task().holdout().toString())
        .isEqualTo(task(0).holdout().toString());
  }

  @Test
  void aTargetThatIsNotAColumnFailsBeforeAnyLlmCall() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient counting =
        request -> {
          calls.incrementAndGet();
          throw new AssertionError("no call expected");
        };
    Task bad =
        Task.builder()
            .goal("g")
            .dataDir(data)
            .holdout(Holdout.builder("Y_".toLowerCase(Locale.ROOT), ScoreMetrics.rocAuc()).build())
            .build();

    assertThatThrownBy(
            () ->
                Aide.builder()
                    .coder(counting, "m")
                    .executor(executor())
                    .outputDir(tmp.resolve("bad"))
                    .build()
                    .run(bad))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("y_");
    assertThat(calls).hasValue(0);
    assertThat(executions).hasValue(0);
    assertThat(tmp.resolve("bad/run.json")).doesNotExist();
  }
}
