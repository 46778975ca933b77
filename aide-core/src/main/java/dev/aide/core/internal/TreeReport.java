package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.Node;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
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
 * <p>The page needs no network: its CSS and script are inline and the run's data is embedded as
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
 * <p>Stateless and safe to use from any thread.
 */
public final class TreeReport {
  /** Program output longer than this is cut to its head and tail in the page. */
  static final int MAX_OUTPUT_CHARS = 20_000;

  /** The id of the virtual root in the layout; node ids are never negative. */
  static final int ROOT = -1;

  private static final String DATA_PLACEHOLDER = "\"__AIDE_DATA__\"";

  private TreeReport() {}

  /**
   * Returns the page for the nodes of one run.
   *
   * @param task the run's task, shown in the page's header
   * @param nodes the journal's nodes in the order they finished
   * @param best the best node, normally {@link dev.aide.core.Journal#best()}; null when there is
   *     none. The node with its id among {@code nodes} is shown; none when there is no such node.
   * @param generatedAt when the page was written, shown in the header
   */
  public static String html(Task task, List<Node> nodes, @Nullable Node best, Instant generatedAt) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(generatedAt, "generatedAt");
    String json = NodeJson.JSON.toJson(data(task, nodes, best, generatedAt));
    return TEMPLATE.replace(DATA_PLACEHOLDER, scriptSafe(json));
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

