package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.goodDraft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Journal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightTest {
  private final Journal journal =
      TestJournals.journal(goodDraft(0, 0.1), goodDraft(1, 0.2), buggyDraft(2), buggyDraft(3));

  @Test
  void countsDraftsAndNamesTheNodesBeingDebuggedImprovedOrCrossed() {
    List<Action> actions =
        List.of(
            Action.draft(),
            Action.debug(journal.get(3)),
            Action.improve(journal.get(1)),
            Action.draft(),
            Action.crossover(journal.get(0), journal.get(1)),
            Action.improve(journal.get(1)),
            Action.debug(journal.get(2)));

    InFlight inFlight = InFlight.of(actions);

    assertThat(inFlight.actions()).isEqualTo(actions);
    assertThat(inFlight.size()).isEqualTo(7);
    assertThat(inFlight.drafts()).isEqualTo(2);
    assertThat(inFlight.debugged()).containsExactly(3, 2);
    assertThat(inFlight.improved()).containsExactly(1);
    assertThat(inFlight.crossed()).containsExactly(0, 1);
  }

  @Test
  void anExpansionCountsForItsFirstParentOnly() {
    InFlight inFlight =
        InFlight.of(
            List.of(
                Action.improve(journal.get(1)),
                Action.crossover(journal.get(0), journal.get(1)),
                Action.improve(journal.get(1)),
                Action.debug(journal.get(2))));

    assertThat(inFlight.expanded()).containsExactlyInAnyOrder(0, 1);
    assertThat(inFlight.expansionsOf(1)).isEqualTo(2);
    assertThat(inFlight.expansionsOf(0)).isEqualTo(1);
    assertThat(inFlight.expansionsOf(2)).isZero();
  }

  @Test
  void isAnImmutableSnapshotOfTheListItWasMadeFrom() {
    List<Action> actions = new ArrayList<>(List.of(Action.draft(), Action.debug(journal.get(2))));
    InFlight inFlight = InFlight.of(actions);
    actions.add(Action.debug(journal.get(3)));

    assertThat(inFlight.size()).isEqualTo(2);
    assertThat(inFlight.debugged()).containsExactly(2);
    assertThatThrownBy(() -> inFlight.actions().add(Action.draft()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> inFlight.debugged().add(3))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> inFlight.expanded().add(3))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noneHoldsNothing() {
    assertThat(InFlight.none().isEmpty()).isTrue();
    assertThat(InFlight.of(List.of()).drafts()).isZero();
    assertThat(InFlight.none().debugged()).isEmpty();
  }
}
