package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.buggyImprove;
import static dev.aide.core.search.TestJournals.goodDebug;
import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.goodImprove;
import static dev.aide.core.search.TestJournals.journal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.search.GreedyPolicyTest.ScriptedRandom;
import dev.aide.core.search.TestJournals.TestState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The islands of {@link EvolutionaryPolicy}: one population per island, and migration. */
class EvolutionaryIslandsTest {
  private static final double CROSS = 0.0;
  private static final double DONT_CROSS = 0.99;

  private static EvolutionaryPolicy.Builder threeIslands() {
    return EvolutionaryPolicy.builder().islands(3).numDrafts(3).debugAttempts(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Which island a node belongs to

  @Test
  void aDraftBelongsToIslandIdModIslandsWhateverOrderTheDraftsFinished() {
    int[] finishOrder = {4, 0, 5, 2, 1, 3};
    Journal journal = new Journal();
    for (int id : finishOrder) {
      journal.add(goodDraft(id, id / 10.0).newBuilder().step(journal.size()).build());
    }
    EvolutionaryPolicy policy = threeIslands().build();

    for (int id = 0; id < 6; id++) {
      assertThat(policy.islandOf(journal, id)).as("draft %d", id).isEqualTo(id % 3);
    }
    assertThat(ids(policy.population(journal, 0))).containsExactly(3, 0);
    assertThat(ids(policy.population(journal, 1))).containsExactly(4, 1);
    assertThat(ids(policy.population(journal, 2))).containsExactly(5, 2);
  }

  @Test
  void aDescendantBelongsToTheIslandOfItsFirstParent() {
    // Each child's id mod 3 differs from its first parent's island, so the rule is visible.
    Journal journal =
        journal(
            goodDraft(0, 0.1),
            goodDraft(1, 0.2),
            goodDraft(2, 0.3),
            goodImprove(3, 1, 0.4), // island 1, not 0
            buggyImprove(4, 2), // island 2, not 1
            goodDebug(5, 4, 1, 0.5), // the debug chain stays on island 2
            crossover(6, 1, 2, 0.6), // the first parent's island 1, not the second's 2 nor 0
            goodImprove(7, 5, 0.7)); // island 2 through the fix, not 1
    EvolutionaryPolicy policy = threeIslands().build();

    assertThat(islands(policy, journal, 8)).containsExactly(0, 1, 2, 1, 2, 2, 1, 2);
    assertThat(ids(policy.population(journal, 0))).containsExactly(0);
    assertThat(ids(policy.population(journal, 1))).containsExactly(6, 3, 1);
    assertThat(ids(policy.population(journal, 2))).containsExactly(7, 5, 2);
  }

  @Test
  void eachIslandKeepsItsOwnPopulationSizeBestNodes() {
    Journal journal = new Journal();
    double[] values = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.6};
    for (int i = 0; i < values.length; i++) journal.add(goodDraft(i, values[i]));
    EvolutionaryPolicy policy = EvolutionaryPolicy.builder().islands(2).populationSize(2).build();

    // Island 0 holds ids 0, 2, 4, 6 (0.5, 0.9, 0.7, 0.8); island 1 ids 1, 3, 5, 7.
    assertThat(ids(policy.population(journal, 0))).containsExactly(2, 6);
    assertThat(ids(policy.population(journal, 1))).containsExactly(7, 3);
  }

  // ---------------------------------------------------------------------------------------------
  // Which island breeds

  /** Good drafts 0 to 5 on islands 0, 1, 2, 0, 1, 2; on each island the later draft is better. */
  private static Journal sixDrafts() {
    Journal journal = new Journal();
    for (int i = 0; i < 6; i++) journal.add(goodDraft(i, i / 10.0));
    return journal;
  }

  @Test
  void breedsRoundRobinOnTheIdTheNextNodeGets() {
    Journal journal = sixDrafts();
    EvolutionaryPolicy policy = threeIslands().build();
    Action busy = Action.improve(journal.get(0));

    // Six nodes finished, none in flight: the next id is 6, island 0's turn, whose best is 3.
    assertThat(improved(policy, journal)).isEqualTo(3);
    assertThat(improved(policy, journal, busy)).isEqualTo(4);
    assertThat(improved(policy, journal, busy, busy)).isEqualTo(5);
    assertThat(improved(policy, journal, busy, busy, busy)).isEqualTo(3);
  }

  @Test
  void takesTheTurnFromTheLargestIdWhenIdsOfAnInterruptedRunNeverFinished() {
    // Ids 3 and 4 were lost when the run was interrupted; the resumed engine gives id 6 next.
    Journal journal = journal(goodDraft(0, 0.1), goodDraft(1, 0.2), goodDraft(2, 0.3));
    journal.add(goodDraft(5, 0.4).newBuilder().step(3).build());
    EvolutionaryPolicy policy = threeIslands().build();

    // Island 0 holds node 0 alone, so nothing is drawn; journal size + in flight would say 1.
    assertThat(policy.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void takesTheTurnFromTheNextNodeIdWhenAResumedRunHasWorkInFlight() {
    // Ids 3 and 4 were lost when the run was interrupted; the resumed engine gave id 6 to the node
    // in flight and gives 7 next. Journal size + in flight (5) and largest id + 1 (6) both fall
    // short of it.
    Journal journal = journal(goodDraft(0, 0.1), goodDraft(1, 0.2), goodDraft(2, 0.3));
    journal.add(goodDraft(5, 0.4).newBuilder().step(3).build());
    EvolutionaryPolicy policy = threeIslands().build();
    InFlight busy = InFlight.of(List.of(Action.improve(journal.get(2))));

    // Id 7: island 1's turn, which holds node 1 alone, so nothing is drawn.
    Action action =
        policy.next(new TestState(TestJournals.TASK, journal, busy, 7, new ScriptedRandom()));

    assertThat(action).isEqualTo(Action.improve(journal.get(1)));
  }

  @Test
  void parentsAndCrossoverPairsNeverMixIslands() {
    Journal journal = sixDrafts();
    journal.add(goodImprove(6, 1, 0.9));
    journal.add(goodImprove(7, 3, 0.8));
    EvolutionaryPolicy policy = threeIslands().build();
    RandomGenerator random = new SplittableRandom(3);
    int crossovers = 0;

    for (int i = 0; i < 3_000; i++) {
      List<Action> inFlight = new ArrayList<>();
      for (int k = 0; k < i % 5; k++) inFlight.add(Action.improve(journal.get(k)));
      int turn = (journal.size() + inFlight.size()) % 3;
      Action action = policy.next(new TestState(TestJournals.TASK, journal, inFlight, random));

      List<Node> parents = parents(action);
      for (Node parent : parents) {
        assertThat(policy.islandOf(journal, parent.id())).as("%s", action).isEqualTo(turn);
      }
      if (parents.size() == 2) crossovers++;
    }

    assertThat(crossovers).isBetween(1_000, 2_000);
  }

  // ---------------------------------------------------------------------------------------------
  // Empty islands

  @Test
  void draftsWhenItIsAnEmptyIslandsTurnAndTheDraftBelongsToIt() {
    Journal journal = journal(goodDraft(0, 0.5), goodDraft(1, 0.6), buggyDraft(2));
    EvolutionaryPolicy policy = threeIslands().build();
    Action busy = Action.improve(journal.get(0));

    // Next id 3: island 0 breeds. Next id 5: island 2, which is empty, drafts.
    assertThat(policy.next(state(journal, new ScriptedRandom(), busy, busy)))
        .isEqualTo(Action.draft());
    assertThat(policy.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.improve(journal.get(0)));

    journal.add(goodDraft(3, 0.7).newBuilder().step(3).build());
    journal.add(goodImprove(4, 3, 0.8));
    journal.add(goodDraft(5, 0.1));
    assertThat(policy.islandOf(journal, 5)).isEqualTo(2);
    assertThat(ids(policy.population(journal, 2))).containsExactly(5);
  }

  @Test
  void anEmptyIslandsTurnGoesToTheNextIslandWhileEnoughDraftsAreInFlight() {
    Journal journal = journal(goodDraft(0, 0.5), goodDraft(1, 0.6), buggyDraft(2));
    EvolutionaryPolicy policy = threeIslands().build();

    // Next id 5, island 2's turn; one island is empty and one draft is in flight: island 0 breeds.
    Action action =
        policy.next(
            state(journal, new ScriptedRandom(), Action.draft(), Action.improve(journal.get(1))));

    assertThat(action).isEqualTo(Action.improve(journal.get(0)));
  }

  @Test
  void draftsWhileEveryIslandIsEmptyEvenWithDraftsInFlight() {
    Journal journal = new Journal();
    for (int i = 0; i < 5; i++) journal.add(buggyDraft(i));
    EvolutionaryPolicy policy = threeIslands().build();

    Action action =
        policy.next(
            state(journal, new ScriptedRandom(), Action.draft(), Action.draft(), Action.draft()));

    assertThat(action).isEqualTo(Action.draft());
  }

  // ---------------------------------------------------------------------------------------------
  // Migration

  /** Good drafts on two islands: island 0 holds 0 (0.3) and 2 (0.5), island 1 holds 1 and 3. */
  private static Journal twoIslands() {
    return journal(goodDraft(0, 0.3), goodDraft(1, 0.8), goodDraft(2, 0.5), goodDraft(3, 0.6));
  }

  @Test
  void inAMigrationRoundCrossesANativeParentWithTheBestOfThePreviousIsland() {
    Journal journal = twoIslands();
    EvolutionaryPolicy policy =
        EvolutionaryPolicy.builder().numDrafts(4).islands(2).migrationInterval(2).build();
    Action busy = Action.improve(journal.get(0));

    // Rounds of two ids; round 3 (ids 6 and 7) migrates, round 2 (ids 4 and 5) does not.
    assertThat(policy.next(state(journal, ScriptedRandom.coins(CROSS, 0))))
        .isEqualTo(Action.crossover(journal.get(2), journal.get(0)));
    ScriptedRandom oneDraw = ScriptedRandom.coins(0.9999);
    assertThat(policy.next(state(journal, oneDraw, busy, busy)))
        .isEqualTo(Action.crossover(journal.get(0), journal.get(1)));
    assertThat(oneDraw.isExhausted()).isTrue();
    assertThat(policy.next(state(journal, ScriptedRandom.coins(0), busy, busy, busy)))
        .isEqualTo(Action.crossover(journal.get(1), journal.get(2)));
    assertThat(
            policy.next(
                state(journal, ScriptedRandom.coins(DONT_CROSS, 0), busy, busy, busy, busy)))
        .isEqualTo(Action.improve(journal.get(2)));
  }

  @Test
  void theMigrantComesFromTheNearestIslandBeforeItThatIsNotEmpty() {
    // Four islands; island 3 is empty. Round 1 (ids 4 to 7) migrates; island 0 breeds at id 4.
    Journal journal =
        journal(goodDraft(0, 0.2), goodDraft(1, 0.9), goodDraft(2, 0.7), buggyDraft(3));
    EvolutionaryPolicy policy =
        EvolutionaryPolicy.builder()
            .islands(4)
            .numDrafts(4)
            .debugAttempts(0)
            .migrationInterval(2)
            .build();

    assertThat(policy.next(state(journal, new ScriptedRandom())))
        .isEqualTo(Action.crossover(journal.get(0), journal.get(2)));
  }

  @Test
  void aMigrationChildBelongsToTheIslandThatBredIt() {
    Journal journal = twoIslands();
    journal.add(goodImprove(4, 0, 0.4));
    journal.add(goodImprove(5, 1, 0.4));
    journal.add(crossover(7, 2, 1, 0.95)); // 7 mod 2 is 1: the native first parent decides
    EvolutionaryPolicy policy =
        EvolutionaryPolicy.builder().islands(2).migrationInterval(2).build();

    assertThat(policy.islandOf(journal, 7)).isEqualTo(0);
    assertThat(ids(policy.population(journal, 0))).containsExactly(7, 2, 4, 0);
    assertThat(ids(policy.population(journal, 1))).containsExactly(1, 3, 5);
  }

  @Test
  void withoutMigrationTheSameRoundBreedsWithinTheIsland() {
    Journal journal = twoIslands();
    EvolutionaryPolicy policy = EvolutionaryPolicy.builder().numDrafts(4).islands(2).build();
    Action busy = Action.improve(journal.get(0));

    assertThat(policy.next(state(journal, ScriptedRandom.coins(DONT_CROSS, 0), busy, busy)))
        .isEqualTo(Action.improve(journal.get(2)));
  }

  // ---------------------------------------------------------------------------------------------
  // Simulated runs with several workers

  @Test
  void decidesAsAFreshInstanceAndNeverMixesIslandsOutsideMigrationRounds() {
    int islands = 3;
    int interval = 2;
    int migrations = 0;
    List<Action> all = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      List<Action> decisions =
          SimulatedRun.check(
              () ->
                  EvolutionaryPolicy.builder()
                      .populationSize(4)
                      .islands(islands)
                      .migrationInterval(interval)
                      .build(),
              seed,
              120,
              3,
              "run " + seed);
      all.addAll(decisions);
      // The simulated engine gives decision i the id i, so the islands follow from the decisions.
      Map<Integer, Integer> islandOf = new HashMap<>();
      for (int id = 0; id < decisions.size(); id++) {
        Action action = decisions.get(id);
        List<Node> parents = parents(action);
        islandOf.put(id, parents.isEmpty() ? id % islands : islandOf.get(parents.get(0).id()));
        if (parents.size() == 2) {
          int first = islandOf.get(parents.get(0).id());
          int second = islandOf.get(parents.get(1).id());
          boolean migrationRound = (id / islands) % interval == interval - 1;
          if (first != second) migrations++;
          assertThat(first == second || migrationRound)
              .as("run %d, node %d: %s", seed, id, action)
              .isTrue();
        }
      }
    }

    assertThat(migrations).isGreaterThan(20);
    assertThat(all)
        .anyMatch(a -> a instanceof Action.Draft)
        .anyMatch(a -> a instanceof Action.Improve)
        .anyMatch(a -> a instanceof Action.Crossover)
        .anyMatch(a -> a instanceof Action.Debug);
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  @Test
  void hasOneIslandAndNoMigrationByDefault() {
    EvolutionaryPolicy defaults = EvolutionaryPolicy.builder().build();

    assertThat(defaults.islands()).isEqualTo(1);
    assertThat(defaults.migrationInterval()).isEqualTo(0);
    assertThat(EvolutionaryPolicy.builder().islands(3).migrationInterval(5).build())
        .hasToString(
            "EvolutionaryPolicy{numDrafts=5, populationSize=10, temperature=0.5,"
                + " crossoverProb=0.5, debugAttempts=3, islands=3, migrationInterval=5}");
  }

  @Test
  void builderRejectsBadIslandSettingsWithClearMessages() {
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().islands(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("islands must be >= 1, was 0");
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().migrationInterval(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("migrationInterval must be >= 0, was -1");
    assertThatThrownBy(() -> EvolutionaryPolicy.builder().migrationInterval(4).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "migrationInterval 4 needs islands >= 2, was 1;"
                + " set islands(n) or leave migrationInterval at 0");
    assertThat(EvolutionaryPolicy.builder().islands(2).migrationInterval(1).build().islands())
        .isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The id of the node {@code policy} improves when it draws the best member, not crossing. */
  private static int improved(EvolutionaryPolicy policy, Journal journal, Action... inFlight) {
    ScriptedRandom random = ScriptedRandom.coins(DONT_CROSS, 0);
    Action action = policy.next(state(journal, random, inFlight));
    assertThat(random.isExhausted()).as("%s drew both", action).isTrue();
    return ((Action.Improve) action).node().id();
  }

  private static List<Integer> islands(EvolutionaryPolicy policy, Journal journal, int count) {
    List<Integer> islands = new ArrayList<>();
    for (int id = 0; id < count; id++) islands.add(policy.islandOf(journal, id));
    return islands;
  }

  private static List<Node> parents(Action action) {
    if (action instanceof Action.Improve improve) return List.of(improve.node());
    if (action instanceof Action.Crossover c) return List.of(c.first(), c.second());
    if (action instanceof Action.Debug debug) return List.of(debug.node());
    return List.of();
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static Node crossover(int id, int first, int second, double value) {
    return Node.builder()
        .id(id)
        .step(id)
        .stage(Stage.CROSSOVER)
        .parents(List.of(first, second))
        .metric(Metric.of(value, Direction.MAXIMIZE))
        .build();
  }

  private static TestState state(Journal journal, RandomGenerator random, Action... inFlight) {
    return new TestState(TestJournals.TASK, journal, List.of(inFlight), random);
  }
}