  private static final String TEMPLATE =
      """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>AIDE solution tree</title>
      <style>
      :root {
        --good: #2f9e5b; --buggy: #d9534f; --best: #e6a100; --edge: #a3acb6; --cross: #7b5cd6;
        --fg: #1d232a; --muted: #66707a; --bg: #f5f6f8; --panel: #ffffff; --line: #dde1e6;
        --mono: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
      }
      * { box-sizing: border-box; }
      html, body { margin: 0; height: 100%; }
      body {
        font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
        color: var(--fg); background: var(--bg); height: 100vh; display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(320px, 40%);
        grid-template-rows: auto minmax(0, 1fr) auto;
      }
      header {
        grid-column: 1 / 3; background: var(--panel); border-bottom: 1px solid var(--line);
        padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 4px 24px; align-items: baseline;
      }
      header h1 { font-size: 16px; margin: 0; }
      #task { flex: 1 1 420px; min-width: 0; }
      #task summary { cursor: pointer; white-space: nowrap; overflow: hidden;
        text-overflow: ellipsis; }
      #task[open] summary { white-space: normal; }
      #task .full { white-space: pre-wrap; margin: 4px 0; color: var(--muted); }
      #summary { color: var(--muted); }
      #summary b { color: var(--fg); }
      #tree-panel { grid-column: 1; grid-row: 2; display: flex; flex-direction: column;
        min-height: 0; }
      #toolbar { display: flex; gap: 6px; align-items: center; padding: 6px 12px;
        border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
      #toolbar button { font: inherit; padding: 1px 9px; border: 1px solid var(--line);
        border-radius: 4px; background: var(--bg); cursor: pointer; }
      .legend { display: flex; gap: 14px; margin-left: auto; color: var(--muted); font-size: 12px; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
        margin-right: 4px; vertical-align: -1px; }
      .line-swatch { display: inline-block; width: 18px; height: 0; margin-right: 4px;
        vertical-align: 3px; border-top: 3px solid var(--best); }
      #tree-scroll { flex: 1; overflow: auto; min-height: 0; }
      #tree { display: block; margin: 0 auto; }
      #empty-tree { padding: 24px; color: var(--muted); }
      .edge { fill: none; stroke: var(--edge); stroke-width: 1.4; }
      .edge.second { stroke: var(--cross); stroke-dasharray: 5 4; opacity: .6; }
      #tree.no-second .edge.second { display: none; }
      #toolbar label { color: var(--muted); font-size: 12px; }
      .edge.best-path { stroke: var(--best); stroke-width: 4; }
      .node { cursor: pointer; }
      .node circle { stroke: #fff; stroke-width: 1.5; }
      .node.good circle { fill: var(--good); }
      .node.buggy circle { fill: var(--buggy); }
      .node.on-best-path circle { stroke: var(--best); stroke-width: 3; }
      .node.best circle { stroke: var(--best); stroke-width: 5; }
      .node.selected circle { stroke: var(--fg); stroke-width: 3.5; }
      .node:hover circle { filter: brightness(1.15); }
      .node text { pointer-events: none; text-anchor: middle; }
      .node .label { fill: #fff; font-size: 9px; font-weight: 600; }
      .node .metric { fill: var(--fg); font-size: 10px; paint-order: stroke;
        stroke: var(--bg); stroke-width: 3px; stroke-linejoin: round; }
      .node.best .metric { font-weight: 700; }
      .root circle { fill: #c4cad1; }
      .root text { fill: var(--muted); font-size: 10px; text-anchor: middle; }
      #chart-panel { grid-column: 1; grid-row: 3; background: var(--panel);
        border-top: 1px solid var(--line); padding: 6px 12px 2px; }
      #chart-title { font-size: 12px; color: var(--muted); }
      #chart { display: block; width: 100%; height: 170px; }
      #chart .axis { stroke: var(--line); }
      #chart text { font-size: 11px; fill: var(--muted); }
      #chart .point { fill: #9fb7a7; cursor: pointer; }
      #chart .new-best { fill: var(--best); cursor: pointer; }
      #chart .bug { fill: var(--buggy); opacity: .55; }
      #chart #best-line { fill: none; stroke: var(--best); stroke-width: 2.5; }
      #details { grid-column: 2; grid-row: 2 / 4; overflow: auto; background: var(--panel);
        border-left: 1px solid var(--line); padding: 10px 18px 24px; }
      #details h2 { font-size: 17px; margin: 4px 0 6px; }
      #details h3 { font-size: 13px; margin: 16px 0 4px; text-transform: uppercase;
        letter-spacing: .04em; color: var(--muted); }
      .badge { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: 12px;
        margin-right: 6px; color: #fff; }
      .badge.good { background: var(--good); }
      .badge.buggy { background: var(--buggy); }
      .badge.best { background: var(--best); }
      .badge.stage { background: #5d6b7a; }
      dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
      dl.facts dt { color: var(--muted); }
      dl.facts dd { margin: 0; overflow-wrap: anywhere; }
      .goto { font: inherit; border: none; background: none; color: #2463c7; cursor: pointer;
        padding: 0 4px 0 0; text-decoration: underline; }
      pre { font: 12px/1.4 var(--mono); background: #f3f4f6; border: 1px solid var(--line);
        border-radius: 4px; padding: 8px; overflow: auto; max-height: 420px; margin: 0; }
      .prose { white-space: pre-wrap; overflow-wrap: anywhere; }
      #detail-failure { background: #fdecea; border-color: #f3c1be; white-space: pre-wrap; }
      #detail-warnings { margin: 0; padding-left: 20px; color: #8a5a00; }
      .muted { color: var(--muted); }
      [hidden] { display: none !important; }
      </style>
      </head>
      <body>
      <header>
        <h1>AIDE solution tree</h1>
        <details id="task"><summary id="task-goal"></summary>
          <div class="full" id="task-goal-full"></div>
          <div class="full" id="task-evaluation"></div></details>
        <div id="summary"></div>
      </header>
      <main id="tree-panel">
        <div id="toolbar">
          <button id="zoom-out" title="Zoom out">&minus;</button>
          <button id="zoom-in" title="Zoom in">+</button>
          <button id="zoom-fit" title="Fit the whole tree">Fit</button>
          <button id="zoom-reset" title="Actual size">1:1</button>
          <button id="goto-best" title="Select the best node">Best</button>
          <label><input type="checkbox" id="show-second" checked> second parents</label>
          <span class="legend">
            <span><span class="swatch" style="background: var(--good)"></span>good</span>
            <span><span class="swatch" style="background: var(--buggy)"></span>buggy</span>
            <span><span class="line-swatch"></span>best path</span>
            <span><span class="line-swatch" style="border-top: 2px dashed var(--cross)"></span>second
              parent</span>
          </span>
        </div>
        <div id="tree-scroll">
          <div id="empty-tree" hidden>No node has finished yet.</div>
          <svg id="tree" xmlns="http://www.w3.org/2000/svg" role="img"
            aria-label="Solution tree"><g id="tree-edges"></g><g id="tree-nodes"></g></svg>
        </div>
      </main>
      <section id="chart-panel">
        <div id="chart-title">Best metric over steps</div>
        <svg id="chart" xmlns="http://www.w3.org/2000/svg"></svg>
      </section>
      <aside id="details" data-node="">
        <p id="details-empty" class="muted">Click a node to see its plan, code, output and review.
          Link to a node with <code>tree.html#node=ID</code>.</p>
        <div id="details-body" hidden>
          <h2 id="detail-title"></h2>
          <div id="detail-badges"></div>
          <dl class="facts" id="detail-facts"></dl>
          <section id="sec-failure"><h3>Failure</h3><pre id="detail-failure"></pre></section>
          <section id="sec-warnings"><h3>Warnings</h3><ul id="detail-warnings"></ul></section>
          <section><h3>Plan</h3><div id="detail-plan" class="prose"></div></section>
          <section><h3>Code</h3><pre id="detail-code"></pre></section>
          <section><h3>Execution</h3><dl class="facts" id="detail-exec"></dl>
            <pre id="detail-output"></pre></section>
          <section><h3>Review</h3><div id="detail-analysis" class="prose"></div></section>
        </div>
      </aside>
      <script type="application/json" id="aide-data">"__AIDE_DATA__"</script>
      <script>
      window.addEventListener('error', (e) => { document.body.dataset.error = String(e.message); });
      (() => {
        'use strict';
        const data = JSON.parse(document.getElementById('aide-data').textContent);
        const SVG = 'http://www.w3.org/2000/svg';
        const DX = 46, DY = 76, PAD = 36, R = 11;
        const nodes = data.nodes;
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const children = new Map();
        for (const n of nodes) {
          for (const p of n.parents) {
            if (!byId.has(p)) continue;
            if (!children.has(p)) children.set(p, []);
            children.get(p).push(n.id);
          }
        }
        const bestPath = new Set(data.bestPath);
        const $ = (id) => document.getElementById(id);

        function svg(name, attrs, parent) {
          const e = document.createElementNS(SVG, name);
          for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
          if (parent) parent.appendChild(e);
          return e;
        }
        function html(name, text, parent, cls) {
          const e = document.createElement(name);
          if (text !== undefined && text !== null) e.textContent = String(text);
          if (cls) e.className = cls;
          if (parent) parent.appendChild(e);
          return e;
        }
        function short(v) {
          const a = Math.abs(v);
          if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
          return String(Number(v.toPrecision(4)));
        }
        function took(ms) {
          if (ms < 1000) return ms + ' ms';
          const s = ms / 1000;
          if (s < 60) return s.toFixed(1) + ' s';
          const m = Math.floor(s / 60);
          if (m < 60) return m + ' min ' + Math.round(s - m * 60) + ' s';
          return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
        }
        const better = data.direction === 'MINIMIZE' ? 'lower is better'
          : data.direction === 'MAXIMIZE' ? 'higher is better' : '';

        // Header
        const goal = data.task.goal;
        $('task-goal').textContent = 'Goal: ' + goal.split(String.fromCharCode(10))[0];
        $('task-goal-full').textContent = goal;
        $('task-evaluation').textContent =
          data.task.evaluation ? 'Evaluation: ' + data.task.evaluation : '';
        const good = nodes.filter((n) => !n.buggy).length;
        const summary = $('summary');
        const part = (label, value) => {
          html('span', label + ' ', summary);
          html('b', value, summary);
          html('span', '  ·  ', summary);
        };
        part('nodes', nodes.length);
        part('good', good);
        part('buggy', nodes.length - good);
        if (data.best !== undefined && byId.has(data.best)) {
          part('best', short(byId.get(data.best).metric) + ' (node ' + data.best + ', ' + better + ')');
        } else {
          part('best', 'none yet');
        }
        html('span', 'written ' + data.generatedAt.slice(0, 19).replace('T', ' ') + ' UTC', summary);

        // Tree
        // Measured before the tree is drawn, so that reading them lays out an empty page.
        const scroller = $('tree-scroll');
        const chart = $('chart');
        const view = { w: scroller.clientWidth, h: scroller.clientHeight, chart: chart.clientWidth };
        const tree = $('tree');
        const W = PAD * 2 + Math.max(0, data.layout.leaves - 1) * DX;
        const H = PAD * 2 + data.layout.depth * DY + 14;
        tree.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
        const px = (x) => PAD + x * DX;
        const py = (depth) => PAD + depth * DY;
        const edges = $('tree-edges');
        const layer = $('tree-nodes');
        const elements = new Map();
        $('empty-tree').hidden = nodes.length > 0;

        // A curve from parent to child; when the parent is not above the child (a crossover's
        // second parent may sit on the same level or below), the curve dips under both.
        function edge(x1, y1, x2, y2, cls, from, to) {
          const c = y2 - y1 >= DY / 2 ? (y1 + y2) / 2 : Math.max(y1, y2) + DY * 0.6;
          svg('path', {
            class: cls, 'data-from': from, 'data-to': to,
            d: 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + c + ' ' + x2 + ',' + c + ' ' + x2 + ',' + y2,
          }, edges);
        }
        if (nodes.length > 0) {
          const root = svg('g', { class: 'root', transform:
            'translate(' + px(data.layout.rootX) + ',' + py(0) + ')' }, layer);
          svg('circle', { r: 7 }, root);
          const t = svg('text', { y: -12 }, root);
          t.textContent = 'task';
        }
        for (const n of nodes) {
          const x = px(n.x), y = py(n.depth);
          const first = n.parents.length > 0 && byId.has(n.parents[0]) ? byId.get(n.parents[0]) : null;
          if (first === null || first.depth !== n.depth - 1) {
            const onPath = data.bestPath.length > 0 && data.bestPath[0] === n.id;
            edge(px(data.layout.rootX), py(0), x, y, 'edge' + (onPath ? ' best-path' : ''), 'root', n.id);
          }
          n.parents.forEach((p, i) => {
            const parent = byId.get(p);
            if (!parent) return;
            let cls = 'edge';
            if (i > 0) cls += ' second';
            else if (bestPath.has(p) && bestPath.has(n.id)) cls += ' best-path';
            edge(px(parent.x), py(parent.depth), x, y, cls, p, n.id);
          });
          const classes = ['node', n.buggy ? 'buggy' : 'good', 'stage-' + n.stage];
          if (bestPath.has(n.id)) classes.push('on-best-path');
          if (n.id === data.best) classes.push('best');
          const g = svg('g', {
            class: classes.join(' '), 'data-id': n.id, transform: 'translate(' + x + ',' + y + ')',
          }, layer);
          svg('circle', { r: R }, g);
          svg('text', { class: 'label', y: 3 }, g).textContent = String(n.id);
          if (!n.buggy) svg('text', { class: 'metric', y: R + 12 }, g).textContent = short(n.metric);
          svg('title', {}, g).textContent = 'node ' + n.id + ' · ' + n.stage
            + (n.buggy ? ' · buggy' : ' · ' + n.metric);
          elements.set(n.id, g);
        }
        // Draw the best path's edges last so that they lie on top.
        for (const e of Array.from(edges.querySelectorAll('.best-path'))) edges.appendChild(e);

        let scale = 1;
        function zoom(s) {
          scale = Math.min(3, Math.max(0.05, s));
          tree.setAttribute('width', String(Math.round(W * scale)));
          tree.setAttribute('height', String(Math.round(H * scale)));
        }
        const fit = (w, h) => Math.min((w - 4) / W, (h - 4) / H);
        $('zoom-in').onclick = () => zoom(scale * 1.25);
        $('zoom-out').onclick = () => zoom(scale / 1.25);
        $('zoom-fit').onclick = () => zoom(fit(scroller.clientWidth, scroller.clientHeight));
        $('zoom-reset').onclick = () => zoom(1);
        scroller.addEventListener('wheel', (e) => {
          if (!e.ctrlKey) return;
          e.preventDefault();
          zoom(scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
        }, { passive: false });
        zoom(Math.min(1, Math.max(0.5, fit(view.w, view.h))));

        function reveal(n) {
          requestAnimationFrame(() => {
            scroller.scrollLeft = px(n.x) * scale - scroller.clientWidth / 2;
            scroller.scrollTop = py(n.depth) * scale - scroller.clientHeight / 2;
          });
        }

        // Details
        let selected = null;
        function fact(dl, label, value) {
          html('dt', label, dl);
          return html('dd', value, dl);
        }
        function links(dd, ids) {
          if (ids.length === 0) dd.textContent = 'none';
          for (const id of ids) {
            const b = html('button', '#' + id, dd, 'goto');
            b.onclick = () => select(id, true);
          }
        }
        function select(id, scroll) {
          const n = byId.get(id);
          if (selected !== null && elements.has(selected)) {
            elements.get(selected).classList.remove('selected');
          }
          selected = id;
          const details = $('details');
          details.dataset.node = String(id);
          $('details-empty').hidden = n !== undefined;
          $('details-body').hidden = n === undefined;
          if (n === undefined) {
            $('details-empty').textContent = 'There is no node ' + id + ' in this run.';
            return;
          }
          elements.get(id).classList.add('selected');
          if (scroll) reveal(n);
          try { history.replaceState(null, '', '#node=' + id); } catch (err) { /* file: URL */ }

          $('detail-title').textContent = 'Node ' + n.id;
          const badges = $('detail-badges');
          badges.replaceChildren();
          html('span', n.stage, badges, 'badge stage');
          html('span', n.buggy ? 'buggy' : 'good', badges, 'badge ' + (n.buggy ? 'buggy' : 'good'));
          if (n.id === data.best) html('span', 'best', badges, 'badge best');
          else if (bestPath.has(n.id)) html('span', 'on the best path', badges, 'badge best');

          const facts = $('detail-facts');
          facts.replaceChildren();
          fact(facts, 'Metric', n.buggy ? 'none (buggy)' : String(n.metric) + (better ? ' (' + better + ')' : ''));
          fact(facts, 'Stage', n.stage + (n.debugDepth > 0 ? ' (debug depth ' + n.debugDepth + ')' : ''));
          fact(facts, 'Step', n.step);
          links(fact(facts, n.parents.length > 1 ? 'Parents' : 'Parent', ''), n.parents);
          links(fact(facts, 'Children', ''), children.get(n.id) || []);
          const u = n.usage;
          fact(facts, 'Tokens', u.input + ' in (' + u.cachedInput + ' cached), ' + u.output
            + ' out (' + u.reasoning + ' reasoning)');
          fact(facts, 'Cost', '$' + n.cost.toFixed(4));
          fact(facts, 'Took', took(n.durationMillis) + ' (' + n.startedAt + ' to ' + n.finishedAt + ')');

          $('sec-failure').hidden = !n.failure;
          $('detail-failure').textContent = n.failure || '';
          $('sec-warnings').hidden = n.warnings.length === 0;
          const warnings = $('detail-warnings');
          warnings.replaceChildren();
          for (const w of n.warnings) html('li', w, warnings);
          $('detail-plan').textContent = n.plan || '(no plan)';
          $('detail-code').textContent = n.code || '(no code came back)';
          $('detail-analysis').textContent = n.analysis || '(no review)';

          const exec = $('detail-exec');
          exec.replaceChildren();
          const e = n.execution;
          if (!e) {
            fact(exec, 'Run', 'the code never ran');
            $('detail-output').hidden = true;
          } else {
            fact(exec, 'Exit code', e.timedOut ? e.exitCode + ' (timed out)' : e.exitCode);
            if (e.errorType || e.errorMessage) {
              fact(exec, 'Error', (e.errorType || '') + (e.errorMessage ? ': ' + e.errorMessage : ''));
            }
            fact(exec, 'Run time', took(e.durationMillis));
            if (e.files.length > 0) fact(exec, 'Files', e.files.join(', '));
            if (e.truncatedChars > 0) {
              fact(exec, 'Output cut', e.truncatedChars + ' characters cut by the executor');
            }
            $('detail-output').hidden = false;
            $('detail-output').textContent = e.output || '(no output)';
          }
          requestAnimationFrame(() => { details.scrollTop = 0; });
        }
        layer.addEventListener('click', (event) => {
          const g = event.target.closest('g.node');
          if (g) select(Number(g.dataset.id), false);
        });
        $('show-second').onchange = (e) => tree.classList.toggle('no-second', !e.target.checked);
        $('goto-best').onclick = () => { if (byId.has(data.best)) select(data.best, true); };

        // Chart: one dot per good node, the best so far as a step line, buggy nodes as red ticks
        let maxStep = 1;
        for (const n of nodes) maxStep = Math.max(maxStep, n.step);
        const goodNodes = nodes.filter((n) => !n.buggy);
        let lo = Infinity, hi = -Infinity;
        for (const n of goodNodes) { lo = Math.min(lo, n.metric); hi = Math.max(hi, n.metric); }
        if (lo === hi) { lo -= 1; hi += 1; }
        $('chart-title').textContent = 'Best metric over steps' + (better ? ' (' + better + ')' : '');
        function drawChart(width) {
          chart.replaceChildren();
          const CW = Math.max(300, width || 900), CH = 170;
          const L = 64, RM = 14, T = 12, B = 24;
          chart.setAttribute('viewBox', '0 0 ' + CW + ' ' + CH);
          const sx = (step) => L + (step / maxStep) * (CW - L - RM);
          const sy = (v) => T + (1 - (v - lo) / (hi - lo)) * (CH - T - B);
          const label = (x, y, text, anchor) => {
            svg('text', { x: x, y: y, 'text-anchor': anchor }, chart).textContent = text;
          };
          svg('line', { class: 'axis', x1: L, y1: CH - B, x2: CW - RM, y2: CH - B }, chart);
          svg('line', { class: 'axis', x1: L, y1: T, x2: L, y2: CH - B }, chart);
          label(L, CH - 6, '0', 'middle');
          label(CW - RM, CH - 6, 'step ' + maxStep, 'end');
          if (goodNodes.length === 0) {
            label((L + CW) / 2, CH / 2, 'No good node yet.', 'middle');
            return;
          }
          label(L - 6, T + 4, short(hi), 'end');
          label(L - 6, CH - B, short(lo), 'end');
          for (const n of nodes) {
            if (!n.buggy) continue;
            svg('rect', { class: 'bug', x: sx(n.step) - 1, y: CH - B - 5, width: 2, height: 5 }, chart);
          }
          for (const n of goodNodes) {
            const c = svg('circle',
              { class: 'point', 'data-id': n.id, cx: sx(n.step), cy: sy(n.metric), r: 2.5 }, chart);
            c.onclick = () => select(n.id, true);
          }
          let d = '';
          data.progress.forEach((p, i) => {
            const x = sx(p.step), y = sy(p.metric);
            d += i === 0 ? 'M' + x + ',' + y : ' H' + x + ' V' + y;
          });
          svg('path', { id: 'best-line', d: d + ' H' + sx(maxStep) }, chart);
          for (const p of data.progress) {
            const c = svg('circle',
              { class: 'new-best', 'data-id': p.id, cx: sx(p.step), cy: sy(p.metric), r: 4 }, chart);
            c.onclick = () => select(p.id, true);
            svg('title', {}, c).textContent =
              'step ' + p.step + ': node ' + p.id + ' reached ' + p.metric;
          }
        }
        drawChart(view.chart);
        window.addEventListener('resize', () => drawChart(chart.clientWidth));

        // Selection from the address: tree.html#node=3
        function fromHash() {
          const m = /^#node=([0-9]+)$/.exec(location.hash);
          if (m) select(Number(m[1]), true);
          return m !== null;
        }
        window.addEventListener('hashchange', fromHash);
        if (!fromHash() && byId.has(data.best)) reveal(byId.get(data.best));
        document.body.dataset.ready = '1';
      })();
      </script>
      </body>
      </html>
      """;
}
