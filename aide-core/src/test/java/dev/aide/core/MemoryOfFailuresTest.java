package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coder's prompts remember failed attempts, so that a draft after failures is told of them. */
class MemoryOfFailuresTest {
  @TempDir Path tmp;

  @Test
  void theThirdDraftAfterTwoFailedOnesIsToldOfBothFailuresAndTheirCauses() {
    FakeWorld world = new FakeWorld(List.of("bug", "bug", "0.50"), false);

    Result result =
        Aide.builder()
            .coder(world.coder(), "coder-model")
            .reviewer(world.reviewer(), "reviewer-model")
            .executor(world.executor())
            .policy(GreedyPolicy.builder().numDrafts(3).debugProb(0).build())
            .steps(3)
            .seed(1)
            .outputDir(tmp.resolve("run"))
            .build()
            .run(Task.builder().goal("Predict y").evaluation("accuracy").build());

    assertThat(result.journal().nodes())
        .extracting(Node::stage, Node::isBuggy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Stage.DRAFT, true),
            org.assertj.core.groups.Tuple.tuple(Stage.DRAFT, true),
            org.assertj.core.groups.Tuple.tuple(Stage.DRAFT, false));
    String first = FakeWorld.lastUser(world.coderRequests.get(0)).content();
    String third = FakeWorld.lastUser(world.coderRequests.get(2)).content();

    assertThat(first).contains("first solution").doesNotContain("# Memory", "differ", "Failed");
    assertThat(third)
        .isNotEqualTo(first)
        .containsSubsequence(
            "# Memory of earlier attempts",
            "Attempt 0 (draft)\nDesign: Draft number 0.\nFailed: It raised ValueError.",
            "Attempt 1 (draft)\nDesign: Draft number 1.\nFailed: It raised ValueError.",
            "2 drafts came before this one: write another independent",
            "different approach from the earlier attempts")
        .doesNotContain("first solution");
  }
}
