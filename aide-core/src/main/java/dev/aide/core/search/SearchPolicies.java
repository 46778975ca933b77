package dev.aide.core.search;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The built-in search policies.
 *
 * <p>Each call returns a new policy; the class holds no state. A built-in policy's {@code
 * toString()} is its description, e.g. {@code GreedyPolicy{numDrafts=5, debugProb=0.5,
 * maxDebugDepth=3}}, which {@code run.json} records and {@link #parse} turns back into an equal
 * policy.
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

  /**
   * Rebuilds a built-in policy, with all its settings, from its description (its {@code
   * toString()}); returns null when {@code description} is not that of a built-in policy, e.g. a
   * policy of your own.
   *
   * @throws IllegalArgumentException if it names a built-in policy but a setting is unknown,
   *     missing its value, or invalid for that policy
   */
  public static @Nullable SearchPolicy parse(String description) {
    int open = description.indexOf('{');
    if (open < 0 || !description.endsWith("}")) return null;
    String name = description.substring(0, open);
    Map<String, String> settings = settings(description, open);
    switch (name) {
      case "GreedyPolicy":
        {
          GreedyPolicy.Builder b = GreedyPolicy.builder();
          Settings s = new Settings(description, settings);
          s.integer("numDrafts", b::numDrafts);
          s.decimal("debugProb", b::debugProb);
          s.integer("maxDebugDepth", b::maxDebugDepth);
          s.checkAllUsed();
          return b.build();
        }
      case "MctsPolicy":
        {
          MctsPolicy.Builder b = MctsPolicy.builder();
          Settings s = new Settings(description, settings);
          s.decimal("uctC", b::uctC);
          s.integer("numChildren", b::numChildren);
          s.integer("debugAttempts", b::debugAttempts);
          s.checkAllUsed();
          return b.build();
        }
      case "EvolutionaryPolicy":
        {
          EvolutionaryPolicy.Builder b = EvolutionaryPolicy.builder();
          Settings s = new Settings(description, settings);
          s.integer("numDrafts", b::numDrafts);
          s.integer("populationSize", b::populationSize);
          s.decimal("temperature", b::temperature);
          s.decimal("crossoverProb", b::crossoverProb);
          s.integer("debugAttempts", b::debugAttempts);
          s.integer("islands", b::islands);
          s.integer("migrationInterval", b::migrationInterval);
          s.checkAllUsed();
          return b.build();
        }
      default:
        return null;
    }
  }

  private static Map<String, String> settings(String description, int open) {
    Map<String, String> settings = new HashMap<>();
    String body = description.substring(open + 1, description.length() - 1).strip();
    if (body.isEmpty()) return settings;
    for (String pair : body.split(",")) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "cannot read the policy " + description + ": '" + pair.strip() + "' has no value");
      }
      settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return settings;
  }

  /** The settings of one description, each set on a builder at most once. */
  private static final class Settings {
    final String description;
    final Map<String, String> values;

    Settings(String description, Map<String, String> values) {
      this.description = description;
      this.values = new HashMap<>(values);
    }

    void integer(String key, Consumer<Integer> setter) {
      set(key, Integer::parseInt, setter, "a whole number");
    }

    void decimal(String key, Consumer<Double> setter) {
      set(key, Double::parseDouble, setter, "a number");
    }

    /** Sets {@code key}'s value, if the description has one, read by {@code parse}. */
    private <T> void set(
        String key, Function<String, T> parse, Consumer<T> setter, String expected) {
      String value = values.remove(key);
      if (value == null) return; // the builder's default
      T parsed;
      try {
        parsed = parse.apply(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "cannot read the policy " + description + ": " + key + " should be " + expected);
      }
      try {
        setter.accept(parsed);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read the policy " + description + ": " + e.getMessage(), e);
      }
    }

    void checkAllUsed() {
      if (!values.isEmpty()) {
        throw new IllegalArgumentException(
            "cannot read the policy " + description + ": unknown settings " + values.keySet());
      }
    }
  }
}
