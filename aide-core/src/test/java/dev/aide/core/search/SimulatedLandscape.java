package dev.aide.core.search;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixed, seeded landscape of solutions for running search policies through the real engine: a
 * scripted coder, an executor that runs nothing, and a reviewer that reads the printed metric.
 *
 * <p>Every solution has a hidden <em>quality</em>, which is its metric (larger is better), and a
 * hidden <em>ceiling</em>, how good its approach can get; the coder writes both into the code with
 * a key that names the solution. What an action makes is drawn from a generator seeded by the
 * landscape's seed and the key(s) of the solution(s) it starts from, and by how many times that
 * same action was asked for before. So the landscape is one fixed random tree: the third
 * improvement of a given solution is the same solution whichever policy asks for it, and policies
 * differ only in where they go.
 *
 * <ul>
 *   <li><b>Draft</b>: ceiling uniform in [0.55, 0.95]; quality the ceiling minus a gap uniform in
 *       [0.15, 0.40], so a draft's metric hints at its ceiling but does not give it away. Buggy
 *       with probability 0.3.
 *   <li><b>Improve</b>: the gap to the ceiling is multiplied by e^z, z normal with mean -0.3 and sd
 *       0.5: the median step closes 26% of the gap, and about one improvement in four is worse than
 *       its parent. The quality never passes the ceiling. Same ceiling. Buggy with probability 0.2.
 *   <li><b>Crossover</b>: starts from the parent with the higher quality, takes the higher of the
 *       two ceilings, and multiplies the gap to it as an improvement does but with z of mean -0.15;
 *       buggy with probability 0.3. Reaching the other parent's ceiling is the one thing a
 *       crossover can do that an improvement cannot; it pays with a smaller expected step and more
 *       bugs.
 *   <li><b>Debug</b>: fixes the bug with probability 0.5, giving the solution the buggy code would
 *       have been; otherwise the code is still buggy.
 * </ul>
 *
 * <p>Safe for use by several threads at once.
 */
public final class SimulatedLandscape {
  private static final Pattern KEY = Pattern.compile("key = (-?[0-9]+)");
  private static final Pattern QUALITY = Pattern.compile("quality = (-?[0-9.]+)");
  private static final Pattern CEILING = Pattern.compile("ceiling = (-?[0-9.]+)");
  private static final Pattern METRIC = Pattern.compile("metric: (-?[0-9.]+)");

  private final long seed;
  private final Map<String, Integer> asked = new HashMap<>();

  public SimulatedLandscape(long seed) {
    this.seed = seed;
  }

  /** A solution's hidden state. */
  record Solution(long key, double quality, double ceiling) {
    static Solution parse(String text) {
      return new Solution(
          Long.parseLong(find(KEY, text)),
          Double.parseDouble(find(QUALITY, text)),
          Double.parseDouble(find(CEILING, text)));
    }
  }

  /** The coder: a plan and a program that carries the solution's hidden state. */
  public LlmClient coder() {
    return request -> {
      String system = request.messages().get(0).content();
      String user = request.messages().get(request.messages().size() - 1).content();
      String plan;
      Solution made;
      boolean buggy;
      if (system.contains("combines their strengths")) {
        Solution a = Solution.parse(section(user, "# First solution"));
        Solution b = Solution.parse(section(user, "# Second solution"));
        long low = Math.min(a.key(), b.key());
        long high = Math.max(a.key(), b.key());
        SplittableRandom r = draws("crossover " + low + " " + high);
        Solution base = a.quality() >= b.quality() ? a : b;
        double ceiling = Math.max(a.ceiling(), b.ceiling());
        double gap = (ceiling - base.quality()) * Math.exp(-0.15 + 0.5 * r.nextGaussian());
        made = new Solution(r.nextLong(), ceiling - gap, ceiling);
        buggy = r.nextDouble() < 0.3;
        plan = "Combine the two solutions.";
      } else if (system.contains("improving a working solution")) {
        Solution parent = Solution.parse(section(user, "# Previous solution"));
        SplittableRandom r = draws("improve " + parent.key());
        double gap =
            (parent.ceiling() - parent.quality()) * Math.exp(-0.3 + 0.5 * r.nextGaussian());
        made = new Solution(r.nextLong(), parent.ceiling() - gap, parent.ceiling());
        buggy = r.nextDouble() < 0.2;
        plan = "Improve the solution.";
      } else if (system.contains("failed or has a bug")) {
        Solution parent = Solution.parse(section(user, "# Previous (buggy) solution"));
        SplittableRandom r = draws("debug " + parent.key());
        made = new Solution(r.nextLong(), parent.quality(), parent.ceiling());
        buggy = r.nextDouble() >= 0.5;
        plan = "Fix the bug.";
      } else {
        SplittableRandom r = draws("draft");
        double ceiling = 0.55 + 0.40 * r.nextDouble();
        made = new Solution(r.nextLong(), ceiling - 0.15 - 0.25 * r.nextDouble(), ceiling);
        buggy = r.nextDouble() < 0.3;
        plan = "Write a first solution.";
      }
      String code =
          String.format(
              Locale.ROOT,
              "key = %d%nquality = %.12f%nceiling = %.12f%n%sprint(f'metric: {quality}')",
              made.key(),
              made.quality(),
              made.ceiling(),
              buggy ? "raise ValueError('bug')\n" : "");
      return new ChatResponse(
          plan + "\n\n```python\n" + code + "\n```\n",
          List.of(),
          FinishReason.STOP,
          TokenUsage.of(1_000, 200),
          "req-coder");
    };
  }

