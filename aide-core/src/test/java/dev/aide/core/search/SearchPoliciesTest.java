package dev.aide.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchPoliciesTest {
  @Test
  void everyBuiltInPolicyComesBackFromItsDescriptionWithAllItsSettings() {
    Random random = new Random(3);
    List<SearchPolicy> policies = new ArrayList<>();
    policies.add(SearchPolicies.greedy());
    policies.add(SearchPolicies.mcts());
    policies.add(SearchPolicies.evolutionary());
    for (int i = 0; i < 50; i++) {
      policies.add(
          GreedyPolicy.builder()
              .numDrafts(1 + random.nextInt(9))
              .debugProb(random.nextDouble())
              .maxDebugDepth(random.nextInt(6))
              .build());
      policies.add(
          MctsPolicy.builder()
              .uctC(random.nextDouble() * 3)
              .numChildren(1 + random.nextInt(9))
              .debugAttempts(random.nextInt(6))
              .build());
      int islands = 1 + random.nextInt(4);
      policies.add(
          EvolutionaryPolicy.builder()
              .numDrafts(1 + random.nextInt(9))
              .populationSize(2 + random.nextInt(20))
              .temperature(0.01 + random.nextDouble())
              .crossoverProb(random.nextDouble())
              .debugAttempts(random.nextInt(6))
              .islands(islands)
              .migrationInterval(islands > 1 ? random.nextInt(5) : 0)
              .build());
    }

    for (SearchPolicy policy : policies) {
      SearchPolicy parsed = SearchPolicies.parse(policy.toString());
      assertThat(parsed).isNotNull().hasSameClassAs(policy);
      assertThat(parsed.toString()).isEqualTo(policy.toString());
    }
  }

  @Test
  void aPolicyOfYourOwnHasNoBuiltInDescription() {
    SearchPolicy mine = state -> Action.draft();

    assertThat(SearchPolicies.parse(mine.toString())).isNull();
    assertThat(SearchPolicies.parse("MyPolicy{depth=3}")).isNull();
    assertThat(SearchPolicies.parse("greedy")).isNull();
  }

  @Test
  void aBrokenDescriptionOfABuiltInPolicyIsAnErrorThatNamesTheSetting() {
    assertThatThrownBy(() -> SearchPolicies.parse("GreedyPolicy{numDrafts=5, depth=3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown settings [depth]");
    assertThatThrownBy(() -> SearchPolicies.parse("MctsPolicy{uctC=high}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uctC should be a number");
    assertThatThrownBy(() -> SearchPolicies.parse("GreedyPolicy{numDrafts=0}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numDrafts must be >= 1");
    assertThatThrownBy(() -> SearchPolicies.parse("GreedyPolicy{numDrafts}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'numDrafts' has no value");
  }
}
