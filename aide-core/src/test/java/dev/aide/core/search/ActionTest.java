package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.goodDraft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Node;
import dev.aide.core.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionTest {
  private final Node good = goodDraft(0, 0.5);
  private final Node other = goodDraft(1, 0.7);
  private final Node buggy = buggyDraft(2);

  @Test
  void eachKindOfActionNamesTheStageOfTheNodeItMakes() {
    assertThat(Action.draft().stage()).isEqualTo(Stage.DRAFT);
    assertThat(Action.improve(good).stage()).isEqualTo(Stage.IMPROVE);
    assertThat(Action.debug(buggy).stage()).isEqualTo(Stage.DEBUG);
    assertThat(Action.crossover(good, other).stage()).isEqualTo(Stage.CROSSOVER);
  }

  @Test
  void parentsAreListedAsTheNewNodeWillListThem() {
    assertThat(Action.draft().parents()).isEmpty();
    assertThat(Action.improve(good).parents()).containsExactly(good);
    assertThat(Action.debug(buggy).parents()).containsExactly(buggy);
    assertThat(Action.crossover(other, good).parents()).containsExactly(other, good);
  }

  @Test
  void aSwitchOnTheStageReadsEachKindOfActionFromItsParents() {
    // A switch expression without default: adding a kind of action (and its stage) breaks it.
    List<String> texts = new ArrayList<>();
    for (Action action :
        List.of(
            Action.draft(),
            Action.improve(good),
            Action.debug(buggy),
            Action.crossover(other, good))) {
      texts.add(
          switch (action.stage()) {
            case DRAFT -> "draft";
            case IMPROVE -> "improve " + action.parents().get(0).id();
            case DEBUG -> "debug " + action.parents().get(0).id();
            case CROSSOVER ->
                "cross " + action.parents().get(0).id() + " with " + action.parents().get(1).id();
          });
    }
    assertThat(texts).containsExactly("draft", "improve 0", "debug 2", "cross 1 with 0");
  }
}
