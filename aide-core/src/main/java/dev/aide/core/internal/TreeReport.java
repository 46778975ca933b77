package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code tree.html}: one self-contained page that shows the solution tree of a run.
 *
 * <p>The page's HTML, CSS and script are the resource {@code tree.html} next to this class, read
 * once. The page needs no network: its CSS and script are inline and the run's data is embedded as
 * JSON in a {@code <script type="application/json" id="aide-data">} element, with every {@code <},
 * {@code >} and {@code &} written as a JSON escape so that no text from the LLM or a program's
 * output can end the script. The script puts that text into the page with {@code textContent} only.
 *
 * <p>The page shows the tree (good nodes green, buggy ones red, the best node and the path from its
 * draft to it in gold, a crossover's second parent as a dashed edge, the metric under each good
 * node), a chart of the best metric over the steps, and the details of the selected node: plan,
 * code, output, exit code, error, run time, review, metric, stage, failure and warnings. Opening
 * {@code tree.html#node=3} selects node 3.
 *
 * <p>The tree is laid out here: the drafts are children of a virtual root at depth 0, every other
 * node hangs under its first parent one level deeper, the leaves take consecutive horizontal slots
 * in depth-first order (children by id), and a node with children sits midway between its first and
 * last child. The script only scales those coordinates.
 *
 * <p>Safe to use from any thread: the template is read once and then shared.
 */
public final class TreeReport {
  /** Program output longer than this is cut to its head and tail in the page. */
  static final int MAX_OUTPUT_CHARS = 20_000;

  /** The id of the virtual root in the layout; node ids are never negative. */
  static final int ROOT = -1;

  private static final String DATA_PLACEHOLDER = "\"__AIDE_DATA__\"";

  /** The page without its data, a class-path resource next to this class. */
  static final String TEMPLATE_RESOURCE = "tree.html";

  private static volatile @Nullable String template;

  private TreeReport() {}

  /**
   * Returns the page for the nodes of one run.
   *
   * @param task the run's task, shown in the page's header
   * @param nodes the journal's nodes in the order they finished
   * @param best the best node, normally {@link dev.aide.core.Journal#best()}; null when there is
   *     none. The node with its id among {@code nodes} is shown; none when there is no such node.
   * @param generatedAt when the page was written, shown in the header
   * @throws IllegalStateException when {@code tree.html} is missing from the class path
   */
  public static String html(Task task, List<Node> nodes, @Nullable Node best, Instant generatedAt) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(generatedAt, "generatedAt");
    String json = NodeJson.JSON.toJson(data(task, nodes, best, generatedAt));
    return template().replace(DATA_PLACEHOLDER, scriptSafe(json));
  }

  /**
   * Returns JSON text that can stand inside a script element: {@code <}, {@code >} and {@code &}
   * only occur inside JSON strings, where their escapes mean the same.
   */
  static String scriptSafe(String json) {
    return json.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029");
  }

  private static Map<String, Object> data(
      Task task, List<Node> nodes, @Nullable Node best, Instant generatedAt) {
    Map<Integer, Node> byId = new LinkedHashMap<>();
    for (Node node : nodes) byId.putIfAbsent(node.id(), node);
    Layout layout = layout(byId);

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("generatedAt", generatedAt.toString());
    Map<String, Object> taskMap = new LinkedHashMap<>();
    taskMap.put("goal", task.goal());
    if (task.evaluation() != null) taskMap.put("evaluation", task.evaluation());
    taskMap.put("language", task.language().name());
    data.put("task", taskMap);

    Node shownBest = best == null ? null : byId.get(best.id());
    Direction direction = direction(nodes, shownBest);
    if (direction != null) data.put("direction", direction.name());
    if (shownBest != null) {
      data.put("best", shownBest.id());
      List<Integer> path = new ArrayList<>();
      for (Node n : RunReport.lineage(nodes, shownBest)) path.add(n.id());
      data.put("bestPath", path);
    } else {
      data.put("bestPath", List.of());
    }

    Map<String, Object> layoutMap = new LinkedHashMap<>();
    layoutMap.put("leaves", layout.leaves);
    layoutMap.put("depth", layout.maxDepth);
    layoutMap.put("rootX", layout.rootX);
    data.put("layout", layoutMap);

    List<Object> nodeList = new ArrayList<>();
    for (Node node : byId.values()) nodeList.add(node(node, layout));
    data.put("nodes", nodeList);

    List<Object> progress = new ArrayList<>();
    for (Node n : RunReport.newBests(nodes)) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("step", n.step());
      point.put("id", n.id());
      point.put("metric", n.metric().value());
      progress.add(point);
    }
    data.put("progress", progress);
    return data;
  }

  private static @Nullable Direction direction(List<Node> nodes, @Nullable Node best) {
    if (best != null) return best.metric().direction();
    for (Node node : nodes) {
      if (!node.isBuggy()) return node.metric().direction();
    }
    return null;
  }

  private static Map<String, Object> node(Node node, Layout layout) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", node.id());
    map.put("parents", node.parents());
    map.put("step", node.step());
    map.put("stage", node.stage().name());
    map.put("buggy", node.isBuggy());
    if (!node.metric().isWorst()) map.put("metric", node.metric().value());
    map.put("x", layout.x.get(node.id()));
    map.put("depth", layout.depth.get(node.id()));
    map.put("plan", node.plan());
    map.put("code", node.code());
    ExecutionResult e = node.execution();
    if (e != null) {
      map.put("execution", NodeJson.execution(e, Text.headAndTail(e.output(), MAX_OUTPUT_CHARS)));
    }
    map.put("analysis", node.analysis());
    if (node.failure() != null) map.put("failure", node.failure());
    map.put("warnings", node.warnings());
    map.put("debugDepth", node.debugDepth());
    map.put("usage", NodeJson.usage(node.usage()));
    map.put("cost", node.cost());
    map.put("startedAt", node.startedAt().toString());
    map.put("finishedAt", node.finishedAt().toString());
    Duration took = Duration.between(node.startedAt(), node.finishedAt());
    map.put("durationMillis", Math.max(0, took.toMillis()));
    return map;
  }

  /** Where the nodes sit: x in leaf slots, depth in levels below the virtual root. */
  static final class Layout {
    final Map<Integer, Double> x = new HashMap<>();
    final Map<Integer, Integer> depth = new HashMap<>();
    double rootX;
    int leaves;
    int maxDepth;
  }

  /**
   * Lays the nodes out as a tree under their first parents. A node whose first parent is not among
   * the nodes (or that sits on a cycle of parents, which a journal never holds) hangs under the
   * virtual root like a draft.
   */
  static Layout layout(Map<Integer, Node> byId) {
    Map<Integer, List<Integer>> kids = new HashMap<>();
    List<Integer> starts = new ArrayList<>();
    for (Node node : byId.values()) {
      Integer parent = node.parentId();
      if (parent == null || !byId.containsKey(parent)) {
        starts.add(node.id());
      } else {
        kids.computeIfAbsent(parent, k -> new ArrayList<>()).add(node.id());
      }
    }
    starts.sort(null);
    for (List<Integer> list : kids.values()) list.sort(null);
    for (Node node : byId.values()) starts.add(node.id()); // reached already, unless on a cycle

    Layout layout = new Layout();
    Map<Integer, List<Integer>> treeKids = new HashMap<>();
    List<Integer> preorder = new ArrayList<>();
    Deque<int[]> stack = new ArrayDeque<>(); // {id, depth, parent}
    for (int start : starts) {
      if (layout.depth.containsKey(start)) continue;
      stack.push(new int[] {start, 1, ROOT});
      while (!stack.isEmpty()) {
        int[] top = stack.pop();
        int id = top[0];
        if (layout.depth.containsKey(id)) continue;
        layout.depth.put(id, top[1]);
        layout.maxDepth = Math.max(layout.maxDepth, top[1]);
        treeKids.computeIfAbsent(top[2], k -> new ArrayList<>()).add(id);
        preorder.add(id);
        List<Integer> children = kids.getOrDefault(id, List.of());
        for (int i = children.size() - 1; i >= 0; i--) {
          stack.push(new int[] {children.get(i), top[1] + 1, id});
        }
      }
    }
    for (int id : preorder) {
      if (!treeKids.containsKey(id)) layout.x.put(id, (double) layout.leaves++);
    }
    for (int i = preorder.size() - 1; i >= 0; i--) {
      int id = preorder.get(i);
      List<Integer> children = treeKids.get(id);
      if (children != null) layout.x.put(id, midpoint(layout, children));
    }
    List<Integer> tops = treeKids.get(ROOT);
    layout.rootX = tops == null ? 0 : midpoint(layout, tops);
    return layout;
  }

  private static double midpoint(Layout layout, List<Integer> children) {
    return (layout.x.get(children.get(0)) + layout.x.get(children.get(children.size() - 1))) / 2;
  }

  /**
   * Returns the page's HTML, CSS and script, with {@link #DATA_PLACEHOLDER} where the data goes,
   * read from the class path on first use.
   */
  private static String template() {
    String t = template;
    if (t == null) {
      t = resource(TEMPLATE_RESOURCE);
      template = t;
    }
    return t;
  }

  /**
   * Returns the text of a resource next to this class, read as UTF-8.
   *
   * @throws IllegalStateException when the resource is not on the class path (a jar built without
   *     aide-core's resources) or cannot be read
   */
  static String resource(String name) {
    try (InputStream in = TreeReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the resource "
                + name
                + " is missing next to "
                + TreeReport.class.getName()
                + " on the class path; the aide-core jar is incomplete: rebuild it with its"
                + " src/main/resources, or keep them when shading it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource " + name, e);
    }
  }
}
