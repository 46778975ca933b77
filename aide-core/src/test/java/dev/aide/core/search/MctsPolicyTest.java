package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDebug;
import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.buggyImprove;
import static dev.aide.core.search.TestJournals.goodDebug;
import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.goodImprove;
import static dev.aide.core.search.TestJournals.journal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.search.GreedyPolicyTest.ScriptedRandom;
import dev.aide.core.search.TestJournals.TestState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MctsPolicyTest {
  private static final Task WITH_START =
      TestJournals.TASK.newBuilder().startingSolution("print(0.5)").build();

  // ---------------------------------------------------------------------------------------------
  // Expansion: the root into drafts, a leaf into improvements

  @Test
  void draftsAtTheRootUntilNumChildrenDraftsExistWithoutDrawingRandomness() {
    MctsPolicy mcts = MctsPolicy.builder().build();
    for (int count = 0; count < 5; count++) {
      Journal journal = new Journal();
      for (int i = 0; i < count; i++) journal.add(goodDraft(i, 0.1 * (i + 1)));

      assertThat(mcts.next(TestState.of(journal, new ScriptedRandom())))
          .as("with %d drafts", count)
          .isEqualTo(Action.draft());
    }
  }

  @Test
  void stopsDraftingOnceTheRootHasNumChildrenDrafts() {
    Journal journal = journal(goodDraft(0, 0.1), goodDraft(1, 0.9), goodDraft(2, 0.3));

    Action action = MctsPolicy.builder().numChildren(3).build().next(state(journal));

    assertThat(action).isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void countsDraftsInFlightTowardTheRootsChildren() {
    MctsPolicy mcts = MctsPolicy.builder().numChildren(3).build();
    Journal journal = journal(goodDraft(0, 0.2));

    assertThat(mcts.next(state(journal, Action.draft()))).isEqualTo(Action.draft());
    assertThat(mcts.next(state(journal, Action.draft(), Action.draft())))
        .isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void needsOnlyTheSeedNodeAtTheRootWhenTheTaskHasAStartingSolution() {
    Journal journal = journal(goodDraft(0, 0.4));
    MctsPolicy mcts = MctsPolicy.builder().build();

    assertThat(mcts.next(new TestState(WITH_START, journal, List.of(), new ScriptedRandom())))
        .isEqualTo(Action.improve(journal.get(0)));
    assertThat(
            mcts.next(new TestState(TestJournals.TASK, journal, List.of(), new ScriptedRandom())))
        .isEqualTo(Action.draft());
  }

  @Test
  void keepsExpandingTheLeafItStartedBeforeWalkingTheTreeAgain() {
    // Node 4 was chosen and has one poor child; a new walk would choose node 3 (UCT 1.13 against
    // 0.74), but node 4 gets its five children first, as in AIRA-dojo.
    Journal journal = journal(drafts(0.1, 0.2, 0.3, 0.4, 0.5));
    journal.add(goodImprove(5, 4, 0.0));
    MctsPolicy mcts = MctsPolicy.builder().build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(4)));

    for (int id = 6; id <= 9; id++) journal.add(goodImprove(id, 4, 0.0));
    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(3)));
  }

  @Test
  void aBuggyChildCountsTowardTheNumberOfChildren() {
    Journal journal = journal(drafts(0.1, 0.2, 0.3, 0.4, 0.5));
    journal.add(goodImprove(5, 4, 0.0));
    for (int id = 6; id <= 9; id++) journal.add(buggyImprove(id, 4));
    MctsPolicy noDebugging = MctsPolicy.builder().debugAttempts(0).build();

    assertThat(noDebugging.next(state(journal))).isEqualTo(Action.improve(journal.get(3)));
  }

  @Test
  void countsImprovementsInFlightTowardNumChildren() {
    Journal journal = journal(drafts(0.1, 0.2, 0.3, 0.4, 0.5));
    journal.add(goodImprove(5, 4, 0.0));
    MctsPolicy mcts = MctsPolicy.builder().build();
    Action improve4 = Action.improve(journal.get(4));

    assertThat(mcts.next(state(journal, improve4, improve4, improve4))).isEqualTo(improve4);
    assertThat(mcts.next(state(journal, improve4, improve4, improve4, improve4)))
        .isEqualTo(Action.improve(journal.get(3)));
  }

  @Test
  void anotherWorkerJoinsAnExpansionThatIsOnlyInFlight() {
    Journal journal = journal(drafts(0.1, 0.2, 0.3, 0.4, 0.5));
    MctsPolicy mcts = MctsPolicy.builder().build();
    Action improve1 = Action.improve(journal.get(1));

    // Node 1 has no child in the journal yet, but one is being made: its expansion has started.
    assertThat(mcts.next(state(journal, improve1))).isEqualTo(improve1);
  }

  @Test
  void expandsANodeAgainWhenAllItsChildrenAreDeadEnds() {
    // The walk goes to node 0 (0.9), whose two children are dead ends: it gets a third child
    // rather than the walk going on to node 1, which would be expanded otherwise.
    Journal journal =
        journal(goodDraft(0, 0.9), goodDraft(1, 0.1), buggyImprove(2, 0), buggyImprove(3, 0));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).debugAttempts(0).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void aChildWhoseDebugChainRanOutIsADeadEnd() {
    Journal journal =
        journal(
            goodDraft(0, 0.9),
            goodDraft(1, 0.1),
            buggyImprove(2, 0),
            buggyDebug(3, 2, 1),
            buggyDebug(4, 3, 2),
            buggyDebug(5, 4, 3),
            buggyImprove(6, 0),
            buggyDebug(7, 6, 1),
            buggyDebug(8, 7, 2),
            buggyDebug(9, 8, 3));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void draftsAgainWhenEveryDraftIsADeadEnd() {
    Journal journal = journal(buggyDraft(0), buggyDraft(1));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).debugAttempts(0).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.draft());
  }

  @Test
  void finishesTheRootBeforeAnyOtherExpansion() {
    // A journal another policy began: three drafts, one of them improved once.
    Journal journal = journal(drafts(0.1, 0.2, 0.3));
    journal.add(goodImprove(3, 0, 0.4));

    assertThat(MctsPolicy.builder().build().next(state(journal))).isEqualTo(Action.draft());
  }

  // ---------------------------------------------------------------------------------------------
  // Selection by UCT

  /**
   * Drafts 0 (0.5) and 1 (0.6); node 0 has two children, 2 (0.9) and 3 (0.7); numChildren 2, so
   * only node 1 is a leaf left to expand. The metric spans 0.5 to 0.9.
   *
   * <pre>
   * node 0: n = 3, Q = (0.5 + 0.9 + 0.7) / 3 = 0.7, normalised (0.7 - 0.5) / 0.4 = 0.5
   * node 1: n = 1, Q = 0.6,                        normalised (0.6 - 0.5) / 0.4 = 0.25
   * root:   N = 4
   * UCT(0) = 0.5  + c * sqrt(ln 4 / 3) = 0.5  + c * 0.679778
   * UCT(1) = 0.25 + c * sqrt(ln 4 / 1) = 0.25 + c * 1.177410
   * </pre>
   *
   * They are equal at c = 0.25 / 0.497632 = 0.50238. Below it the walk goes to node 0 and on to its
   * better child 2 (both children have n = 1, so the normalised Q decides: 1 against 0.5); above it
   * node 1 is expanded.
   */
  private static Journal uctTree(Direction direction) {
    return journal(
        node(0, Stage.DRAFT, null, 0.5, direction),
        node(1, Stage.DRAFT, null, 0.6, direction),
        node(2, Stage.IMPROVE, 0, 0.9, direction),
        node(3, Stage.IMPROVE, 0, 0.7, direction));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.25, 0.50})
  void walksToTheChildWithTheLargestUctBelowTheCrossingPoint(double c) {
    Journal journal = uctTree(Direction.MAXIMIZE);
    MctsPolicy mcts = MctsPolicy.builder().uctC(c).numChildren(2).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(2)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.51, 1.0, 5.0})
  void exploresTheLessVisitedChildAboveTheCrossingPoint(double c) {
    Journal journal = uctTree(Direction.MAXIMIZE);
    MctsPolicy mcts = MctsPolicy.builder().uctC(c).numChildren(2).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void signAdjustsTheValuesOfAMinimisedMetric() {
    // The same tree scored 1 - value to minimise: the same walk.
    Journal journal =
        journal(
            node(0, Stage.DRAFT, null, 0.5, Direction.MINIMIZE),
            node(1, Stage.DRAFT, null, 0.4, Direction.MINIMIZE),
            node(2, Stage.IMPROVE, 0, 0.1, Direction.MINIMIZE),
            node(3, Stage.IMPROVE, 0, 0.3, Direction.MINIMIZE));

    assertThat(MctsPolicy.builder().uctC(0.50).numChildren(2).build().next(state(journal)))
        .isEqualTo(Action.improve(journal.get(2)));
    assertThat(MctsPolicy.builder().uctC(0.51).numChildren(2).build().next(state(journal)))
        .isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void breaksEqualUctValuesWithTheSearchsRandomGenerator() {
    Journal journal = journal(goodDraft(0, 0.5), goodDraft(1, 0.5));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).build();

    ScriptedRandom pickSecond = new ScriptedRandom().picks(1);
    assertThat(mcts.next(state(journal, pickSecond))).isEqualTo(Action.improve(journal.get(1)));
    assertThat(pickSecond.bounds).containsExactly(2);

    ScriptedRandom pickFirst = new ScriptedRandom().picks(0);
    assertThat(mcts.next(state(journal, pickFirst))).isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void neverSelectsADeadEnd() {
    // Draft 0's chain failed three times; only draft 4 can be selected, however large c is.
    Journal journal =
        journal(
            buggyDraft(0),
            buggyDebug(1, 0, 1),
            buggyDebug(2, 1, 2),
            buggyDebug(3, 2, 3),
            goodDraft(4, 0.3));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).uctC(100).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(4)));
  }

  @Test
  void walksThroughAFixedBuggyNodeToTheFix() {
    Journal journal = journal(buggyDraft(0), goodDebug(1, 0, 1, 0.9), goodDraft(2, 0.1));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(1)));
  }

  // ---------------------------------------------------------------------------------------------
  // Backpropagation

  @Test
  void onlyFixedDescendantsBackUpThroughABuggyChild() {
    Journal journal =
        journal(
            goodDraft(0, 0.4),
            buggyImprove(1, 0),
            buggyDebug(2, 1, 1),
            goodDebug(3, 2, 2, 0.8),
            buggyImprove(4, 0),
            buggyDebug(5, 4, 1),
            buggyDebug(6, 5, 2),
            buggyDebug(7, 6, 3),
            goodImprove(8, 3, 0.6));
    MctsPolicy mcts = MctsPolicy.builder().build();

    assertStats(mcts, journal, null, 3, 0.4 + 0.8 + 0.6);
    assertStats(mcts, journal, 0, 3, 0.4 + 0.8 + 0.6);
    assertStats(mcts, journal, 1, 2, 0.8 + 0.6);
    assertStats(mcts, journal, 2, 2, 0.8 + 0.6);
    assertStats(mcts, journal, 3, 2, 0.8 + 0.6);
    assertStats(mcts, journal, 8, 1, 0.6);
    for (int deadEnd = 4; deadEnd <= 7; deadEnd++) assertStats(mcts, journal, deadEnd, 0, 0);
  }

  @Test
  void aFixedChainChangesTheWalk() {
    // Drafts 0 (0.5) and 1 (0.55), numChildren 2. Node 1 has a buggy child 2 and a good child 3
    // (0.45). While 2 is unfixed, node 1 has Q = 0.5 and n = 2 and loses to node 0 (n = 1, Q = 0.5
    // but more to explore). Once 2's fix 4 (0.95) backs up, node 1 has Q = 0.65 and wins.
    Journal journal =
        journal(
            goodDraft(0, 0.5),
            goodDraft(1, 0.55),
            buggyImprove(2, 1),
            goodImprove(3, 1, 0.45),
            buggyDebug(5, 2, 1),
            buggyDebug(6, 5, 2),
            buggyDebug(7, 6, 3));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).build();
    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(0)));

    Journal fixed =
        journal(
            goodDraft(0, 0.5),
            goodDraft(1, 0.55),
            buggyImprove(2, 1),
            goodImprove(3, 1, 0.45),
            goodDebug(4, 2, 1, 0.95));
    // Node 1: n = 3, Q = (0.55 + 0.45 + 0.95) / 3 = 0.65, normalised (0.65 - 0.45) / 0.5 = 0.4,
    // UCT = 0.4 + 0.25 * sqrt(ln 4 / 3) = 0.570; node 0: normalised 0.1, UCT = 0.1 + 0.294 = 0.394.
    // Below node 1, the fixed chain 2 -> 4 (Q 0.95, normalised 1) beats node 3 (normalised 0).
    assertThat(mcts.next(state(fixed))).isEqualTo(Action.improve(fixed.get(4)));
  }

  // ---------------------------------------------------------------------------------------------
  // Debug chains

  @Test
  void debugsABuggyChildBeforeAnythingElse() {
    Journal journal = journal(goodDraft(0, 0.5), buggyDraft(1));

    assertThat(MctsPolicy.builder().build().next(state(journal)))
        .isEqualTo(Action.debug(journal.get(1)));
  }

  @Test
  void debugsAChainUpToDebugAttemptsFixes() {
    Journal journal = journal(drafts(0.1, 0.2, 0.3, 0.4, 0.5));
    journal.add(buggyImprove(5, 4));
    MctsPolicy mcts = MctsPolicy.builder().build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.debug(journal.get(5)));
    journal.add(buggyDebug(6, 5, 1));
    assertThat(mcts.next(state(journal))).isEqualTo(Action.debug(journal.get(6)));
    journal.add(buggyDebug(7, 6, 2));
    assertThat(mcts.next(state(journal))).isEqualTo(Action.debug(journal.get(7)));
    journal.add(buggyDebug(8, 7, 3));
    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(4)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void honoursACustomNumberOfDebugAttempts(int attempts) {
    Journal journal = journal(goodDraft(0, 0.5), buggyDraft(1));
    for (int depth = 1; depth <= 2; depth++) journal.add(buggyDebug(1 + depth, depth, depth));
    // The chain's leaf, node 3, is at depth 2: debugged only with 3 or more attempts.
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).debugAttempts(attempts).build();

    assertThat(mcts.next(state(journal))).isEqualTo(Action.improve(journal.get(0)));
    assertThat(MctsPolicy.builder().numChildren(2).build().next(state(journal)))
        .isEqualTo(Action.debug(journal.get(3)));
  }

  @Test
  void debugsTheOldestOpenChainThatNoOtherWorkerIsDebugging() {
    Journal journal = journal(goodDraft(0, 0.5), buggyDraft(1), buggyDraft(2), buggyDebug(3, 1, 1));
    MctsPolicy mcts = MctsPolicy.builder().build();
    Action debug2 = Action.debug(journal.get(2));
    Action debug3 = Action.debug(journal.get(3));

    assertThat(mcts.next(state(journal))).isEqualTo(debug2);
    assertThat(mcts.next(state(journal, debug2))).isEqualTo(debug3);
    assertThat(mcts.next(state(journal, debug2, debug3))).isEqualTo(Action.draft());
  }

  @Test
  void waitsForADebugChainInFlightInsteadOfExpandingItsParentAgain() {
    // Node 0 is fully expanded: child 2 is dead, child 3's fix is in flight. It is not widened;
    // the walk goes on to draft 1.
    Journal journal =
        journal(
            goodDraft(0, 0.9),
            goodDraft(1, 0.1),
            buggyImprove(2, 0),
            buggyDebug(4, 2, 1),
            buggyImprove(3, 0));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).debugAttempts(1).build();

    assertThat(mcts.next(state(journal, Action.debug(journal.get(3)))))
        .isEqualTo(Action.improve(journal.get(1)));
    assertThat(mcts.next(state(journal, Action.improve(journal.get(1)))))
        .isEqualTo(Action.debug(journal.get(3)));
  }

  // ---------------------------------------------------------------------------------------------
  // Work in flight everywhere

  @Test
  void skipsABranchThatOnlyWaitsForWorkInFlight() {
    // Node 0 (0.9) would win the walk, but its two children are being made.
    Journal journal = journal(goodDraft(0, 0.9), goodDraft(1, 0.1));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(2).build();
    Action improve0 = Action.improve(journal.get(0));

    assertThat(mcts.next(state(journal, improve0, improve0)))
        .isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void improvesTheBestNodeWhenEveryBranchWaits() {
    Journal journal = journal(goodDraft(0, 0.5), goodImprove(1, 0, 0.7));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(1).build();

    assertThat(mcts.next(state(journal, Action.improve(journal.get(1)))))
        .isEqualTo(Action.improve(journal.get(1)));
    assertThat(mcts.next(state(new Journal(), Action.draft()))).isEqualTo(Action.draft());
  }

  // ---------------------------------------------------------------------------------------------
  // Determinism and resume

  @Test
  void sameSeedAndJournalGiveSameDecisions() {
    Journal journal = journal(goodDraft(0, 0.5), goodDraft(1, 0.5), goodDraft(2, 0.5));
    MctsPolicy mcts = MctsPolicy.builder().numChildren(3).build();

    List<Action> first = new ArrayList<>();
    List<Action> second = new ArrayList<>();
    SplittableRandom a = new SplittableRandom(3);
    SplittableRandom b = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      first.add(mcts.next(state(journal, a)));
      second.add(MctsPolicy.builder().numChildren(3).build().next(state(journal, b)));
    }

    assertThat(first).isEqualTo(second);
    assertThat(new HashSet<>(first)).as("the three-way tie was broken every way").hasSize(3);
  }

  @Test
  void decidesAsAFreshInstanceAtEveryStepOfASimulatedRunWithSeveralWorkers() {
    List<Action> decisions = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      decisions.addAll(
          SimulatedRun.check(
              () -> MctsPolicy.builder().numChildren(3).build(), seed, 120, 3, "run " + seed));
    }

    assertThat(decisions)
        .anyMatch(a -> a instanceof Action.Draft)
        .anyMatch(a -> a instanceof Action.Improve)
        .anyMatch(a -> a instanceof Action.Debug);
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  @Test
  void defaultsMatchAiraDojo() {
    MctsPolicy mcts = MctsPolicy.builder().build();

    assertThat(mcts.uctC()).isEqualTo(0.25);
    assertThat(mcts.numChildren()).isEqualTo(5);
    assertThat(mcts.debugAttempts()).isEqualTo(3);
    assertThat(SearchPolicies.mcts())
        .isInstanceOfSatisfying(
            MctsPolicy.class,
            p ->
                assertThat(p).hasToString("MctsPolicy{uctC=0.25, numChildren=5, debugAttempts=3}"));
    assertThat(SearchPolicies.mcts()).isNotSameAs(SearchPolicies.mcts());
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void builderRejectsAnUctConstantThatIsNegativeOrNotFinite(double c) {
    assertThatThrownBy(() -> MctsPolicy.builder().uctC(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uctC must be finite and >= 0, was " + c);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void builderRejectsNumChildrenBelowOne(int numChildren) {
    assertThatThrownBy(() -> MctsPolicy.builder().numChildren(numChildren))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numChildren must be >= 1, was " + numChildren);
  }

  @Test
  void builderRejectsNegativeDebugAttempts() {
    assertThatThrownBy(() -> MctsPolicy.builder().debugAttempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("debugAttempts must be >= 0, was -1");
  }

  @Test
  void builderAcceptsBoundaryValues() {
    MctsPolicy low = MctsPolicy.builder().uctC(0).numChildren(1).debugAttempts(0).build();

    assertThat(low.uctC()).isEqualTo(0.0);
    assertThat(low.numChildren()).isEqualTo(1);
    assertThat(low.debugAttempts()).isEqualTo(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static void assertStats(
      MctsPolicy mcts, Journal journal, Integer id, int visits, double valueSum) {
    MctsPolicy.Stats stats = mcts.stats(journal, id);
    assertThat(stats.visits()).as("visits of %s", id == null ? "the root" : id).isEqualTo(visits);
    assertThat(stats.valueSum()).as("value of %s", id).isCloseTo(valueSum, within(1e-12));
  }

  /** Good drafts with ids 0, 1, ... scored as given. */
  static Node[] drafts(double... values) {
    Node[] nodes = new Node[values.length];
    for (int i = 0; i < values.length; i++) nodes[i] = goodDraft(i, values[i]);
    return nodes;
  }

  static Node node(int id, Stage stage, Integer parent, double value, Direction direction) {
    return TestJournals.node(id, stage, parent, Metric.of(value, direction), 0);
  }

  /** A state of the default task with the given actions in flight and no randomness allowed. */
  static TestState state(Journal journal, Action... inFlight) {
    return new TestState(TestJournals.TASK, journal, List.of(inFlight), new ScriptedRandom());
  }

  static TestState state(Journal journal, RandomGenerator random, Action... inFlight) {
    return new TestState(TestJournals.TASK, journal, List.of(inFlight), random);
  }
}
