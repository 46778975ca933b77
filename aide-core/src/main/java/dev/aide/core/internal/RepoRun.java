package dev.aide.core.internal;

import dev.aide.core.AideException;
import dev.aide.core.Node;
import dev.aide.core.Repository;
import dev.aide.core.internal.repo.BaseTree;
import dev.aide.core.internal.repo.GitBase;
import dev.aide.core.internal.repo.Globs;
import dev.aide.core.internal.repo.SearchReplace;
import dev.aide.core.internal.repo.UnifiedDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository task's base tree in the run directory and what the engine does with it: a node's
 * files from its diff, the tree the coder's edits apply to, the diffs a node records, and the
 * node's {@code working/}.
 *
 * <p>A node's state is its <em>changes</em>: the new content of every file it changed against the
 * base (empty for a file it deleted), rebuilt from its diff against the base ({@link Node#code()}).
 * Immutable and thread-safe.
 */
final class RepoRun {
  private static final Logger log = LoggerFactory.getLogger(RepoRun.class);

  /** Where the base is copied in the run directory. */
  static final String BASE_DIR = "base";

  /** Files up to this many lines may be replaced whole; longer ones need SEARCH/REPLACE blocks. */
  static final int WHOLE_FILE_MAX_LINES = 400;

  private final Repository repository;
  private final BaseTree base;
  private final Predicate<String> editable;

  private RepoRun(Repository repository, BaseTree base) {
    this.repository = repository;
    this.base = base;
    this.editable = Globs.of(repository.editable());
  }

  /**
   * Copies {@code repository}'s base into {@code dir}'s {@value #BASE_DIR}, or opens the copy a run
   * made before (a resume), and checks that every edit glob matches a file of it.
   *
   * @throws AideException when the base cannot be copied (not a git work tree, an unknown commit,
   *     uncommitted changes, an unreadable file), the branch to commit on cannot be made (an
   *     invalid name, one that exists), or an edit glob matches no file
   */
  static RepoRun prepare(Path dir, Repository repository) {
    Path target = dir.resolve(BASE_DIR);
    BaseTree base;
    try {
      if (Files.exists(target)) {
        base = BaseTree.open(target);
      } else {
        if (!Files.isDirectory(repository.source())) {
          throw new AideException(
              "the repository's base " + repository.source() + " is not a directory");
        }
        base =
            repository.commit() == null
                ? BaseTree.snapshot(repository.source(), target, repository.excludes())
                : BaseTree.snapshotGit(repository.source(), repository.commit(), target);
        log.info(
            "Copied the base {}{} ({} files) to {}",
            repository.source(),
            base.commit() == null ? "" : " at " + base.commit(),
            base.files().size(),
            target);
        // a branch that cannot be made is refused now, not after the search
        if (repository.branch() != null && base.commit() != null) {
          GitBase.checkBranch(repository.source(), repository.branch());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new AideException("cannot use the repository's base: " + e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new AideException(
          "cannot copy the repository's base " + repository.source() + " to " + target + ": " + e,
          e);
    }
    RepoRun run = new RepoRun(repository, base);
    run.checkGlobs();
    return run;
  }

  /** Refuses an edit glob that matches no file of the base. */
  private void checkGlobs() {
    for (String glob : repository.editable()) {
      Predicate<String> one = Globs.of(List.of(glob));
      if (base.files().stream().noneMatch(one)) {
        throw new AideException(
            "the edit glob '"
                + glob
                + "' matches no file of the base "
                + repository.source()
                + " ("
                + base.files().size()
                + " files, e.g. "
                + String.join(", ", base.files().subList(0, Math.min(5, base.files().size())))
                + "); globs are relative to the base, '**' crosses directories");
      }
    }
  }

  Repository repository() {
    return repository;
  }

  BaseTree base() {
    return base;
  }

  /** Whether the coder may edit or create {@code path}. */
  boolean editable(String path) {
    return editable.test(path);
  }

  /** What run.json records besides the task: the base's commit hash and fingerprint. */
  Map<String, @Nullable Object> record() {
    Map<String, @Nullable Object> map = new java.util.LinkedHashMap<>();
    map.put("commit", base.commit());
    map.put("files", base.files().size());
    map.put("fingerprint", base.fingerprint());
    return map;
  }

  /** The changes of the node whose diff against the base is {@code diff}. */
  SortedMap<String, Optional<String>> changes(String diff) {
    if (diff.isBlank()) return new TreeMap<>();
    return new TreeMap<>(UnifiedDiff.apply(diff, base::read));
  }

  /** The changes of {@code node}; none for a node without a diff. */
  SortedMap<String, Optional<String>> changes(@Nullable Node node) {
    return node == null ? new TreeMap<>() : changes(node.code());
  }

  /** The tree as {@code changes} leave the base, for the coder's edits. */
  SearchReplace.Tree tree(Map<String, Optional<String>> changes) {
    return new SearchReplace.Tree() {
      @Override
      public @Nullable String read(String path) {
        return RepoRun.this.read(changes, path);
      }

      @Override
      public boolean editable(String path) {
        return RepoRun.this.editable(path);
      }

      @Override
      public java.util.Collection<String> paths() {
        return base.files();
      }
    };
  }

  /** The text of {@code path} as {@code changes} leave the base; null when absent or binary. */
  @Nullable String read(Map<String, Optional<String>> changes, String path) {
    Optional<String> changed = changes.get(path);
    return changed != null ? changed.orElse(null) : base.read(path);
  }

  /**
   * The changes of {@code parent} with {@code edits} on top, against the base: a file the edits
   * bring back to the base's content is no longer a change.
   */
  SortedMap<String, Optional<String>> combine(
      Map<String, Optional<String>> parent, Map<String, Optional<String>> edits) {
    SortedMap<String, Optional<String>> result = new TreeMap<>(parent);
    edits.forEach(
        (path, content) -> {
          if (content.equals(Optional.ofNullable(base.read(path))) && baseHas(path, content)) {
            result.remove(path);
          } else {
            result.put(path, content);
          }
        });
    return result;
  }

  private boolean baseHas(String path, Optional<String> content) {
    return content.isPresent() == base.files().contains(path);
  }

  /** The diff from the tree {@code from} leaves to the one {@code to} leaves (both changes). */
  String diff(Map<String, Optional<String>> from, Map<String, Optional<String>> to) {
    SortedMap<String, @Nullable String> before = new TreeMap<>();
    SortedMap<String, @Nullable String> after = new TreeMap<>();
    List<String> paths = new ArrayList<>(from.keySet());
    for (String path : to.keySet()) if (!from.containsKey(path)) paths.add(path);
    for (String path : paths) {
      before.put(path, read(from, path));
      after.put(path, read(to, path));
    }
    return UnifiedDiff.diff(before, after);
  }

  /** Makes {@code working} the base with {@code changes} applied. */
  void materialize(Path working, Map<String, Optional<String>> changes) {
    try {
      base.materialize(working, changes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the tree in " + working, e);
    }
  }

  /**
   * Commits {@code best}'s diff on the repository's {@link Repository#branch() branch}, where it
   * asks for one and the diff is not empty; a failure is logged, not thrown, since the search is
   * over and its results are written.
   */
  void commitBest(@Nullable Node best) {
    String branch = repository.branch();
    String commit = base.commit();
    if (branch == null || commit == null || best == null || best.code().isBlank()) return;
    String message =
        "aide: the best patch of the search (node "
            + best.id()
            + ", metric "
            + Text.number(best.metric().value())
            + ")";
    try {
      GitBase.createBranch(repository.source(), commit, branch, best.code(), message);
      log.info(
          "Committed node {}'s patch on branch {} of {} (from {})",
          best.id(),
          branch,
          repository.source(),
          commit);
    } catch (IOException | RuntimeException e) {
      log.warn("Could not commit the best patch on branch {}: {}", branch, e.getMessage());
    }
  }

  /** Writes a full, writable copy of the base with {@code changes} applied to {@code target}. */
  void copyTo(Path target, Map<String, Optional<String>> changes) throws IOException {
    base.copyTo(target, changes);
  }
}
