package dev.aide.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
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
    Progress progress = new Progress(out, true, 10, clock);
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
    Progress progress = new Progress(out, false, 3, clock);
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
    Progress progress = new Progress(out, true, 10, clock);
    progress.resumeFrom(
        journal(good(0, 0.7), buggy(1), good(2, 0.9), buggy(3), buggy(4), good(5, 0.8)));
    clock.advance(Duration.ofSeconds(10));
    progress.onEvent(new SearchEvent.NodeFinished(good(6, 0.5)));

    assertThat(progress.statusLine())
        .isEqualTo("[7/10] 10s elapsed, ~30s left | best 0.9 | good 4, buggy 3");
  }

  @Test
  void aNodeFinishedBeforeTheJournalWasCountedIsCountedOnce() {
    Progress progress = new Progress(out, false, 10, clock);
    progress.onEvent(new SearchEvent.NodeStarted(2, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeFinished(good(2, 0.6)));
    progress.resumeFrom(journal(good(0, 0.5), buggy(1), good(2, 0.6)));

    assertThat(progress.statusLine())
        .startsWith("[3/10] ")
        .contains("| best 0.6 | good 2, buggy 1");
    assertThat(bytes.toString(UTF_8).lines())
        .endsWith("resumed with 2 node(s): 2 good, 1 buggy, best 0.6");
  }

  @Test
  void statusLineShowsWhatEachNodeInFlightIsDoing() {
    Progress progress = new Progress(out, true, 10, clock);
    progress.onEvent(new SearchEvent.NodeStarted(0, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeStarted(1, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodeStarted(2, Stage.IMPROVE, List.of(0)));
    progress.onEvent(new SearchEvent.NodeStarted(3, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodePhase(0, SearchEvent.Phase.CODING));
    progress.onEvent(new SearchEvent.NodePhase(1, SearchEvent.Phase.CODING));
    progress.onEvent(new SearchEvent.NodePhase(1, SearchEvent.Phase.RUNNING));
    progress.onEvent(new SearchEvent.NodePhase(2, SearchEvent.Phase.REVIEWING));
    clock.advance(Duration.ofSeconds(53));

    assertThat(progress.statusLine())
        .endsWith(
            " | #0 draft, asking the coder | #1 draft, running 53s"
                + " | #2 improve of 0, reviewing | #3 draft");
  }

  @Test
  void statusLineShowsHowMuchOfAnAnswerHasStreamedInButTheLogDoesNot() {
    Progress progress = new Progress(out, true, 10, clock);
    progress.onEvent(new SearchEvent.NodeStarted(0, Stage.DRAFT, List.of()));
    progress.onEvent(new SearchEvent.NodePhase(0, SearchEvent.Phase.CODING));
    progress.onEvent(new SearchEvent.NodeProgress(0, SearchEvent.Phase.CODING, 1234));
    assertThat(progress.statusLine()).endsWith(" | #0 draft, asking the coder (1.2k chars)");
    progress.onEvent(new SearchEvent.NodePhase(0, SearchEvent.Phase.REVIEWING));
    assertThat(progress.statusLine()).endsWith(" | #0 draft, reviewing");
    progress.onEvent(new SearchEvent.NodeProgress(0, SearchEvent.Phase.REVIEWING, 87));
    assertThat(progress.statusLine()).endsWith(" | #0 draft, reviewing (87 chars)");

    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    Progress plain = new Progress(new PrintStream(logged, true, UTF_8), false, 10, clock);
    plain.onEvent(new SearchEvent.NodeStarted(0, Stage.DRAFT, List.of()));
    plain.onEvent(new SearchEvent.NodeProgress(0, SearchEvent.Phase.CODING, 50));
    assertThat(logged.toString(UTF_8)).isEqualTo("node 0 started: draft\n");
  }

  private static Journal journal(Node... nodes) {
    Journal journal = new Journal();
    for (Node node : nodes) journal.add(node);
    return journal;
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
