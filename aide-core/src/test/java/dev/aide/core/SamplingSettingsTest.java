package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coder and reviewer temperatures and the output-token limit reach every request of their role. */
class SamplingSettingsTest {
  @TempDir Path tmp;

  private final FakeWorld world = new FakeWorld(List.of("0.50", "bug", "0.60"), false);
  private final List<ChatRequest> coderRequests = Collections.synchronizedList(new ArrayList<>());
  private final List<ChatRequest> reviewerRequests =
      Collections.synchronizedList(new ArrayList<>());
  private final Task task = Task.builder().goal("Predict y").evaluation("R2 on a fifth").build();

  private LlmClient coder() {
    LlmClient coder = world.coder();
    return request -> {
      coderRequests.add(request);
      return coder.chat(request);
    };
  }

  private LlmClient reviewer() {
    LlmClient reviewer = world.reviewer();
    return request -> {
      reviewerRequests.add(request);
      return reviewer.chat(request);
    };
  }

  private Aide.Builder aide(Path dir) {
    return Aide.builder()
        .coder(coder(), "coder-m")
        .reviewer(reviewer(), "reviewer-m")
        .executor(world.executor())
        .policy(GreedyPolicy.builder().numDrafts(2).debugProb(1).build())
        .seed(5)
        .steps(4)
        .outputDir(dir);
  }

  @Test
  void eachRoleSendsItsTemperatureAndEveryRequestTheTokenLimit() {
    Result result =
        aide(tmp.resolve("run"))
            .coderTemperature(0.9)
            .reviewerTemperature(0.1)
            .maxOutputTokens(2048)
            .build()
            .run(task);

    assertThat(result.journal().size()).isEqualTo(4);
    assertThat(result.journal().nodes()).extracting(Node::stage).contains(Stage.DEBUG);
    assertThat(coderRequests).hasSize(4);
    assertThat(coderRequests)
        .allSatisfy(
            r -> {
              assertThat(r.temperature()).isEqualTo(0.9);
              assertThat(r.maxOutputTokens()).isEqualTo(2048);
            });
    // the direction call and the four reviews
    assertThat(reviewerRequests).hasSize(5).anyMatch(FakeWorld::isDirectionCall);
    assertThat(reviewerRequests)
        .allSatisfy(
            r -> {
              assertThat(r.temperature()).isEqualTo(0.1);
              assertThat(r.maxOutputTokens()).isEqualTo(2048);
            });
  }

  @Test
  void bothTemperaturesDefaultToHalfAndTheTokenLimitToTheProvidersDefault() throws Exception {
    aide(tmp.resolve("run")).steps(1).build().run(task);

    assertThat(coderRequests).isNotEmpty();
    assertThat(reviewerRequests).isNotEmpty();
    for (ChatRequest request : union(coderRequests, reviewerRequests)) {
      assertThat(request.temperature()).isEqualTo(Aide.DEFAULT_TEMPERATURE).isEqualTo(0.5);
      assertThat(request.maxOutputTokens()).isNull();
    }
    String runJson = Files.readString(tmp.resolve("run/run.json"));
    assertThat(runJson)
        .contains("\"coderTemperature\": 0.5", "\"reviewerTemperature\": 0.5")
        .doesNotContain("maxOutputTokens");
  }

  @Test
  void invalidValuesAreRejectedWithTheirNameAndRange() {
    assertThatThrownBy(() -> Aide.builder().coderTemperature(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("coderTemperature must be from 0 to 2.0, was -0.1");
    assertThatThrownBy(() -> Aide.builder().reviewerTemperature(2.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reviewerTemperature must be from 0 to 2.0, was 2.5");
    assertThatThrownBy(() -> Aide.builder().coderTemperature(Double.NaN))
        .hasMessage("coderTemperature must be from 0 to 2.0, was NaN");
    assertThatThrownBy(() -> Aide.builder().maxOutputTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxOutputTokens must be >= 1, was 0");
    Aide.builder().coderTemperature(0).reviewerTemperature(2).maxOutputTokens(1);
  }

  @Test
  void resumeKeepsTheRecordedSamplingSettingsUnlessChanged() {
    Path dir = tmp.resolve("run");
    aide(dir)
        .steps(1)
        .coderTemperature(0.3)
        .reviewerTemperature(0.7)
        .maxOutputTokens(1000)
        .build()
        .run(task);
    RunDirectory.Settings recorded = RunDirectory.open(dir).settings();
    assertThat(recorded.coderTemperature()).isEqualTo(0.3);
    assertThat(recorded.reviewerTemperature()).isEqualTo(0.7);
    assertThat(recorded.maxOutputTokens()).isEqualTo(1000);
    coderRequests.clear();
    reviewerRequests.clear();

    Aide.resume(dir)
        .coder(coder(), "coder-m")
        .reviewer(reviewer(), "reviewer-m")
        .executor(world.executor())
        .steps(2)
        .build()
        .run();

    assertThat(coderRequests).isNotEmpty();
    assertThat(coderRequests).allSatisfy(r -> assertThat(r.temperature()).isEqualTo(0.3));
    assertThat(reviewerRequests).isNotEmpty();
    assertThat(reviewerRequests).allSatisfy(r -> assertThat(r.temperature()).isEqualTo(0.7));
    assertThat(union(coderRequests, reviewerRequests))
        .allSatisfy(r -> assertThat(r.maxOutputTokens()).isEqualTo(1000));
    coderRequests.clear();

    Aide.resume(dir)
        .coder(coder(), "coder-m")
        .reviewer(reviewer(), "reviewer-m")
        .executor(world.executor())
        .coderTemperature(1.0)
        .steps(3)
        .build()
        .run();

    assertThat(coderRequests).isNotEmpty();
    assertThat(coderRequests).allSatisfy(r -> assertThat(r.temperature()).isEqualTo(1.0));
  }

  @Test
  void aRecordedTemperatureOutOfRangeIsNamedWhenResuming() throws Exception {
    Path dir = tmp.resolve("run");
    aide(dir).steps(1).build().run(task);
    Path runJson = dir.resolve("run.json");
    Files.writeString(
        runJson,
        Files.readString(runJson).replace("\"coderTemperature\": 0.5", "\"coderTemperature\": 7"));

    assertThatThrownBy(() -> Aide.resume(dir))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("run.json")
        .hasMessageContaining("coderTemperature must be from 0 to 2.0, was 7.0");
  }

  private static List<ChatRequest> union(List<ChatRequest> a, List<ChatRequest> b) {
    List<ChatRequest> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
