package dev.aide.core.search;

import static dev.aide.core.search.TestJournals.buggyDebug;
import static dev.aide.core.search.TestJournals.buggyDraft;
import static dev.aide.core.search.TestJournals.goodDraft;
import static dev.aide.core.search.TestJournals.journal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.search.TestJournals.TestState;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one meaning of every policy's debug limit N: a chain of at most N debug nodes (see the
 * package's Javadoc).
 */
class DebugChainTest {
  static Stream<Arguments> policies() {
    IntFunction<SearchPolicy> greedy =
        n -> GreedyPolicy.builder().numDrafts(2).debugProb(1).maxDebugDepth(n).build();
    IntFunction<SearchPolicy> mcts =
        n -> MctsPolicy.builder().numChildren(2).debugAttempts(n).build();
    IntFunction<SearchPolicy> evolutionary =
        n -> EvolutionaryPolicy.builder().numDrafts(2).debugAttempts(n).build();
    return Stream.of(
        Arguments.of("greedy", greedy),
        Arguments.of("mcts", mcts),
        Arguments.of("evolutionary", evolutionary));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void aLimitOfNAllowsAChainOfExactlyNFixes(String name, IntFunction<SearchPolicy> withLimit) {
    for (int limit = 0; limit <= 4; limit++) {
      SearchPolicy policy = withLimit.apply(limit);
      // A good draft, and a buggy draft followed by `fixes` buggy fixes of it in a row.
      for (int fixes = 0; fixes <= limit; fixes++) {
        Journal journal = journal(goodDraft(0, 0.5), buggyDraft(1));
        for (int depth = 1; depth <= fixes; depth++) {
          journal.add(buggyDebug(1 + depth, depth, depth));
        }
        Node leaf = journal.get(1 + fixes);

        Action action = policy.next(TestState.of(journal, new SplittableRandom(fixes)));

        String situation = name + " with limit " + limit + " after " + fixes + " fixes";
        if (fixes < limit) {
          assertThat(action).as(situation).isEqualTo(Action.debug(leaf));
        } else {
          assertThat(action).as(situation).isNotInstanceOf(Action.Debug.class);
        }
      }
    }
  }
}
