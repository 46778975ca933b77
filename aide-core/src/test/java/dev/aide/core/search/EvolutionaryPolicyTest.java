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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvolutionaryPolicyTest {
  private static final double CROSS = 0.0;
  private static final double DONT_CROSS = 0.99;

  /** Seeded by three drafts, so that the three good drafts of most tests make a population. */
  private final EvolutionaryPolicy evolution = EvolutionaryPolicy.builder().numDrafts(3).build();

  // ---------------------------------------------------------------------------------------------
  // Seeding the population

  @Test
  void draftsUntilFiveDraftsExistWithoutDrawingRandomness() {
    EvolutionaryPolicy defaults = EvolutionaryPolicy.builder().build();
    for (int count = 0; count < 5; count++) {
      Journal journal = new Journal();
      for (int i = 0; i < count; i++) journal.add(goodDraft(i, i));

      assertThat(defaults.next(state(journal, new ScriptedRandom())))
          .as("with %d drafts", count)
          .isEqualTo(Action.draft());
    }
  }

  @Test
  void countsDraftsInFlightAndBuggyDraftsTowardTheSeedDrafts() {
    Journal journal = journal(goodDraft(0, 0.3), buggyDraft(1), buggyDebug(2, 1, 1));
    EvolutionaryPolicy noDebugging = EvolutionaryPolicy.builder().debugAttempts(1).build();

    assertThat(noDebugging.next(state(journal, new ScriptedRandom(), Action.draft())))
        .isEqualTo(Action.draft());
    assertThat(
            noDebugging.next(
                state(
                    journal, new ScriptedRandom(), Action.draft(), Action.draft(), Action.draft())))
        .isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void needsOnlyTheSeedNodeWhenTheTaskHasAStartingSolution() {
    Task withStart = TestJournals.TASK.newBuilder().startingSolution("print(0.5)").build();
    Journal journal = journal(goodDraft(0, 0.5));

    assertThat(evolution.next(new TestState(withStart, journal, List.of(), new ScriptedRandom())))
        .isEqualTo(Action.improve(journal.get(0)));
    assertThat(evolution.next(state(journal, new ScriptedRandom()))).isEqualTo(Action.draft());
  }

  @Test
  void draftsAgainWhileThePopulationIsEmpty() {
    Journal journal = new Journal();
    for (int i = 0; i < 5; i++) journal.add(buggyDraft(i));
    EvolutionaryPolicy noDebugging = EvolutionaryPolicy.builder().debugAttempts(0).build();

    assertThat(noDebugging.next(state(journal, new ScriptedRandom()))).isEqualTo(Action.draft());
  }

  // ---------------------------------------------------------------------------------------------
  // The population

  @Test
  void holdsTheBestPopulationSizeGoodNodesBestFirst() {
    Journal journal = new Journal();
    double[] values = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2};
    for (int i = 0; i < values.length; i++) journal.add(goodDraft(i, values[i]));
    journal.add(buggyDraft(6));
    EvolutionaryPolicy four = EvolutionaryPolicy.builder().populationSize(4).build();

    assertThat(ids(four.population(journal))).containsExactly(2, 4, 0, 3);
  }

  @Test
  void keepsTheLowerIdOfEquallyGoodNodes() {
    Journal journal =
        journal(goodDraft(0, 0.5), goodDraft(1, 0.8), goodDraft(2, 0.5), goodDraft(3, 0.5));
    EvolutionaryPolicy two = EvolutionaryPolicy.builder().populationSize(2).build();

    assertThat(ids(two.population(journal))).containsExactly(1, 0);
  }

  @Test
  void aBuggyChildThatIsNeverFixedIsDroppedAndAFixJoins() {
    Journal journal =
        journal(
            goodDraft(0, 0.5),
            buggyImprove(1, 0),
            buggyDebug(2, 1, 1),
            buggyDebug(3, 2, 2),
            buggyDebug(4, 3, 3),
            buggyImprove(5, 0),
            goodDebug(6, 5, 1, 0.6));

    assertThat(ids(evolution.population(journal))).containsExactly(6, 0);
  }

  @Test
  void thePopulationDoesNotDependOnTheOrderNodesFinished() {
    Node[] nodes = {
      goodDraft(0, 0.4), goodDraft(1, 0.6), goodImprove(2, 0, 0.6), goodImprove(3, 1, 0.9)
    };
    Journal inOrder = journal(nodes);
    Journal reversed = new Journal();
    for (int i = nodes.length - 1; i >= 0; i--) {
      reversed.add(nodes[i].newBuilder().step(nodes.length - 1 - i).build());
    }
    EvolutionaryPolicy three = EvolutionaryPolicy.builder().populationSize(3).build();

    assertThat(ids(three.population(reversed))).containsExactly(3, 1, 2);
    assertThat(ids(three.population(inOrder))).containsExactly(3, 1, 2);
  }

  @Test
  void neverDrawsAMemberThatFellOutOfThePopulation() {
    Journal journal = new Journal();
    for (int i = 0; i < 12; i++) journal.add(goodDraft(i, i));

    // The last of the ten best is node 2; nodes 0 and 1 fell out.
    Action action = evolution.next(state(journal, ScriptedRandom.coins(DONT_CROSS, 0.9999999)));

    assertThat(action).isEqualTo(Action.improve(journal.get(2)));
  }

  // ---------------------------------------------------------------------------------------------
  // Parent selection: softmax over normalised fitness

  /** Good drafts 0.2, 0.9 and 0.5 (ids 0, 1, 2): normalised fitness 0, 1 and 3/7. */
  private static Journal threeMembers(Direction direction) {
    return journal(node(0, 0.2, direction), node(1, 0.9, direction), node(2, 0.5, direction));
  }

  /** The softmax probabilities of normalised fitness 1, 3/7 and 0 at {@code temperature}. */
  private static double[] softmax(double temperature) {
    double[] w = {Math.exp(1 / temperature), Math.exp(3.0 / 7 / temperature), 1};
    double sum = w[0] + w[1] + w[2];
    return new double[] {w[0] / sum, w[1] / sum, w[2] / sum};
  }

  @Test
  void drawsParentsByInverseCdfOverMembersOrderedBestFirst() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    double[] p = softmax(0.5); // 0.6876, 0.2193, 0.0931
    assertThat(p[0]).isCloseTo(0.687643, within(1e-6));

    assertThat(improved(journal, p[0] - 1e-9)).isEqualTo(1);
    assertThat(improved(journal, p[0] + 1e-9)).isEqualTo(2);
    assertThat(improved(journal, p[0] + p[1] - 1e-9)).isEqualTo(2);
    assertThat(improved(journal, p[0] + p[1] + 1e-9)).isEqualTo(0);
  }

  @Test
  void normalisesAMinimisedMetricSoThatTheSmallestIsFittest() {
    // 1 - value to minimise: the same fitness as the maximised journal.
    Journal journal =
        journal(
            node(0, 0.8, Direction.MINIMIZE),
            node(1, 0.1, Direction.MINIMIZE),
            node(2, 0.5, Direction.MINIMIZE));
    double[] p = softmax(0.5);

    assertThat(improved(journal, p[0] - 1e-9)).isEqualTo(1);
    assertThat(improved(journal, p[0] + 1e-9)).isEqualTo(2);
    assertThat(improved(journal, p[0] + p[1] + 1e-9)).isEqualTo(0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 2.0})
  void drawFrequenciesMatchTheSoftmaxUnderAFixedSeed(double temperature) {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    EvolutionaryPolicy policy =
        EvolutionaryPolicy.builder().numDrafts(3).temperature(temperature).crossoverProb(0).build();
    RandomGenerator random = new SplittableRandom(42);
    int draws = 20_000;
    Map<Integer, Integer> counts = new HashMap<>();

    for (int i = 0; i < draws; i++) {
      Action action = policy.next(state(journal, random));
      counts.merge(((Action.Improve) action).node().id(), 1, Integer::sum);
    }

    double[] p = softmax(temperature);
    int[] idsBestFirst = {1, 2, 0};
    for (int k = 0; k < 3; k++) {
      double frequency = counts.getOrDefault(idsBestFirst[k], 0) / (double) draws;
      double sigma = Math.sqrt(p[k] * (1 - p[k]) / draws);
      assertThat(frequency)
          .as("node %d at temperature %s", idsBestFirst[k], temperature)
          .isCloseTo(p[k], within(5 * sigma));
    }
  }

  @Test
  void drawsUniformlyWhenAllMembersAreEquallyFit() {
    Journal journal =
        journal(goodDraft(0, 0.5), goodDraft(1, 0.5), goodDraft(2, 0.5), goodDraft(3, 0.5));
    EvolutionaryPolicy four = EvolutionaryPolicy.builder().numDrafts(4).build();

    assertThat(pick(four, journal, 0.249)).isEqualTo(0);
    assertThat(pick(four, journal, 0.251)).isEqualTo(1);
    assertThat(pick(four, journal, 0.751)).isEqualTo(3);
  }

  @Test
  void improvesTheOnlyMemberWithoutDrawing() {
    Journal journal =
        journal(goodDraft(0, 0.5), buggyDraft(1), buggyDraft(2), buggyDraft(3), buggyDraft(4));
    EvolutionaryPolicy noDebugging = EvolutionaryPolicy.builder().debugAttempts(0).build();
    ScriptedRandom random = new ScriptedRandom();

    assertThat(noDebugging.next(state(journal, random))).isEqualTo(Action.improve(journal.get(0)));
  }

  // ---------------------------------------------------------------------------------------------
  // Crossover

  @Test
  void crossesTwoParentsWhenTheCoinFallsBelowCrossoverProb() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    double[] p = softmax(0.5);
    // First parent: the best (u = 0). Second: drawn from the other two with the same weights,
    // p[1] / (p[1] + p[2]) = 0.7021 for node 2.
    double second = p[1] / (p[1] + p[2]);

    Action crossover = evolution.next(state(journal, ScriptedRandom.coins(0.49, 0, second - 1e-9)));
    assertThat(crossover).isEqualTo(Action.crossover(journal.get(1), journal.get(2)));

    Action other = evolution.next(state(journal, ScriptedRandom.coins(0.49, 0, second + 1e-9)));
    assertThat(other).isEqualTo(Action.crossover(journal.get(1), journal.get(0)));

    Action improve = evolution.next(state(journal, ScriptedRandom.coins(0.5, 0)));
    assertThat(improve).isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void crossesAboutHalfTheTimeWithTheDefaultProbability() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    RandomGenerator random = new SplittableRandom(7);
    int draws = 10_000;
    int crossovers = 0;

    for (int i = 0; i < draws; i++) {
      Action action = evolution.next(state(journal, random));
      if (action instanceof Action.Crossover c) {
        crossovers++;
        assertThat(c.first()).isNotSameAs(c.second());
      }
    }

    // Binomial(10000, 0.5): the standard deviation is 50, so 250 is five of them.
    assertThat(crossovers).isBetween(4_750, 5_250);
  }

  @Test
  void neverCrossesWhileThePopulationHasOneMemberAndAlwaysWithProbabilityOne() {
    EvolutionaryPolicy always =
        EvolutionaryPolicy.builder().numDrafts(3).crossoverProb(1).debugAttempts(0).build();
    Journal one =
        journal(goodDraft(0, 0.5), buggyDraft(1), buggyDraft(2), buggyDraft(3), buggyDraft(4));
    assertThat(always.next(state(one, new ScriptedRandom()))).isEqualTo(Action.improve(one.get(0)));

    Journal two = threeMembers(Direction.MAXIMIZE);
    RandomGenerator random = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertThat(always.next(state(two, random))).isInstanceOf(Action.Crossover.class);
    }
  }

  @Test
  void atATinyTemperatureCrossesTheTwoBestWithoutDrawingParents() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    EvolutionaryPolicy cold = EvolutionaryPolicy.builder().numDrafts(3).temperature(1e-4).build();
    ScriptedRandom random = ScriptedRandom.coins(CROSS);

    Action action = cold.next(state(journal, random));

    assertThat(action).isEqualTo(Action.crossover(journal.get(1), journal.get(2)));
    assertThat(random.isExhausted()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Debug chains

  @Test
  void debugsABuggyChildBeforeBreeding() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    journal.add(buggyImprove(3, 1));

    assertThat(evolution.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.debug(journal.get(3)));
  }

  @Test
  void debugsAChainUpToDebugAttemptsFixesThenBreedsAgain() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    journal.add(buggyCrossover(3, 1, 2));
    EvolutionaryPolicy twice = EvolutionaryPolicy.builder().numDrafts(3).debugAttempts(2).build();

    assertThat(twice.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.debug(journal.get(3)));
    journal.add(buggyDebug(4, 3, 1));
    assertThat(twice.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.debug(journal.get(4)));
    journal.add(buggyDebug(5, 4, 2));
    assertThat(twice.next(state(journal, ScriptedRandom.coins(DONT_CROSS, 0))))
        .isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void debugsTheOldestOpenChainThatNoOtherWorkerIsDebugging() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    journal.add(buggyImprove(3, 1));
    journal.add(buggyImprove(4, 2));
    Action debug3 = Action.debug(journal.get(3));
    Action debug4 = Action.debug(journal.get(4));

    assertThat(evolution.next(state(journal, new ScriptedRandom()))).isEqualTo(debug3);
    assertThat(evolution.next(state(journal, new ScriptedRandom(), debug3))).isEqualTo(debug4);
    assertThat(evolution.next(state(journal, ScriptedRandom.coins(DONT_CROSS, 0), debug3, debug4)))
        .isEqualTo(Action.improve(journal.get(1)));
  }

  // ---------------------------------------------------------------------------------------------
  // Determinism and resume

  @Test
  void sameSeedAndJournalGiveSameDecisions() {
    Journal journal = threeMembers(Direction.MAXIMIZE);
    SplittableRandom a = new SplittableRandom(9);
    SplittableRandom b = new SplittableRandom(9);
    List<Action> first = new ArrayList<>();
    List<Action> second = new ArrayList<>();

    for (int i = 0; i < 100; i++) {
      first.add(evolution.next(state(journal, a)));
      second.add(EvolutionaryPolicy.builder().numDrafts(3).build().next(state(journal, b)));
    }

    assertThat(first).isEqualTo(second);
    assertThat(new HashSet<>(first)).hasSizeGreaterThan(5);
  }

  @Test
  void decidesAsAFreshInstanceAtEveryStepOfASimulatedRunWithSeveralWorkers() {
    List<Action> decisions = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      decisions.addAll(
          SimulatedRun.check(
              () -> EvolutionaryPolicy.builder().populationSize(4).build(),
              seed,
              120,
              3,
              "run " + seed));
    }

    assertThat(decisions)
        .anyMatch(a -> a instanceof Action.Draft)
        .anyMatch(a -> a instanceof Action.Improve)
        .anyMatch(a -> a instanceof Action.Crossover)
        .anyMatch(a -> a instanceof Action.Debug);
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  @Test
  void hasDocumentedDefaults() {
    EvolutionaryPolicy defaults = EvolutionaryPolicy.builder().build();

    assertThat(defaults.numDrafts()).isEqualTo(5);
    assertThat(defaults.populationSize()).isEqualTo(10);
    assertThat(defaults.temperature()).isEqualTo(0.5);
    assertThat(defaults.crossoverProb()).isEqualTo(0.5);
    assertThat(defaults.debugAttempts()).isEqualTo(3);
    assertThat(SearchPolicies.evolutionary())
        .hasToString(
            "EvolutionaryPolicy{numDrafts=5, populationSize=10, temperature=0.5,"
                + " crossoverProb=0.5, debugAttempts=3}");
  }

  @Test
  void builderRejectsBadParametersWithClearMessages() {
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().numDrafts(0))
        .hasMessage("numDrafts must be >= 1, was 0");
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().populationSize(0))
        .hasMessage("populationSize must be >= 1, was 0");
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().debugAttempts(-2))
        .hasMessage("debugAttempts must be >= 0, was -2");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void builderRejectsATemperatureThatIsNotPositiveAndFinite(double temperature) {
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().temperature(temperature))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("temperature must be finite and > 0, was " + temperature);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0000000000000002, Double.NaN})
  void builderRejectsACrossoverProbOutsideZeroToOne(double crossoverProb) {
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().crossoverProb(crossoverProb))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("crossoverProb must be in [0, 1], was " + crossoverProb);
  }

  @Test
  void builderAcceptsBoundaryValues() {
    EvolutionaryPolicy low =
        EvolutionaryPolicy.builder()
            .numDrafts(1)
            .populationSize(1)
            .temperature(Double.MIN_VALUE)
            .crossoverProb(0)
            .debugAttempts(0)
            .build();

    assertThat(low.numDrafts()).isEqualTo(1);
    assertThat(low.populationSize()).isEqualTo(1);
    assertThat(low.temperature()).isEqualTo(Double.MIN_VALUE);
    assertThat(low.crossoverProb()).isEqualTo(0.0);
    assertThat(low.debugAttempts()).isEqualTo(0);
    assertThat(EvolutionaryPolicy.builder().crossoverProb(1).build().crossoverProb())
        .isEqualTo(1.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The id of the node the default policy improves when the parent draw is {@code u}. */
  private int improved(Journal journal, double u) {
    return pick(evolution, journal, u);
  }

  private static int pick(EvolutionaryPolicy policy, Journal journal, double u) {
    ScriptedRandom random = ScriptedRandom.coins(DONT_CROSS, u);
    Action action = policy.next(state(journal, random));
    assertThat(random.isExhausted()).isTrue();
    return ((Action.Improve) action).node().id();
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static Node node(int id, double value, Direction direction) {
    return TestJournals.node(id, Stage.DRAFT, null, Metric.of(value, direction), 0);
  }

  private static Node buggyCrossover(int id, int first, int second) {
    return Node.builder()
        .id(id)
        .step(id)
        .stage(Stage.CROSSOVER)
        .parents(List.of(first, second))
        .metric(Metric.worst(Direction.MAXIMIZE))
        .buggy(true)
        .build();
  }

  private static TestState state(Journal journal, RandomGenerator random, Action... inFlight) {
    return new TestState(TestJournals.TASK, journal, List.of(inFlight), random);
  }
}
