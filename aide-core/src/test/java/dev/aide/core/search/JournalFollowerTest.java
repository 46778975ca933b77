package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.goodImprove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalFollowerTest {
  private final JournalFollower follower = new JournalFollower();

  @Test
  void handsOverTheWholeJournalFirstThenOnlyWhatWasAdded() {
    Journal journal = new Journal();
    add(journal, goodDraft(0, 0.1));
    add(journal, goodDraft(1, 0.2));

    assertBatch(follower.poll(journal), true, 0, 1);
    assertBatch(follower.poll(journal), false);

    add(journal, goodImprove(2, 0, 0.3));
    assertBatch(follower.poll(journal), false, 2);
  }

  @Test
  void picksUpNodesThatFinishAfterNodesStartedLater() {
    Journal journal = new Journal();
    add(journal, goodDraft(0, 0.1));
    assertBatch(follower.poll(journal), true, 0);

    // Nodes 1, 2 and 3 started; 3 finished first, then 1; node 2 is still running.
    add(journal, goodDraft(3, 0.4));
    assertBatch(follower.poll(journal), false, 3);
    add(journal, goodDraft(1, 0.2));
    assertBatch(follower.poll(journal), false, 1);
    add(journal, goodDraft(2, 0.3));
    add(journal, goodDraft(4, 0.5));
    assertBatch(follower.poll(journal), false, 2, 4);
  }

  @Test
  void handsOverABatchInTheOrderItsNodesFinished() {
    Journal journal = new Journal();
    assertBatch(follower.poll(journal), true);

    add(journal, goodDraft(5, 0.5));
    add(journal, goodDraft(2, 0.2));
    add(journal, goodDraft(9, 0.9));
    assertBatch(follower.poll(journal), false, 5, 2, 9);
  }

  @Test
  void startsOverWhenHandedAnotherJournalEvenOfTheSameSize() {
    Journal first = new Journal();
    add(first, goodDraft(0, 0.1));
    Journal second = new Journal();
    add(second, goodDraft(0, 0.7));
    follower.poll(first);

    JournalFollower.Batch batch = follower.poll(second);

    assertThat(batch.reset()).isTrue();
    assertThat(batch.added()).containsExactly(second.get(0));
  }

  private static void add(Journal journal, Node node) {
    journal.add(node.newBuilder().step(journal.size()).build());
  }

  private static void assertBatch(JournalFollower.Batch batch, boolean reset, int... ids) {
    assertThat(batch.reset()).isEqualTo(reset);
    List<Integer> added = batch.added().stream().map(Node::id).toList();
    assertThat(added).containsExactly(Arrays.stream(ids).boxed().toArray(Integer[]::new));
  }
}
