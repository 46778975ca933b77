package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.testkit.Answers;
import dev.aide.testkit.FakeOpenAiServer;
import dev.aide.testkit.ScriptedLlm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The java-speedup example end to end, as `./aide --example java-speedup` runs it: the coder's
 * SEARCH/REPLACE answers (resources under answers/) on the shipped Maven project, its JUnit tests
 * as the gate run by the Maven the command prepares, and demo.Bench's time as the metric.
 */
class RepositoryExamplesTest {
  private static final Pattern TIME = Pattern.compile("time_ms: ([0-9.]+)");
  private static final String FIX =
      "The previous attempt incremented the value returned by counts.get(index), which is not a"
          + " variable. Set the list element instead.\n\nsrc/main/java/demo/Anagrams.java\n"
          + "<<<<<<< SEARCH\n        counts.get(index)++;\n=======\n"
          + "        counts.set(index, counts.get(index) + 1);\n>>>>>>> REPLACE\n";

  /** A change that keeps python-speedup's behaviour and speed: a comment. */
  private static final String COMMENT =
      "Name what the import is for.\n\ntextstats/freq.py\n<<<<<<< SEARCH\nimport collections\n"
          + "=======\nimport collections  # counting\n>>>>>>> REPLACE\n";

  @TempDir Path tmp;
  private FakeOpenAiServer server;
  private ScriptedLlm llm;
  private final List<String> debugPrompts = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    AtomicInteger improves = new AtomicInteger();
    List<String> order = List.of("compile-error.md", "breaks-test.md", "speedup.md");
    llm =
        ScriptedLlm.builder()
            .whenReview(RepositoryExamplesTest::review)
            .otherwise(
                request -> {
                  String system = request.messages().get(0).content();
                  String user = ScriptedLlm.lastMessage(request);
                  if (system.contains("failed (attempt")) {
                    debugPrompts.add(request.messages().get(1).content());
                    if (user.contains("counts.get(index)++")) return text(FIX);
                  }
                  int i = improves.getAndIncrement();
                  return text(answer(i < order.size() ? order.get(i) : "compile-fixed.md"));
                })
            .build();
    server = FakeOpenAiServer.start(request -> llm.chat(request));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ChatResponse text(String answer) {
    return ChatResponse.ofText(answer);
  }

  private static ChatResponse review(ChatRequest request) {
    Matcher m = TIME.matcher(request.messages().get(1).content());
    Double time = null;
    while (m.find()) time = Double.parseDouble(m.group(1));
    return Answers.review(time == null, "ran", time, Direction.MINIMIZE);
  }

  private static String answer(String name) {
    return resource("/dev/aide/examples/java-speedup/answers/" + name);
  }

