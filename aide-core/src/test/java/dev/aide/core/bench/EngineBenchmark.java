package dev.aide.core.bench;

import dev.aide.core.Aide;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.SearchEvent;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the engine's own overhead: runs the real search through {@code Aide.builder()...run()}
 * with a coder, reviewer and executor that answer instantly, and reports for journals of 1,000 and
 * 10,000 nodes (or the counts given as arguments) the nodes per second overall and in the first and
 * last 10% of the run (a drop shows a per-node cost that grows with the journal), the heap the
 * finished journal retains per node, and the bytes per node of {@code journal.jsonl}.
 *
 * <p>This is a harness, not a test; it asserts nothing. Run it from the repository root with:
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.EngineBenchmark [-Dexec.args="[--small] 1000 10000"]
 * </pre>
 *
 * <p>By default the nodes have realistic sizes: a plan of about 1 KB, code of about 4 KB and an
 * execution output of about 10 KB. {@code --small} gives the short plans, programs and outputs of
 * earlier versions of this benchmark (a few hundred bytes each).
 *
 * <p>The fakes: code is a short Python-like program whose line {@code score = x} is its metric and
 * whose line {@code raise ValueError} makes it fail. Drafts get a random score, improvements move
 * the parent's score a little up or down, debugs keep it; some of each are buggy. The seeded random
 * makes every run of the benchmark search the same tree. Steps = nodes, one worker, seed 7, a fresh
 * temporary output directory that is deleted afterwards.
 */
public final class EngineBenchmark {
  private static final Pattern SCORE = Pattern.compile("score = (-?[0-9.]+)");
  private static final Pattern METRIC = Pattern.compile("metric: (-?[0-9.]+)");
  private static final int WARM_UP_NODES = 300;

  private EngineBenchmark() {}

