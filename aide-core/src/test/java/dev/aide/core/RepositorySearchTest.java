package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.search.GreedyPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search over a repository: nodes are patches over a base tree, the coder answers with
 * SEARCH/REPLACE blocks, a gate makes a node buggy, and the best patch is written so that {@code
 * git apply} takes it. The "repository" is a few shell scripts run by real {@code sh}: {@code
 * src/calc.sh} prints the metric, {@code gate.sh} fails when it holds {@code BROKEN}.
 */
class RepositorySearchTest {
  @TempDir Path tmp;
  private Path base;
  private final List<ChatRequest> coderRequests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger reviews = new AtomicInteger();
  private final List<String> reviewPrompts = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void writeBase() throws IOException {
    base = Files.createDirectories(tmp.resolve("base"));
    Files.createDirectories(base.resolve("src"));
    Files.writeString(base.resolve("src/calc.sh"), "# the work\nsleep 0\necho \"time_ms: 100\"\n");
    Files.writeString(base.resolve("src/notes.txt"), "read only\n");
    Files.writeString(
        base.resolve("gate.sh"),
        "if grep -q BROKEN src/calc.sh; then echo 'FAIL: calc is broken' >&2; exit 1; fi\n");
    Files.createDirectories(base.resolve("target"));
    Files.writeString(base.resolve("target/stale.class"), "excluded by default\n");
  }

