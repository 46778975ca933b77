package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.internal.NodeJson;
import dev.aide.core.search.GreedyPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AideEndToEndTest {
  @TempDir Path tmp;

  private final Task task =
      Task.builder().goal("Predict y").evaluation("accuracy on a held-out split").build();

  @Test
  void draftsDebugsAChainAndImprovesToANewBest() throws IOException {
    FakeWorld world = new FakeWorld(List.of("bug", "0.50"), true);
    List<SearchEvent> events = Collections.synchronizedList(new ArrayList<>());
    Path out = tmp.resolve("run");

    Result result =
        Aide.builder()
            .coder(world.coder(), "coder-model")
            .reviewer(world.reviewer(), "reviewer-model")
            .executor(world.executor())
            .policy(GreedyPolicy.builder().numDrafts(2).debugProb(1.0).build())
            .steps(7)
            .seed(1)
            .outputDir(out)
            .listener(events::add)
            .build()
            .run(task);

    List<Node> nodes = result.journal().nodes();
    assertThat(nodes)
        .extracting(Node::stage)
        .containsExactly(
            Stage.DRAFT,
            Stage.DRAFT,
            Stage.DEBUG,
            Stage.DEBUG,
            Stage.IMPROVE,
            Stage.IMPROVE,
            Stage.IMPROVE);
    assertThat(nodes).extracting(Node::id).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(nodes).extracting(Node::step).containsExactly(0, 1, 2, 3, 4, 5, 6);

    // the debug chain: 0 (buggy draft) <- 2 (fix fails) <- 3 (fixed)
    assertThat(nodes.get(0).isBuggy()).isTrue();
    assertThat(nodes.get(0).execution().errorType()).isEqualTo("ValueError");
    assertThat(nodes.get(2).parents()).containsExactly(0);
    assertThat(nodes.get(2).debugDepth()).isEqualTo(1);
    assertThat(nodes.get(2).isBuggy()).isTrue();
    assertThat(nodes.get(3).parents()).containsExactly(2);
    assertThat(nodes.get(3).debugDepth()).isEqualTo(2);
    assertThat(nodes.get(3).isBuggy()).isFalse();
    assertThat(nodes.get(3).metric().value()).isEqualTo(0.30);

    // improvements of the best draft, each a new best
    assertThat(nodes.get(4).parents()).containsExactly(1);
    assertThat(nodes.get(5).parents()).containsExactly(4);
    Node best = result.best();
    assertThat(best).isSameAs(nodes.get(6));
    assertThat(best.metric()).isEqualTo(Metric.of(0.80, Direction.MAXIMIZE));
    assertThat(best.plan()).isEqualTo("Improve the parent by 0.1.");
    assertThat(best.analysis()).isEqualTo("It printed the metric.");
    assertThat(best.usage()).isEqualTo(dev.aide.core.llm.TokenUsage.of(150, 30));
    assertThat(result.usage().input()).isEqualTo(7 * 150);
    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);

    // events
    assertThat(events).filteredOn(e -> e instanceof SearchEvent.NodeStarted).hasSize(7);
    assertThat(events).filteredOn(e -> e instanceof SearchEvent.NodeFinished).hasSize(7);
    assertThat(events)
        .filteredOn(e -> e instanceof SearchEvent.NewBest)
        .extracting(e -> ((SearchEvent.NewBest) e).node().id())
        .containsExactly(1, 4, 5, 6);
    assertThat(events.get(events.size() - 1)).isInstanceOf(SearchEvent.SearchFinished.class);

    // what is on disk matches what is in memory
    List<String> lines = Files.readAllLines(out.resolve("journal.jsonl"));
    assertThat(lines).hasSize(7);
    for (int i = 0; i < nodes.size(); i++) {
      assertThat(lines.get(i)).isEqualTo(NodeJson.write(nodes.get(i)));
      assertThat(NodeJson.write(NodeJson.read(lines.get(i)))).isEqualTo(lines.get(i));
    }
    assertThat(Files.readString(out.resolve("best/solution.py"))).isEqualTo(best.code());
    assertThat(Files.readString(out.resolve("best/submission.csv"))).isEqualTo("id,y\n1,0.8");
    assertThat(Files.readString(out.resolve("run.json")))
        .contains("\"goal\": \"Predict y\"")
        .contains("\"seed\": 1")
        .contains("\"coderModel\": \"coder-model\"");
    assertThat(Files.readString(out.resolve("tree.html"))).startsWith("<!DOCTYPE html>");
    assertThat(Files.readString(out.resolve("tree-data.js")))
        .contains("Improve the parent by 0.1.");
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("Predict y")
        .contains("0.8")
        .contains("STEPS_DONE");
    assertThat(out.resolve("workspaces/3/working")).isDirectory();
    assertThat(out.resolve("workspaces/3/input")).isDirectory();
  }

  @Test
  void sameSeedAndFakesGiveTheSameJournal() throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    List<String> journals = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      FakeWorld world = new FakeWorld(List.of("bug", "0.40", "bug", "0.55", "0.20"), true);
      Aide.builder()
          .coder(world.coder(), "m")
          .reviewer(world.reviewer(), "m")
          .executor(world.executor())
          .steps(25)
          .seed(42)
          .clock(clock)
          .outputDir(tmp.resolve(name))
          .build()
          .run(task);
      journals.add(Files.readString(tmp.resolve(name).resolve("journal.jsonl")));
    }
    assertThat(journals.get(0)).isEqualTo(journals.get(1));
    // The journal exercised both random branches of the greedy policy.
    assertThat(journals.get(0)).contains("\"stage\":\"DEBUG\"").contains("\"stage\":\"IMPROVE\"");
  }

  @Test
  void startingSolutionRunsFirstWithoutAskingTheCoder() {
    FakeWorld world = new FakeWorld(List.of("0.10"), false);
    Task withStart = task.newBuilder().startingSolution(FakeWorld.code(0.25, false)).build();

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .executor(world.executor())
            .reviewer(world.reviewer(), "m")
            .policy(GreedyPolicy.builder().debugProb(0).build())
            .steps(3)
            .outputDir(tmp.resolve("start"))
            .build()
            .run(withStart);

    List<Node> nodes = result.journal().nodes();
    assertThat(nodes.get(0).stage()).isEqualTo(Stage.DRAFT);
    assertThat(nodes.get(0).code()).isEqualTo(withStart.startingSolution());
    assertThat(nodes.get(0).metric().value()).isEqualTo(0.25);
    // no drafting from scratch: the starting solution is improved
    assertThat(nodes.subList(1, 3)).extracting(Node::stage).containsOnly(Stage.IMPROVE);
    assertThat(result.best().metric().value()).isEqualTo(0.45);
    assertThat(world.coderCalls.get()).isEqualTo(2);
  }

  @Test
  void crossoverCombinesTwoGoodNodesAndRecordsBothParents() throws IOException {
    FakeWorld world = new FakeWorld(List.of("0.40", "0.60"), false);
    dev.aide.core.search.SearchPolicy draftTwiceThenCross =
        state -> {
          List<Node> good = state.journal().goodNodes();
          return good.size() < 2
              ? dev.aide.core.search.Action.draft()
              : dev.aide.core.search.Action.crossover(good.get(0), good.get(1));
        };
    Path out = tmp.resolve("cross");

    Result result =
        Aide.builder()
            .coder(world.coder(), "m")
            .reviewer(world.reviewer(), "m")
            .executor(world.executor())
            .policy(draftTwiceThenCross)
            .steps(3)
            .outputDir(out)
            .build()
            .run(task);

    Node cross = result.journal().nodes().get(2);
    assertThat(cross.stage()).isEqualTo(Stage.CROSSOVER);
    assertThat(cross.parents()).containsExactly(0, 1);
    assertThat(cross.metric().value()).isEqualTo(0.65);
    assertThat(result.journal().children(0)).containsExactly(cross);
    assertThat(result.journal().children(1)).containsExactly(cross);
    String prompt = FakeWorld.lastUser(world.coderRequests.get(2)).content();
    assertThat(prompt).contains("score = 0.40", "score = 0.60", "# Crossover guidelines");
    String line = Files.readAllLines(out.resolve("journal.jsonl")).get(2);
    assertThat(NodeJson.read(line).parents()).containsExactly(0, 1);
  }

  @Test
  void propertiesAreRecordedInRunJsonAndAResumeKeepsTheFirstOnes() throws IOException {
    FakeWorld world = new FakeWorld(List.of("0.50"), false);
    Path out = tmp.resolve("run");
    Aide.Builder builder =
        Aide.builder()
            .coder(world.coder(), "m")
            .executor(world.executor())
            .steps(1)
            .outputDir(out)
            .property("python", "/opt/venv/bin/python")
            .property("note", "it's \"quoted\"");
    builder.build().run(task);
    builder.property("python", "/usr/bin/python3").steps(2).build().run(task);

    Object run =
        new com.squareup.moshi.Moshi.Builder()
            .build()
            .adapter(Object.class)
            .fromJson(Files.readString(out.resolve("run.json")));
    assertThat(run)
        .extracting("settings")
        .extracting("properties")
        .isEqualTo(java.util.Map.of("python", "/opt/venv/bin/python", "note", "it's \"quoted\""));
    assertThat(Files.readAllLines(out.resolve("journal.jsonl"))).hasSize(2);
  }

  @Test
  void eachNodeTellsItsPhasesBetweenItsStartAndItsFinish() {
    FakeWorld world = new FakeWorld(List.of("0.10"), false);
    Task withStart = task.newBuilder().startingSolution(FakeWorld.code(0.25, false)).build();
    List<String> events = Collections.synchronizedList(new ArrayList<>());

    Aide.builder()
        .coder(world.coder(), "m")
        .executor(world.executor())
        .steps(2)
        .outputDir(tmp.resolve("phases"))
        .listener(
            event -> {
              if (event instanceof SearchEvent.NodeStarted started) {
                events.add(started.nodeId() + " started");
              } else if (event instanceof SearchEvent.NodePhase phase) {
                events.add(phase.nodeId() + " " + phase.phase());
              } else if (event instanceof SearchEvent.NodeFinished finished) {
                events.add(finished.node().id() + " finished");
              }
            })
        .build()
        .run(withStart);

    assertThat(events)
        .containsExactly(
            "0 started",
            "0 RUNNING",
            "0 REVIEWING",
            "0 finished",
            "1 started",
            "1 CODING",
            "1 RUNNING",
            "1 REVIEWING",
            "1 finished");
  }
}
