package dev.aide.core.search;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The actions in flight, counted the way the tree policies need them: drafts, nodes being debugged,
 * and expansions (improvements and crossovers) per parent, a crossover counting for its first
 * parent.
 */
record InFlight(int drafts, Set<Integer> debugged, Map<Integer, Integer> expansions) {
  static InFlight of(List<Action> actions) {
    int drafts = 0;
    Set<Integer> debugged = new HashSet<>();
    Map<Integer, Integer> expansions = new HashMap<>();
    for (Action action : actions) {
      if (action instanceof Action.Draft) {
        drafts++;
      } else if (action instanceof Action.Debug debug) {
        debugged.add(debug.node().id());
      } else if (action instanceof Action.Improve improve) {
        expansions.merge(improve.node().id(), 1, Integer::sum);
      } else if (action instanceof Action.Crossover crossover) {
        expansions.merge(crossover.first().id(), 1, Integer::sum);
      }
    }
    return new InFlight(drafts, debugged, expansions);
  }

  /** The improvements and crossovers in flight whose (first) parent is {@code nodeId}. */
  int expansionsOf(int nodeId) {
    return expansions.getOrDefault(nodeId, 0);
  }
}
