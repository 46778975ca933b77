package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aide.core.RunDirectory;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.exec.ProcessExecutor;
import dev.aide.testkit.FakeOpenAiServer;
import dev.aide.testkit.ScriptedLlm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AideCommandTest {
  @TempDir Path tmp;

  /** What the fake server answers with; each test sets its own. */
  private volatile LlmClient llm = BreastCancerScript.script();

  private FakeOpenAiServer server;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /**
   * Makes the temporary directory readable by others, as a directory made with the usual umask is
   * (JUnit makes it rwx------): a root JVM runs programs as nobody, who must reach the workspaces.
   */
  @BeforeEach
  void openTheTemporaryDirectoryToOthers() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @BeforeEach
  void startTheFakeLlmServer() throws IOException {
    server = FakeOpenAiServer.start(request -> llm.chat(request));
  }

  @AfterEach
  void stopTheFakeLlmServer() {
    server.close();
  }

  private int run(Map<String, String> env, String... args) {
    return AideCommand.run(
        args, env, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), false);
  }

  private Map<String, String> scriptedLlm() {
    llm = BreastCancerScript.script();
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", "sk-test");
    env.put("OPENAI_BASE_URL", server.baseUrl());
    env.put("AIDE_MODEL", "scripted");
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }

  /**
   * A python3 that programs can run: as root they run as nobody, who cannot reach a python3 kept in
   * root's home (a pyenv in /root, rwx------); /usr/bin/python3 can.
   */
  private static String runnablePython() {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root && Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  private static String scientificPython() {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      if (Pythons.check(python) == null) return python;
    }
    assumeTrue(
        false,
        "needs a python3 with numpy, pandas and scikit-learn:"
            + " apt-get install python3-sklearn python3-pandas");
    return "";
  }

  @Test
  void mainJobRunsRealScikitLearnCodeAndWritesTheTreeReportAndBestSolution() throws Exception {
    String python = scientificPython();
    Path dir = tmp.resolve("run");

    int exit =
        run(
            scriptedLlm(),
            "--example",
            "breast-cancer",
            "--steps",
            "7",
            "--seed",
            "2",
            "--python",
            python,
            "--out",
            dir.toString());

    assertThat(exit).as("stderr: %s", err).isZero();
    List<String> journal = Files.readAllLines(dir.resolve("journal.jsonl"));
    assertThat(journal).hasSize(7);
    assertThat(journal.get(1)).contains("\"buggy\":true").contains("KeyError");
    assertThat(String.join("\n", journal)).contains("\"stage\":\"DEBUG\"");
    assertThat(Files.readString(dir.resolve("best/solution.py"))).contains("roc_auc_score");
    // the example's holdout: 91 of train.csv's 455 rows among test.csv's 114, without labels;
    // best/submission.csv is the test file's own rows, and the metric is the harness's AUC
    List<String> submission = Files.readAllLines(dir.resolve("best/submission.csv"));
    assertThat(submission).hasSize(115).first().isEqualTo("id,malignant");
    assertThat(Files.readAllLines(dir.resolve("input/test.csv"))).hasSize(1 + 114 + 91);
    assertThat(Files.readAllLines(dir.resolve("input/train.csv"))).hasSize(1 + 455 - 91);
    assertThat(Files.readString(dir.resolve("run.json"))).contains("\"holdoutFingerprint\"");
    assertThat(String.join("\n", journal)).contains("\"printedMetric\":");
    assertThat(Files.readString(dir.resolve("report.md"))).contains("**Scoring:** by the harness");
    assertThat(Files.readString(dir.resolve("tree.html"))).contains("<svg");
    assertThat(Files.readString(dir.resolve("report.md"))).contains("breast mass");
    assertThat(out.toString(UTF_8))
        .containsPattern(
            "Best metric (0\\.9|1\\.0)[0-9]*, higher is better \\(node [0-9]+, [a-z]+; the harness's"
                + " score")
        .contains("node 5 started: debug of 1")
        .contains("Tree:")
        .contains(dir.resolve("tree.html").toString());
  }

  @Test
  void aRecordedRunReplaysIntoAnotherDirectoryWithNoLlmConfiguredAndWritesTheSameJournal()
      throws Exception {
    String python = scientificPython();
    Path recorded = tmp.resolve("recorded");
    int exit =
        run(
            scriptedLlm(),
            "--example",
            "breast-cancer",
            "--steps",
            "5",
            "--seed",
            "3",
            "--python",
            python,
            "--out",
            recorded.toString());
    assertThat(exit).as("stderr: %s", err).isZero();
    Path calls = recorded.resolve("llm-calls.jsonl");
    assertThat(Files.readAllLines(calls)).hasSizeGreaterThanOrEqualTo(10);

    llm =
        request -> {
          throw new AssertionError("the replay asked the LLM server");
        };
    Map<String, String> noLlm = new HashMap<>();
    noLlm.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    Path replayed = tmp.resolve("replayed");
    out.reset();
    exit =
        run(
            noLlm,
            "--example",
            "breast-cancer",
            "--steps",
            "5",
            "--python",
            python,
            "--replay",
            recorded.toString(),
            "--out",
            replayed.toString());
    assertThat(exit).as("stderr: %s", err).isZero();
    // the seed defaults to the recorded run's
    assertThat(Files.readString(replayed.resolve("run.json"))).contains("\"seed\": 3");
    assertThat(out.toString(UTF_8))
        .contains("Replaying the LLM's answers from " + calls)
        .contains("no LLM is asked")
        .contains("coder scripted, reviewer scripted");
    assertThat(withoutTimes(replayed.resolve("journal.jsonl")))
        .isEqualTo(withoutTimes(recorded.resolve("journal.jsonl")));
    assertThat(Files.readString(replayed.resolve("best/solution.py")))
        .isEqualTo(Files.readString(recorded.resolve("best/solution.py")));
    // the replayed run recorded its own calls: the same requests, in the same order
    assertThat(keys(replayed.resolve("llm-calls.jsonl"))).hasSameSizeAs(keys(calls));
  }

  @Test
  void recordingIsOnByDefaultAndWithRecordAndOffWithNoRecord() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
    for (Map.Entry<String[], Boolean> c :
        Map.of(
                new String[] {},
                true,
                new String[] {"--record"},
                true,
                new String[] {"--no-record"},
                false)
            .entrySet()) {
      AideCommand command = new AideCommand(Map.of(), sink, sink, false);
      new picocli.CommandLine(command).parseArgs(c.getKey());
      assertThat(command.record).as(String.join(" ", c.getKey())).isEqualTo(c.getValue());
    }
  }

  @Test
  void noRecordWritesNoRecordingAndReplayOfAMissingOneIsAUsageError() throws Exception {
    String python = scientificPython();
    Path dir = tmp.resolve("run");
    int exit =
        run(
            scriptedLlm(),
            "--example",
            "breast-cancer",
            "--steps",
            "1",
            "--no-record",
            "--python",
            python,
            "--out",
            dir.toString());
    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(dir.resolve("journal.jsonl")).exists();
    assertThat(dir.resolve("llm-calls.jsonl")).doesNotExist();

    exit = run(Map.of(), "--example", "breast-cancer", "--replay", dir.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(UTF_8))
        .contains("--replay: there is no recording at " + dir.resolve("llm-calls.jsonl"));
  }

  /** The journal's lines without the fields that hold times and durations. */
  private static List<Object> withoutTimes(Path journal) throws IOException {
    com.squareup.moshi.JsonAdapter<Object> json =
        new com.squareup.moshi.Moshi.Builder().build().adapter(Object.class);
    List<Object> nodes = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(journal)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> node = (Map<String, Object>) json.fromJson(line);
      node.remove("startedAt");
      node.remove("finishedAt");
      @SuppressWarnings("unchecked")
      Map<String, Object> execution = (Map<String, Object>) node.get("execution");
      if (execution != null) execution.remove("durationMillis");
      nodes.add(node);
    }
    return nodes;
  }

  private static List<String> keys(Path recording) throws IOException {
    return Files.readAllLines(recording).stream()
        .map(line -> line.substring(0, line.indexOf(',')))
        .toList();
  }

  @Test
  void searchesWithTwoWorkersWhoseNodesRunAsSlurmJobsAndResumesWithThem() throws Exception {
    String reason = dev.aide.exec.SlurmExecutor.unavailableReason();
    if ("1".equals(System.getenv("AIDE_SLURM_REQUIRED"))) {
      assertThat(reason).as("AIDE_SLURM_REQUIRED=1, but Slurm cannot take jobs here").isNull();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        reason == null, () -> "this test needs a running Slurm (.ci/slurm/start.sh): " + reason);
    String python = scientificPython();
    Path dir = tmp.resolve("slurm-run");
    Files.setPosixFilePermissions(
        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

    int exit =
        run(
            scriptedLlm(),
            "--example",
            "breast-cancer",
            "--steps",
            "3",
            "--workers",
            "2",
            "--executor",
            "slurm",
            "--slurm-cpus",
            "1",
            "--python",
            python,
            "--out",
            dir.toString());

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString(UTF_8)).contains("Executor: Slurm, one job per run");
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(3);
    assertThat(Files.readString(dir.resolve("run.json")))
        .contains("\"executor\": \"slurm\"")
        .contains("\"slurm.cpus\": \"1\"");
    // each node's job id is left in its workspace
    assertThat(dir.resolve("workspaces/0/.aide-slurm/job-id")).exists();
    assertThat(Files.isDirectory(dir.resolve("best"))).isTrue();

    out.reset();
    assertThat(run(scriptedLlm(), "--resume", dir.toString(), "--steps", "4"))
        .as("stderr: %s", err)
        .isZero();
    assertThat(out.toString(UTF_8)).contains("Executor: Slurm, one job per run {cpus=1}");
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(4);
  }

  @Test
  void withoutAnLlmTheMainJobReplaysTheShippedRecordingAndSaysSoAtStartAndEnd() throws Exception {
    String python = scientificPython();
    Path dir = tmp.resolve("shipped");
    // no key, no base URL: nothing to search live with (nothing answers on Ollama's port here)
    Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    int exit = run(env, "--example", "breast-cancer", "--python", python, "--out", dir.toString());

    assertThat(exit).as("stderr: %s", err).isZero();
    String printed = out.toString(UTF_8);
    assertThat(printed)
        .startsWith("No LLM is configured, so this run REPLAYS A RECORDING of a real search")
        .contains("export OPENAI_API_KEY=")
        .contains("4 steps")
        .contains("These answers were a recording, not a live model.");
    assertThat(printed.strip()).endsWith("or run Ollama).");
    // the recorded run's four drafts really ran here: the harness scored each
    List<String> journal = Files.readAllLines(dir.resolve("journal.jsonl"));
    assertThat(journal).hasSize(4).allSatisfy(line -> assertThat(line).contains("\"buggy\":false"));
    assertThat(Files.readAllLines(dir.resolve("best/submission.csv"))).hasSize(115);
    assertThat(dir.resolve("tree.html")).exists();
    assertThat(dir.resolve("report.md")).exists();
    assertThat(dir.resolve("llm-calls.jsonl")).exists();
  }

  @Test
  void speedupExampleRunsItsStartingSolutionFirst() throws Exception {
    Path dir = tmp.resolve("speedup");
    ScriptedLlm script = BreastCancerScript.script();
    Map<String, String> env = scriptedLlm();
    llm = script;

    int exit =
        run(
            env,
            "--example",
            "speedup",
            "--steps",
            "1",
            "--out",
            dir.toString(),
            "--python",
            runnablePython());

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(script.requests(ScriptedLlm::isCoder)).isEmpty();
    String line = Files.readAllLines(dir.resolve("journal.jsonl")).get(0);
    assertThat(line).contains("\"buggy\":false").contains("\"direction\":\"MINIMIZE\"");
    assertThat(Files.readString(dir.resolve("best/solution.py")))
        .isEqualTo(ExampleTasks.SLOW_PRIMES);
  }

  @Test
  void expectMakesACleanRunWithoutTheFileBuggyAndRunJsonKeepsItForResume() throws Exception {
    Path dir = tmp.resolve("expect");
    ScriptedLlm script = BreastCancerScript.script();
    Map<String, String> env = scriptedLlm();
    llm = script;

    int exit =
        run(
            env,
            "--example",
            "speedup",
            "--expect",
            "timings.txt",
            "--steps",
            "1",
            "--out",
            dir.toString(),
            "--python",
            runnablePython());

    // the starting solution exits cleanly and prints its metric, but writes no timings.txt
    assertThat(exit).as("stderr: %s", err).isEqualTo(AideCommand.EXIT_NO_SOLUTION);
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl")).get(0))
        .contains("\"buggy\":true")
        .contains("did not write ./working/timings.txt");
    assertThat(Files.readString(dir.resolve("run.json")))
        .contains("\"expectedOutput\": \"timings.txt\"");

    int resumed = run(env, "--resume", dir.toString(), "--steps", "2");

    assertThat(resumed).as("stderr: %s", err).isEqualTo(AideCommand.EXIT_NO_SOLUTION);
    assertThat(script.requests(ScriptedLlm::isCoder)).hasSize(1);
    assertThat(ScriptedLlm.lastMessage(script.requests(ScriptedLlm::isCoder).get(0)))
        .contains("The program must write ./working/timings.txt");
  }

  @Test
  void theBreastCancerExampleExpectsItsSubmission() {
    assertThat(ExampleTasks.task(ExampleTasks.BREAST_CANCER, tmp.resolve("data")).expectedOutput())
        .isEqualTo("submission.csv");
    assertThat(ExampleTasks.task(ExampleTasks.SPEEDUP, tmp.resolve("data")).expectedOutput())
        .isNull();
  }

  @Test
  void samplingOptionsReachEveryRequestOfTheirRoleAndResumeKeepsThemUnlessGivenAgain()
      throws Exception {
    Path dir = tmp.resolve("speedup");
    Map<String, String> env = scriptedLlm();
    ScriptedLlm script = BreastCancerScript.script();
    llm = script;

    String[] first = {
      "--example",
      "speedup",
      "--steps",
      "2",
      "--out",
      dir.toString(),
      "--python",
      runnablePython(),
      "--coder-temperature",
      "0.2",
      "--reviewer-temperature",
      "0",
      "--max-output-tokens",
      "3000"
    };
    assertThat(run(env, first)).as("stderr: %s", err).isZero();
    assertSampling(script, 0.2, 0.0, 3000);
    RunDirectory.Settings recorded = RunDirectory.open(dir).settings();
    assertThat(recorded.coderTemperature()).isEqualTo(0.2);
    assertThat(recorded.reviewerTemperature()).isEqualTo(0.0);
    assertThat(recorded.maxOutputTokens()).isEqualTo(3000);

    script = BreastCancerScript.script();
    llm = script;
    String[] resumed = {
      "--resume", dir.toString(), "--steps", "3", "--reviewer-temperature", "1.5"
    };
    assertThat(run(env, resumed)).as("stderr: %s", err).isZero();
    assertSampling(script, 0.2, 1.5, 3000);
  }

  private static void assertSampling(
      ScriptedLlm script, double coder, double reviewer, int maxOutputTokens) {
    assertThat(script.requests(ScriptedLlm::isCoder))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.temperature()).isEqualTo(coder);
              assertThat(r.maxOutputTokens()).isEqualTo(maxOutputTokens);
            });
    assertThat(script.requests(r -> !ScriptedLlm.isCoder(r)))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.temperature()).isEqualTo(reviewer);
              assertThat(r.maxOutputTokens()).isEqualTo(maxOutputTokens);
            });
  }

  @Test
  void samplingOptionsOutOfRangeAreBadOptionsThatNameTheOption() {
    Map<String, String> env = scriptedLlm();
    for (String[] args :
        List.of(
            new String[] {
              "--coder-temperature", "2.5", "aide: --coder-temperature must be from 0 to 2, was 2.5"
            },
            new String[] {
              "--reviewer-temperature",
              "-1",
              "aide: --reviewer-temperature must be from 0 to 2, was -1.0"
            },
            new String[] {
              "--max-output-tokens", "0", "aide: --max-output-tokens must be at least 1, was 0"
            })) {
      err.reset();
      assertThat(run(env, "--goal", "x", args[0], args[1]))
          .as(args[0])
          .isEqualTo(AideCommand.EXIT_USAGE);
      assertThat(err.toString(UTF_8)).as(args[0]).startsWith(args[2]);
    }
  }

  @Test
  void resumeContinuesARunFromItsDirectory() throws Exception {
    String python = scientificPython();
    Path dir = tmp.resolve("run");
    Map<String, String> env = scriptedLlm();
    assertThat(
            run(
                env,
                "--example",
                "breast-cancer",
                "--steps",
                "2",
                "--python",
                python,
                "--out",
                dir.toString()))
        .isZero();

    int exit = run(env, "--resume", dir.toString(), "--steps", "3", "--python", python);

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(3);
  }

  /** Writes a run.json of a task in {@code language} (JSON) with {@code extra} task fields. */
  private Path recordedRun(String language, String extra) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("recorded"));
    Files.writeString(
        dir.resolve("run.json"),
        "{\"format\": 2, \"task\": {\"goal\": \"Print metric: 1\", \"direction\": \"MAXIMIZE\","
            + " \"timeout\": \"PT20S\", \"language\": "
            + language
            + extra
            + "}, \"settings\": {\"coderModel\": \"scripted\", \"reviewerModel\": \"scripted\","
            + " \"policy\": \"GreedyPolicy{numDrafts=5, debugProb=0.5, maxDebugDepth=3}\","
            + " \"steps\": 1, \"workers\": 1, \"seed\": 7}, \"libraryVersion\": \"0.1.0\"}");
    return dir;
  }

  @Test
  void resumeKeepsTheWorkersAndPolicyTheRunRecordedUnlessOptionsNameOthers() throws Exception {
    Map<String, String> env = scriptedLlm();
    Path dir =
        recordedRun(
            "{\"name\": \"Shell\", \"fileName\": \"main.sh\", \"command\": [\"sh\","
                + " \"main.sh\"], \"fenceTags\": [\"python\"]}",
            "");
    Path runJson = dir.resolve("run.json");
    Files.writeString(
        runJson,
        Files.readString(runJson)
            .replace("GreedyPolicy{numDrafts=5, debugProb=0.5, maxDebugDepth=3}", MCTS)
            .replace("\"workers\": 1", "\"workers\": 2"));

    assertThat(run(env, "--resume", dir.toString(), "--steps", "1"))
        .isIn(0, AideCommand.EXIT_NO_SOLUTION);
    assertThat(out.toString(UTF_8)).contains("mcts policy, 1 steps, 2 worker(s)");
    out.reset();

    String[] chosen = {
      "--resume", dir.toString(), "--steps", "2", "--workers", "1", "--policy", "greedy"
    };
    assertThat(run(env, chosen)).isIn(0, AideCommand.EXIT_NO_SOLUTION);
    assertThat(out.toString(UTF_8)).contains("greedy policy, 2 steps, 1 worker(s)");
  }

  private static final String MCTS = "MctsPolicy{uctC=0.7, numChildren=2, debugAttempts=1}";

  @Test
  void resumeTakesARunOfACustomLanguage() throws Exception {
    Map<String, String> env = scriptedLlm();
    Path dir =
        recordedRun(
            "{\"name\": \"Shell\", \"fileName\": \"main.sh\", \"command\": [\"sh\","
                + " \"main.sh\"], \"fenceTags\": [\"python\"]}",
            "");

    int exit = run(env, "--resume", dir.toString(), "--steps", "1");

    assertThat(err.toString(UTF_8)).doesNotContain("cannot resume");
    assertThat(exit).as("stderr: %s", err).isIn(0, AideCommand.EXIT_NO_SOLUTION);
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(1);
    // the language's own command ran its own file: sh complains about the Python in main.sh
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl")).get(0)).contains("main.sh: ");
  }

  @Test
  void resumeOfARunWithAMetricReaderOfItsProgramsOwnSaysWhatToDo() throws Exception {
    Path dir = recordedRun("\"Python\"", ", \"customMetricReader\": \"my reader\"");

    int exit = run(scriptedLlm(), "--resume", dir.toString());

    assertThat(exit).isEqualTo(AideCommand.EXIT_USAGE);
    assertThat(err.toString(UTF_8))
        .contains("the run read its metric with my reader")
        .contains("--metric-line NAME");
  }

  @Test
  void resumeOfADirectoryWithoutARunIsABadOption() {
    int exit = run(scriptedLlm(), "--resume", tmp.toString());

    assertThat(exit).isEqualTo(AideCommand.EXIT_USAGE);
    assertThat(err.toString(UTF_8))
        .contains("--resume " + tmp + ": " + tmp + " is not a run's output directory");
  }

  @Test
  void resumeOfAnUnreadableRunJsonNamesTheField() throws Exception {
    Path dir = recordedRun("\"Python\"", ", \"timeout\": 20");

    int exit = run(scriptedLlm(), "--resume", dir.toString());

    assertThat(exit).isEqualTo(AideCommand.EXIT_USAGE);
    assertThat(err.toString(UTF_8)).contains("field 'task.timeout' should be a string, was 20");
  }

  @Test
  void withoutAnLlmItExitsAtOnceAndSaysWhatToSet() {
    int exit = run(Map.of("PATH", "/usr/bin:/bin"), "--example", "speedup");

    assertThat(exit).isEqualTo(AideCommand.EXIT_SETUP);
    assertThat(err.toString(UTF_8))
        .contains("no LLM is configured")
        .contains("export OPENAI_API_KEY=")
        .contains("export ANTHROPIC_API_KEY=")
        .contains("OPENAI_BASE_URL=")
        .contains("ollama")
        .doesNotContain("Exception");
  }

  @Test
  void badOptionsGiveAClearMessageAndExitCode2() {
    Map<String, String> env = scriptedLlm();
    assertThat(run(env, "--bogus")).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("Unknown option: '--bogus'");

    for (String[] args :
        List.of(
            new String[] {"--goal", "x", "--policy", "random"},
            new String[] {"--goal", "x", "--direction", "up"},
            new String[] {"--goal", "x", "--timeout", "soon"},
            new String[] {"--goal", "x", "--data", tmp.resolve("missing").toString()},
            new String[] {"--example", "nope"},
            new String[] {"--goal", "x", "--sandbox-readable", tmp.resolve("missing").toString()},
            new String[] {"--steps", "3"},
            new String[] {"--goal", "x", "--steps", "0"})) {
      err.reset();
      assertThat(run(env, args)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(UTF_8)).as(String.join(" ", args)).startsWith("aide: ");
    }
  }

  @Test
  void badScoringOptionsNameWhatIsWrongBeforeAnyLlmCall() throws IOException {
    ScriptedLlm script = BreastCancerScript.script();
    Map<String, String> env = scriptedLlm();
    llm = script;
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "id,x,price\n1,2,3.5\n2,3,4.5\n3,4,5.5\n4,5,6\n");
    Files.writeString(data.resolve("test.csv"), "id,x\n10,2\n11,3\n");
    String d = data.toString();
    for (String[] args :
        List.of(
            new String[] {"--goal", "x", "--data", d, "--target", "price"},
            new String[] {"--goal", "x", "--data", d, "--target", "price", "--metric", "auc2"},
            new String[] {"--goal", "x", "--target", "price", "--metric", "rmse"},
            new String[] {"--goal", "x", "--data", d, "--score-command", "true", "--target", "p"},
            new String[] {"--goal", "x", "--data", d, "--score-command", "echo 1"},
            new String[] {
              "--goal", "x", "--data", d, "--target", "price", "--metric", "rmse", "--holdout", "2"
            })) {
      err.reset();
      assertThat(run(env, args)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(UTF_8)).as(String.join(" ", args)).startsWith("aide: ");
    }
    assertThat(script.requests(request -> true)).isEmpty();

    // a column that is not there, and AUC on a continuous target: named before any LLM call
    err.reset();
    int exit =
        run(
            env,
            "--goal",
            "x",
            "--data",
            d,
            "--target",
            "Price",
            "--metric",
            "rmse",
            "--out",
            tmp.resolve("a").toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString(UTF_8)).contains("Price").contains("price");
    err.reset();
    exit =
        run(
            env,
            "--goal",
            "x",
            "--data",
            d,
            "--target",
            "price",
            "--metric",
            "roc_auc",
            "--out",
            tmp.resolve("b").toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString(UTF_8)).contains("price");
    assertThat(script.requests(request -> true)).isEmpty();
  }

  @Test
  void helpDocumentsEveryOption() {
    assertThat(run(Map.of(), "--help")).isZero();

    assertThat(out.toString(UTF_8))
        .contains(
            "--example",
            "--data",
            "--goal",
            "--eval",
            "--direction",
            "--metric-line",
            "--expect",
            "--steps",
            "--workers",
            "--policy",
            "--model",
            "--coder-model",
            "--reviewer-model",
            "--coder-temperature",
            "--reviewer-temperature",
            "--max-output-tokens",
            "--timeout",
            "--out",
            "--seed",
            "--resume",
            "--python",
            "--sandbox",
            "--sandbox-readable",
            "--gpus",
            "--run-as");
  }

  @Test
  void theResumeCommandKeepsTheOptionsThatRunJsonDoesNotRecord() {
    AideCommand plain = parse("--goal", "x");
    assertThat(plain.resumeCommand(Path.of("runs/a"))).isEqualTo("aide --resume runs/a");
    // the sandbox is the default, so a run that turned it off resumes with it off
    assertThat(parse("--goal", "x", "--sandbox", "off").resumeCommand(Path.of("runs/a")))
        .isEqualTo("aide --resume runs/a --sandbox off");
    assertThat(parse("--goal", "x", "--run-as", "1001:1001").resumeCommand(Path.of("runs/a")))
        .isEqualTo("aide --resume runs/a --run-as 1001:1001");

    AideCommand full =
        parse(
            "--goal",
            "x",
            "--workers",
            "4",
            "--policy",
            "mcts",
            "--model",
            "gpt-4.1",
            "--python",
            "/opt/venv/bin/python",
            "--sandbox",
            "required",
            "--sandbox-readable",
            "/home/me/.cache/it's here",
            "--gpus",
            "--steps",
            "50");
    assertThat(full.resumeCommand(Path.of("/tmp/my runs/b")))
        .isEqualTo(
            "aide --resume '/tmp/my runs/b' --workers 4 --policy mcts --model gpt-4.1"
                + " --python /opt/venv/bin/python --sandbox required"
                + " --sandbox-readable '/home/me/.cache/it'\\''s here' --gpus");
  }

  @Test
  void gpusWhereThereIsNoGpuDeviceIsASetupError() throws Exception {
    try (var devices = Files.list(Path.of("/dev"))) {
      assumeTrue(
          devices.noneMatch(d -> d.getFileName().toString().matches("nvidia.*|dri")),
          "this test needs a machine without GPU device nodes in /dev");
    }
    int exit = run(scriptedLlm(), "--goal", "x", "--gpus", "--out", tmp.resolve("run").toString());

    assertThat(exit).as("stderr: %s", err).isEqualTo(3);
    assertThat(err.toString(UTF_8))
        .startsWith("aide: GPUs were asked for, but there is no GPU device node in /dev");
    assertThat(tmp.resolve("run")).doesNotExist();
  }

  @Test
  void runAsRootIsASetupErrorAndAnotherUserIsWhoSolutionsRunAs() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "switching users needs a root JVM");
    int exit =
        run(
            scriptedLlm(),
            "--goal",
            "x",
            "--run-as",
            "root",
            "--out",
            tmp.resolve("run").toString());
    assertThat(exit).as("stderr: %s", err).isEqualTo(3);
    assertThat(err.toString(UTF_8)).contains("never runs as root");

    ProcessExecutor executor =
        ProcessExecutor.builder().sandbox(ProcessExecutor.Sandbox.OFF).runAs("12345:23456").build();
    assertThat(
            parse("--goal", "x", "--sandbox", "off", "--run-as", "12345:23456")
                .protection(executor))
        .isEqualTo("Sandbox: off (--sandbox off), as uid 12345 (uid 12345, gid 23456)");
  }

  @Test
  void saysHowSolutionsRun() {
    ProcessExecutor plain = ProcessExecutor.builder().sandbox(ProcessExecutor.Sandbox.OFF).build();
    String as = plain.runsAs() == null ? "" : ", as " + plain.runsAs();
    assertThat(parse("--goal", "x", "--sandbox", "off").protection(plain))
        .isEqualTo("Sandbox: off (--sandbox off)" + as);
    assertThat(parse("--goal", "x").protection(plain))
        .isEqualTo("Sandbox: none, bubblewrap cannot work here (see the warning above)" + as);
  }

  private static AideCommand parse(String... args) {
    AideCommand command = new AideCommand(Map.of(), System.out, System.err, false);
    new picocli.CommandLine(command).parseArgs(args);
    command.launcher = List.of("aide");
    return command;
  }

  @Test
  void durationsAcceptTheShortForms() {
    assertThat(AideCommand.duration("90s")).hasSeconds(90);
    assertThat(AideCommand.duration("10m")).hasMinutes(10);
    assertThat(AideCommand.duration("1h30m")).hasMinutes(90);
    assertThat(AideCommand.duration("45")).hasSeconds(45);
    assertThat(AideCommand.duration("PT2M")).hasMinutes(2);
  }

  @Test
  void dataRunsUseAPythonThatHasPandasNotJustPython3OnThePath() throws Exception {
    assumeSystemScientificPython();
    Path data = ExampleTasks.task("breast-cancer", tmp.resolve("data")).dataDir();
    Map<String, String> env = scriptedLlm();
    env.put("PATH", pythonWithoutPandas() + ":/usr/bin:/bin");
    Path dir = tmp.resolve("run");

    int exit =
        run(
            env,
            "--data",
            data.toString(),
            "--goal",
            "Predict malignant for test.csv",
            "--metric-line",
            "metric",
            "--steps",
            "1",
            "--out",
            dir.toString());

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString(UTF_8))
        .contains("Python: /usr/bin/python3\n")
        .containsPattern("\nSandbox: (bubblewrap|none, bubblewrap cannot work here)");
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl")).get(0))
        .contains("\"buggy\":false")
        .doesNotContain("ModuleNotFoundError");
    assertThat(RunDirectory.open(dir).settings().properties())
        .containsEntry(AideCommand.PYTHON_PROPERTY, "/usr/bin/python3");
  }

  @Test
  void resumeRunsWithThePythonTheRunRecorded() throws Exception {
    assumeSystemScientificPython();
    Path data = ExampleTasks.task("breast-cancer", tmp.resolve("data")).dataDir();
    Path venv = Files.createDirectories(tmp.resolve("venv/bin"));
    Path python = executable(venv.resolve("python"), "exec /usr/bin/python3 \"$@\"");
    Map<String, String> env = scriptedLlm();
    env.put("AIDE_PYTHON", python.toString());
    Path dir = tmp.resolve("run");
    String[] first = {
      "--data",
      data.toString(),
      "--goal",
      "Predict malignant",
      "--metric-line",
      "metric",
      "--steps",
      "1",
      "--out",
      dir.toString()
    };
    assertThat(run(env, first)).as("stderr: %s", err).isZero();
    out.reset();

    env.remove("AIDE_PYTHON");
    env.put("PATH", pythonWithoutPandas() + ":/usr/bin:/bin");
    int exit = run(env, "--resume", dir.toString(), "--steps", "2");

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString(UTF_8))
        .contains("Python: " + python + "\n")
        .contains("resumed with 1 node(s): 1 good, 0 buggy, best");
    // pandas was there: the second draft fails in pandas itself, on its wrong column name
    List<String> journal = Files.readAllLines(dir.resolve("journal.jsonl"));
    assertThat(journal).hasSize(2).noneMatch(line -> line.contains("ModuleNotFoundError"));
    assertThat(journal.get(1)).contains("KeyError");
  }

  @Test
  void resumeKeepsTheModelsTheRunRecordedUnlessAnOptionNamesOthers() throws Exception {
    assumeSystemScientificPython();
    Path data = ExampleTasks.task("breast-cancer", tmp.resolve("data")).dataDir();
    Map<String, String> env = scriptedLlm();
    Path dir = tmp.resolve("run");
    String[] first = {
      "--data",
      data.toString(),
      "--goal",
      "Predict malignant",
      "--metric-line",
      "metric",
      "--steps",
      "1",
      "--out",
      dir.toString(),
      "--coder-model",
      "coder-a",
      "--reviewer-model",
      "reviewer-b"
    };
    assertThat(run(env, first)).as("stderr: %s", err).isZero();
    out.reset();

    assertThat(run(env, "--resume", dir.toString(), "--steps", "2")).as("stderr: %s", err).isZero();
    assertThat(out.toString(UTF_8)).contains("(coder coder-a, reviewer reviewer-b)");
    out.reset();

    String[] third = {"--resume", dir.toString(), "--steps", "3", "--reviewer-model", "reviewer-c"};
    assertThat(run(env, third)).as("stderr: %s", err).isZero();
    assertThat(out.toString(UTF_8)).contains("(coder coder-a, reviewer reviewer-c)");
  }

  private static void assumeSystemScientificPython() {
    assumeTrue(
        Pythons.check("/usr/bin/python3") == null,
        "needs /usr/bin/python3 with numpy, pandas and scikit-learn:"
            + " apt-get install python3-sklearn python3-pandas");
  }

  /** A directory holding a python3 that runs but cannot import pandas, as a bare pyenv's. */
  private Path pythonWithoutPandas() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bare/bin"));
    executable(bin.resolve("python3"), "exec /usr/bin/python3 -S \"$@\"");
    return bin;
  }

  private static Path executable(Path file, String command) throws Exception {
    Files.writeString(file, "#!/bin/sh\n" + command + "\n");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void aMalformedBaseUrlEndsInAMessageThatHidesThePassword() {
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", "sk-test-key-123");
    env.put("OPENAI_BASE_URL", "http://user:secret@:bad");
    env.put("PATH", "/usr/bin:/bin");

    int exit = run(env, "--goal", "x", "--steps", "1", "--out", tmp.resolve("run").toString());

    String printed = out.toString(UTF_8) + err.toString(UTF_8);
    assertThat(exit).as("stderr: %s", err).isEqualTo(AideCommand.EXIT_SETUP);
    assertThat(err.toString(UTF_8)).startsWith("aide: ").contains("OPENAI_BASE_URL");
    assertThat(printed)
        .doesNotContain("secret")
        .doesNotContain("sk-test-key-123")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void unexpectedFailuresEndInAMessageWithoutSecrets() {
    AideCommand command =
        new AideCommand(
            Map.of(
                "OPENAI_API_KEY", "sk-live-abc",
                "OPENAI_BASE_URL", "http://u:pw42@h:1/v1",
                "HF_HUB_DISABLE_TOKEN", "true"),
            System.out,
            System.err,
            false);

    assertThat(command.redact("bad sk-live-abc at http://u:pw42@h:1/v1 and pw42 or ftp://a:b@c"))
        .isEqualTo(
            "bad [redacted] at http://[redacted]@h:1/v1 and [redacted] or ftp://[redacted]@c");
    assertThat(command.redact("x is true")).isEqualTo("x is true");
  }

  @Test
  void absurdWorkersAndTimeoutsAreRejectedWithTheirLimits() {
    Map<String, String> env = scriptedLlm();
    assertThat(run(env, "--goal", "x", "--workers", "100000")).isEqualTo(AideCommand.EXIT_USAGE);
    assertThat(err.toString(UTF_8))
        .startsWith("aide: --workers must be from 1 to 256, was 100000")
        .doesNotContain("Exception");

    for (String timeout :
        List.of("99999999999999999d", "99999999999999999999", "31d", "P99999999999999999DT")) {
      err.reset();
      assertThat(run(env, "--goal", "x", "--timeout", timeout)).as(timeout).isEqualTo(2);
      assertThat(err.toString(UTF_8))
          .as(timeout)
          .startsWith("aide: --timeout " + timeout + " is too large; the most is 30d");
    }
    assertThat(AideCommand.duration("30d")).hasDays(30);
    assertThat(AideCommand.duration("2d3h")).hasHours(51);
    assertThat(AideCommand.duration("1.5s")).hasMillis(1500);
  }

  @Test
  void theResumeCommandStartsWithAWayToRunAideFromTheCurrentDirectory() throws Exception {
    Path checkout = Files.createDirectories(tmp.resolve("aide checkout"));
    Path script = checkout.resolve("aide");
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path jar = checkout.resolve("aide-examples/target/aide.jar");

    assertThat(AideCommand.launcher(script.toString(), jar, checkout, "cp"))
        .containsExactly("./aide");
    assertThat(AideCommand.launcher(script.toString(), jar, elsewhere, "cp"))
        .containsExactly(script.toString());
    assertThat(AideCommand.launcher(null, jar, elsewhere, "cp"))
        .containsExactly("java", "-jar", jar.toString());
    assertThat(AideCommand.launcher(null, checkout.resolve("classes"), elsewhere, "a.jar:b"))
        .containsExactly("java", "-cp", "a.jar:b", AideCommand.class.getName());

    AideCommand command = parse("--goal", "x", "--model", "it's $HOME `x` \"y\" \\ *");
    command.launcher = AideCommand.launcher(script.toString(), jar, elsewhere, "cp");
    String printed = command.resumeCommand(tmp.resolve("my runs/a"));
    assertThat(printed).startsWith("'" + script + "' --resume ");
    // a POSIX shell reads the printed command back into the same words
    Process shell =
        new ProcessBuilder("/bin/sh", "-c", "set -- " + printed + "; printf '%s\\n' \"$@\"")
            .redirectErrorStream(true)
            .start();
    String words = new String(shell.getInputStream().readAllBytes(), UTF_8);
    assertThat(shell.waitFor()).isZero();
    assertThat(words.lines())
        .containsExactly(
            script.toString(),
            "--resume",
            tmp.resolve("my runs/a").toString(),
            "--model",
            "it's $HOME `x` \"y\" \\ *");
  }

  @Test
  void aRunWithoutAGoodNodeExitsWith5AndPointsToNoMissingBestDirectory() {
    Path dir = tmp.resolve("run");
    // no data: the scripted code cannot read input/train.csv, so every node is buggy
    int exit =
        run(
            scriptedLlm(),
            "--goal",
            "Predict y",
            "--steps",
            "1",
            "--out",
            dir.toString(),
            "--python",
            runnablePython());

    assertThat(exit).as("stderr: %s", err).isEqualTo(AideCommand.EXIT_NO_SOLUTION).isEqualTo(5);
    assertThat(dir.resolve("best")).doesNotExist();
    assertThat(out.toString(UTF_8))
        .contains("No solution ran cleanly")
        .doesNotContain("Best solution:")
        .contains("Report:");
  }

  @Test
  void helpDocumentsTheExitCodesAndThePython() {
    assertThat(run(Map.of(), "--help")).isZero();

    assertThat(out.toString(UTF_8).replaceAll("\\s+", " "))
        .contains("5 the search ended without a solution")
        .contains("130 stopped by Ctrl-C")
        .contains("AIDE_PYTHON")
        .contains("recorded in run.json");
  }

  @Test
  void aSearchStoppedByBadCredentialsPrintsHowToResume() {
    Map<String, String> env = scriptedLlm();
    llm =
        request -> {
          throw new LlmException("Incorrect API key", LlmException.Kind.AUTHENTICATION);
        };
    Path dir = tmp.resolve("run");

    int exit = run(env, "--goal", "Predict y", "--steps", "2", "--out", dir.toString());

    assertThat(exit).as("stderr: %s", err).isEqualTo(AideCommand.EXIT_FAILED);
    assertThat(err.toString(UTF_8))
        .contains("The search stopped")
        .contains("Resume with: ")
        .contains(" --resume " + dir.toAbsolutePath())
        .doesNotContain("sk-test");
  }
}