  private static String resource(String path) {
    try (InputStream in = RepositoryExamplesTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theJavaExampleFindsTheSpeedUpAndItsPatchAppliesWithGitAndPassesTheGate() throws Exception {
    Path dir = tmp.resolve("run");
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", "sk-test");
    env.put("OPENAI_BASE_URL", server.baseUrl());
    env.put("AIDE_MODEL", "scripted");
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    int exit =
        AideCommand.run(
            new String[] {
              "--example", "java-speedup", "--steps", "6", "--seed", "1", "--out", dir.toString()
            },
            env,
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            false);

    assertThat(exit).as("stdout: %s%nstderr: %s", out, err).isZero();
    String journal = Files.readString(dir.resolve("journal.jsonl"));
    List<String> nodes = journal.lines().toList();
    assertThat(nodes).hasSize(6);
    assertThat(nodes.get(0)).contains("\"code\":\"\"").contains("\"buggy\":false");
    // the compile error made its node buggy through the gate, and its debug prompt showed javac's
    assertThat(nodes.get(1)).contains("\"buggy\":true").contains("the gate");
    assertThat(journal).contains("Tests run:"); // the change that broke a test
    assertThat(debugPrompts)
        .anySatisfy(p -> assertThat(p).contains("ERROR").contains("Anagrams.java"));
    assertThat(out.toString(UTF_8)).contains("Best patch:");
    String patch = Files.readString(dir.resolve("best/patch.diff"));
    assertThat(patch).contains("diff --git a/src/main/java/demo/Anagrams.java");

    // git takes best/patch.diff on a fresh copy of the project, and the gate passes there
    Path copy = ExampleProjects.unpack(ExampleProjects.JAVA_SPEEDUP, tmp.resolve("copy"));
    assertThat(command(copy, "git", "init", "-q")).isZero();
    assertThat(command(copy, "git", "apply", dir.resolve("best/patch.diff").toString())).isZero();
    assertThat(Files.readString(copy.resolve("src/main/java/demo/Anagrams.java")))
        .isEqualTo(Files.readString(dir.resolve("best/tree/src/main/java/demo/Anagrams.java")));
    String gate = gateCommand(dir);
    assertThat(command(copy, "sh", "-c", gate)).isZero();
    try (Stream<String> report = Files.lines(dir.resolve("report.md"))) {
      assertThat(report.anyMatch(l -> l.equals("## The best change"))).isTrue();
    }
  }

  @Test
  void thePythonExampleCatchesATieOrderBreakWithPytestAndKeepsTheSpeedUp() throws Exception {
    String fix =
        "Counter.most_common orders ties by first appearance, not alphabetically. Sort the counts"
            + " with the old key.\n\ntextstats/freq.py\n<<<<<<< SEARCH\n"
            + "    return collections.Counter(words(text)).most_common(k)\n=======\n"
            + "    counts = collections.Counter(words(text))\n"
            + "    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:k]\n"
            + ">>>>>>> REPLACE\n";
    AtomicInteger improves = new AtomicInteger();
    llm =
        ScriptedLlm.builder()
            .whenReview(RepositoryExamplesTest::review)
            .otherwise(
                request -> {
                  if (request.messages().get(0).content().contains("failed (attempt")) {
                    debugPrompts.add(request.messages().get(1).content());
                    return text(fix);
                  }
                  int i = improves.getAndIncrement();
                  if (i >= 2) return text(COMMENT);
                  return text(python(i == 0 ? "breaks-test.md" : "speedup.md"));
                })
            .build();
    Path dir = tmp.resolve("run");

    int exit =
        runCli(
            "--example", "python-speedup", "--steps", "3", "--seed", "1", "--out", dir.toString());

    assertThat(exit).as("stdout: %s%nstderr: %s", out, err).isZero();
    List<String> nodes = Files.readAllLines(dir.resolve("journal.jsonl"));
    assertThat(nodes).hasSize(3);
    assertThat(nodes.get(0)).contains("\"code\":\"\"").contains("\"buggy\":false");
    // most_common breaks the alphabetical order of ties: pytest fails, the node is buggy
    assertThat(nodes.get(1))
        .contains("\"buggy\":true")
        .contains("test_ties_are_alphabetical_not_in_order_of_appearance");
    assertThat(nodes.get(2)).contains("\"buggy\":false");
    double base = time(nodes.get(0));
    double best = time(nodes.get(2));
    assertThat(best).as("base %s ms, best %s ms", base, best).isLessThan(base);
    String patch = Files.readString(dir.resolve("best/patch.diff"));
    assertThat(patch).contains("diff --git a/textstats/freq.py").contains("collections.Counter");

    // git takes best/patch.diff on a fresh copy of the package, and pytest passes there
    Path copy = ExampleProjects.unpack(ExampleProjects.PYTHON_SPEEDUP, tmp.resolve("copy"));
    assertThat(command(copy, "git", "init", "-q")).isZero();
    assertThat(command(copy, "git", "apply", dir.resolve("best/patch.diff").toString())).isZero();
    assertThat(command(copy, "sh", "-c", gateCommand(dir))).isZero();

    // a resumed run's gate still finds the Python: the sandbox shows it again
    out.reset();
    assertThat(runCli("--resume", dir.toString(), "--steps", "4"))
        .as("stdout: %s%nstderr: %s", out, err)
        .isZero();
    nodes = Files.readAllLines(dir.resolve("journal.jsonl"));
    assertThat(nodes).hasSize(4);
    assertThat(nodes.get(3)).contains("\"buggy\":false");
  }

  @Test
  void aUsersGitRepositoryGetsTheBestPatchOnTheBranchItNamesAndATakenBranchIsRefused()
      throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("calc"));
    Files.writeString(repo.resolve("calc.sh"), "echo \"time_ms: 100\"\n");
    commitAll(repo);
    llm =
        ScriptedLlm.builder()
            .whenReview(RepositoryExamplesTest::review)
            .otherwise(
                request ->
                    text(
                        "Print less.\n\ncalc.sh\n<<<<<<< SEARCH\necho \"time_ms: 100\"\n=======\n"
                            + "echo \"time_ms: 7\"\n>>>>>>> REPLACE\n"))
            .build();
    String[] args = {
      "--repo",
      repo.toString(),
      "--commit",
      "HEAD",
      "--branch",
      "aide/faster",
      "--edit",
      "*.sh",
      "--eval",
      "sh calc.sh",
      "--metric-line",
      "time_ms",
      "--direction",
      "min",
      "--goal",
      "Make calc faster",
      "--steps",
      "2",
      "--out",
      tmp.resolve("run").toString()
    };

    assertThat(runCli(args)).as("stdout: %s%nstderr: %s", out, err).isZero();

    assertThat(out.toString(UTF_8))
        .containsPattern("Branch: +aide/faster of .*calc \\(commit \\w+\\)");
    Process show =
        new ProcessBuilder("git", "show", "aide/faster:calc.sh").directory(repo.toFile()).start();
    assertThat(new String(show.getInputStream().readAllBytes(), UTF_8)).contains("time_ms: 7");
    assertThat(Files.readString(repo.resolve("calc.sh"))).contains("time_ms: 100");

    // the branch is taken now: a second search is refused before it asks the coder
    int asked = llm.requests().size();
    args[args.length - 1] = tmp.resolve("run2").toString();
    assertThat(runCli(args)).isEqualTo(4);
    assertThat(err.toString(UTF_8)).contains("The branch 'aide/faster' already exists");
    assertThat(llm.requests()).hasSize(asked);
  }

