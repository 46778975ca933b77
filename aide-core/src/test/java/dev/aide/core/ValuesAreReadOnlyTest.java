package dev.aide.core;

import static dev.aide.core.search.TestJournals.goodDraft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.search.Action;
import dev.aide.core.search.InFlight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lists and sets that public values hand out can change neither them nor their source. */
class ValuesAreReadOnlyTest {
  @Test
  void aNodesListsAreCopiesThatRefuseChanges() {
    List<Integer> parents = new ArrayList<>(List.of(0));
    List<String> warnings = new ArrayList<>(List.of("metrics disagree"));
    Node node =
        goodDraft(1, 0.5)
            .newBuilder()
            .stage(Stage.IMPROVE)
            .parents(parents)
            .warnings(warnings)
            .build();

    parents.add(7);
    warnings.add("later");

    assertThat(node.parents()).containsExactly(0);
    assertThat(node.warnings()).containsExactly("metrics disagree");
    assertThatThrownBy(() -> node.parents().add(9))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> node.warnings().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anExecutionResultsFilesAreACopyThatRefusesChanges() {
    List<String> files = new ArrayList<>(List.of("submission.csv"));
    ExecutionResult result =
        new ExecutionResult("out", 0, 0, Duration.ZERO, false, null, null, files);

    files.add("later.csv");

    assertThat(result.files()).containsExactly("submission.csv");
    assertThatThrownBy(() -> result.files().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNodeStartedEventsParentsAreACopyThatRefusesChanges() {
    List<Integer> parents = new ArrayList<>(List.of(3));
    SearchEvent.NodeStarted started = new SearchEvent.NodeStarted(4, Stage.DEBUG, parents);

    parents.add(5);

    assertThat(started.parents()).containsExactly(3);
    assertThatThrownBy(() -> started.parents().add(6))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLanguagesListsAreCopiesThatRefuseChanges() {
    List<String> command = new ArrayList<>(List.of("ruby", "solution.rb"));
    List<String> tags = new ArrayList<>(List.of("ruby"));
    Language ruby = new Language("Ruby", "solution.rb", command, tags);

    command.add("--later");
    tags.add("rb");

    assertThat(ruby.command()).containsExactly("ruby", "solution.rb");
    assertThat(ruby.fenceTags()).containsExactly("ruby");
    assertThatThrownBy(() -> ruby.command().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ruby.fenceTags().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theActionsInFlightAndTheirIdSetsRefuseChanges() {
    Node good = goodDraft(0, 0.5);
    List<Action> actions = new ArrayList<>(List.of(Action.improve(good)));
    InFlight inFlight = InFlight.of(actions);

    actions.add(Action.draft());

    assertThat(inFlight.actions()).hasSize(1);
    assertThatThrownBy(() -> inFlight.actions().add(Action.draft()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> inFlight.improved().add(9))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> inFlight.expanded().add(9))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> inFlight.debugged().add(9))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aJournalsAnswersAreSnapshotsThatRefuseChanges() {
    Journal journal = new Journal();
    journal.add(goodDraft(0, 0.5));

    assertThatThrownBy(() -> journal.nodes().add(goodDraft(1, 0.6)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> journal.goodNodes().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> journal.children(0).add(goodDraft(1, 0.6)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(journal.size()).isEqualTo(1);
  }
}