  private Task task(Repository repository) {
    return Task.builder()
        .goal("Make calc faster")
        .repository(repository)
        .metricReader(MetricReader.line("time_ms"))
        .direction(Direction.MINIMIZE)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private Repository.Builder repository() {
    return Repository.directory(base).edit("src/*.sh").gate("sh gate.sh").eval("sh src/calc.sh");
  }

  /** A block that changes calc's printed time from {@code from} to {@code to}. */
  private static String speedUp(int from, int to) {
    return "Print a smaller time.\n\nsrc/calc.sh\n<<<<<<< SEARCH\necho \"time_ms: "
        + from
        + "\"\n=======\necho \"time_ms: "
        + to
        + "\"\n>>>>>>> REPLACE\n";
  }

  private LlmClient coder(Function<ChatRequest, String> answers) {
    return request -> {
      coderRequests.add(request);
      return new ChatResponse(
          answers.apply(request), List.of(), FinishReason.STOP, TokenUsage.of(10, 10), "c");
    };
  }

  /** A reviewer that passes every run and repeats the time it printed. */
  private LlmClient reviewer() {
    Pattern time = Pattern.compile("time_ms: (\\d+)");
    return request -> {
      reviews.incrementAndGet();
      reviewPrompts.add(request.messages().get(1).content());
      Matcher m = time.matcher(request.messages().get(1).content());
      String metric = "null";
      while (m.find()) metric = m.group(1);
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
              + "\": true}";
      return new ChatResponse(
          "",
          List.of(new ToolCall("r", ReviewProtocol.REVIEW_TOOL, args)),
          FinishReason.TOOL_CALLS,
          TokenUsage.of(10, 10),
          "r");
    };
  }

  /** Runs a request's script with {@code sh} in its workspace. */
  static final Executor SH =
      request -> {
        try {
          // as the executors do: the script in the workspace, run there
          Path workspace = request.workspace();
          Files.writeString(workspace.resolve(request.fileName()), request.code());
          Process p =
              new ProcessBuilder(request.command())
                  .directory(workspace.toFile())
                  .redirectErrorStream(true)
                  .start();
          byte[] out = p.getInputStream().readAllBytes();
          if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
          return new ExecutionResult(
              new String(out, StandardCharsets.UTF_8),
              0,
              p.exitValue(),
              Duration.ofMillis(1),
              false,
              null,
              null,
              List.of());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      };

  private Aide.Builder aide(Path out, LlmClient coder, Executor executor) {
    return Aide.builder()
        .coder(coder, "coder")
        .reviewer(reviewer(), "reviewer")
        .executor(executor)
        .policy(GreedyPolicy.builder().build())
        .seed(1)
        .outputDir(out);
  }

  @Test
  void theBaseRunsFirstThenPatchesOverItAndTheBestPatchAppliesWithGit() throws Exception {
    Path out = tmp.resolve("run");
    AtomicInteger call = new AtomicInteger();
    LlmClient coder =
        coder(
            request ->
                switch (call.getAndIncrement()) {
                  case 0 -> speedUp(100, 50);
                  // the block's SEARCH is not in the file: asked again with the report
                  case 1 -> speedUp(999, 10);
                  case 2 -> speedUp(50, 20);
                  default ->
                      "Break it.\n\nsrc/calc.sh\n<<<<<<< SEARCH\nsleep 0\n=======\n"
                          + "sleep 0 # BROKEN\n>>>>>>> REPLACE\n";
                });

    Result result = aide(out, coder, SH).steps(4).build().run(task(repository().build()));

    List<Node> nodes = result.journal().nodes();
    assertThat(nodes).hasSize(4);
    Node baseNode = nodes.get(0);
    assertThat(baseNode.code()).isEmpty();
    assertThat(baseNode.metric().value()).isEqualTo(100);
    Node first = nodes.get(1);
    assertThat(first.stage()).isEqualTo(Stage.IMPROVE);
    assertThat(first.metric().value()).isEqualTo(50);
    assertThat(first.code()).startsWith("diff --git a/src/calc.sh b/src/calc.sh");
    assertThat(first.patch()).isEqualTo(first.code()); // its parent is the base
    Node second = nodes.get(2);
    assertThat(second.parentId()).isEqualTo(first.id());
    assertThat(second.metric().value()).isEqualTo(20);
    assertThat(second.patch()).contains("-echo \"time_ms: 50\"").contains("+echo \"time_ms: 20\"");
    assertThat(second.code()).contains("-echo \"time_ms: 100\"").contains("+echo \"time_ms: 20\"");
    // the failed block went back to the coder, which answered again within the same node
    ChatRequest retry = coderRequests.get(2);
    assertThat(retry.messages().get(retry.messages().size() - 1).content())
        .contains("src/calc.sh")
        .contains("echo \"time_ms: 50\"");
    Node broken = nodes.get(3);
    assertThat(broken.isBuggy()).isTrue();
    assertThat(broken.failure()).contains("the gate `sh gate.sh` failed with exit code 1");
    assertThat(broken.execution().output()).contains("FAIL: calc is broken");

    assertThat(result.best().id()).isEqualTo(second.id());
    Path patch = out.resolve("best/patch.diff");
    assertThat(Files.readString(patch)).isEqualTo(second.code());
    assertThat(Files.readString(out.resolve("best/tree/src/calc.sh"))).contains("time_ms: 20");
    assertThat(out.resolve("best/tree/target")).doesNotExist();
    // the prompt shows the editable file in full and the other files by name
    String prompt = coderRequests.get(0).messages().get(1).content();
    assertThat(prompt).contains("echo \"time_ms: 100\"").contains("src/notes.txt");
    // the review of a change sees the base's output before the change's own
    assertThat(reviewPrompts.get(0)).doesNotContain("For comparison");
    String review = reviewPrompts.get(1);
    assertThat(review)
        .contains("# For comparison: the unchanged base's evaluation output (metric 100")
        .containsSubsequence("time_ms: 100", "# Evaluation output", "time_ms: 50");

    // git takes the patch: applied to a copy of the base, the tree is best/tree's
    Path check = Files.createDirectories(tmp.resolve("check"));
    Files.createDirectories(check.resolve("src"));
    Files.copy(base.resolve("src/calc.sh"), check.resolve("src/calc.sh"));
    assertThat(git(check, "init", "-q")).isZero();
    assertThat(git(check, "apply", patch.toString())).isZero();
    assertThat(Files.readString(check.resolve("src/calc.sh")))
        .isEqualTo(Files.readString(out.resolve("best/tree/src/calc.sh")));
    assertThat(Files.readString(out.resolve("report.md"))).contains("## The best change");
  }

  @Test
  void aGateThatFailsOnTheBaseStopsTheRunBeforeAnyLlmCall() throws IOException {
    Files.writeString(base.resolve("src/calc.sh"), "echo BROKEN\n");

    assertThatThrownBy(
            () ->
                aide(tmp.resolve("run"), coder(r -> speedUp(1, 2)), SH)
                    .steps(3)
                    .build()
                    .run(task(repository().build())))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("the unmodified base fails")
        .hasMessageContaining("the gate `sh gate.sh` failed with exit code 1");
    assertThat(coderRequests).isEmpty();
    assertThat(reviews).hasValue(0);
  }

  @Test
  void anEvaluationWithoutAMetricOnTheBaseStopsTheRunBeforeAnyLlmCall() {
    Repository repository = repository().eval("echo done").build();

    assertThatThrownBy(
            () ->
                aide(tmp.resolve("run"), coder(r -> speedUp(1, 2)), SH)
                    .steps(3)
                    .build()
                    .run(task(repository)))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("printed no metric for");
    assertThat(coderRequests).isEmpty();
  }

  @Test
  void anEditGlobThatMatchesNothingIsRefused() {
    Repository repository = repository().edit("lib/**").build();

    assertThatThrownBy(
            () ->
                aide(tmp.resolve("run"), coder(r -> speedUp(1, 2)), SH)
                    .steps(3)
                    .build()
                    .run(task(repository)))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("the edit glob 'lib/**' matches no file of the base");
    assertThat(coderRequests).isEmpty();
  }

  @Test
  void parallelWorkersGetTheirOwnTrees() throws IOException {
    // each node adds a line of its own to calc.sh; each tree must hold its lineage's lines only
    AtomicInteger call = new AtomicInteger();
    LlmClient coder =
        coder(
            request ->
                "Mark it.\n\nsrc/calc.sh\n<<<<<<< SEARCH\nsleep 0\n=======\nsleep 0\n# mark "
                    + call.incrementAndGet()
                    + "\n>>>>>>> REPLACE\n");

    Result result =
        aide(tmp.resolve("run"), coder, SH)
            .workers(3)
            .steps(7)
            .build()
            .run(task(repository().build()));

    assertThat(result.journal().nodes()).hasSize(7);
    assertThat(result.journal().nodes()).allSatisfy(n -> assertThat(n.isBuggy()).isFalse());
    for (Node node : result.journal().nodes()) {
      Path calc = tmp.resolve("run/workspaces/" + node.id() + "/working/src/calc.sh");
      List<String> inTree =
          Files.readString(calc).lines().filter(l -> l.startsWith("# mark")).sorted().toList();
      List<String> inDiff =
          node.code()
              .lines()
              .filter(l -> l.startsWith("+# mark"))
              .map(l -> l.substring(1))
              .sorted()
              .toList();
      assertThat(inTree).as("node %d", node.id()).isEqualTo(inDiff);
      if (node.id() != 0) assertThat(inTree).isNotEmpty();
    }
    // the base's copy is as it was
    assertThat(Files.readString(tmp.resolve("run/base/src/calc.sh"))).doesNotContain("# mark");
  }

  @Test
  void aGitBaseIsItsCommitAndTheBestPatchIsCommittedOnANewBranch() throws Exception {
    commit(base, "src", "gate.sh");
    Files.writeString(base.resolve("untracked.txt"), "not in the commit\n");
    Result result = searchOnBranch("aide/faster");

    assertThat(result.best().metric().value()).isEqualTo(7);
    assertThat(tmp.resolve("run/base/untracked.txt")).doesNotExist();
    assertThat(tmp.resolve("run/base/target")).doesNotExist(); // never committed
    // the improve prompt of the base says it is the base
    assertThat(coderRequests.get(0).messages().get(0).content())
        .contains("as it is (attempt 0, its base)");
    assertThat(gitOutput(base, "show", "aide/faster:src/calc.sh")).contains("time_ms: 7");
    // the work tree is as it was
    assertThat(Files.readString(base.resolve("src/calc.sh"))).contains("time_ms: 100");
  }

  @Test
  void aGitBaseInASubdirectoryOfItsRepositoryCommitsTheBestPatchAtTheRightPath() throws Exception {
    // the base is one module of a larger repository
    Path outer = Files.createDirectories(tmp.resolve("monorepo"));
    Files.move(base, outer.resolve("module"));
    base = outer.resolve("module");
    Files.writeString(outer.resolve("README"), "other modules\n");
    commit(outer, "README", "module/src", "module/gate.sh");
    Result result = searchOnBranch("aide/module-faster");

    assertThat(result.best().metric().value()).isEqualTo(7);
    assertThat(tmp.resolve("run/base/src/calc.sh")).exists();
    assertThat(tmp.resolve("run/base/README")).doesNotExist(); // the module only
    assertThat(gitOutput(outer, "show", "aide/module-faster:module/src/calc.sh"))
        .contains("time_ms: 7");
    assertThat(gitOutput(outer, "diff", "--name-only", "HEAD", "aide/module-faster"))
        .isEqualTo("module/src/calc.sh\n");
  }

  @Test
  void aBranchThatExistsIsRefusedBeforeAnyLlmCall() throws Exception {
    commit(base, "src", "gate.sh");
    assertThat(git(base, "branch", "taken")).isZero();

    for (String branch : List.of("taken", "no..dots")) {
      Repository repository =
          Repository.git(base, "HEAD")
              .edit("src/*.sh")
              .eval("sh src/calc.sh")
              .branch(branch)
              .build();
      assertThatThrownBy(
              () ->
                  aide(tmp.resolve("run-" + branch.length()), coder(r -> speedUp(100, 7)), SH)
                      .steps(2)
                      .build()
                      .run(task(repository)))
          .isInstanceOf(AideException.class)
          .hasMessageContaining("'" + branch + "'");
    }
    assertThat(coderRequests).isEmpty();
    assertThat(reviews).hasValue(0);
  }

  @Test
  void theCoderSeesSmallReadOnlyFilesInFullThoseNamedAfterAnEditableFileFirst() throws Exception {
    Files.writeString(base.resolve("calc_check.txt"), "calc must print time_ms\n");
    Files.writeString(base.resolve("big.txt"), "x".repeat(9_000) + "\n");
    for (int i = 0; i < 3; i++) {
      Files.writeString(base.resolve("a" + i + ".txt"), (i + "\n").repeat(3_500));
    }

    aide(tmp.resolve("run"), coder(r -> speedUp(100, 7)), SH)
        .steps(2)
        .build()
        .run(task(repository().build()));

    String prompt = coderRequests.get(0).messages().get(1).content();
    String full =
        prompt.substring(
            prompt.indexOf("# Read-only files that bear on them"),
            prompt.indexOf("# Other files of the repository (read only)"));
    // the file named after calc.sh comes first, then the others in path order within 20,000
    assertThat(full.indexOf("calc_check.txt\n```")).isLessThan(full.indexOf("a0.txt\n```"));
    assertThat(full)
        .contains("calc must print time_ms", "FAIL: calc is broken", "read only")
        .contains("a0.txt\n```", "a1.txt\n```")
        .doesNotContain("a2.txt\n```") // over the budget
        .doesNotContain("xxxx"); // over the limit for one file
    String map = prompt.substring(prompt.indexOf("# Other files of the repository (read only)"));
    assertThat(map).contains("- big.txt (", "- a2.txt (").doesNotContain("- gate.sh");
  }

  /** A two-step search of the git base at HEAD that commits its best patch on {@code branch}. */
  private Result searchOnBranch(String branch) {
    Repository repository =
        Repository.git(base, "HEAD")
            .edit("src/*.sh")
            .gate("sh gate.sh")
            .eval("sh src/calc.sh")
            .branch(branch)
            .build();
    return aide(tmp.resolve("run"), coder(r -> speedUp(100, 7)), SH)
        .steps(2)
        .build()
        .run(task(repository));
  }

  /** What {@code git args} prints in {@code dir}; it must succeed. */
  private static String gitOutput(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("git %s", String.join(" ", args)).isZero();
    return output;
  }

  /** Makes {@code dir} a git repository whose one commit holds {@code paths}. */
  private static void commit(Path dir, String... paths) throws Exception {
    assertThat(git(dir, "init", "-q")).isZero();
    List<String> add = new ArrayList<>(List.of("add"));
    add.addAll(List.of(paths));
    assertThat(git(dir, add.toArray(String[]::new))).isZero();
    assertThat(git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"))
        .isZero();
  }

  private static int git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
