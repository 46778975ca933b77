package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.SearchEvent;
import dev.aide.core.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, UTF_8);
  private final MovingClock clock = new MovingClock();

  private static Node good(int id, double metric) {
    return Node.builder().id(id).step(id).metric(Metric.of(metric, Direction.MAXIMIZE)).build();
  }

  private static Node buggy(int id) {
    return Node.builder()
        .id(id)
        .step(id)
        .metric(Metric.worst(Direction.MAXIMIZE))
        .buggy(true)
        .failure("the coder call failed: timeout")
        .build();
  }

  @Test
  void statusLineShowsStepsTimesBestCountsAndWorkInFlight() {
    Progress progress = new Progress(out, true, 10, 0, clock);
    progress.onEvent(new SearchEvent.NodeStarted(0, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeStarted(1, Stage.DRAFT, List.of()));
    clock.advance(Duration.ofSeconds(30));
    progress.onEvent(new SearchEvent.NodeFinished(good(0, 0.8)));
    progress.onEvent(new SearchEvent.NewBest(good(0, 0.8), null));
    progress.onEvent(new SearchEvent.NodeFinished(buggy(1)));
    progress.onEvent(new SearchEvent.NodeStarted(2, Stage.DEBUG, List.of(1)));

    assertThat(progress.statusLine())
        .isEqualTo("[2/10] 30s elapsed, ~2m00s left | best 0.8 | good 1, buggy 1 | #2 debug of 1");
    assertThat(bytes.toString(UTF_8)).startsWith("\r[0/10]").doesNotContain("\n");
  }

  @Test
  void plainOutputLogsOneLinePerEvent() {
    Progress progress = new Progress(out, false, 3, 0, clock);
    progress.onEvent(new SearchEvent.NodeStarted(0, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeFinished(buggy(0)));
    progress.onEvent(new SearchEvent.NodeStarted(1, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeFinished(good(1, 0.5)));
    progress.onEvent(new SearchEvent.NewBest(good(1, 0.5), null));

    assertThat(bytes.toString(UTF_8).lines())
        .containsExactly(
            "node 0 started: draft",
            "node 0 finished (1/3): buggy (the coder call failed: timeout)",
            "node 1 started: draft",
            "node 1 finished (2/3): metric 0.5",
            "new best: 0.5 (node 1)");
  }

  @Test
  void resumedRunCountsItsOldNodesButEstimatesFromNewOnes() {
    Progress progress = new Progress(out, true, 10, 6, clock);
    clock.advance(Duration.ofSeconds(10));
    progress.onEvent(new SearchEvent.NodeFinished(good(6, 0.5)));

    assertThat(progress.statusLine()).startsWith("[7/10] 10s elapsed, ~30s left");
  }

  private static final class MovingClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
