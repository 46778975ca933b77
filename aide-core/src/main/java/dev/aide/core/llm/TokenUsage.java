package dev.aide.core.llm;

/**
 * Tokens spent on LLM calls, normalised across providers.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param input prompt tokens, including cached ones
 * @param output generated tokens, including reasoning ones
 * @param cachedInput the part of {@code input} served from the provider's prompt cache
 * @param reasoning the part of {@code output} spent on hidden reasoning
 */
public record TokenUsage(long input, long output, long cachedInput, long reasoning) {
  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

  public TokenUsage {
    if (input < 0 || output < 0 || cachedInput < 0 || reasoning < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** Returns usage with only input and output counts. */
  public static TokenUsage of(long input, long output) {
    return new TokenUsage(input, output, 0, 0);
  }

  /** Input plus output tokens. */
  public long total() {
    return input + output;
  }

  /** Returns the sum of this usage and {@code other}. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        input + other.input,
        output + other.output,
        cachedInput + other.cachedInput,
        reasoning + other.reasoning);
  }
}
