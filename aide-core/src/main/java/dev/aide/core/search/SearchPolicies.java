package dev.aide.core.search;

/**
 * The built-in search policies. *
 *
 * <p>Each call returns a new policy; the class holds no state.
 */
public final class SearchPolicies {
  private SearchPolicies() {}

  /**
   * Returns AIDE's greedy policy with the reference defaults (5 drafts, debug probability 0.5,
   * debug chains of at most 3 fixes). Use {@link GreedyPolicy#builder()} to change them.
   */
  public static SearchPolicy greedy() {
    return GreedyPolicy.builder().build();
  }

  /**
   * Returns Monte Carlo tree search as in AIRA-dojo with its defaults (UCT constant 0.25, 5
   * children per expansion, 3 fixes for a buggy child). Use {@link MctsPolicy#builder()} to change
   * them.
   */
  public static SearchPolicy mcts() {
    return MctsPolicy.builder().build();
  }

  /**
   * Returns the evolutionary policy with its defaults (5 seed drafts, a population of 10,
   * temperature 0.5, crossover probability 0.5, 3 fixes for a buggy child). Use {@link
   * EvolutionaryPolicy#builder()} to change them.
   */
  public static SearchPolicy evolutionary() {
    return EvolutionaryPolicy.builder().build();
  }
}
