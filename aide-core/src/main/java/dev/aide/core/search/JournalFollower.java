package dev.aide.core.search;

import dev.aide.core.Journal;
import dev.aide.core.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Hands a policy the nodes a journal gained since the last call, so that the policy can keep an
 * index of the journal up to date at a cost proportional to what was added. The built-in tree
 * policies keep their indexes with one.
 *
 * <pre>{@code
 * private final JournalFollower follower = new JournalFollower();
 * private final Map<Integer, Integer> goodChildren = new HashMap<>();
 *
 * public Action next(SearchState state) {
 *   JournalFollower.Batch batch = follower.poll(state.journal());
 *   if (batch.reset()) goodChildren.clear();
 *   for (Node node : batch.added()) {
 *     Integer parent = node.parentId();
 *     if (!node.isBuggy() && parent != null) goodChildren.merge(parent, 1, Integer::sum);
 *   }
 *   ...
 * }
 * }</pre>
 *
 * <p>The follower reads nodes by id: ids are given when a node starts, so with several workers they
 * finish out of order, and a resumed run may never finish some ids. Ids at or below the largest one
 * read that were not in the journal yet are read again on every call until they come. When it is
 * handed another journal, or the count does not add up, it starts over from a snapshot and says so,
 * so that an index built from its batches always equals one built from the whole journal.
 *
 * <p>Not safe for use by several threads at once; a policy that owns one is called by one thread at
 * a time, and the built-ins synchronize besides.
 */
public final class JournalFollower {
  /**
   * The nodes one call found, in the order they finished.
   *
   * @param reset whether the follower started over: {@code added} then holds every node of the
   *     journal, and an index built from earlier batches must be dropped first
   * @param added the nodes found, in the order they finished (by {@link Node#step()}, then id)
   */
  public record Batch(boolean reset, List<Node> added) {
    public Batch {
      added = List.copyOf(added);
    }
  }

  private static final Comparator<Node> FINISH_ORDER =
      Comparator.comparingInt(Node::step).thenComparingInt(Node::id);

  private @Nullable Journal journal;
  private int scannedMaxId = -1;
  private final TreeSet<Integer> unfinished = new TreeSet<>();
  private int count;

  /** Returns a follower that has read nothing yet; its first {@link #poll} starts over. */
  public JournalFollower() {}

  /**
   * Returns the nodes {@code journal} gained since the last call, or all of them (with {@code
   * reset}) on the first call, when handed a journal other than the last one, or when the journal
   * changed in a way the follower cannot account for.
   */
  public Batch poll(Journal journal) {
    if (journal != this.journal) return startOver(journal);
    List<Node> added = new ArrayList<>();
    for (Iterator<Integer> it = unfinished.iterator(); it.hasNext(); ) {
      Node node = journal.get(it.next());
      if (node != null) {
        added.add(node);
        it.remove();
      }
    }
    int maxId = journal.maxId();
    for (int id = scannedMaxId + 1; id <= maxId; id++) {
      Node node = journal.get(id);
      if (node == null) {
        unfinished.add(id);
      } else {
        added.add(node);
      }
    }
    scannedMaxId = Math.max(scannedMaxId, maxId);
    count += added.size();
    if (count != journal.size()) return startOver(journal); // a node came in between the reads
    added.sort(FINISH_ORDER);
    return new Batch(false, added);
  }

  private Batch startOver(Journal journal) {
    this.journal = journal;
    List<Node> all = new ArrayList<>(journal.nodes());
    Set<Integer> ids = new HashSet<>();
    int maxId = -1;
    for (Node node : all) {
      ids.add(node.id());
      maxId = Math.max(maxId, node.id());
    }
    unfinished.clear();
    for (int id = 0; id <= maxId; id++) {
      if (!ids.contains(id)) unfinished.add(id);
    }
    scannedMaxId = maxId;
    count = all.size();
    all.sort(FINISH_ORDER);
    return new Batch(true, all);
  }
}
