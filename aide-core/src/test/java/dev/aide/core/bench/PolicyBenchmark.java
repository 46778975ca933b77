package dev.aide.core.bench;

import dev.aide.core.Aide;
import dev.aide.core.Node;
import dev.aide.core.Result;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.search.EvolutionaryPolicy;
import dev.aide.core.search.SearchPolicies;
import dev.aide.core.search.SearchPolicy;
import dev.aide.core.search.SimulatedLandscape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Compares the search policies on a fixed simulated landscape: runs the real engine ({@code
 * Aide.builder()...run()}, one worker) with each built-in policy at its defaults on each of a
 * number of seeded landscapes, and prints, as Markdown tables, the best metric found after 20, 50
 * and 100 nodes (mean and standard error over the seeds), its difference to the greedy policy's on
 * the same landscape, and what the nodes were.
 *
 * <p>This is a harness, not a test; it asserts nothing. Run it from the repository root with:
 *
 * <pre>
 * ./mvnw -B -q -pl aide-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.aide.core.bench.PolicyBenchmark [-Dexec.args="20 100"]
 * </pre>
 *
 * <p>(the arguments: the number of seeds, default 20, and the nodes per run, default 100).
 *
 * <p><b>The landscape</b> ({@link SimulatedLandscape}): every solution has a hidden quality, which
 * is its metric (larger is better), and a hidden ceiling, how good its approach can get. A draft
 * has a ceiling uniform in [0.55, 0.95] and a quality 0.15 to 0.40 below it, so its metric hints at
 * its ceiling without giving it away. An improvement multiplies the gap to the ceiling by e^z, z
 * normal with mean -0.3 and sd 0.5: the median step closes a quarter of the gap, and about one
 * improvement in four is worse than its parent. A crossover starts from the better parent, takes
 * the higher of the two ceilings, and steps with z of mean -0.15. Drafts and crossovers are buggy
 * with probability 0.3, improvements 0.2; a debug fixes the bug with probability 0.5. What each
 * action makes is drawn from a generator seeded by the landscape's seed, the solution(s) it starts
 * from and how often that action was asked for before: the landscape is one fixed random tree per
 * seed, the same for every policy, and policies differ only in where they go in it.
 *
 * <p><b>Fairness.</b> Every policy runs at its documented defaults (the row "evolutionary, 3
 * islands" is the evolutionary policy at its defaults but for {@code islands(3)}), against the same
 * landscapes (seeds 1 to n) with the same engine seed, for the same number of nodes; buggy nodes
 * and debug steps count as nodes. Only the evolutionary policy can cross nodes; the crossover's
 * ability to reach the other parent's ceiling is its one advantage over an improvement, paid for
 * with a smaller expected step and more bugs. The landscape rewards finding the approach with the
 * highest ceiling and then improving it, as ML tasks do; it was not tuned after seeing the results.
 */
public final class PolicyBenchmark {
  private static final int[] CHECKPOINTS = {20, 50, 100};

  private PolicyBenchmark() {}

  public static void main(String[] args) throws IOException {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Map<String, Supplier<SearchPolicy>> policies = new LinkedHashMap<>();
    policies.put("greedy", SearchPolicies::greedy);
    policies.put("mcts", SearchPolicies::mcts);
    policies.put("evolutionary", SearchPolicies::evolutionary);
    policies.put("evolutionary, 3 islands", () -> EvolutionaryPolicy.builder().islands(3).build());

    List<String> best = new ArrayList<>();
    List<String> differences = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    double[][] baseline = null; // greedy's best metrics, to pair with the others'
    for (Map.Entry<String, Supplier<SearchPolicy>> policy : policies.entrySet()) {
      double[][] bestAfter = new double[CHECKPOINTS.length][seeds];
      double[][] counts = new double[5][seeds]; // drafts, improves, crossovers, debugs, buggy
      for (int s = 0; s < seeds; s++) {
        List<Node> nodes = run(policy.getValue().get(), s + 1, steps);
        for (int c = 0; c < CHECKPOINTS.length; c++) {
          bestAfter[c][s] = bestOf(nodes.subList(0, Math.min(CHECKPOINTS[c], nodes.size())));
        }
        for (Node node : nodes) {
          if (node.stage() == Stage.DRAFT) counts[0][s]++;
          if (node.stage() == Stage.IMPROVE) counts[1][s]++;
          if (node.stage() == Stage.CROSSOVER) counts[2][s]++;
          if (node.stage() == Stage.DEBUG) counts[3][s]++;
          if (node.isBuggy()) counts[4][s]++;
        }
      }
      StringBuilder row = new StringBuilder("| " + policy.getKey() + " |");
      for (double[] values : bestAfter) row.append(' ').append(meanAndError(values)).append(" |");
      best.add(row.toString());
      if (baseline == null) {
        baseline = bestAfter;
      } else {
        StringBuilder difference = new StringBuilder("| " + policy.getKey() + " |");
        for (int c = 0; c < CHECKPOINTS.length; c++) {
          double[] paired = new double[seeds];
          for (int s = 0; s < seeds; s++) paired[s] = bestAfter[c][s] - baseline[c][s];
          difference.append(' ').append(meanAndError(paired)).append(" |");
        }
        differences.add(difference.toString());
      }
      StringBuilder kindRow = new StringBuilder("| " + policy.getKey() + " |");
      for (double[] values : counts) {
        kindRow.append(String.format(Locale.ROOT, " %.1f |", mean(values)));
      }
      kinds.add(kindRow.toString());
      System.err.println(policy.getKey() + " done");
    }

    System.out.println(
        "Best metric (larger is better) after n nodes, mean ± standard error over "
            + seeds
            + " landscapes:");
    System.out.println();
    System.out.println("| policy | 20 nodes | 50 nodes | 100 nodes |");
    System.out.println("|---|---:|---:|---:|");
    best.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "Difference to greedy on the same landscape (positive: better than greedy), mean ±"
            + " standard error:");
    System.out.println();
    System.out.println("| policy | 20 nodes | 50 nodes | 100 nodes |");
    System.out.println("|---|---:|---:|---:|");
    differences.forEach(System.out::println);
    System.out.println();
    System.out.println("What the " + steps + " nodes of a run were, mean over the landscapes:");
    System.out.println();
    System.out.println("| policy | drafts | improvements | crossovers | debugs | buggy |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    kinds.forEach(System.out::println);
  }

  /** Runs one search and returns its nodes in the order they finished. */
  private static List<Node> run(SearchPolicy policy, long seed, int steps) throws IOException {
    Path dir = Files.createTempDirectory("aide-policy-bench-");
    SimulatedLandscape landscape = new SimulatedLandscape(seed);
    try {
      Result result =
          Aide.builder()
              .coder(landscape.coder(), "simulated-coder")
              .reviewer(SimulatedLandscape.reviewer(), "simulated-reviewer")
              .executor(SimulatedLandscape.executor())
              .policy(policy)
              .steps(steps)
              .workers(1)
              .seed(seed)
              .outputDir(dir.resolve("run"))
              .build()
              .run(Task.builder().goal("Score as high as possible").build());
      return result.journal().nodes();
    } finally {
      deleteRecursively(dir);
    }
  }

  /** The best metric among {@code nodes}; 0 when none is good. */
  private static double bestOf(List<Node> nodes) {
    double best = 0;
    for (Node node : nodes) {
      if (!node.isBuggy()) best = Math.max(best, node.metric().value());
    }
    return best;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / values.length;
  }

  private static String meanAndError(double[] values) {
    double mean = mean(values);
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    double error = values.length < 2 ? 0 : Math.sqrt(squares / (values.length - 1) / values.length);
    return String.format(Locale.ROOT, "%.3f ± %.3f", mean, error);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