  /** Whether nodes have realistic sizes (the default) or the short ones of {@code --small}. */
  private static boolean realistic = true;

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    realistic = !rest.remove("--small");
    int[] counts =
        rest.isEmpty()
            ? new int[] {1_000, 10_000}
            : rest.stream().mapToInt(Integer::parseInt).toArray();
    System.out.println(
        "JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version()
            + ", max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MiB, availableProcessors: "
            + Runtime.getRuntime().availableProcessors()
            + ", nodes: "
            + (realistic ? "realistic (plan 1 KB, code 4 KB, output 10 KB)" : "small"));
    measure(WARM_UP_NODES); // JIT and class loading; its row is not reported
    List<String> rows = new ArrayList<>();
    for (int n : counts) rows.add(measure(n));
    System.out.println();
    System.out.println(
        "| nodes | total s | nodes/s | nodes/s first 10% | nodes/s last 10% | heap bytes/node"
            + " | journal bytes/node | last node to end s |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  /** Runs one search of {@code n} nodes and returns its table row. */
  private static String measure(int n) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("aide-bench-");
    long[] finishedAt = new long[n]; // System.nanoTime() when node i (by step) finished
    int[] counters = {0, 0}; // nodes finished, new bests
    Aide aide =
        Aide.builder()
            .coder(coder(new Random(42)), "fake-coder")
            .reviewer(reviewer(), "fake-reviewer")
            .executor(executor())
            .steps(n)
            .workers(1)
            .seed(7)
            .outputDir(dir.resolve("run"))
            .listener(
                event -> {
                  if (event instanceof SearchEvent.NodeFinished) {
                    finishedAt[counters[0]++] = System.nanoTime();
                  } else if (event instanceof SearchEvent.NewBest) {
                    counters[1]++;
                  }
                })
            .build();
    Task task =
        Task.builder()
            .goal("Predict the target column of test.csv from train.csv")
            .evaluation("Accuracy on a held-out validation split")
            .build();
    try {
      long heapBefore = usedHeapAfterGc();
      long start = System.nanoTime();
      Result result = aide.run(task);
      long end = System.nanoTime();
      long heapAfter = usedHeapAfterGc();
      long journalBytes = Files.size(result.outputDir().resolve("journal.jsonl"));
      System.out.println(n + " nodes: " + summary(result, counters[1]));

      int tenth = Math.max(1, n / 10);
      double firstRate = tenth / seconds(finishedAt[tenth - 1] - start);
      double lastRate = tenth / seconds(finishedAt[n - 1] - finishedAt[n - 1 - tenth]);
      double total = seconds(end - start);
      return String.format(
          Locale.ROOT,
          "| %,d | %.2f | %,.0f | %,.0f | %,.0f | %,d | %,d | %.2f |",
          result.journal().size(),
          total,
          n / total,
          firstRate,
          lastRate,
          (heapAfter - heapBefore) / n,
          journalBytes / n,
          seconds(end - finishedAt[n - 1]));
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Heap in use after a few full collections. */
  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static String summary(Result result, int newBests) {
    List<Node> nodes = result.journal().nodes();
    long drafts = nodes.stream().filter(x -> x.stage() == Stage.DRAFT).count();
    long debugs = nodes.stream().filter(x -> x.stage() == Stage.DEBUG).count();
    long improves = nodes.stream().filter(x -> x.stage() == Stage.IMPROVE).count();
    long buggy = nodes.stream().filter(Node::isBuggy).count();
    Node best = result.best();
    return String.format(
        Locale.ROOT,
        "%d drafts, %d debugs, %d improves, %d buggy, %d new bests; best %s",
        drafts,
        debugs,
        improves,
        buggy,
        newBests,
        best == null ? "none" : best.metric());
  }

  /**
   * The coder: a plan and a fenced program whose {@code score} line is its metric, an accuracy.
   * Improvements move the parent's score a small random step up or down; a quarter of the programs
   * raise.
   */
  private static LlmClient coder(Random random) {
    return request -> {
      String system = request.messages().get(0).content();
      String user = request.messages().get(1).content();
      double score;
      String plan;
      if (system.contains("improving a working solution")) {
        double parent = parentScore(user);
        score = parent + (1 - parent) * 0.05 * random.nextGaussian(); // stays below 1
        plan = "Tune the learning rate of the gradient-boosted trees and add two features.";
      } else if (system.contains("failed or has a bug")) {
        score = parentScore(user);
        plan = "The column name was misspelt, which raised; read the column under its real name.";
      } else {
        score = 0.6 + random.nextDouble() * 0.2;
        plan = "Fit a gradient-boosted tree model on the numeric columns with default settings.";
      }
      boolean bug = random.nextDouble() < 0.25;
      if (realistic) plan = longPlan(plan);
      String answer = plan + "\n\n```python\n" + program(score, bug) + "```\n";
      return new ChatResponse(
          answer, List.of(), FinishReason.STOP, TokenUsage.of(3_000, 600), "req-coder");
    };
  }

  /** A plan of about 1 KB: the short one and the reasoning a real model writes around it. */
  private static String longPlan(String plan) {
    return plan
        + " The training file has 8,693 rows and 14 columns, of which four are categorical and"
        + " one (Cabin) packs three values into one string, so split it into deck, number and side"
        + " before encoding. Missing values are common in the numeric spending columns; they are"
        + " most likely zero for passengers in cryo-sleep, so fill them with zero there and with the"
        + " median elsewhere. The target is balanced, so accuracy is a fair metric and a stratified"
        + " 80/20 split gives a stable validation estimate. Gradient-boosted trees handle the mix of"
        + " scales without further normalisation; keep the learning rate modest and stop early on"
        + " the validation loss to avoid overfitting. Finally, print the validation accuracy on its"
        + " own line and write the predictions for the test file to ./working/submission.csv with"
        + " the id column first, as the task asks.";
  }

  private static String program(double score, boolean bug) {
    return (realistic ? FEATURES : "")
        + "import pandas as pd\n"
        + "from sklearn.ensemble import HistGradientBoostingClassifier\n"
        + "from sklearn.model_selection import train_test_split\n\n"
        + "train = pd.read_csv('./input/train.csv')\n"
        + "X, y = train.drop(columns=['target']), train['target']\n"
        + "X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=0)\n"
        + "model = HistGradientBoostingClassifier().fit(X_tr, y_tr)\n"
        + String.format(Locale.ROOT, "score = %.6f\n", score)
        + (bug ? "raise ValueError('column not found')\n" : "")
        + "print(f'metric: {score}')\n"
        + "pd.DataFrame({'id': X_va.index, 'target': model.predict(X_va)})"
        + ".to_csv('./working/submission.csv', index=False)\n";
  }

  /** About 3.5 KB of feature engineering that realistic programs start with. */
  private static final String FEATURES = features();

  private static String features() {
    StringBuilder out = new StringBuilder("import numpy as np\n\n");
    String[] columns = {
      "RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck", "Age", "CabinNum", "GroupSize"
    };
    for (String c : columns) {
      out.append("def add_")
          .append(c.toLowerCase(Locale.ROOT))
          .append("_features(df):\n")
          .append("    \"\"\"Derived features of ")
          .append(c)
          .append(".\"\"\"\n")
          .append("    df['")
          .append(c)
          .append("_log'] = np.log1p(df['")
          .append(c)
          .append("'].fillna(0))\n")
          .append("    df['")
          .append(c)
          .append("_zero'] = (df['")
          .append(c)
          .append("'].fillna(0) == 0).astype(int)\n")
          .append("    df['")
          .append(c)
          .append("_rank'] = df['")
          .append(c)
          .append("'].rank(pct=True)\n")
          .append("    return df\n\n");
    }
    return out.toString();
  }

  /** The score of the previous solution shown in an improve or debug prompt. */
  private static double parentScore(String user) {
    Matcher m = SCORE.matcher(user.substring(user.indexOf("# Previous")));
    if (!m.find()) throw new IllegalStateException("no score in the previous solution");
    return Double.parseDouble(m.group(1));
  }

  /**
   * The executor: a few hundred characters of training log, or a traceback when the code raises.
   */
  private static Executor executor() {
    return request -> {
      String code = request.code();
      if (code.contains("raise ValueError")) {
        return new ExecutionResult(
            "Traceback (most recent call last):\n  File \"solution.py\", line 10, in <module>\n"
                + "    raise ValueError('column not found')\nValueError: column not found\n",
            0,
            1,
            Duration.ofMillis(1_200),
            false,
            "ValueError",
            "column not found",
            List.of());
      }
      Matcher m = SCORE.matcher(code);
      String score = m.find() ? m.group(1) : "0";
      return new ExecutionResult(
          (realistic ? TRAINING_LOG : "")
              + "Loaded train.csv: 8693 rows, 14 columns\n"
              + "Split: 6954 train / 1739 validation\n"
              + "[1/5] loss 0.6931 val_loss 0.6840\n"
              + "[2/5] loss 0.5412 val_loss 0.5519\n"
              + "[3/5] loss 0.4877 val_loss 0.5103\n"
              + "[4/5] loss 0.4633 val_loss 0.4987\n"
              + "[5/5] loss 0.4501 val_loss 0.4950\n"
              + "Wrote ./working/submission.csv (1739 rows)\n"
              + "metric: "
              + score
              + "\n",
          0,
          0,
          Duration.ofMillis(4_500),
          false,
          null,
          null,
          List.of("submission.csv"));
    };
  }

  /** About 9.5 KB of per-iteration training log that a realistic run prints first. */
  private static final String TRAINING_LOG = trainingLog();

  private static String trainingLog() {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= 175; i++) {
      out.append(
          String.format(
              Locale.ROOT,
              "[iter %3d] train_loss %.4f val_loss %.4f lr 0.050%n",
              i,
              0.69 / (1 + i * 0.02),
              0.70 / (1 + i * 0.018)));
    }
    return out.toString();
  }

  /**
   * The reviewer: a {@code submit_review} call with the metric the run printed, if any; and the
   * answer to the question of the metric's direction.
   */
  private static LlmClient reviewer() {
    return request -> {
      String user = request.messages().get(request.messages().size() - 1).content();
      int start = user.indexOf("# Execution output");
      if (start < 0) { // the question, once per run, of which way the metric is better
        return new ChatResponse(
            "",
            List.of(
                new ToolCall(
                    "call-0",
                    "set_metric_direction",
                    "{\"lower_is_better\": false, \"reason\": \"Accuracy: higher is better.\"}")),
            FinishReason.TOOL_CALLS,
            TokenUsage.of(500, 30),
            "req-direction");
      }
      Matcher m = METRIC.matcher(user.substring(start, user.indexOf("\n# ", start)));
      String args =
          m.find()
              ? "{\"is_bug\": false, \"summary\": \"The model trained and printed a validation"
                  + " accuracy.\", \"metric\": "
                  + m.group(1)
                  + ", \"lower_is_better\": false}"
              : "{\"is_bug\": true, \"summary\": \"The program raised ValueError because a column"
                  + " was not found.\", \"metric\": null, \"lower_is_better\": false}";
      return new ChatResponse(
          "",
          List.of(new ToolCall("call-1", ReviewProtocol.REVIEW_TOOL, args)),
          FinishReason.TOOL_CALLS,
          TokenUsage.of(2_000, 80),
          "req-reviewer");
    };
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