  /** Returns the generator for the next time {@code action} is asked for. */
  private SplittableRandom draws(String action) {
    int count;
    synchronized (asked) {
      count = asked.merge(action, 1, Integer::sum);
    }
    long hash = 0xcbf29ce484222325L ^ seed; // 64-bit FNV-1a of the seed and the request
    for (char c : (action + " #" + count).toCharArray()) hash = (hash ^ c) * 0x100000001b3L;
    return new SplittableRandom(hash);
  }

  /** The executor: prints the metric, or raises when the code says so. */
  public static Executor executor() {
    return request -> {
      String code = request.code();
      if (code.contains("raise ValueError")) {
        return new ExecutionResult(
            "Traceback (most recent call last):\nValueError: bug\n",
            0,
            1,
            Duration.ofMillis(1),
            false,
            "ValueError",
            "bug",
            List.of());
      }
      return ExecutionResult.of("metric: " + find(QUALITY, code) + "\n", 0, Duration.ofMillis(1));
    };
  }

  /**
   * The reviewer: a {@code submit_review} call with the printed metric, if any; higher is better
   * when asked for the metric's direction.
   */
  public static LlmClient reviewer() {
    return request -> {
      String user = request.messages().get(request.messages().size() - 1).content();
      if (!request.tools().isEmpty()
          && request.tools().get(0).name().equals(ReviewProtocol.DIRECTION_TOOL)) {
        return new ChatResponse(
            "",
            List.of(
                new ToolCall(
                    "call-d",
                    ReviewProtocol.DIRECTION_TOOL,
                    "{\"lower_is_better\": false, \"reason\": \"a quality\"}")),
            FinishReason.TOOL_CALLS,
            TokenUsage.of(100, 10),
            "req-direction");
      }
      Matcher m = METRIC.matcher(section(user, "# Execution output"));
      String args =
          m.find()
              ? "{\"is_bug\": false, \"summary\": \"It ran.\", \"metric\": "
                  + m.group(1)
                  + ", \"lower_is_better\": false}"
              : "{\"is_bug\": true, \"summary\": \"It raised.\", \"metric\": null,"
                  + " \"lower_is_better\": false}";
      return new ChatResponse(
          "",
          List.of(new ToolCall("call-1", ReviewProtocol.REVIEW_TOOL, args)),
          FinishReason.TOOL_CALLS,
          TokenUsage.of(500, 50),
          "req-reviewer");
    };
  }

  private static String section(String prompt, String title) {
    int start = prompt.indexOf(title);
    if (start < 0) throw new IllegalArgumentException("no section " + title + " in\n" + prompt);
    int next = prompt.indexOf("\n# ", start + 1);
    return next < 0 ? prompt.substring(start) : prompt.substring(start, next);
  }

  private static String find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) throw new IllegalArgumentException("no " + pattern + " in\n" + text);
    return m.group(1);
  }
}
