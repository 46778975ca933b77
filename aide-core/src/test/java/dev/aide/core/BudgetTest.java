package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aide.core.llm.ModelPrice;
import dev.aide.core.llm.TokenUsage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y").build();
  private final FakeWorld world = new FakeWorld(List.of("0.5", "0.6", "0.4"), false);

  // FakeWorld spends 100 input + 20 output tokens per coder call, 50 + 10 per reviewer call.
  private Aide.Builder aide() {
    return Aide.builder()
        .coder(world.coder(), "coder")
        .reviewer(world.reviewer(), "reviewer")
        .executor(world.executor())
        .steps(50)
        .seed(1)
        .outputDir(tmp.resolve("run"));
  }

  @Test
  void tokenBudgetEndsTheSearchOnceSpent() {
    Result result = aide().tokenBudget(500).build().run(task);

    assertThat(result.journal().size()).isEqualTo(3); // 180 tokens a node: 540 >= 500
    assertThat(result.usage().total()).isEqualTo(540);
    assertThat(result.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
  }

  @Test
  void costBudgetEndsTheSearchOnceSpentAndNodesCarryTheirCost() {
    Result result =
        aide()
            .price("coder", ModelPrice.of(10, 20))
            .price("reviewer", ModelPrice.of(1, 1))
            .costBudget(0.004)
            .build()
            .run(task);

    // coder: (100 * 10 + 20 * 20) / 1e6 = 0.0014; reviewer: 60 / 1e6 = 0.00006
    assertThat(result.journal().nodes().get(0).cost()).isCloseTo(0.00146, within(1e-12));
    assertThat(result.journal().size()).isEqualTo(3);
    assertThat(result.cost()).isCloseTo(3 * 0.00146, within(1e-12));
    assertThat(result.stopReason()).isEqualTo(StopReason.COST_BUDGET);
  }

  @Test
  void costBudgetWithoutAPriceForAModelIsRefused() {
    assertThatThrownBy(() -> aide().price("coder", ModelPrice.of(1, 1)).costBudget(1).build())
        .isInstanceOf(AideException.class)
        .hasMessageContaining("price of model reviewer")
        .hasMessageContaining("price(\"reviewer\"");
  }

  @Test
  void resumedRunCountsWhatItSpentBefore() {
    aide().steps(2).build().run(task);

    Result resumed = aide().steps(10).tokenBudget(300).build().run(task);

    assertThat(resumed.journal().size()).isEqualTo(2);
    assertThat(resumed.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
  }

  @Test
  void cachedInputIsPricedAtTheCachedRate() {
    ModelPrice price = new ModelPrice(2.0, 8.0, 0.5);

    double cost = price.cost(new TokenUsage(1_000_000, 500_000, 400_000, 100_000));

    assertThat(cost).isCloseTo(0.6 * 2.0 + 0.4 * 0.5 + 0.5 * 8.0, within(1e-12));
    assertThatThrownBy(() -> new ModelPrice(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
