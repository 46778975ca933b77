package com.example.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Aide;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.SearchEvent;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.search.Action;
import dev.aide.core.search.InFlight;
import dev.aide.core.search.JournalFollower;
import dev.aide.core.search.SearchPolicy;
import dev.aide.core.search.SearchState;
import dev.aide.core.search.SimulatedLandscape;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy written as a user would write one, against the public API alone, run through the engine
 * with several workers.
 */
class CustomPolicyTest {
  private static final Task TASK = Task.builder().goal("Score as high as possible").build();

  @TempDir Path dir;

  /**
   * Two drafts (drafts in flight count), then nodes with odd ids fix the oldest buggy leaf that no
   * worker is fixing and nodes with even ids improve the best node; a fix turn with nothing to fix
   * improves too, and a turn with nothing to improve drafts.
   */
  static final class OddIdsFix implements SearchPolicy {
    /** What the policy chose for each node id, described from the action's stage and parents. */
    final Map<Integer, String> chosen = new TreeMap<>();

    @Override
    public Action next(SearchState state) {
      Action action = choose(state);
      chosen.put(state.nextNodeId(), describe(action.stage(), ids(action.parents())));
      return action;
    }

    private static Action choose(SearchState state) {
      Journal journal = state.journal();
      InFlight inFlight = state.inFlight();
      if (journal.drafts().size() + inFlight.drafts() < 2) return Action.draft();
      if (state.nextNodeId() % 2 == 1) {
        for (Node buggy : journal.buggyLeaves()) {
          if (buggy.debugDepth() < 3 && !inFlight.debugged().contains(buggy.id())) {
            return Action.debug(buggy);
          }
        }
      }
      Node best = journal.best();
      return best == null ? Action.draft() : Action.improve(best);
    }
  }

  @Test
  void aCustomPolicySeesTheNextIdAndWhatIsInFlightThroughTheEngine() {
    OddIdsFix policy = new OddIdsFix();
    Map<Integer, String> started = new TreeMap<>();

    Result result =
        Aide.builder()
            .coder(new SimulatedLandscape(5).coder(), "coder")
            .reviewer(SimulatedLandscape.reviewer(), "reviewer")
            .executor(SimulatedLandscape.executor())
            .policy(policy)
            .listener(
                event -> {
                  if (event instanceof SearchEvent.NodeStarted node) {
                    started.put(node.nodeId(), describe(node.stage(), node.parents()));
                  }
                })
            .steps(40)
            .workers(3)
            .seed(3)
            .outputDir(dir.resolve("run"))
            .build()
            .run(TASK);

    Journal journal = result.journal();
    assertThat(journal.size()).isEqualTo(40);
    assertThat(policy.chosen).isEqualTo(started);
    List<Node> fixes = journal.nodes().stream().filter(n -> n.stage() == Stage.DEBUG).toList();
    assertThat(fixes).isNotEmpty().allMatch(n -> n.id() % 2 == 1);
    for (Node buggy : journal.buggyNodes()) {
      assertThat(journal.children(buggy)).as("fixes of %s", buggy).hasSizeLessThanOrEqualTo(1);
    }
  }

  /**
   * Improves the good node with the fewest children (the oldest of those), counting children from
   * an index it keeps with a {@link JournalFollower} and checks against the journal at every step.
   */
  static final class FewestChildren implements SearchPolicy {
    private final JournalFollower follower = new JournalFollower();
    private final Map<Integer, Integer> children = new TreeMap<>();
    private final List<Node> good = new ArrayList<>();
    int resets;

    @Override
    public Action next(SearchState state) {
      JournalFollower.Batch batch = follower.poll(state.journal());
      if (batch.reset()) {
        resets++;
        children.clear();
        good.clear();
      }
      for (Node node : batch.added()) {
        Integer parent = node.parentId();
        if (parent != null) children.merge(parent, 1, Integer::sum);
        if (!node.isBuggy()) good.add(node);
      }
      @Nullable Node fewest = null;
      for (Node node : good) {
        assertThat(children.getOrDefault(node.id(), 0))
            .as("children of %s", node)
            .isEqualTo(state.journal().children(node).size());
        if (fewest == null
            || children.getOrDefault(node.id(), 0) < children.getOrDefault(fewest.id(), 0)) {
          fewest = node;
        }
      }
      if (state.journal().drafts().size() + state.inFlight().drafts() < 3 || fewest == null) {
        return Action.draft();
      }
      return Action.improve(fewest);
    }
  }

  @Test
  void aCustomPolicyKeepsAnIndexOfTheJournalWithAJournalFollower() {
    FewestChildren policy = new FewestChildren();
    SimulatedLandscape landscape = new SimulatedLandscape(9);
    Path out = dir.resolve("follow");

    run(landscape, policy, out, 15);
    Journal journal = run(landscape, policy, out, 30).journal();

    assertThat(journal.size()).isEqualTo(30);
    assertThat(policy.resets).as("the resumed run hands the policy another journal").isEqualTo(2);
    assertThat(journal.nodes()).anyMatch(n -> n.stage() == Stage.IMPROVE);
  }

  private static Result run(
      SimulatedLandscape landscape, SearchPolicy policy, Path out, int steps) {
    return Aide.builder()
        .coder(landscape.coder(), "coder")
        .reviewer(SimulatedLandscape.reviewer(), "reviewer")
        .executor(SimulatedLandscape.executor())
        .policy(policy)
        .steps(steps)
        .workers(3)
        .seed(4)
        .outputDir(out)
        .build()
        .run(TASK);
  }

  @Test
  void aPolicyImplementsOneMethod() {
    List<String> abstractMethods =
        Arrays.stream(SearchPolicy.class.getMethods())
            .filter(m -> Modifier.isAbstract(m.getModifiers()))
            .map(Method::getName)
            .toList();
    List<String> allMethods =
        Arrays.stream(SearchPolicy.class.getDeclaredMethods()).map(Method::getName).toList();

    assertThat(abstractMethods).containsExactly("next");
    assertThat(allMethods).containsExactly("next");
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  /** Names a kind of action; the switch expression stops compiling when a stage is added. */
  private static String describe(Stage stage, List<Integer> parents) {
    @Nullable Integer first = parents.isEmpty() ? null : parents.get(0);
    return switch (stage) {
      case DRAFT -> "draft";
      case IMPROVE -> "improve " + first;
      case DEBUG -> "fix " + first;
      case CROSSOVER -> "cross " + first + " with " + parents.get(1);
    };
  }
}
