package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTest {
  private static Node.Builder goodDraft() {
    return Node.builder().id(0).step(0).metric(Metric.of(0.5, Direction.MAXIMIZE));
  }

  @Test
  void buildsAGoodDraft() {
    Node node = goodDraft().code("print(1)").plan("print one").build();

    assertThat(node.id()).isZero();
    assertThat(node.step()).isZero();
    assertThat(node.stage()).isEqualTo(Stage.DRAFT);
    assertThat(node.parents()).isEmpty();
    assertThat(node.parentId()).isNull();
    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric()).isEqualTo(Metric.of(0.5, Direction.MAXIMIZE));
    assertThat(node.code()).isEqualTo("print(1)");
    assertThat(node.plan()).isEqualTo("print one");
    assertThat(node.debugDepth()).isZero();
    assertThat(node.failure()).isNull();
  }

  @Test
  void buildsABuggyFixWithItsParent() {
    Node node =
        Node.builder()
            .id(7)
            .step(3)
            .stage(Stage.DEBUG)
            .parent(4)
            .metric(Metric.worst(Direction.MINIMIZE))
            .buggy(true)
            .debugDepth(2)
            .failure("no code came back")
            .build();

    assertThat(node.parents()).containsExactly(4);
    assertThat(node.parentId()).isEqualTo(4);
    assertThat(node.isBuggy()).isTrue();
    assertThat(node.metric().isWorst()).isTrue();
    assertThat(node.debugDepth()).isEqualTo(2);
    assertThat(node.failure()).isEqualTo("no code came back");
  }

  @Test
  void rejectsABuggyNodeWithARealMetric() {
    assertThatThrownBy(() -> goodDraft().buggy(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("worst");
  }

  @Test
  void rejectsAGoodNodeWithTheWorstMetric() {
    assertThatThrownBy(() -> goodDraft().metric(Metric.worst(Direction.MAXIMIZE)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("real metric");
  }

  @Test
  void rejectsANodeWithoutMetric() {
    assertThatThrownBy(() -> Node.builder().id(0).step(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric");
  }

  @Test
  void rejectsADraftWithParents() {
    assertThatThrownBy(() -> goodDraft().id(2).parent(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("draft");
    assertThatThrownBy(() -> goodDraft().id(2).parents(List.of(0, 1)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsImprovementsAndFixesWithoutParent() {
    for (Stage stage : new Stage[] {Stage.IMPROVE, Stage.DEBUG}) {
      assertThatThrownBy(() -> goodDraft().stage(stage).build())
          .as("%s without parent", stage)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs a parent");
      assertThatThrownBy(() -> goodDraft().stage(stage).parent(null).build())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void acceptsImprovementsAndFixesWithAParent() {
    assertThat(goodDraft().id(1).stage(Stage.IMPROVE).parent(0).build().parentId()).isZero();
    assertThat(goodDraft().id(1).stage(Stage.DEBUG).parent(0).debugDepth(1).build().parentId())
        .isZero();
  }

  @Test
  void rejectsNegativeIdStepOrDebugDepth() {
    assertThatThrownBy(() -> goodDraft().id(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id");
    assertThatThrownBy(
            () -> Node.builder().step(0).metric(Metric.of(1, Direction.MAXIMIZE)).build())
        .as("id never set")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id");
    assertThatThrownBy(() -> goodDraft().step(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step");
    assertThatThrownBy(() -> goodDraft().debugDepth(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("debugDepth");
  }

  @Test
  void parentsAreCopiedFromTheCallersList() {
    List<Integer> parents = new ArrayList<>(List.of(1, 2));
    Node.Builder builder = goodDraft().id(3).stage(Stage.CROSSOVER).parents(parents);
    parents.add(9);

    Node node = builder.build();

    assertThat(node.parents()).containsExactly(1, 2);
    assertThat(node.parentId()).isEqualTo(1);
  }

  @Test
  void newBuilderStartsFromTheNodesValues() {
    Node node =
        Node.builder()
            .id(5)
            .step(4)
            .stage(Stage.IMPROVE)
            .parent(2)
            .plan("plan")
            .code("code")
            .analysis("fine")
            .metric(Metric.of(0.7, Direction.MINIMIZE))
            .build();

    Node copy = node.newBuilder().build();
    Node changed = node.newBuilder().id(6).build();

    assertThat(copy).usingRecursiveComparison().isEqualTo(node);
    assertThat(changed.id()).isEqualTo(6);
    assertThat(changed.code()).isEqualTo("code");
    assertThat(node.id()).isEqualTo(5);
  }

  @Test
  void rejectsADebugDepthThatDoesNotFitTheStage() {
    Metric worst = Metric.worst(Direction.MAXIMIZE);
    assertThatThrownBy(
            () ->
                Node.builder()
                    .id(1)
                    .step(1)
                    .debugDepth(2)
                    .metric(Metric.of(1, Direction.MAXIMIZE))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DRAFT node was given 2");
    assertThatThrownBy(
            () ->
                Node.builder()
                    .id(2)
                    .step(2)
                    .stage(Stage.DEBUG)
                    .parent(1)
                    .debugDepth(0)
                    .metric(worst)
                    .buggy(true)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 for a DEBUG node");
  }

  @Test
  void rejectsRepeatedParentsOrTheNodeAsItsOwnParent() {
    Metric metric = Metric.of(1, Direction.MAXIMIZE);
    assertThatThrownBy(
            () ->
                Node.builder().id(3).step(3).stage(Stage.IMPROVE).parent(3).metric(metric).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists itself or the same parent twice");
    assertThatThrownBy(
            () ->
                Node.builder()
                    .id(4)
                    .step(4)
                    .stage(Stage.IMPROVE)
                    .parents(java.util.List.of(1, 1))
                    .metric(metric)
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crossoverHasExactlyTwoParentsAndOthersAtMostOne() {
    Metric metric = Metric.of(1, Direction.MAXIMIZE);
    assertThatThrownBy(
            () ->
                Node.builder()
                    .id(5)
                    .step(5)
                    .stage(Stage.CROSSOVER)
                    .parent(1)
                    .metric(metric)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CROSSOVER node has two parents");
    assertThatThrownBy(
            () ->
                Node.builder()
                    .id(5)
                    .step(5)
                    .stage(Stage.IMPROVE)
                    .parents(List.of(1, 2))
                    .metric(metric)
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
