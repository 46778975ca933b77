package dev.aide.examples.cli;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.SearchEvent;
import dev.aide.core.SearchListener;
import dev.aide.core.Stage;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Shows a search's progress: on a terminal one status line redrawn in place (steps done of total,
 * elapsed and estimated time left, best metric, good and buggy counts, what each node in flight is
 * doing: asking the coder, running for how long, or being reviewed); elsewhere one plain line per
 * event worth logging. A resumed run's journal is counted with {@link #resumeFrom}.
 *
 * <p>Safe for use by several threads at once: events come from the search, {@link #tick} from a
 * timer that keeps the elapsed time moving between events.
 */
final class Progress implements SearchListener {
  private final PrintStream out;
  private final boolean terminal;
  private final int totalSteps;
  private final Clock clock;
  private final Instant start;
  private final Map<Integer, InFlight> inFlight = new TreeMap<>();
  private final Set<Integer> counted = new HashSet<>();
  private int alreadyDone;
  private int done;
  private int good;
  private int buggy;
  private String best = "none";
  private int lastLineLength;
  private boolean finished;

  Progress(PrintStream out, boolean terminal, int totalSteps, Clock clock) {
    this.out = out;
    this.terminal = terminal;
    this.totalSteps = totalSteps;
    this.clock = clock;
    this.start = clock.instant();
  }

  /**
   * Counts the nodes of {@code journal} that no event has counted yet, as the nodes a resumed run
   * brought along; they count toward done, good and buggy but not toward the estimate of the time
   * left. Safe to call after the search has started sending events.
   */
  synchronized void resumeFrom(Journal journal) {
    int before = done;
    for (Node node : journal.nodes()) count(node);
    alreadyDone += done - before;
    Node journalBest = journal.best();
    if (journalBest != null) best = String.valueOf(journalBest.metric().value());
    if (done == before) return;
    if (terminal) {
      redraw();
    } else {
      out.printf(
          Locale.ROOT,
          "resumed with %d node(s): %d good, %d buggy, best %s%n",
          done - before,
          good,
          buggy,
          best);
    }
  }

  private boolean count(Node node) {
    if (!counted.add(node.id())) return false;
    done++;
    if (node.isBuggy()) buggy++;
    else good++;
    return true;
  }

  /** Redraws the status line on a terminal, so the elapsed time moves between events. */
  synchronized void tick() {
    if (terminal && !finished) redraw();
  }

  @Override
  public synchronized void onEvent(SearchEvent event) {
    if (event instanceof SearchEvent.NodeStarted started) {
      String action = describe(started.stage(), started);
      inFlight.put(started.nodeId(), new InFlight(action, null, clock.instant(), 0));
      if (!terminal) {
        out.printf(Locale.ROOT, "node %d started: %s%n", started.nodeId(), action);
      }
    } else if (event instanceof SearchEvent.NodePhase phase) {
      InFlight node = inFlight.get(phase.nodeId());
      if (node != null) {
        inFlight.put(phase.nodeId(), new InFlight(node.action, phase.phase(), clock.instant(), 0));
      }
    } else if (event instanceof SearchEvent.NodeProgress progress) {
      // the status line only: a log of one line per event would grow by one per second
      InFlight node = inFlight.get(progress.nodeId());
      if (node == null || node.phase != progress.phase()) return;
      inFlight.put(
          progress.nodeId(),
          new InFlight(node.action, node.phase, node.since, progress.characters()));
    } else if (event instanceof SearchEvent.NodeFinished finished) {
      Node node = finished.node();
      inFlight.remove(node.id());
      if (!count(node)) return;
      if (!terminal) {
        out.printf(
            Locale.ROOT,
            "node %d finished (%d/%d): %s%n",
            node.id(),
            done,
            totalSteps,
            node.isBuggy() ? "buggy" + reason(node) : "metric " + node.metric().value());
      }
    } else if (event instanceof SearchEvent.NewBest newBest) {
      best = String.valueOf(newBest.node().metric().value());
      if (!terminal) {
        out.printf(Locale.ROOT, "new best: %s (node %d)%n", best, newBest.node().id());
      }
    } else if (event instanceof SearchEvent.SearchFinished) {
      finished = true;
      if (terminal) {
        clearLine();
      }
      return;
    }
    if (terminal) redraw();
  }

  /** The status line, as the terminal shows it. */
  synchronized String statusLine() {
    Duration elapsed = Duration.between(start, clock.instant());
    int doneHere = done - alreadyDone;
    String eta = "?";
    if (doneHere > 0) {
      long left = elapsed.toMillis() * (totalSteps - done) / doneHere;
      eta = format(Duration.ofMillis(Math.max(0, left)));
    }
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "[%d/%d] %s elapsed, ~%s left | best %s | good %d, buggy %d",
                done,
                totalSteps,
                format(elapsed),
                eta,
                best,
                good,
                buggy));
    for (Map.Entry<Integer, InFlight> entry : inFlight.entrySet()) {
      line.append(" | #").append(entry.getKey()).append(' ').append(entry.getValue().action);
      SearchEvent.Phase phase = entry.getValue().phase;
      if (phase == null) continue;
      line.append(", ");
      switch (phase) {
        case CODING:
          line.append("asking the coder").append(received(entry.getValue()));
          break;
        case RUNNING:
          line.append("running ")
              .append(format(Duration.between(entry.getValue().since, clock.instant())));
          break;
        case REVIEWING:
          line.append("reviewing").append(received(entry.getValue()));
          break;
      }
    }
    return line.toString();
  }

  /** " (1.2k chars)": how much of the node's answer has streamed in; empty before any. */
  private static String received(InFlight node) {
    long c = node.characters;
    if (c <= 0) return "";
    return c < 1000
        ? " (" + c + " chars)"
        : String.format(Locale.ROOT, " (%.1fk chars)", c / 1000.0);
  }

  /**
   * A node in flight: what it is, the phase it is in (null before the first), since when, and the
   * characters of its current call's answer received so far.
   */
  private record InFlight(
      String action, SearchEvent.@Nullable Phase phase, Instant since, long characters) {}

  private void redraw() {
    String line = statusLine();
    int pad = Math.max(0, lastLineLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLineLength = line.length();
  }

  private void clearLine() {
    out.print("\r" + " ".repeat(lastLineLength) + "\r");
    out.flush();
    lastLineLength = 0;
  }

  private static String describe(Stage stage, SearchEvent.NodeStarted started) {
    String verb = stage.name().toLowerCase(Locale.ROOT);
    if (started.parents().isEmpty()) return verb;
    StringBuilder text = new StringBuilder(verb).append(" of ");
    for (int i = 0; i < started.parents().size(); i++) {
      if (i > 0) text.append(" + ");
      text.append(started.parents().get(i));
    }
    return text.toString();
  }

  private static String reason(Node node) {
    if (node.failure() != null) return " (" + abbreviate(node.failure()) + ")";
    if (node.execution() != null && node.execution().errorType() != null) {
      return " (" + node.execution().errorType() + ")";
    }
    return "";
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s < 60) return s + "s";
    if (s < 3600) return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
    return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
  }
}
