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
 * index of the journal up to date at a cost proportional to what was added.
 *
 * <p>The follower reads nodes by id: ids are given when a node starts, so with several workers they
 * finish out of order, and a resumed run may never finish some ids. Ids at or below the largest one
 * read that were not in the journal yet are read again on every call until they come. When it is
 * handed another journal, or the count does not add up, it starts over from a snapshot and says so,
 * so that an index built from its batches always equals one built from the whole journal.
 *
 * <p>Not safe for use by several threads at once; the policies that own one synchronize.
 */
final class JournalFollower {
  /** The nodes a call found, in the order they finished; all nodes when {@code reset}. */
  record Batch(boolean reset, List<Node> added) {}

  private static final Comparator<Node> FINISH_ORDER =
      Comparator.comparingInt(Node::step).thenComparingInt(Node::id);

  private @Nullable Journal journal;
  private int scannedMaxId = -1;
  private final TreeSet<Integer> unfinished = new TreeSet<>();
  private int count;

  Batch poll(Journal journal) {
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
