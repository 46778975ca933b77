package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDebug;
import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.buggyImprove;
import static dev.aide.core.search.TestJournals.goodDebug;
import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.goodDrafts;
import static dev.aide.core.search.TestJournals.goodImprove;
import static dev.aide.core.search.TestJournals.journal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.search.TestJournals.TestState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GreedyPolicyTest {
  private static final double DEBUG = 0.0;
  private static final double DONT_DEBUG = 0.99;

  private final GreedyPolicy policy = GreedyPolicy.builder().build();

  // ---------------------------------------------------------------------------------------------
  // Drafting first

  @Test
  void draftsUntilFiveDraftsExistWithoutDrawingRandomness() {
    for (int count = 0; count < 5; count++) {
      ScriptedRandom random = new ScriptedRandom();

      Action action = policy.next(TestState.of(goodDrafts(count), random));

      assertThat(action).as("with %d drafts", count).isEqualTo(Action.draft());
    }
  }

  @Test
  void stopsDraftingOnceFiveDraftsExist() {
    Journal journal = goodDrafts(5);

    Action action = policy.next(TestState.of(journal, ScriptedRandom.coins(DONT_DEBUG)));

    assertThat(action).isEqualTo(Action.improve(journal.get(4)));
  }

  @Test
  void buggyDraftsCountTowardNumDrafts() {
    Journal journal =
        journal(buggyDraft(0), buggyDraft(1), goodDraft(2, 0.3), buggyDraft(3), buggyDraft(4));

    Action action = policy.next(TestState.of(journal, ScriptedRandom.coins(DONT_DEBUG)));

    assertThat(action).isEqualTo(Action.improve(journal.get(2)));
  }

  @Test
  void improvementsAndFixesDoNotCountAsDrafts() {
    Journal journal =
        journal(
            goodDraft(0, 0.1),
            goodImprove(1, 0, 0.2),
            goodImprove(2, 1, 0.3),
            buggyImprove(3, 2),
            goodDebug(4, 3, 1, 0.4),
            goodImprove(5, 4, 0.5));

    Action action = policy.next(TestState.of(journal, new ScriptedRandom()));

    assertThat(action).isEqualTo(Action.draft());
  }

  @Test
  void honoursACustomNumberOfDrafts() {
    GreedyPolicy twoDrafts = GreedyPolicy.builder().numDrafts(2).build();

    assertThat(twoDrafts.next(TestState.of(goodDrafts(1), new ScriptedRandom())))
        .isEqualTo(Action.draft());
    assertThat(twoDrafts.next(TestState.of(goodDrafts(2), ScriptedRandom.coins(DONT_DEBUG))))
        .isInstanceOf(Action.Improve.class);
  }

  // ---------------------------------------------------------------------------------------------
  // The debug coin

  @Test
  void debugsBuggyLeafWhenCoinSaysDebug() {
    Journal journal =
        journal(goodDraft(0, 0.5), buggyDraft(1), goodDraft(2, 0.9), buggyDraft(3), buggyDraft(4));
    ScriptedRandom random = ScriptedRandom.coins(0.49).picks(1);

    Action action = policy.next(TestState.of(journal, random));

    assertThat(action).isEqualTo(Action.debug(journal.get(3)));
    assertThat(random.bounds).containsExactly(3);
    assertThat(random.isExhausted()).isTrue();
  }

  @Test
  void improvesBestNodeWhenCoinSaysDontDebug() {
    Journal journal =
        journal(goodDraft(0, 0.5), buggyDraft(1), goodDraft(2, 0.9), buggyDraft(3), buggyDraft(4));
    // 0.5 is not below the default debugProb of 0.5, so the coin says "don't debug".
    ScriptedRandom random = ScriptedRandom.coins(0.5);

    Action action = policy.next(TestState.of(journal, random));

    assertThat(action).isEqualTo(Action.improve(journal.get(2)));
    assertThat(random.bounds).isEmpty();
    assertThat(random.isExhausted()).isTrue();
  }

  @Test
  void debugsOnlyBuggyLeaves() {
    Journal journal =
        journal(
            buggyDraft(0),
            buggyDraft(1),
            goodDraft(2, 0.2),
            goodDraft(3, 0.3),
            buggyDraft(4),
            buggyDebug(5, 0, 1),
            goodDebug(6, 1, 1, 0.6),
            buggyImprove(7, 2));

    assertThat(debugCandidates(policy, TestState.of(journal, new ScriptedRandom())))
        .containsExactly(4, 5, 7);
  }

  @Test
  void neverDebugsABuggyNodeThatHasAChild() {
    Journal journal =
        journal(
            buggyDraft(0),
            goodDraft(1, 0.1),
            goodDraft(2, 0.2),
            goodDraft(3, 0.3),
            goodDraft(4, 0.4),
            goodDebug(5, 0, 1, 0.5));

    for (int i = 0; i < 20; i++) {
      Action action = policy.next(TestState.of(journal, new SplittableRandom(i)));
      assertThat(action).isEqualTo(Action.improve(journal.get(5)));
    }
  }

  @Test
  void debugsALeafOnlyWhileItsDebugDepthIsBelowMaxDebugDepth() {
    Journal journal =
        journal(
            buggyDraft(0),
            buggyDraft(1),
            goodDraft(2, 0.2),
            goodDraft(3, 0.3),
            goodDraft(4, 0.4),
            buggyDebug(5, 0, 1),
            buggyDebug(6, 5, 2),
            buggyDebug(7, 6, 3),
            buggyDebug(8, 1, 1),
            buggyDebug(9, 8, 2),
            buggyDebug(10, 9, 3),
            buggyDebug(11, 10, 4));
    TestState state = TestState.of(journal, new ScriptedRandom());

    // Chains of 3 and 4 fixes: the default, 3, allows neither another fix.
    assertThat(debugCandidates(policy, state)).isEmpty();
    assertThat(debugCandidates(GreedyPolicy.builder().maxDebugDepth(4).build(), state))
        .containsExactly(7);
    assertThat(debugCandidates(GreedyPolicy.builder().maxDebugDepth(5).build(), state))
        .containsExactly(7, 11);
  }

  @Test
  void maxDebugDepthZeroTurnsDebuggingOff() {
    Journal journal = journal(buggyDraft(0), goodDraft(1, 0.1), goodDraft(2, 0.2));
    TestState state = TestState.of(journal, new ScriptedRandom());

    assertThat(debugCandidates(GreedyPolicy.builder().numDrafts(1).maxDebugDepth(1).build(), state))
        .containsExactly(0);
    assertThat(debugCandidates(GreedyPolicy.builder().numDrafts(1).maxDebugDepth(0).build(), state))
        .isEmpty();
  }

  @Test
  void fallsThroughToImproveWhenNothingIsDebuggable() {
    Journal journal =
        journal(
            buggyDraft(0),
            goodDraft(1, 0.1),
            goodDraft(2, 0.7),
            goodDraft(3, 0.3),
            buggyDraft(4),
            goodDebug(5, 0, 1, 0.5),
            buggyDebug(6, 4, 1),
            buggyDebug(7, 6, 2),
            buggyDebug(8, 7, 3),
            buggyDebug(9, 8, 4));
    ScriptedRandom random = ScriptedRandom.coins(DEBUG);

    Action action = policy.next(TestState.of(journal, random));

    assertThat(action).isEqualTo(Action.improve(journal.get(2)));
    assertThat(random.bounds).isEmpty();
  }

  @Test
  void fallsThroughToDraftWhenNothingIsDebuggableAndNoNodeIsGood() {
    GreedyPolicy noDebugChains = GreedyPolicy.builder().maxDebugDepth(0).build();
    Journal journal = new Journal();
    for (int i = 0; i < 5; i++) journal.add(buggyDraft(i));
    for (int i = 0; i < 5; i++) journal.add(buggyDebug(5 + i, i, 1));
    ScriptedRandom random = ScriptedRandom.coins(DEBUG);

    Action action = noDebugChains.next(TestState.of(journal, random));

    assertThat(action).isEqualTo(Action.draft());
    assertThat(random.bounds).isEmpty();
  }

  @Test
  void draftsWhenNoNodeIsGood() {
    Journal journal =
        journal(buggyDraft(0), buggyDraft(1), buggyDraft(2), buggyDraft(3), buggyDraft(4));

    Action action = policy.next(TestState.of(journal, ScriptedRandom.coins(DONT_DEBUG)));

    assertThat(action).isEqualTo(Action.draft());
  }

  @Test
  void neverDebugsWhenDebugProbIsZeroAndAlwaysDebugsWhenItIsOne() {
    Journal journal =
        journal(buggyDraft(0), goodDraft(1, 0.1), buggyDraft(2), goodDraft(3, 0.3), buggyDraft(4));
    GreedyPolicy never = GreedyPolicy.builder().debugProb(0).build();
    GreedyPolicy always = GreedyPolicy.builder().debugProb(1).build();
    RandomGenerator random = new SplittableRandom(11);

    for (int i = 0; i < 200; i++) {
      assertThat(never.next(TestState.of(journal, random))).isInstanceOf(Action.Improve.class);
      assertThat(always.next(TestState.of(journal, random))).isInstanceOf(Action.Debug.class);
    }
  }

  @Test
  void choosesAmongDebuggableNodesUniformly() {
    Journal journal =
        journal(buggyDraft(0), goodDraft(1, 0.1), buggyDraft(2), goodDraft(3, 0.3), buggyDraft(4));
    GreedyPolicy always = GreedyPolicy.builder().debugProb(1).build();
    RandomGenerator random = new SplittableRandom(5);
    Map<Integer, Integer> picks = new HashMap<>();

    for (int i = 0; i < 3000; i++) {
      Action action = always.next(TestState.of(journal, random));
      picks.merge(((Action.Debug) action).node().id(), 1, Integer::sum);
    }

    assertThat(picks).containsOnlyKeys(0, 2, 4);
    // Each of the three is expected 1000 times; 800 is more than 8 standard deviations away.
    assertThat(picks.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1200));
  }

  // ---------------------------------------------------------------------------------------------
  // Improving the best node

  @ParameterizedTest
  @EnumSource(Direction.class)
  void improvesTheBestNodeInEitherDirection(Direction direction) {
    Journal journal =
        journal(
            goodDraft(0, 3, direction),
            goodDraft(1, 1, direction),
            buggyDraft(2),
            goodDraft(3, 5, direction),
            goodDraft(4, 2, direction),
            TestJournals.node(5, Stage.IMPROVE, 0, Metric.of(4, direction), 0));

    Action action = policy.next(TestState.of(journal, ScriptedRandom.coins(DONT_DEBUG)));

    int best = direction == Direction.MAXIMIZE ? 3 : 1;
    assertThat(action).isEqualTo(Action.improve(journal.get(best)));
  }

  @Test
  void improvesTheFirstOfEquallyGoodNodes() {
    Journal journal =
        journal(
            goodDraft(0, 0.5),
            goodDraft(1, 0.8),
            goodDraft(2, 0.8),
            goodDraft(3, 0.1),
            goodDraft(4, 0.8));

    Action action = policy.next(TestState.of(journal, ScriptedRandom.coins(DONT_DEBUG)));

    assertThat(action).isEqualTo(Action.improve(journal.get(1)));
  }

  // ---------------------------------------------------------------------------------------------
  // Work in flight and starting solutions

  @Test
  void countsDraftsInFlightTowardNumDrafts() {
    Journal journal = goodDrafts(3);
    Action improveBest = Action.improve(journal.get(2));

    assertThat(next(journal, List.of(Action.draft()), ScriptedRandom.coins(DONT_DEBUG)))
        .isEqualTo(Action.draft());
    assertThat(
            next(journal, List.of(Action.draft(), improveBest), ScriptedRandom.coins(DONT_DEBUG)))
        .isEqualTo(Action.draft());
    assertThat(
            next(
                journal, List.of(Action.draft(), Action.draft()), ScriptedRandom.coins(DONT_DEBUG)))
        .isEqualTo(improveBest);
  }

  @Test
  void doesNotDebugANodeAnotherWorkerIsDebugging() {
    Journal journal =
        journal(buggyDraft(0), goodDraft(1, 0.1), buggyDraft(2), goodDraft(3, 0.3), buggyDraft(4));
    Task task = TestJournals.TASK;
    TestState oneInFlight =
        new TestState(task, journal, List.of(Action.debug(journal.get(2))), new ScriptedRandom());

    assertThat(debugCandidates(policy, oneInFlight)).containsExactly(0, 4);

    List<Action> allInFlight =
        List.of(
            Action.debug(journal.get(0)),
            Action.debug(journal.get(2)),
            Action.debug(journal.get(4)));
    ScriptedRandom random = ScriptedRandom.coins(DEBUG);
    Action action = policy.next(new TestState(task, journal, allInFlight, random));

    assertThat(action).isEqualTo(Action.improve(journal.get(3)));
    assertThat(random.bounds).isEmpty();
  }

  @Test
  void needsOnlyOneDraftWhenTheTaskHasAStartingSolution() {
    Task withStart = TestJournals.TASK.newBuilder().startingSolution("print(0.5)").build();
    Journal oneDraft = goodDrafts(1);

    assertThat(
            policy.next(new TestState(withStart, new Journal(), List.of(), new ScriptedRandom())))
        .isEqualTo(Action.draft());
    assertThat(
            policy.next(
                new TestState(withStart, oneDraft, List.of(), ScriptedRandom.coins(DONT_DEBUG))))
        .isEqualTo(Action.improve(oneDraft.get(0)));
    assertThat(policy.next(TestState.of(oneDraft, new ScriptedRandom()))).isEqualTo(Action.draft());
  }

  @Test
  void aStartingSolutionInFlightCountsAsItsOneDraft() {
    Task withStart = TestJournals.TASK.newBuilder().startingSolution("print(0.5)").build();
    ScriptedRandom random = ScriptedRandom.coins(DONT_DEBUG);

    Action action =
        policy.next(new TestState(withStart, new Journal(), List.of(Action.draft()), random));

    // Past the drafting phase, so the coin was tossed; with no good node it drafts again.
    assertThat(action).isEqualTo(Action.draft());
    assertThat(random.isExhausted()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Determinism and configuration

  @Test
  void sameSeedAndJournalGiveSameDecisions() {
    Journal journal =
        journal(
            buggyDraft(0),
            goodDraft(1, 0.1),
            buggyDraft(2),
            goodDraft(3, 0.3),
            buggyDraft(4),
            buggyDebug(5, 0, 1),
            goodImprove(6, 3, 0.6));

    List<String> first = decisions(journal, new SplittableRandom(7), 100);
    List<String> second = decisions(journal, new SplittableRandom(7), 100);

    assertThat(first).isEqualTo(second);
    assertThat(first).anyMatch(d -> d.startsWith("Debug")).anyMatch(d -> d.startsWith("Improve"));
    assertThat(new HashSet<>(first)).hasSizeGreaterThan(2);
  }

  @Test
  void defaultsMatchTheReferenceAgent() {
    // maxDebugDepth 3 is a chain of at most 3 fixes, as in the other policies; aideml's
    // max_debug_depth 3 allows a fourth.
    assertThat(policy.numDrafts()).isEqualTo(5);
    assertThat(policy.debugProb()).isEqualTo(0.5);
    assertThat(policy.maxDebugDepth()).isEqualTo(3);
    assertThat(SearchPolicies.greedy())
        .isInstanceOfSatisfying(
            GreedyPolicy.class,
            greedy -> {
              assertThat(greedy.numDrafts()).isEqualTo(5);
              assertThat(greedy.debugProb()).isEqualTo(0.5);
              assertThat(greedy.maxDebugDepth()).isEqualTo(3);
            });
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void builderRejectsNumDraftsBelowOne(int numDrafts) {
    assertThatThrownBy(() -> GreedyPolicy.builder().numDrafts(numDrafts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numDrafts");
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        1.5,
        -0.1,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        1.0000000000000002
      })
  void builderRejectsDebugProbOutsideZeroToOne(double debugProb) {
    assertThatThrownBy(() -> GreedyPolicy.builder().debugProb(debugProb))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("debugProb");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void builderRejectsNegativeMaxDebugDepth(int maxDebugDepth) {
    assertThatThrownBy(() -> GreedyPolicy.builder().maxDebugDepth(maxDebugDepth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDebugDepth");
  }

  @Test
  void builderAcceptsBoundaryValues() {
    GreedyPolicy low = GreedyPolicy.builder().numDrafts(1).debugProb(0).maxDebugDepth(0).build();
    GreedyPolicy high = GreedyPolicy.builder().debugProb(1).build();

    assertThat(low.numDrafts()).isEqualTo(1);
    assertThat(low.debugProb()).isEqualTo(0.0);
    assertThat(low.maxDebugDepth()).isEqualTo(0);
    assertThat(high.debugProb()).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Property tests against an independent implementation of aideml's search_policy

  private static final int RANDOM_JOURNALS = 2000;

  @Test
  void agreesWithTheReferenceRuleOnRandomJournals() {
    Map<Branch, Integer> branches = compareWithReference(20240611L, false);

    assertThat(branches.keySet()).as("branches seen: %s", branches).containsAll(allBranches());
  }

  @Test
  void agreesWithTheReferenceRuleWithWorkInFlightAndStartingSolutions() {
    Map<Branch, Integer> branches = compareWithReference(77L, true);

    assertThat(branches.keySet()).as("branches seen: %s", branches).containsAll(allBranches());
  }

  /** What the reference rule did, finer than the action it returned. */
  enum Branch {
    /** Drafted because fewer than numDrafts drafts exist. */
    TOO_FEW_DRAFTS,
    /** The coin said debug and a node was debugged. */
    DEBUG,
    /** The coin said debug, a buggy leaf was skipped for its depth, and another one was chosen. */
    DEBUG_PAST_A_TOO_DEEP_LEAF,
    /** The coin said debug but no node was debuggable. */
    NOTHING_DEBUGGABLE,
    /** Drafted because no node is good. */
    NO_GOOD_NODE,
    /** Improved the best node. */
    IMPROVE,
    /** Improved the best node while another good node was equally good. */
    IMPROVE_WITH_A_TIE
  }

  private static List<Branch> allBranches() {
    return Arrays.asList(Branch.values());
  }

  /** A decision: its kind and the node it names, -1 for a draft. */
  record Decision(String kind, int nodeId) {
    static Decision of(Action action) {
      if (action instanceof Action.Improve improve) {
        return new Decision("improve", improve.node().id());
      }
      if (action instanceof Action.Debug debug) return new Decision("debug", debug.node().id());
      return new Decision("draft", -1);
    }
  }

  private static Map<Branch, Integer> compareWithReference(long masterSeed, boolean extended) {
    Random cases = new Random(masterSeed);
    Map<Branch, Integer> branches = new EnumMap<>(Branch.class);
    for (int i = 0; i < RANDOM_JOURNALS; i++) {
      GreedyPolicy.Builder builder = GreedyPolicy.builder();
      if (cases.nextBoolean()) {
        builder.numDrafts(1 + cases.nextInt(6));
        builder.debugProb(cases.nextInt(5) / 4.0);
        builder.maxDebugDepth(cases.nextInt(5));
      }
      GreedyPolicy greedy = builder.build();
      Journal journal = randomJournal(cases);
      List<Action> inFlight = extended ? randomInFlight(cases, journal) : List.of();
      Task task =
          extended && cases.nextInt(5) == 0
              ? TestJournals.TASK.newBuilder().startingSolution("print(1)").build()
              : TestJournals.TASK;
      long seed = cases.nextLong();

      SplittableRandom policyRandom = new SplittableRandom(seed);
      SplittableRandom referenceRandom = new SplittableRandom(seed);
      Decision actual =
          Decision.of(greedy.next(new TestState(task, journal, inFlight, policyRandom)));
      List<Branch> taken = new ArrayList<>();
      Decision expected =
          reference(
              task,
              journal,
              inFlight,
              greedy.numDrafts(),
              greedy.debugProb(),
              greedy.maxDebugDepth() - 1, // aideml's max_debug_depth m allows m + 1 fixes
              referenceRandom,
              taken);

      String description =
          "case "
              + i
              + ": "
              + greedy
              + ", "
              + task
              + ", in flight "
              + inFlight
              + ", nodes "
              + describe(journal);
      assertThat(actual).as(description).isEqualTo(expected);
      assertThat(policyRandom.nextLong())
          .as("the policy drew as many random values as the reference; " + description)
          .isEqualTo(referenceRandom.nextLong());
      for (Branch branch : taken) branches.merge(branch, 1, Integer::sum);
    }
    return branches;
  }

  /**
   * aideml's {@code search_policy}, extended by the documented rules for work in flight and
   * starting solutions, computed from {@code journal.nodes()} alone.
   */
  private static Decision reference(
      Task task,
      Journal journal,
      List<Action> inFlight,
      int numDrafts,
      double debugProb,
      int maxDebugDepth,
      RandomGenerator random,
      List<Branch> taken) {
    List<Node> nodes = journal.nodes();
    Map<Integer, Node> byId = new HashMap<>();
    Set<Integer> hasChild = new HashSet<>();
    for (Node node : nodes) {
      byId.put(node.id(), node);
      hasChild.addAll(node.parents());
    }

    int wantedDrafts = task.startingSolution() == null ? numDrafts : 1;
    int drafts = 0;
    for (Node node : nodes) if (node.parents().isEmpty()) drafts++;
    for (Action action : inFlight) if (action == Action.draft()) drafts++;
    if (drafts < wantedDrafts) {
      taken.add(Branch.TOO_FEW_DRAFTS);
      return new Decision("draft", -1);
    }

    if (random.nextDouble() < debugProb) {
      Set<Integer> beingDebugged = new HashSet<>();
      for (Action action : inFlight) {
        if (action instanceof Action.Debug debug) beingDebugged.add(debug.node().id());
      }
      List<Node> debuggable = new ArrayList<>();
      boolean skippedTooDeep = false;
      for (Node node : nodes) {
        if (!node.isBuggy() || hasChild.contains(node.id())) continue;
        if (debugDepth(node, byId) > maxDebugDepth) {
          skippedTooDeep = true;
        } else if (!beingDebugged.contains(node.id())) {
          debuggable.add(node);
        }
      }
      if (!debuggable.isEmpty()) {
        taken.add(Branch.DEBUG);
        if (skippedTooDeep) taken.add(Branch.DEBUG_PAST_A_TOO_DEEP_LEAF);
        return new Decision("debug", debuggable.get(random.nextInt(debuggable.size())).id());
      }
      taken.add(Branch.NOTHING_DEBUGGABLE);
    }

    Node best = null;
    boolean tie = false;
    for (Node node : nodes) {
      if (node.isBuggy()) continue;
      double value = node.metric().value();
      if (best == null) {
        best = node;
        continue;
      }
      double bestValue = best.metric().value();
      boolean maximize = node.metric().direction() == Direction.MAXIMIZE;
      if (maximize ? value > bestValue : value < bestValue) {
        best = node;
        tie = false;
      } else if (value == bestValue) {
        tie = true;
      }
    }
    if (best == null) {
      taken.add(Branch.NO_GOOD_NODE);
      return new Decision("draft", -1);
    }
    taken.add(tie ? Branch.IMPROVE_WITH_A_TIE : Branch.IMPROVE);
    if (tie) taken.add(Branch.IMPROVE);
    return new Decision("improve", best.id());
  }

  /**
   * aideml's {@code debug_depth}: 0 unless the parent is buggy, else one more than the parent's.
   */
  private static int debugDepth(Node node, Map<Integer, Node> byId) {
    Integer parentId = node.parentId();
    if (parentId == null) return 0;
    Node parent = byId.get(parentId);
    return parent.isBuggy() ? debugDepth(parent, byId) + 1 : 0;
  }

  /**
   * A random search tree: drafts, improvements of good nodes and fixes of buggy ones, with a
   * direction per journal, distinct ids in no particular order, metrics with ties, and buggy nodes
   * carrying the worst metric of either direction.
   */
  private static Journal randomJournal(Random random) {
    Direction direction = random.nextBoolean() ? Direction.MAXIMIZE : Direction.MINIMIZE;
    int size = random.nextInt(30);
    double draftChance = random.nextDouble() * 0.6;
    double buggyChance = random.nextDouble();
    double chainChance = random.nextDouble();
    List<Integer> ids = new ArrayList<>(IntStream.range(0, 2 * size + 1).boxed().toList());
    Collections.shuffle(ids, random);

    Journal journal = new Journal();
    List<Node> nodes = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      boolean buggy = random.nextDouble() < buggyChance;
      Metric metric =
          buggy
              ? Metric.worst(random.nextBoolean() ? Direction.MAXIMIZE : Direction.MINIMIZE)
              : Metric.of(random.nextInt(8) / 4.0 - 1, direction);
      Node.Builder node = Node.builder().id(ids.get(k)).step(k).metric(metric).buggy(buggy);
      if (nodes.isEmpty() || random.nextDouble() < draftChance) {
        node.stage(Stage.DRAFT);
      } else {
        Node parent =
            random.nextDouble() < chainChance
                ? nodes.get(nodes.size() - 1)
                : nodes.get(random.nextInt(nodes.size()));
        boolean debug = parent.isBuggy();
        node.parent(parent.id())
            .stage(debug ? Stage.DEBUG : Stage.IMPROVE)
            .debugDepth(debug ? parent.debugDepth() + 1 : 0);
      }
      Node built = node.build();
      journal.add(built);
      nodes.add(built);
    }
    return journal;
  }

  /** Up to three actions in flight: drafts, fixes of buggy nodes, improvements of good ones. */
  private static List<Action> randomInFlight(Random random, Journal journal) {
    List<Node> nodes = journal.nodes();
    List<Action> inFlight = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      if (nodes.isEmpty() || random.nextInt(3) == 0) {
        inFlight.add(Action.draft());
        continue;
      }
      Node node = nodes.get(random.nextInt(nodes.size()));
      inFlight.add(node.isBuggy() ? Action.debug(node) : Action.improve(node));
    }
    return inFlight;
  }

  private static String describe(Journal journal) {
    List<String> parts = new ArrayList<>();
    for (Node node : journal.nodes()) {
      parts.add(
          node.id()
              + (node.parentId() == null ? "" : "<-" + node.parentId())
              + " "
              + node.stage()
              + (node.isBuggy() ? " buggy d" + node.debugDepth() : " " + node.metric()));
    }
    return parts.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private Action next(Journal journal, List<Action> inFlight, RandomGenerator random) {
    return policy.next(new TestState(TestJournals.TASK, journal, inFlight, random));
  }

  private List<String> decisions(Journal journal, RandomGenerator random, int count) {
    List<String> decisions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      decisions.add(policy.next(TestState.of(journal, random)).toString());
    }
    return decisions;
  }

  /**
   * The ids of the nodes {@code greedy} debugs when the coin says debug, in the order of the index
   * drawn to choose among them; empty when it does not debug.
   */
  private static List<Integer> debugCandidates(GreedyPolicy greedy, TestState state) {
    ScriptedRandom probe = ScriptedRandom.coins(DEBUG).picks(0);
    Action first = greedy.next(withRandom(state, probe));
    if (!(first instanceof Action.Debug)) {
      assertThat(probe.bounds).isEmpty();
      return List.of();
    }
    int bound = probe.bounds.get(0);
    List<Integer> ids = new ArrayList<>();
    for (int index = 0; index < bound; index++) {
      ScriptedRandom random = ScriptedRandom.coins(DEBUG).picks(index);
      Action action = greedy.next(withRandom(state, random));
      assertThat(random.bounds).containsExactly(bound);
      ids.add(((Action.Debug) action).node().id());
    }
    return ids;
  }

  private static TestState withRandom(TestState state, RandomGenerator random) {
    return new TestState(
        state.task(), state.journal(), state.inFlight(), state.nextNodeId(), random);
  }

  /**
   * A generator that returns scripted values from {@link #nextDouble()} and {@link #nextInt(int)},
   * records the bounds asked for, and fails the test on any other draw or when the script runs out.
   */
  static final class ScriptedRandom implements RandomGenerator {
    private final Deque<Double> doubles = new ArrayDeque<>();
    private final Deque<Integer> ints = new ArrayDeque<>();
    final List<Integer> bounds = new ArrayList<>();

    static ScriptedRandom coins(double... values) {
      ScriptedRandom random = new ScriptedRandom();
      for (double value : values) random.doubles.add(value);
      return random;
    }

    ScriptedRandom picks(int... values) {
      for (int value : values) ints.add(value);
      return this;
    }

    boolean isExhausted() {
      return doubles.isEmpty() && ints.isEmpty();
    }

    @Override
    public double nextDouble() {
      @Nullable Double value = doubles.poll();
      if (value == null) throw new AssertionError("the policy drew an unscripted double");
      return value;
    }

    @Override
    public int nextInt(int bound) {
      bounds.add(bound);
      @Nullable Integer value = ints.poll();
      if (value == null) throw new AssertionError("the policy drew an unscripted int");
      if (value >= bound) throw new AssertionError("scripted " + value + " >= bound " + bound);
      return value;
    }

    @Override
    public long nextLong() {
      throw new AssertionError("the policy drew a long; only nextDouble and nextInt are scripted");
    }
  }
}
