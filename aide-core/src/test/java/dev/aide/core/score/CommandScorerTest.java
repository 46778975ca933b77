package dev.aide.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandScorerTest {
  @TempDir Path working;

  private static Scorer sh(String script) {
    return Scorer.command(List.of("sh", "-c", script, "scorer"), Duration.ofSeconds(30));
  }

  @Test
  void readsTheLastNumberTheCommandPrintsAndGetsTheWorkingDirectoryAsItsArgument()
      throws Exception {
    Files.writeString(working.resolve("answer.txt"), "42\n");

    double score = sh("echo starting; echo 'score: 0.5'; cat \"$1/answer.txt\"").score(working);

    assertThat(score).isEqualTo(42.0);
    assertThat(sh("echo 'score: 0.25'; echo done").score(working)).isEqualTo(0.25);
  }

  @Test
  void aFailingCommandOrOneWithoutANumberFailsTheScoringWithItsOutput() {
    assertThatThrownBy(() -> sh("echo 'no such file' >&2; exit 3").score(working))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> sh("echo hello").score(working))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printed no score")
        .hasMessageContaining("hello");
  }

  @Test
  void aCommandThatTakesTooLongIsStopped() {
    Scorer slow = Scorer.command(List.of("sh", "-c", "sleep 30", "s"), Duration.ofMillis(200));
    assertThatThrownBy(() -> slow.score(working)).hasMessageContaining("took longer than");
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> Scorer.command(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Scorer.command(List.of("x"), Duration.ZERO))
        .hasMessageContaining("positive");
  }
}
