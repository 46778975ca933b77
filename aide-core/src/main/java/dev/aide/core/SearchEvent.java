package dev.aide.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened during a search, as told to a {@link SearchListener}: a node started,
 * entered a phase or finished, the best node changed, or the search finished.
 */
public sealed interface SearchEvent
    permits SearchEvent.NodeStarted,
        SearchEvent.NodePhase,
        SearchEvent.NodeProgress,
        SearchEvent.NodeFinished,
        SearchEvent.NewBest,
        SearchEvent.SearchFinished {

  /**
   * A worker started a node.
   *
   * @param nodeId the id the node will have
   * @param stage what kind of node it will be
   * @param parents the ids of the nodes it is made from
   */
  record NodeStarted(int nodeId, Stage stage, List<Integer> parents) implements SearchEvent {
    public NodeStarted {
      Objects.requireNonNull(stage, "stage");
      parents = List.copyOf(parents);
    }
  }

  /** What a node in flight is doing, in the order a node goes through it. */
  enum Phase {
    /** The coder is asked for the plan and code (and asked again when no code came back). */
    CODING,
    /** The code runs. */
    RUNNING,
    /** The reviewer is asked about the run's output. */
    REVIEWING
  }

  /**
   * A node in flight entered a phase. Each node enters each phase at most once and in the order of
   * {@link Phase}; the starting solution skips {@link Phase#CODING}, and a node whose coder or run
   * failed finishes without the later phases.
   *
   * @param nodeId the id the node will have
   * @param phase what it does from now on
   */
  record NodePhase(int nodeId, Phase phase) implements SearchEvent {
    public NodePhase {
      Objects.requireNonNull(phase, "phase");
    }
  }

  /**
   * The LLM's answer for a node in flight is streaming in: how many characters of it have arrived,
   * for a status line. Sent between the node's {@link NodePhase} of that phase and its {@link
   * NodeFinished}, at most about once a second per node ({@code SearchEngine.PROGRESS_INTERVAL})
   * and only when the count grew; only clients that stream tell it (aide-llm's do).
   *
   * @param nodeId the id the node will have
   * @param phase the phase whose call it is: {@link Phase#CODING} or {@link Phase#REVIEWING}
   * @param characters the characters of the answer received so far in this call
   */
  record NodeProgress(int nodeId, Phase phase, long characters) implements SearchEvent {
    public NodeProgress {
      Objects.requireNonNull(phase, "phase");
    }
  }

  /**
   * A node finished and is in the journal.
   *
   * @param node the node
   */
  record NodeFinished(Node node) implements SearchEvent {
    public NodeFinished {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * A node became the best so far.
   *
   * @param node the new best node
   * @param previous the node that was best before, or null if it is the first good node
   */
  record NewBest(Node node, @Nullable Node previous) implements SearchEvent {
    public NewBest {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * The search ended normally; this is the last event of a search.
   *
   * @param result what it found
   */
  record SearchFinished(Result result) implements SearchEvent {
    public SearchFinished {
      Objects.requireNonNull(result, "result");
    }
  }
}
