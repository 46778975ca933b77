package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RepositoryTest {
  private static final Path DIR = Path.of("project");

  private static Repository.Builder repository() {
    return Repository.directory(DIR).edit("src/**").eval("java Bench");
  }

  @Test
  void needsEditGlobsAndAnEvalCommand() {
    assertThatThrownBy(() -> Repository.directory(DIR).eval("java Bench").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".edit(\"src/main/java/**\")");
    assertThatThrownBy(() -> Repository.directory(DIR).edit("src/**").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the command that prints the metric");
    assertThatThrownBy(() -> Repository.directory(DIR).edit(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBranchNeedsAGitBase() {
    assertThatThrownBy(() -> repository().branch("aide/best").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a branch needs a git base");
    assertThat(Repository.git(DIR, "HEAD").edit("src/**").eval("x").branch("b").build().branch())
        .isEqualTo("b");
  }

  @Test
  void keepsItsSettingsWithTheSourceMadeAbsolute() {
    Repository r =
        Repository.git(DIR, " main ")
            .edit("src/**", "pom.xml")
            .exclude("big/**")
            .buildStep("make")
            .gate("make test")
            .eval("make bench")
            .build();

    assertThat(r.source()).isEqualTo(DIR.toAbsolutePath().normalize());
    assertThat(r.commit()).isEqualTo("main");
    assertThat(r.editable()).containsExactly("src/**", "pom.xml");
    assertThat(r.excludes()).containsExactly("big/**");
    assertThat(r.buildStep()).isEqualTo("make");
    assertThat(r.gate()).isEqualTo("make test");
    assertThat(r.eval()).isEqualTo("make bench");
    assertThat(repository().build().excludes()).isEqualTo(Repository.DEFAULT_EXCLUDES);
    assertThat(r)
        .isEqualTo(
            Repository.git(DIR, "main")
                .edit("src/**", "pom.xml")
                .exclude("big/**")
                .buildStep("make")
                .gate("make test")
                .eval("make bench")
                .build());
  }

  @Test
  void aRepositoryTaskNeedsAMetricAndNoStartingSolutionOrHoldout() {
    Repository r = repository().build();

    assertThatThrownBy(() -> Task.builder().goal("g").repository(r).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MetricReader.line(\"time_ms\")");
    assertThatThrownBy(
            () ->
                Task.builder()
                    .goal("g")
                    .repository(r)
                    .metricReader(MetricReader.line("t"))
                    .startingSolution("x")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("starts from its base tree");
    Task task = Task.builder().goal("g").repository(r).metricReader(MetricReader.line("t")).build();
    assertThat(task.repository()).isEqualTo(r);
    assertThat(task.hasStartingPoint()).isTrue();
    assertThat(Task.builder().goal("g").build().hasStartingPoint()).isFalse();
  }
}