  /** The metric a journal line records. */
  private static double time(String node) {
    Matcher m = Pattern.compile("\"metric\":([0-9.eE-]+),\"direction\"").matcher(node);
    assertThat(m.find()).as(node).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String python(String name) {
    return resource("/dev/aide/examples/python-speedup/answers/" + name);
  }

  private int runCli(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", "sk-test");
    env.put("OPENAI_BASE_URL", server.baseUrl());
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return AideCommand.run(
        args, env, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), false);
  }

  @Test
  void repositoryOptionsThatDoNotFitAreUsageErrorsBeforeAnyLlmCall() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("calc.sh"), "echo metric: 1\n");

    assertThat(runCli("--goal", "g", "--edit", "src/**")).isEqualTo(2);
    assertThat(err.toString(UTF_8))
        .contains("--edit, --gate, --build, --commit and --branch need --repo DIR");
    assertThat(runCli("--repo", repo.toString(), "--eval", "sh calc.sh")).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--repo needs --edit GLOB");
    assertThat(runCli("--repo", repo.toString(), "--edit", "*.sh")).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--repo needs --eval CMD");
    assertThat(runCli("--repo", repo.toString(), "--edit", "*.sh", "--eval", "x", "--branch", "b"))
        .isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--branch needs --commit REV");
    // a glob that matches nothing is refused when the run starts, before the coder is asked
    assertThat(
            runCli(
                "--repo",
                repo.toString(),
                "--edit",
                "src/*.java",
                "--eval",
                "sh calc.sh",
                "--out",
                tmp.resolve("run").toString()))
        .isEqualTo(4);
    assertThat(err.toString(UTF_8))
        .contains("the edit glob 'src/*.java' matches no file of the base");
    // a git base with uncommitted changes to tracked files
    Path git = Files.createDirectories(tmp.resolve("git"));
    Files.writeString(git.resolve("calc.sh"), "echo metric: 1\n");
    commitAll(git);
    Files.writeString(git.resolve("calc.sh"), "echo metric: 2\n");
    assertThat(
            runCli(
                "--repo",
                git.toString(),
                "--commit",
                "HEAD",
                "--edit",
                "*.sh",
                "--eval",
                "sh calc.sh",
                "--out",
                tmp.resolve("run2").toString()))
        .isEqualTo(4);
    assertThat(err.toString(UTF_8)).contains("has uncommitted changes to tracked files (calc.sh)");
    assertThat(llm.requests()).isEmpty();
  }

  /** The gate command run.json recorded. */
  private static String gateCommand(Path dir) throws IOException {
    Matcher m =
        Pattern.compile("\"gate\": \"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(Files.readString(dir.resolve("run.json")));
    assertThat(m.find()).isTrue();
    return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  /** Makes {@code dir} a git repository whose one commit holds all its files. */
  private static void commitAll(Path dir) throws Exception {
    assertThat(command(dir, "git", "init", "-q")).isZero();
    assertThat(command(dir, "git", "add", ".")).isZero();
    assertThat(
            command(dir, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"))
        .isZero();
  }

  private static int command(Path dir, String... args) throws Exception {
    Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
    if (p.exitValue() != 0) System.err.println(String.join(" ", args) + ": " + output);
    return p.exitValue();
  }
}
