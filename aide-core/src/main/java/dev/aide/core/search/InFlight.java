package dev.aide.core.search;

import dev.aide.core.Node;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The actions other workers are carrying out, whose nodes are not in the journal yet: the list
 * itself, and the counts a policy asks of it.
 *
 * <p>An <em>expansion</em> is an improvement or a crossover. It counts for its first parent, the
 * node its child will hang under in the journal's tree ({@link Node#parentId()}), so a tree policy
 * can count the children in flight of each node toward its width.
 *
 * <pre>{@code
 * InFlight inFlight = state.inFlight();
 * if (inFlight.drafts() + state.journal().draftCount() < 5) return Action.draft();
 * for (Node buggy : state.journal().buggyLeaves()) {
 *   if (!inFlight.debugged().contains(buggy.id())) return Action.debug(buggy);
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share; it describes the moment it was made and does not follow the
 * search.
 */
public final class InFlight {
  private static final InFlight NONE = new InFlight(List.of());

  private final List<Action> actions;
  private final int drafts;
  private final Set<Integer> debugged;
  private final Set<Integer> improved;
  private final Set<Integer> crossed;
  private final Map<Integer, Integer> expansions;

  private InFlight(List<Action> actions) {
    this.actions = List.copyOf(actions);
    int drafts = 0;
    Set<Integer> debugged = new LinkedHashSet<>();
    Set<Integer> improved = new LinkedHashSet<>();
    Set<Integer> crossed = new LinkedHashSet<>();
    Map<Integer, Integer> expansions = new HashMap<>();
    for (Action action : this.actions) {
      List<Integer> parents = action.parents().stream().map(Node::id).toList();
      boolean expansion =
          switch (action.stage()) {
            case DRAFT -> {
              drafts++;
              yield false;
            }
            case DEBUG -> {
              debugged.add(parents.get(0));
              yield false;
            }
            case IMPROVE -> {
              improved.add(parents.get(0));
              yield true;
            }
            case CROSSOVER -> {
              crossed.addAll(parents);
              yield true;
            }
          };
      if (expansion) expansions.merge(parents.get(0), 1, Integer::sum);
    }
    this.drafts = drafts;
    this.debugged = unmodifiable(debugged);
    this.improved = unmodifiable(improved);
    this.crossed = unmodifiable(crossed);
    this.expansions = Map.copyOf(expansions);
  }

  /** Returns the view of {@code actions}, given in the order they started. */
  public static InFlight of(List<Action> actions) {
    Objects.requireNonNull(actions, "actions");
    return actions.isEmpty() ? NONE : new InFlight(actions);
  }

  /** Returns the view of no action in flight. */
  public static InFlight none() {
    return NONE;
  }

  /** The actions in flight, in the order they started. */
  public List<Action> actions() {
    return actions;
  }

  /** How many actions are in flight. */
  public int size() {
    return actions.size();
  }

  /** Whether no action is in flight. */
  public boolean isEmpty() {
    return actions.isEmpty();
  }

  /** How many drafts are in flight. */
  public int drafts() {
    return drafts;
  }

  /** The ids of the nodes being debugged, in the order their fixes started. */
  public Set<Integer> debugged() {
    return debugged;
  }

  /** The ids of the nodes being improved, in the order their first improvement started. */
  public Set<Integer> improved() {
    return improved;
  }

  /** The ids of the nodes that are a parent (first or second) of a crossover in flight. */
  public Set<Integer> crossed() {
    return crossed;
  }

  /** The ids of the nodes that are the first parent of an expansion in flight. */
  public Set<Integer> expanded() {
    return expansions.keySet();
  }

  /** How many expansions in flight have the node {@code nodeId} as their first parent. */
  public int expansionsOf(int nodeId) {
    return expansions.getOrDefault(nodeId, 0);
  }

  @Override
  public String toString() {
    return "InFlight" + actions;
  }

  private static Set<Integer> unmodifiable(Set<Integer> set) {
    return Collections.unmodifiableSet(set);
  }
}
