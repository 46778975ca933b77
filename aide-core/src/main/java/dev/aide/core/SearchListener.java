package dev.aide.core;

/**
 * Receives the {@link SearchEvent}s of a search, e.g. to show progress.
 *
 * <pre>{@code
 * Aide.builder().listener(event -> {
 *   if (event instanceof SearchEvent.NewBest best) System.out.println("best: " + best.node().metric());
 * })
 * }</pre>
 *
 * <p>Events arrive on the worker threads of the search, one at a time and in order, so a listener
 * need not synchronise with itself. It should return quickly: the search waits for it. A listener
 * that throws is logged and the search goes on.
 */
@FunctionalInterface
public interface SearchListener {
  void onEvent(SearchEvent event);
}
