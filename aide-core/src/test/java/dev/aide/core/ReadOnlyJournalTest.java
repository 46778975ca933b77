package dev.aide.core;

import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.journal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.search.GreedyPolicy;
import dev.aide.core.search.SearchPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyJournalTest {
  @TempDir Path tmp;

  private final Task task =
      Task.builder().goal("Predict y").evaluation("accuracy on a held-out split").build();

  @Test
  void aReadOnlyViewRefusesNodesAndSaysTheJournalBelongsToTheSearch() {
    Journal journal = journal(goodDraft(0, 0.1));
    Journal view = journal.readOnlyView();

    assertThatThrownBy(() -> view.add(goodDraft(1, 0.2)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("read-only")
        .hasMessageContaining("belongs to the search")
        .hasMessageContaining("new Journal()");
    assertThat(journal.size()).isEqualTo(1);
    assertThat(view.nodes()).extracting(Node::id).containsExactly(0);
  }

  @Test
  void aReadOnlyViewSeesNodesAddedToItsJournalLater() {
    Journal journal = journal(goodDraft(0, 0.1));
    Journal view = journal.readOnlyView();

    Node better = goodDraft(1, 0.9);
    journal.add(better);

    assertThat(view.size()).isEqualTo(2);
    assertThat(view.best()).isSameAs(better);
    assertThat(view.get(1)).isSameAs(better);
    assertThat(view.maxId()).isEqualTo(1);
    assertThat(view.goodNodes()).containsExactly(journal.get(0), better);
    assertThat(view.toString()).contains("nodes=2").contains("read-only");
  }

  @Test
  void aJournalHasOneReadOnlyViewWhoseViewIsItself() {
    Journal journal = new Journal();

    Journal view = journal.readOnlyView();

    assertThat(view).isNotSameAs(journal);
    assertThat(journal.readOnlyView()).isSameAs(view);
    assertThat(view.readOnlyView()).isSameAs(view);
  }

  @Test
  void aResultHandsOutAReadOnlyViewOfTheJournalItWasGiven() {
    Journal journal = journal(goodDraft(0, 0.1));

    Result result = new Result(journal, tmp, StopReason.STEPS_DONE, Duration.ZERO);

    assertThatThrownBy(() -> result.journal().add(goodDraft(1, 0.2)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("belongs to the search");
    assertThat(result.journal()).isSameAs(journal.readOnlyView());
  }

  @Test
  void theJournalsASearchHandsOutCannotBeChangedWhileTheEngineStillAddsNodes() {
    FakeWorld world = new FakeWorld(List.of("0.50"), false);
    List<Throwable> refusedToPolicy = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> policyJournalWasSearchJournal = Collections.synchronizedList(new ArrayList<>());
    SearchPolicy greedy = GreedyPolicy.builder().numDrafts(1).build();
    Search[] running = new Search[1];
    SearchPolicy meddling =
        state -> {
          try {
            state.journal().add(goodDraft(1000 + state.nextNodeId(), 0.99));
          } catch (UnsupportedOperationException e) {
            refusedToPolicy.add(e);
          }
          synchronized (running) {
            if (running[0] != null) {
              policyJournalWasSearchJournal.add(state.journal() == running[0].journal());
            }
          }
          return greedy.next(state);
        };
    Aide aide =
        Aide.builder()
            .coder(world.coder(), "coder-model")
            .reviewer(world.reviewer(), "reviewer-model")
            .executor(world.executor())
            .policy(meddling)
            .steps(3)
            .seed(1)
            .outputDir(tmp.resolve("run"))
            .build();

    Search search;
    synchronized (running) {
      search = aide.start(task);
      running[0] = search;
    }
    Result result = search.await();

    assertThat(refusedToPolicy).hasSize(3);
    assertThat(refusedToPolicy.get(0)).hasMessageContaining("belongs to the search");
    assertThat(policyJournalWasSearchJournal).isNotEmpty().containsOnly(true);
    assertThatThrownBy(() -> search.journal().add(goodDraft(2000, 0.99)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("belongs to the search");
    assertThatThrownBy(() -> result.journal().add(goodDraft(2001, 0.99)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("belongs to the search");
    assertThat(result.journal().nodes()).extracting(Node::id).containsExactly(0, 1, 2);
    assertThat(result.journal()).isSameAs(search.journal());
  }
}
