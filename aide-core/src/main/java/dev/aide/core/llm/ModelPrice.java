package dev.aide.core.llm;

/**
 * What a model's tokens cost, in US dollars per million tokens, for cost accounting and cost
 * budgets.
 *
 * <pre>{@code
 * Aide.builder().price("gpt-4.1", new ModelPrice(2.00, 8.00, 0.50))
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param inputPerMillion the price of a million prompt tokens not served from the cache
 * @param outputPerMillion the price of a million generated tokens, reasoning included
 * @param cachedInputPerMillion the price of a million prompt tokens served from the cache
 */
public record ModelPrice(
    double inputPerMillion, double outputPerMillion, double cachedInputPerMillion) {
  public ModelPrice {
    check(inputPerMillion, "inputPerMillion");
    check(outputPerMillion, "outputPerMillion");
    check(cachedInputPerMillion, "cachedInputPerMillion");
  }

  /** Returns a price whose cached input costs as much as other input. */
  public static ModelPrice of(double inputPerMillion, double outputPerMillion) {
    return new ModelPrice(inputPerMillion, outputPerMillion, inputPerMillion);
  }

  /** Returns the cost of {@code usage} in US dollars. */
  public double cost(TokenUsage usage) {
    long cached = Math.min(usage.cachedInput(), usage.input());
    return ((usage.input() - cached) * inputPerMillion
            + cached * cachedInputPerMillion
            + usage.output() * outputPerMillion)
        / 1_000_000.0;
  }

  private static void check(double price, String name) {
    if (!(price >= 0) || Double.isInfinite(price)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, was " + price);
    }
  }
}
