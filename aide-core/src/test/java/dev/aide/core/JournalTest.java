package dev.aide.core;

import static dev.aide.core.search.TestJournals.buggyDebug;
import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.goodDebug;
import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.goodImprove;
import static dev.aide.core.search.TestJournals.journal;
import static dev.aide.core.search.TestJournals.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class JournalTest {
  @Test
  void anEmptyJournalHasNoNodesAndNoBest() {
    Journal journal = new Journal();

    assertThat(journal.isEmpty()).isTrue();
    assertThat(journal.size()).isZero();
    assertThat(journal.nodes()).isEmpty();
    assertThat(journal.drafts()).isEmpty();
    assertThat(journal.goodNodes()).isEmpty();
    assertThat(journal.buggyNodes()).isEmpty();
    assertThat(journal.best()).isNull();
    assertThat(journal.direction()).isNull();
    assertThat(journal.maxId()).isEqualTo(-1);
    assertThat(journal.get(0)).isNull();
    assertThat(journal.children(0)).isEmpty();
  }

  @Test
  void sortsNodesIntoDraftsBuggyAndGoodInFinishingOrder() {
    Node d0 = goodDraft(0, 0.1);
    Node d1 = buggyDraft(1);
    Node i2 = goodImprove(2, 0, 0.2);
    Node f3 = buggyDebug(3, 1, 1);
    Node d4 = goodDraft(4, 0.05);
    Node f5 = goodDebug(5, 3, 2, 0.3);

    Journal journal = journal(d0, d1, i2, f3, d4, f5);

    assertThat(journal.size()).isEqualTo(6);
    assertThat(journal.isEmpty()).isFalse();
    assertThat(journal.nodes()).containsExactly(d0, d1, i2, f3, d4, f5);
    assertThat(journal.drafts()).containsExactly(d0, d1, d4);
    assertThat(journal.buggyNodes()).containsExactly(d1, f3);
    assertThat(journal.goodNodes()).containsExactly(d0, i2, d4, f5);
  }

  @Test
  void bestIsTheLargestWhenMaximizing() {
    Journal journal = journal(goodDraft(0, 0.3), goodDraft(1, 0.9), buggyDraft(2));
    journal.add(goodDraft(3, 0.5));

    assertThat(journal.best()).isSameAs(journal.get(1));
    assertThat(journal.direction()).isEqualTo(Direction.MAXIMIZE);
  }

  @Test
  void bestIsTheSmallestWhenMinimizing() {
    Journal journal =
        journal(
            goodDraft(0, 0.3, Direction.MINIMIZE),
            goodDraft(1, 0.1, Direction.MINIMIZE),
            goodDraft(2, 0.5, Direction.MINIMIZE));

    assertThat(journal.best()).isSameAs(journal.get(1));
    assertThat(journal.direction()).isEqualTo(Direction.MINIMIZE);
  }

  @Test
  void tiesKeepTheFirstBest() {
    Journal journal = journal(goodDraft(0, 0.1), goodDraft(7, 0.8), goodDraft(2, 0.8));
    journal.add(goodDraft(1, 0.8));

    assertThat(journal.best()).isSameAs(journal.get(7));
  }

  @Test
  void buggyNodesAreNeverBest() {
    Journal journal = journal(buggyDraft(0), buggyDraft(1));

    assertThat(journal.best()).isNull();
    assertThat(journal.direction()).isNull();

    journal.add(goodDraft(2, -100));

    assertThat(journal.best()).isSameAs(journal.get(2));
  }

  @Test
  void childrenAreListedInFinishingOrder() {
    Node root = buggyDraft(0);
    Node fix = goodDebug(1, 0, 1, 0.5);
    Node better = goodImprove(2, 1, 0.6);
    Node other = goodImprove(3, 1, 0.4);
    Journal journal = journal(root, fix, other, better);

    assertThat(journal.children(1)).containsExactly(other, better);
    assertThat(journal.children(fix)).containsExactly(other, better);
    assertThat(journal.children(root)).containsExactly(fix);
    assertThat(journal.children(2)).isEmpty();
    assertThat(journal.children(99)).isEmpty();
  }

  @Test
  void aNodeIsALeafUntilANodeIsMadeFromIt() {
    Node root = buggyDraft(0);
    Journal journal = journal(root);

    assertThat(journal.isLeaf(root)).isTrue();

    Node fix = buggyDebug(1, 0, 1);
    journal.add(fix);

    assertThat(journal.isLeaf(root)).isFalse();
    assertThat(journal.isLeaf(fix)).isTrue();
  }

  @Test
  void aNodeWithSeveralParentsIsAChildOfEach() {
    Journal journal = journal(goodDraft(0, 0.1), goodDraft(1, 0.2));
    Node crossover =
        Node.builder()
            .id(2)
            .step(2)
            .stage(Stage.CROSSOVER)
            .parents(List.of(0, 1))
            .metric(Metric.of(0.3, Direction.MAXIMIZE))
            .build();
    journal.add(crossover);

    assertThat(journal.children(0)).containsExactly(crossover);
    assertThat(journal.children(1)).containsExactly(crossover);
    assertThat(journal.isLeaf(journal.get(1))).isFalse();
  }

  @Test
  void getFindsNodesById() {
    Node node = goodDraft(42, 0.1);
    Journal journal = journal(goodDraft(3, 0.2), node);

    assertThat(journal.get(42)).isSameAs(node);
    assertThat(journal.get(4)).isNull();
    assertThat(journal.get(-1)).isNull();
  }

  @Test
  void maxIdIsTheLargestIdWhateverTheOrder() {
    Journal journal = journal(goodDraft(2, 0.1), goodDraft(9, 0.2));
    journal.add(goodDraft(4, 0.3));

    assertThat(journal.maxId()).isEqualTo(9);
  }

  @Test
  void rejectsADuplicateIdAndKeepsTheFirstNode() {
    Node first = goodDraft(3, 0.1);
    Journal journal = journal(first);

    assertThatThrownBy(() -> journal.add(buggyDraft(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3");
    assertThat(journal.nodes()).containsExactly(first);
    assertThat(journal.buggyNodes()).isEmpty();
    assertThat(journal.drafts()).containsExactly(first);
  }

  @Test
  void rejectsAGoodNodeScoredInTheOtherDirection() {
    Journal journal = journal(goodDraft(0, 0.5, Direction.MAXIMIZE));

    assertThatThrownBy(() -> journal.add(goodDraft(1, 0.1, Direction.MINIMIZE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MINIMIZE")
        .hasMessageContaining("MAXIMIZE");
    assertThat(journal.size()).isEqualTo(1);
    assertThat(journal.get(1)).isNull();
    assertThat(journal.best()).isSameAs(journal.get(0));
    assertThat(journal.drafts()).hasSize(1);
  }

  @Test
  void acceptsABuggyNodeWhateverTheDirectionOfItsWorstMetric() {
    Journal journal = journal(goodDraft(0, 0.5, Direction.MAXIMIZE));
    Node buggy =
        node(1, Stage.DRAFT, null, null, 0)
            .newBuilder()
            .metric(Metric.worst(Direction.MINIMIZE))
            .build();

    journal.add(buggy);

    assertThat(journal.buggyNodes()).containsExactly(buggy);
    assertThat(journal.direction()).isEqualTo(Direction.MAXIMIZE);
  }

  @Test
  void snapshotsDoNotChangeAfterLaterAdds() {
    Journal journal = journal(goodDraft(0, 0.1), buggyDraft(1));
    List<Node> nodes = journal.nodes();
    List<Node> drafts = journal.drafts();
    List<Node> good = journal.goodNodes();
    List<Node> buggy = journal.buggyNodes();
    List<Node> childrenOf0 = journal.children(0);
    List<Node> childrenOf1 = journal.children(1);
    Node best = journal.best();

    journal.add(goodImprove(2, 0, 0.9));
    journal.add(buggyDebug(3, 1, 1));
    journal.add(goodDraft(4, 0.2));
    journal.add(buggyDraft(5));

    assertThat(nodes).extracting(Node::id).containsExactly(0, 1);
    assertThat(drafts).extracting(Node::id).containsExactly(0, 1);
    assertThat(good).extracting(Node::id).containsExactly(0);
    assertThat(buggy).extracting(Node::id).containsExactly(1);
    assertThat(childrenOf0).isEmpty();
    assertThat(childrenOf1).isEmpty();
    assertThat(best.id()).isZero();
    assertThat(journal.children(0)).extracting(Node::id).containsExactly(2);
    assertThat(journal.best().id()).isEqualTo(2);
  }

  @Test
  void snapshotsTakenAfterAChildAreNotChangedByTheNextChild() {
    Journal journal = journal(goodDraft(0, 0.1), goodImprove(1, 0, 0.2));
    List<Node> children = journal.children(0);

    journal.add(goodImprove(2, 0, 0.3));

    assertThat(children).extracting(Node::id).containsExactly(1);
  }

  @Test
  void threadsMayAppendWhileOthersRead() throws Exception {
    int writers = 4;
    int readers = 4;
    int perWriter = 500;
    Journal journal = new Journal();
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch writersDone = new CountDownLatch(writers);
    AtomicBoolean readerSawBadSnapshot = new AtomicBoolean();
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int base = w * perWriter;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    journal.add(goodDraft(base, 0));
                    for (int k = 1; k < perWriter; k++) {
                      int id = base + k;
                      journal.add(k % 3 == 0 ? buggyDebug(id, base, 1) : goodImprove(id, base, id));
                    }
                  } finally {
                    writersDone.countDown();
                  }
                  return null;
                }));
      }
      for (int r = 0; r < readers; r++) {
        int parent = r * perWriter;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  do {
                    Node best = journal.best();
                    List<Node> good = journal.goodNodes();
                    List<Node> children = journal.children(parent);
                    List<Node> buggy = journal.buggyNodes();
                    if (best != null && best.isBuggy()) readerSawBadSnapshot.set(true);
                    if (good.stream().anyMatch(Node::isBuggy)) readerSawBadSnapshot.set(true);
                    if (buggy.stream().anyMatch(n -> !n.isBuggy())) readerSawBadSnapshot.set(true);
                    if (children.stream().anyMatch(n -> n.parentId() != parent)) {
                      readerSawBadSnapshot.set(true);
                    }
                  } while (writersDone.getCount() > 0);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) future.get(1, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }

    assertThat(readerSawBadSnapshot).isFalse();
    assertThat(journal.size()).isEqualTo(writers * perWriter);
    for (int id = 0; id < writers * perWriter; id++) {
      assertThat(journal.get(id)).as("node %d", id).isNotNull();
    }
    for (int w = 0; w < writers; w++) {
      assertThat(journal.children(w * perWriter)).hasSize(perWriter - 1);
    }
    assertThat(journal.drafts()).hasSize(writers);
    assertThat(journal.maxId()).isEqualTo(writers * perWriter - 1);
    assertThat(journal.best().id()).isEqualTo(writers * perWriter - 1);
    assertThat(journal.goodNodes().size() + journal.buggyNodes().size())
        .isEqualTo(writers * perWriter);
  }

  @Test
  void buggyLeavesAreTheBuggyNodesWithoutChildrenInFinishingOrder() {
    Journal journal = new Journal();
    journal.add(buggyDraft(0));
    journal.add(buggyDraft(1));
    journal.add(goodDraft(2, 0.5));
    journal.add(buggyDebug(3, 0, 1));
    journal.add(goodImprove(4, 2, 0.6));

    assertThat(journal.buggyLeaves()).extracting(Node::id).containsExactly(1, 3);

    journal.add(goodDebug(5, 3, 2, 0.4));
    assertThat(journal.buggyLeaves()).extracting(Node::id).containsExactly(1);
  }

  @Test
  void countsAgreeWithTheListsAtEveryStep() {
    java.util.Random random = new java.util.Random(7);
    Journal journal = new Journal();
    for (int id = 0; id < 300; id++) {
      int parent = id == 0 ? -1 : random.nextInt(id);
      double value = random.nextInt(20) / 10.0;
      Node node =
          parent < 0 || random.nextInt(4) == 0
              ? (random.nextBoolean() ? goodDraft(id, value) : buggyDraft(id))
              : (random.nextBoolean()
                  ? goodImprove(id, parent, value)
                  : dev.aide.core.search.TestJournals.buggyImprove(id, parent));
      journal.add(node);

      assertThat(journal.draftCount()).isEqualTo(journal.drafts().size());
      assertThat(journal.goodCount()).isEqualTo(journal.goodNodes().size());
      assertThat(journal.buggyCount()).isEqualTo(journal.buggyNodes().size());
      assertThat(journal.buggyLeafCount()).isEqualTo(journal.buggyLeaves().size());
    }
  }

  @Test
  void randomBuggyLeafDrawsWhatPickingFromTheListOfCandidatesDraws() {
    java.util.Random random = new java.util.Random(5);
    Journal journal = new Journal();
    List<Node> added = new ArrayList<>();
    // Ids are not positions (nodes finish out of order), chains of debugs reach depth 4, and the
    // journal grows past the index's first capacities.
    for (int i = 0; i < 1_500; i++) {
      int id = 3 * i + random.nextInt(3);
      Node node;
      List<Node> leaves = journal.buggyLeaves();
      if (!leaves.isEmpty() && random.nextInt(3) == 0) {
        Node parent = leaves.get(random.nextInt(leaves.size()));
        int depth = Math.min(parent.debugDepth() + 1, 4);
        node =
            random.nextBoolean()
                ? buggyDebug(id, parent.id(), depth)
                : goodDebug(id, parent.id(), depth, random.nextInt(10));
      } else if (!added.isEmpty() && random.nextInt(4) == 0) {
        node =
            dev.aide.core.search.TestJournals.buggyImprove(
                id, added.get(random.nextInt(added.size())).id());
      } else {
        node = random.nextBoolean() ? buggyDraft(id) : goodDraft(id, random.nextInt(10));
      }
      journal.add(node);
      added.add(node);
      if (i % 7 != 0) continue;

      for (int below = 0; below <= 5; below++) {
        java.util.Set<Integer> excluded = new java.util.HashSet<>();
        for (int e = random.nextInt(4); e > 0; e--) {
          excluded.add(added.get(random.nextInt(added.size())).id());
        }
        List<Node> candidates = new ArrayList<>();
        for (Node leaf : journal.buggyLeaves()) {
          if (leaf.debugDepth() < below && !excluded.contains(leaf.id())) candidates.add(leaf);
        }
        long seed = random.nextLong();
        java.util.Random expected = new java.util.Random(seed);
        Node want =
            candidates.isEmpty() ? null : candidates.get(expected.nextInt(candidates.size()));

        assertThat(journal.randomBuggyLeaf(below, excluded, new java.util.Random(seed)))
            .as("step %d, below %d, excluding %s", i, below, excluded)
            .isSameAs(want);
      }
    }
  }

  @Test
  void bestAndLastGoodAgreeWithSortingTheGoodNodes() {
    java.util.Random random = new java.util.Random(11);
    Journal journal = new Journal();
    for (int id = 0; id < 200; id++) {
      // few distinct values, so that ties are common
      journal.add(random.nextInt(5) == 0 ? buggyDraft(id) : goodDraft(id, random.nextInt(6)));
      List<Node> good = journal.goodNodes();
      List<Node> sorted = new ArrayList<>(good);
      // best first; List.sort is stable, so equally good nodes keep their finishing order
      sorted.sort((a, b) -> b.metric().compareTo(a.metric()));
      for (int k : new int[] {0, 1, 3, 10, 500}) {
        assertThat(journal.best(k))
            .containsExactlyElementsOf(sorted.subList(0, Math.min(k, sorted.size())));
        assertThat(journal.lastGood(k))
            .containsExactlyElementsOf(good.subList(Math.max(0, good.size() - k), good.size()));
      }
      if (!good.isEmpty()) assertThat(journal.best(1)).containsExactly(journal.best());
    }
    assertThatThrownBy(() -> journal.best(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> journal.lastGood(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lastBuggyAgreesWithTheListOfBuggyNodes() {
    java.util.Random random = new java.util.Random(12);
    Journal journal = new Journal();
    for (int id = 0; id < 200; id++) {
      journal.add(random.nextInt(3) == 0 ? goodDraft(id, random.nextInt(6)) : buggyDraft(id));
      List<Node> buggy = journal.buggyNodes();
      for (int k : new int[] {0, 1, 5, 10, 500}) {
        assertThat(journal.lastBuggy(k))
            .containsExactlyElementsOf(buggy.subList(Math.max(0, buggy.size() - k), buggy.size()));
      }
    }
    assertThatThrownBy(() -> journal.lastBuggy(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
