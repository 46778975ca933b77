package dev.aide.core.internal;

import dev.aide.core.Node;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The text of {@code tree.html} and of the data scripts it loads: the page that shows the solution
 * tree of a run.
 *
 * <p>The page is a static template (the resource {@code tree.html} next to this class), written
 * once. Browsers let a {@code file://} page load scripts but not fetch files, so the run's data
 * comes as scripts that call the page's {@code aide} object, one call per line:
 *
 * <ul>
 *   <li>{@value #META_FILE}: {@code aide.meta({...})} with the task and when it was written, small
 *       and rewritten whole;
 *   <li>{@value #DATA_FILE}: {@code aide.node({...})} per node with what the tree and the chart
 *       need (id, parents, step, stage, buggy, metric, a plan of at most {@value #SHORT_PLAN_CHARS}
 *       characters), appended as nodes finish;
 *   <li>{@value #DETAILS_DIR}{@code /<id / }{@value #CHUNK_NODES}{@code >.js}: {@code
 *       aide.detail({...})} per node with its plan, code, output, review, failure, warnings, tokens
 *       and times, appended too, loaded by the page only when a node of that chunk is selected.
 * </ul>
 *
 * <p>Every text is bounded: code, output (head and tail), plan, review and failure are cut to at
 * most {@value #MAX_TEXT_CHARS} characters with a marker, so a line costs the same at any journal
 * length. Each line is JSON in which every {@code <}, {@code >} and {@code &} is written as a JSON
 * escape, so that no text from the LLM or a program's output can end a script; the page puts text
 * into the document with {@code textContent} only and lays the tree out itself.
 *
 * <p>Stateless and safe to use from any thread: the template is read once and then shared.
 */
final class TreeReport {
  /** The page's data script with the task; rewritten whole. */
  static final String META_FILE = "tree-meta.js";

  /** The page's data script with one line per node; appended. */
  static final String DATA_FILE = "tree-data.js";

  /** The directory of the scripts with the nodes' details, {@value #CHUNK_NODES} nodes each. */
  static final String DETAILS_DIR = "tree-details";

  /** How many consecutive ids share one details script. */
  static final int CHUNK_NODES = 100;

  /** Code, output, plan, review and failure longer than this are cut in the details. */
  static final int MAX_TEXT_CHARS = 20_000;

  /** The plan in a node's line of {@value #DATA_FILE} is cut to this many characters. */
  static final int SHORT_PLAN_CHARS = 160;

  /** The first line of {@value #DATA_FILE}; a file that does not start with it is rebuilt. */
  static final String DATA_HEADER = "aide.format(1);\n";

  /** The page, a class-path resource next to this class. */
  static final String TEMPLATE_RESOURCE = "tree.html";

  private static volatile @Nullable String template;

  private TreeReport() {}

  /**
   * Returns the page: static HTML, CSS and script that load the data scripts next to it.
   *
   * @throws IllegalStateException when {@code tree.html} is missing from the class path
   */
  public static String page() {
    String t = template;
    if (t == null) {
      t = resource(TEMPLATE_RESOURCE);
      template = t;
    }
    return t;
  }

  /** Returns the script {@value #META_FILE}: the task and when the data was written. */
  public static String meta(Task task, Instant generatedAt, @Nullable String status) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(generatedAt, "generatedAt");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("generatedAt", generatedAt.toString());
    data.put("goal", Text.headAndTail(task.goal(), MAX_TEXT_CHARS));
    if (task.evaluation() != null) {
      data.put("evaluation", Text.headAndTail(task.evaluation(), MAX_TEXT_CHARS));
    }
    data.put("language", task.language().name());
    if (task.direction() != null) data.put("direction", task.direction().name());
    if (status != null) data.put("status", Text.cut(status, 2000));
    return "aide.meta(" + scriptSafe(NodeJson.JSON.toJson(data)) + ");\n";
  }

  /** Returns the node's line of {@value #DATA_FILE}, ending with a newline. */
  public static String nodeLine(Node node) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", node.id()); // first: RunStore finds the ids of a file by this prefix
    map.put("parents", node.parents());
    map.put("step", node.step());
    map.put("stage", node.stage().name());
    map.put("buggy", node.isBuggy());
    if (!node.metric().isWorst()) map.put("metric", node.metric().value());
    map.put("direction", node.metric().direction().name());
    map.put("plan", Text.abbreviate(node.plan().strip(), SHORT_PLAN_CHARS));
    return "aide.node(" + scriptSafe(NodeJson.JSON.toJson(map)) + ");\n";
  }

  /** Returns the node's line of its details script, ending with a newline. */
  public static String detailLine(Node node) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", node.id());
    map.put("plan", Text.headAndTail(node.plan(), MAX_TEXT_CHARS));
    map.put("code", Text.headAndTail(node.code(), MAX_TEXT_CHARS));
    if (!node.patch().isEmpty()) map.put("patch", Text.headAndTail(node.patch(), MAX_TEXT_CHARS));
    ExecutionResult e = node.execution();
    if (e != null) {
      map.put("execution", NodeJson.execution(e, Text.headAndTail(e.output(), MAX_TEXT_CHARS)));
    }
    map.put("analysis", Text.headAndTail(node.analysis(), MAX_TEXT_CHARS));
    String failure = node.failure();
    if (failure != null) map.put("failure", Text.headAndTail(failure, MAX_TEXT_CHARS));
    map.put("warnings", node.warnings().stream().map(w -> Text.cut(w, 2000)).limit(50).toList());
    if (node.printedMetric() != null && Double.isFinite(node.printedMetric())) {
      map.put("printedMetric", node.printedMetric());
    }
    if (node.reviewerMetric() != null && Double.isFinite(node.reviewerMetric())) {
      map.put("reviewerMetric", node.reviewerMetric());
    }
    map.put("debugDepth", node.debugDepth());
    map.put("usage", NodeJson.usage(node.usage()));
    map.put("cost", node.cost());
    map.put("startedAt", node.startedAt().toString());
    map.put("finishedAt", node.finishedAt().toString());
    Duration took = Duration.between(node.startedAt(), node.finishedAt());
    map.put("durationMillis", Math.max(0, took.toMillis()));
    return "aide.detail(" + scriptSafe(NodeJson.JSON.toJson(map)) + ");\n";
  }

  /** The details script of node {@code id}, relative to the run directory. */
  public static String detailsFile(int id) {
    return DETAILS_DIR + "/" + Math.floorDiv(id, CHUNK_NODES) + ".js";
  }

  /**
   * Returns JSON text that can stand inside a script: {@code <}, {@code >} and {@code &} only occur
   * inside JSON strings, where their escapes mean the same; so do the line separators that end a
   * line in JavaScript.
   */
  static String scriptSafe(String json) {
    return json.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029");
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
