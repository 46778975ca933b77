package dev.aide.core.internal;

import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Repository;
import dev.aide.core.Reproduction;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.score.Holdout;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one run in its output directory: {@code run.json}, {@code journal.jsonl}, {@code
 * best/}, {@code workspaces/}, {@code tree.html} and {@code report.md}.
 *
 * <p>Each finished node is appended to the journal file as one line and written through to the
 * operating system at once, so a process that dies loses no finished node; the cost of recording a
 * node does not depend on the journal's length. Opening a directory that already holds a journal
 * resumes it. Not safe for concurrent use: the engine calls it under its lock.
 */
public final class RunStore implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(RunStore.class);

  static final String RUN_FILE = "run.json";
  static final String JOURNAL_FILE = "journal.jsonl";
  static final String BEST_DIR = "best";
  static final String BEST_NEW_DIR = ".best.new";
  static final String BEST_OLD_DIR = ".best.old";
  static final String BEST_NODE_FILE = "node.json";

  /** In {@code best/} of a repository task: the best node's diff against the base. */
  static final String BEST_PATCH_FILE = "patch.diff";

  /** In {@code best/} of a repository task: the base with the best node's diff applied. */
  static final String BEST_TREE_DIR = "tree";

  static final String WORKSPACES_DIR = "workspaces";
  static final String TREE_FILE = "tree.html";
  static final String REPORT_FILE = "report.md";
  static final String LOCK_FILE = ".aide.lock";

  /** The programs' view of the data when the task has a holdout (see {@link HoldoutSplit}). */
  static final String INPUT_DIR = "input";

  /** The directories locked by searches of this JVM, by real path, with who holds them. */
  private static final Map<Path, String> LOCKED_HERE = new ConcurrentHashMap<>();

  /**
   * Channels to lock files that must stay open: closing any channel to a file drops every lock this
   * process holds on it (POSIX), so one opened on a file locked here is never closed.
   */
  private static final List<FileChannel> KEPT_OPEN =
      java.util.Collections.synchronizedList(new ArrayList<>());

  private final Path dir;
  private final Task task;
  private final Journal journal;
  private final @Nullable Long storedSeed;
  private final WritableByteChannel journalChannel;
  private final JournalFile journalFile;

  /** Whether appended lines land in {@code journalFile}, so that nodes can be read back there. */
  private final boolean appendsToJournalFile;

  private final DirectoryLock lock;

  /**
   * Opens the channel that journal lines are appended to. The engine uses {@link #FILES}; tests
   * pass one that fails, to see how a search meets a full disk or an I/O error.
   */
  @FunctionalInterface
  public interface JournalOpener {
    /** Appends to the file with a {@link FileChannel} in APPEND mode, creating it if missing. */
    JournalOpener FILES =
        file ->
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);

    /** Opens {@code file} for appending. */
    WritableByteChannel open(Path file) throws IOException;
  }

  private @Nullable Direction recordedDirection;

  /** The task's holdout split, made when the store opened; null when the task has none. */
  private @Nullable HoldoutSplit holdout;

  /** A repository task's base tree, copied when the store opened; null for other tasks. */
  private @Nullable RepoRun repository;

  private RunStore(
      Path dir,
      Task task,
      Journal journal,
      @Nullable Long storedSeed,
      WritableByteChannel channel,
      JournalFile journalFile,
      boolean appendsToJournalFile,
      DirectoryLock lock,
      @Nullable Direction recordedDirection) {
    this.lock = lock;
    this.journalFile = journalFile;
    this.appendsToJournalFile = appendsToJournalFile && channel instanceof FileChannel;
    this.dir = dir;
    this.task = task;
    this.journal = journal;
    this.storedSeed = storedSeed;
    this.recordedDirection = recordedDirection;
    this.journalChannel = channel;
  }

  /**
   * Opens the run in {@code dir}: resumes it when it holds a journal of the same task, else starts
   * a new one and writes {@code run.json}. Takes the directory's lock ({@code .aide.lock}) first,
   * so that one search at a time writes there; {@link #close} releases it, and so does the end of
   * the process.
   *
   * @param settings the run's settings, recorded in {@code run.json}; must hold "seed"
   * @throws AideException if the directory holds a run of another task or cannot be written
   */
  public static RunStore open(Path dir, Task task, Map<String, Object> settings) {
    return open(dir, task, settings, JournalOpener.FILES);
  }

  /**
   * Like {@link #open(Path, Task, Map)}, appending to the journal through {@code opener}.
   *
   * @throws AideException if the directory holds a run of another task or cannot be written, or
   *     another search (of this process or another) holds it; the message names the holder
   */
  public static RunStore open(
      Path dir, Task task, Map<String, Object> settings, JournalOpener opener) {
    DirectoryLock lock;
    try {
      Files.createDirectories(dir);
      lock = DirectoryLock.take(dir);
    } catch (IOException e) {
      throw new AideException("cannot write the output directory " + dir + ": " + e, e);
    }
    try {
      return open(dir, task, settings, opener, lock);
    } catch (RuntimeException | Error e) {
      lock.release();
      throw e;
    }
  }

  private static RunStore open(
      Path dir, Task task, Map<String, Object> settings, JournalOpener opener, DirectoryLock lock) {
    try {
      Path journalFile = dir.resolve(JOURNAL_FILE);
      Path runFile = dir.resolve(RUN_FILE);
      Journal journal = new Journal();
      JournalFile lines = new JournalFile(journalFile, JournalFile.DEFAULT_CACHED_NODES);
      Long storedSeed = null;
      Direction recordedDirection = null;
      boolean resumed = Files.exists(runFile);
      HoldoutSplit split = null;
      RepoRun repo = null;
      if (resumed) {
        Map<String, @Nullable Object> run = RunFiles.read(runFile);
        checkSameTask(dir, run, task);
        split = prepareHoldout(dir, task);
        checkSameHoldout(dir, run, split);
        repo = prepareRepository(dir, task);
        checkSameBase(dir, run, repo);
        storedSeed = storedSeed(runFile, run);
        if (Files.exists(journalFile)) loadJournal(lines, journal);
        recordedDirection = recordedDirection(run, journal);
        checkSameDirection(dir, recordedDirection, task);
        log.info("Resuming the run in {} with {} finished nodes", dir, journal.size());
      } else {
        if (Files.exists(journalFile)) {
          throw new AideException(
              dir
                  + " holds "
                  + JOURNAL_FILE
                  + " but no "
                  + RUN_FILE
                  + "; choose another output"
                  + " directory, or delete this one to start over");
        }
        split = prepareHoldout(dir, task);
        repo = prepareRepository(dir, task);
        writeAtomically(
            runFile,
            RunFiles.runJson(
                task,
                settings,
                split == null ? null : split.fingerprint(),
                repo == null ? null : repo.record()));
      }
      WritableByteChannel channel = opener.open(journalFile);
      RunStore store =
          new RunStore(
              dir,
              task,
              journal,
              storedSeed,
              channel,
              lines,
              opener == JournalOpener.FILES,
              lock,
              recordedDirection);
      store.holdout = split;
      store.repository = repo;
      if (resumed) {
        try {
          store.reconcileBest();
        } catch (IOException | RuntimeException e) {
          store.close();
          throw e;
        }
      }
      return store;
    } catch (IOException e) {
      throw new AideException("cannot write the output directory " + dir + ": " + e, e);
    }
  }

  /**
   * Makes the task's holdout split in {@code dir}'s {@value #INPUT_DIR}, or returns null when the
   * task has none.
   *
   * @throws AideException when the holdout does not fit the data (the message names the column,
   *     file or row) or the view cannot be written
   */
  private static @Nullable HoldoutSplit prepareHoldout(Path dir, Task task) {
    Holdout spec = task.holdout();
    Path data = task.dataDir();
    if (spec == null || data == null) return null;
    try {
      HoldoutSplit split = HoldoutSplit.prepare(spec, data, dir.resolve(INPUT_DIR));
      log.info(
          "Holdout: {} of the {} labelled rows of {} kept to score the runs ({})",
          split.keptRows(),
          split.keptRows() + split.trainRows(),
          split.trainFile(),
          spec);
      return split;
    } catch (IllegalArgumentException e) {
      throw new AideException("the task's holdout does not fit its data: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AideException(
          "cannot write the programs' data with the holdout to "
              + dir.resolve(INPUT_DIR)
              + ": "
              + e,
          e);
    }
  }

  /** A repository task's base, copied into {@code dir} (or opened there); null for other tasks. */
  private static @Nullable RepoRun prepareRepository(Path dir, Task task) {
    Repository repository = task.repository();
    return repository == null ? null : RepoRun.prepare(dir, repository);
  }

  /** Refuses to resume a run whose base copy is not the one run.json recorded. */
  private static void checkSameBase(Path dir, Map<?, ?> run, @Nullable RepoRun repo) {
    Object recorded =
        run.get(RunFiles.REPOSITORY_BASE) instanceof Map<?, ?> m ? m.get("fingerprint") : null;
    String now = repo == null ? null : repo.base().fingerprint();
    if (Objects.equals(recorded, now)) return;
    throw new AideException(
        dir
            + (recorded == null
                ? " holds a run without a repository, but the task now has one"
                : now == null
                    ? " holds a run over a repository, but the task now has none"
                    : " holds a run whose copy of the base, "
                        + dir.resolve(RepoRun.BASE_DIR)
                        + ", changed since it was made")
            + ": its nodes' patches would not apply. Choose another output directory, or delete"
            + " this one to start over.");
  }

  /** A repository task's base; null for other tasks. */
  @Nullable RepoRun repository() {
    return repository;
  }

  /** Refuses to resume a run whose holdout rows were others than the data now gives. */
  private static void checkSameHoldout(Path dir, Map<?, ?> run, @Nullable HoldoutSplit split) {
    Object recorded = run.get(RunFiles.HOLDOUT_FINGERPRINT);
    String now = split == null ? null : split.fingerprint();
    if (Objects.equals(recorded, now)) return;
    throw new AideException(
        dir
            + (recorded == null
                ? " holds a run without a holdout, but the task now has one"
                : now == null
                    ? " holds a run scored on a holdout, but the task now has none"
                    : " holds a run scored on other holdout rows than the data and seed give now"
                        + " (the data changed)")
            + ": its nodes' metrics would not compare with new ones. Choose another output"
            + " directory, or delete this one to start over.");
  }

  /**
   * The directory whose files the programs read as {@code input/}: the holdout's view of the data
   * where the task has one, else the task's data directory; null when the task has no data.
   */
  public @Nullable Path programData() {
    return holdout != null ? dir.resolve(INPUT_DIR) : task.dataDir();
  }

  /** The task's holdout split; null when the task has none. */
  public @Nullable HoldoutSplit holdout() {
    return holdout;
  }

  /** The nodes read back from disk (empty for a new run); the engine appends to it. */
  public Journal journal() {
    return journal;
  }

  /** The seed recorded by the run being resumed, or null for a new run. */
  public @Nullable Long storedSeed() {
    return storedSeed;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The metric's direction the run being resumed settled: the one its task set, else the one
   * recorded in {@code run.json}'s {@code metricDirection}, else that of its good nodes; null for a
   * new run and while none is settled.
   */
  public @Nullable Direction recordedDirection() {
    return recordedDirection;
  }

  /**
   * Records the metric's direction in {@code run.json} as {@code metricDirection} ({@code
   * direction}, {@code decidedBy}, {@code reason}), rewriting the file atomically.
   */
  public void recordDirection(Direction direction, String decidedBy, String reason) {
    Path runFile = dir.resolve(RUN_FILE);
    try {
      Map<String, @Nullable Object> run = RunFiles.read(runFile);
      Map<String, Object> decision = new LinkedHashMap<>();
      decision.put("direction", direction.name());
      decision.put("decidedBy", decidedBy);
      decision.put("reason", reason);
      run.put("metricDirection", decision);
      writeAtomically(runFile, RunFiles.write(run));
      recordedDirection = direction;
    } catch (IOException e) {
      throw new AideException("cannot write " + runFile + ": " + e, e);
    }
  }

  /**
   * Appends {@code node} to {@code journal.jsonl}, writes it through to the OS, and returns the
   * node to add to the journal: one that keeps its plan, code and execution in the file and reads
   * them back on demand (see {@link Node}), or {@code node} itself when the journal is appended to
   * through another {@link JournalOpener} than {@link JournalOpener#FILES} (as tests do).
   *
   * @throws AideException if the line could not be written (a full disk, an I/O error); the message
   *     names the file, the node and the cause
   */
  public Node append(Node node) {
    byte[] line = (NodeJson.write(node) + "\n").getBytes(StandardCharsets.UTF_8);
    long offset;
    try {
      // the directory's lock makes this the only writer, so the line goes where the file ends now
      offset = appendsToJournalFile ? ((FileChannel) journalChannel).size() : -1;
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) journalChannel.write(buffer);
    } catch (IOException | RuntimeException e) {
      throw new AideException(
          "cannot append node " + node.id() + " to " + dir.resolve(JOURNAL_FILE) + ": " + e, e);
    }
    return offset < 0 ? node : journalFile.back(node, offset, line.length - 1);
  }

  /**
   * Makes {@code node} the run's best: builds a new {@code best/} beside the old one, holding the
   * node's code, the files its run left in {@code working/} (those still there) and {@code
   * node.json} (which node it is), then swaps it in by two renames. So {@code best/} always holds
   * one node's complete set; a process killed between the renames leaves no {@code best/}, which
   * the next {@link #open} rebuilds.
   *
   * @throws AideException if {@code best/} could not be written
   */
  public void writeBest(Node node) {
    Path best = dir.resolve(BEST_DIR);
    Path fresh = dir.resolve(BEST_NEW_DIR);
    Path old = dir.resolve(BEST_OLD_DIR);
    String solutionName = solutionName();
    try {
      deleteRecursively(fresh);
      deleteRecursively(old);
      Files.createDirectories(fresh);
      ExecutionResult execution = node.execution();
      if (repository != null) {
        repository.copyTo(fresh.resolve(BEST_TREE_DIR), repository.changes(node));
      } else if (execution != null) {
        Path working = workspace(node.id()).resolve("working");
        Path realWorking = Files.isDirectory(working) ? working.toRealPath() : working;
        for (String file : execution.files()) {
          Path source = working.resolve(file).normalize();
          Path target = fresh.resolve(file).normalize();
          if (!source.startsWith(working) || !target.startsWith(fresh)) continue;
          if (target.equals(fresh.resolve(solutionName))
              || target.equals(fresh.resolve(BEST_NODE_FILE))
              || !isPlainFileIn(source, realWorking)) {
            continue;
          }
          Files.createDirectories(Objects.requireNonNull(target.getParent()));
          if (holdout != null && file.equals(task.expectedOutput())) {
            if (!holdout.testFileCreated()) holdout.writeTestPredictions(working, target);
            continue;
          }
          Files.copy(
              source, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        }
      }
      Files.writeString(fresh.resolve(solutionName), node.code());
      Map<String, Object> marker = new LinkedHashMap<>();
      marker.put("id", node.id());
      marker.put("metric", node.metric().value());
      Files.writeString(fresh.resolve(BEST_NODE_FILE), NodeJson.JSON.toJson(marker) + "\n");
      if (Files.exists(best, LinkOption.NOFOLLOW_LINKS)) move(best, old);
      move(fresh, best);
      deleteRecursively(old);
    } catch (IOException e) {
      throw new AideException("cannot write " + best + " for node " + node.id() + ": " + e, e);
    }
  }

  /**
   * Brings {@code best/} in line with the journal's best node after a process died mid-way: removes
   * the temporary files and directories it left, and rebuilds {@code best/} unless its {@code
   * node.json} and code are the best node's (removes it when the journal has no good node).
   */
  private void reconcileBest() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path path : entries) {
        String name = path.getFileName().toString();
        if (name.equals(BEST_NEW_DIR) || name.equals(BEST_OLD_DIR) || isTempFile(name)) {
          log.info("Removing {}, left by a process that stopped while writing it", path);
          deleteRecursively(path);
        }
      }
    }
    Path best = dir.resolve(BEST_DIR);
    Node node = journal.best();
    if (node == null) {
      if (Files.exists(best, LinkOption.NOFOLLOW_LINKS)) {
        log.warn("Removing {}: the journal holds no good node", best);
        deleteRecursively(best);
      }
      return;
    }
    if (!holdsNode(best, node)) {
      log.info("Rewriting {} for node {}, the journal's best", best, node.id());
      writeBest(node);
    }
  }

  /**
   * Whether {@code source} is a regular file, not a link, that lies in {@code realWorking} with
   * links followed: a program may leave a link to a file of the host (or a linked directory) in
   * {@code working/}, which must not be copied out of it.
   */
  private static boolean isPlainFileIn(Path source, Path realWorking) {
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) return false;
    try {
      return source.toRealPath().startsWith(realWorking);
    } catch (IOException e) {
      return false;
    }
  }

  private boolean holdsNode(Path best, Node node) {
    try {
      Object marker = NodeJson.JSON.fromJson(Files.readString(best.resolve(BEST_NODE_FILE)));
      if (!(marker instanceof Map<?, ?> map)
          || !(map.get("id") instanceof Number id)
          || id.intValue() != node.id()) {
        return false;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(best)) {
        for (Path path : entries) {
          if (isTempFile(path.getFileName().toString())) return false;
        }
      }
      return Files.readString(best.resolve(solutionName())).equals(node.code());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The file of {@code best/} that holds the best node's code: the language's file, or {@value
   * #BEST_PATCH_FILE} (its diff against the base) for a repository task.
   */
  private String solutionName() {
    return task.repository() != null ? BEST_PATCH_FILE : task.language().fileName();
  }

  /** Whether {@code name} is a temporary file of {@link #writeAtomically}. */
  private static boolean isTempFile(String name) {
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /**
   * Returns a writer of this run's reports ({@code tree.html} with its data scripts, {@code
   * report.md}) in the output directory; the engine starts it once.
   *
   * @param interval the least time between two writes of report.md while the run goes on
   * @param elapsed the wall time of the search so far
   */
  ReportWriter reportWriter(Duration interval, java.util.function.Supplier<Duration> elapsed) {
    return new ReportWriter(dir, task, interval, elapsed);
  }

  /** The workspace directory of node {@code id}. */
  public Path workspace(int id) {
    return dir.resolve(WORKSPACES_DIR).resolve(Integer.toString(id));
  }

  /**
   * Creates a fresh workspace for node {@code id}, removing what an earlier, interrupted attempt
   * left there: {@code working/} and {@code input/}, a link to the task's data (or a copy where
   * links are not allowed, or an empty directory when the task has no data).
   */
  public Path prepareWorkspace(int id) {
    return prepareWorkspace(workspace(id));
  }

  /**
   * Creates a fresh workspace, {@code workspaces/reproduce-<id>}, to run node {@code id} again in,
   * as {@link #prepareWorkspace(int)} does.
   */
  Path prepareReproduction(int id) {
    return prepareWorkspace(dir.resolve(WORKSPACES_DIR).resolve("reproduce-" + id));
  }

  /**
   * Records {@code reproduction} in run.json as {@code reproduction}, rewriting the file
   * atomically; a failure to write is logged, not thrown, since the search is over.
   */
  void recordReproduction(Reproduction reproduction) {
    Path runFile = dir.resolve(RUN_FILE);
    try {
      Map<String, @Nullable Object> run = RunFiles.read(runFile);
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      map.put("nodeId", reproduction.nodeId());
      map.put("metric", reproduction.metric());
      map.put("rerunMetric", reproduction.rerunMetric());
      map.put("tolerance", reproduction.tolerance());
      map.put("reproduced", reproduction.reproduced());
      map.put("failure", reproduction.failure());
      map.put("at", Instant.now().toString());
      run.put("reproduction", map);
      writeAtomically(runFile, RunFiles.write(run));
    } catch (IOException | RuntimeException e) {
      log.warn("Could not record the reproduction in {}: {}", runFile, e.toString());
    }
  }

  private Path prepareWorkspace(Path workspace) {
    try {
      if (Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) deleteRecursively(workspace);
      Files.createDirectories(workspace.resolve("working"));
      Path input = workspace.resolve("input");
      Path data = programData();
      if (data == null) {
        Files.createDirectories(input);
      } else {
        try {
          Files.createSymbolicLink(input, data);
        } catch (UnsupportedOperationException | IOException e) {
          copyRecursively(data, input);
        }
      }
      return workspace;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the workspace " + workspace, e);
    }
  }

  /** Closes the journal and releases the directory's lock. */
  @Override
  public void close() {
    try {
      journalChannel.close();
    } catch (IOException e) {
      log.warn("Could not close {}", dir.resolve(JOURNAL_FILE), e);
    } finally {
      lock.release();
    }
  }

  /**
   * The lock that makes a search the only writer of its output directory: an OS lock on {@code
   * .aide.lock} (released by the OS when the process dies), which names the holder's pid and start
   * time for the message of the search refused, plus a registry of the directories locked in this
   * JVM, where the OS lock cannot tell two searches apart.
   */
  private static final class DirectoryLock {
    private final Path key;
    private final FileChannel channel;
    private final FileLock fileLock;
    private boolean released;

    private DirectoryLock(Path key, FileChannel channel, FileLock fileLock) {
      this.key = key;
      this.channel = channel;
      this.fileLock = fileLock;
    }

    static DirectoryLock take(Path dir) throws IOException {
      Path key = dir.toRealPath();
      Path file = dir.resolve(LOCK_FILE);
      ProcessHandle self = ProcessHandle.current();
      String holder =
          "process "
              + self.pid()
              + self.info().startInstant().map(t -> " (started " + t + ")").orElse("")
              + ", since "
              + Instant.now();
      String here = LOCKED_HERE.putIfAbsent(key, holder);
      if (here != null) throw inUse(dir, "another search in this process: " + here);
      try {
        FileChannel channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock fileLock;
        try {
          fileLock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          KEPT_OPEN.add(channel); // see KEPT_OPEN
          throw inUse(dir, "another search in this process");
        }
        if (fileLock == null) {
          channel.close();
          throw inUse(dir, "another search: " + holderOf(file));
        }
        channel.truncate(0);
        ByteBuffer text = ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8));
        while (text.hasRemaining()) channel.write(text, text.position());
        return new DirectoryLock(key, channel, fileLock);
      } catch (IOException | RuntimeException | Error e) {
        LOCKED_HERE.remove(key);
        throw e;
      }
    }

    private static String holderOf(Path file) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty()) return text;
      } catch (IOException | RuntimeException e) {
        // named below
      }
      return "a process that has not yet written its pid to " + file;
    }

    private static AideException inUse(Path dir, String holder) {
      return new AideException(
          dir
              + " is in use by "
              + holder
              + ". One search at a time may write to an output directory: wait for that search to"
              + " end or stop it, then run again to resume, or choose another output directory.");
    }

    synchronized void release() {
      if (released) return;
      released = true;
      try {
        fileLock.release();
        channel.close();
      } catch (IOException e) {
        log.warn("Could not release the lock {}", key.resolve(LOCK_FILE), e);
      } finally {
        LOCKED_HERE.remove(key);
      }
    }
  }

  /** The library's version, from the jar's resources. */
  public static String libraryVersion() {
    try (InputStream in = RunStore.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The seed recorded in run.json's settings, or null when there is none.
   *
   * @throws AideException if the recorded seed is not a whole number that fits a long
   */
  private static @Nullable Long storedSeed(Path runFile, Map<String, @Nullable Object> run) {
    if (!(run.get("settings") instanceof Map<?, ?> settings)
        || !(settings.get("seed") instanceof BigDecimal seed)) {
      return null;
    }
    try {
      return seed.longValueExact();
    } catch (ArithmeticException e) {
      throw new AideException(
          runFile + ": field 'settings.seed' should be a whole number, was " + seed, e);
    }
  }

  private static void checkSameTask(Path dir, Map<?, ?> run, Task task) {
    Map<?, ?> old = run.get("task") instanceof Map<?, ?> m ? m : Map.of();
    List<String> differences = new ArrayList<>();
    compare(differences, "goal", old.get("goal"), task.goal());
    compare(differences, "evaluation", old.get("evaluation"), task.evaluation());
    if (!RunFiles.sameLanguage(old.get("language"), task.language())) differences.add("language");
    compare(differences, "startingSolution", old.get("startingSolution"), task.startingSolution());
    compare(differences, "expectedOutput", old.get("expectedOutput"), task.expectedOutput());
    Repository repository = task.repository();
    Object oldRepository = old.get("repository");
    Object newRepository = repository == null ? null : RunFiles.repository(repository);
    if ((oldRepository == null) != (newRepository == null)
        || (oldRepository != null
            && !RunFiles.write(oldRepository).equals(RunFiles.write(newRepository)))) {
      differences.add("repository");
    }
    Holdout holdout = task.holdout();
    Object oldHoldout = old.get("holdout");
    Object newHoldout = holdout == null ? null : RunFiles.holdout(holdout);
    if ((oldHoldout == null) != (newHoldout == null)
        || (oldHoldout != null && !RunFiles.write(oldHoldout).equals(RunFiles.write(newHoldout)))) {
      differences.add("holdout");
    }
    if (!differences.isEmpty()) {
      throw new AideException(
          dir
              + " holds a run of a different task ("
              + String.join(", ", differences)
              + " differ). Choose another output directory, or delete this one to start over.");
    }
  }

  private static @Nullable Direction recordedDirection(Map<?, ?> run, Journal journal) {
    Map<?, ?> task = run.get("task") instanceof Map<?, ?> m ? m : Map.of();
    Map<?, ?> decided = run.get("metricDirection") instanceof Map<?, ?> m ? m : Map.of();
    for (Object name : new Object[] {task.get("direction"), decided.get("direction")}) {
      if (name instanceof String s) {
        try {
          return Direction.valueOf(s);
        } catch (IllegalArgumentException e) {
          log.warn("Ignoring the unknown metric direction {} in {}", s, RUN_FILE);
        }
      }
    }
    return journal.direction();
  }

  private static void checkSameDirection(Path dir, @Nullable Direction recorded, Task task) {
    Direction now = task.direction();
    if (recorded == null || now == null || recorded == now) return;
    throw new AideException(
        dir
            + " holds a run whose metric direction is "
            + recorded
            + ", but the task now says "
            + now
            + ". Resume without a direction (or with "
            + recorded
            + ", the aide command's --direction "
            + (recorded == Direction.MAXIMIZE ? "max" : "min")
            + ") to go on with "
            + recorded
            + ", or choose another output directory to start over with "
            + now
            + ".");
  }

  private static void compare(
      List<String> differences, String field, @Nullable Object old, @Nullable Object now) {
    if (!Objects.equals(old, now)) differences.add(field);
  }

  /**
   * Reads the journal into {@code journal}, a line at a time, as nodes backed by {@code lines}. A
   * last line without its newline is kept when it is a whole node (the process died before writing
   * the newline), and the newline is added; else it was torn by a process that died while writing
   * it and is cut off the file with a warning. Other unreadable lines are skipped with a warning
   * that names the line and what is wrong with it (see {@link #addLine}).
   */
  private static void loadJournal(JournalFile lines, Journal journal) throws IOException {
    loadJournal(lines, journal, true);
  }

  /**
   * Reads the journal file {@code file} into a new journal of nodes backed by it, without changing
   * the file: a torn last line is skipped with a warning, not cut off. For reading a run directory
   * that a search may still be writing.
   */
  static Journal readJournal(Path file) throws IOException {
    Journal journal = new Journal();
    loadJournal(new JournalFile(file, JournalFile.DEFAULT_CACHED_NODES), journal, false);
    return journal;
  }

  /**
   * Reads the journal into {@code journal}; with {@code repair}, completes or cuts off an
   * unfinished last line as {@link #loadJournal(JournalFile, Journal)} says.
   */
  private static void loadJournal(JournalFile lines, Journal journal, boolean repair)
      throws IOException {
    Path file = lines.file();
    java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    long lineStart = 0;
    long position = 0;
    int number = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] chunk = new byte[1 << 16];
      for (int n; (n = in.read(chunk)) != -1; ) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (chunk[i] != '\n') continue;
          pending.write(chunk, from, i - from);
          number++;
          byte[] bytes = pending.toByteArray();
          pending.reset();
          String line = new String(bytes, StandardCharsets.UTF_8);
          if (!line.isBlank()) {
            addOrSkip(journal, line, number, lines, lineStart, bytes.length);
          }
          lineStart = position + i + 1;
          from = i + 1;
        }
        pending.write(chunk, from, n - from);
        position += n;
      }
    }
    if (pending.size() == 0) return;
    number++;
    byte[] bytes = pending.toByteArray();
    String tail = new String(bytes, StandardCharsets.UTF_8);
    Node last = null;
    try {
      if (!tail.isBlank()) last = NodeJson.read(tail);
    } catch (IllegalArgumentException e) {
      // torn: dropped below
    }
    if (!repair) {
      if (last != null) {
        addOrSkip(journal, tail, number, lines, lineStart, bytes.length);
      } else {
        log.warn("Skipping the unfinished last line of {} (line {})", file, number);
      }
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (last != null) {
        channel.position(position);
        ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
        while (newline.hasRemaining()) channel.write(newline);
        addOrSkip(journal, tail, number, lines, lineStart, bytes.length);
      } else {
        log.warn(
            "Skipping the torn last line of {} (line {}, {} bytes): the process stopped while"
                + " writing it",
            file,
            number,
            bytes.length);
        channel.truncate(lineStart);
      }
    }
  }

  /**
   * Adds the node of line {@code number}, which starts at byte {@code offset} and is {@code length}
   * bytes long, backed by {@code lines}; an unreadable or refused line is skipped with a warning.
   */
  private static void addOrSkip(
      Journal journal, String line, int number, JournalFile lines, long offset, int length) {
    try {
      addLine(journal, line, number, node -> lines.back(node, offset, length));
    } catch (IllegalArgumentException e) {
      log.warn("{}; skipping the line ({})", e.getMessage(), lines.file());
    }
  }

  /**
   * Reads line {@code number} (counted from 1) of the journal file and adds its node to {@code
   * journal}.
   *
   * @throws IllegalArgumentException if the line holds no node, or one the journal refuses (a
   *     repeated id, a direction other than its good nodes'); the message starts with the file and
   *     the line, as {@code journal.jsonl line 7: field 'metric' should be a number, was "high"}
   */
  static void addLine(Journal journal, String line, int number) {
    addLine(journal, line, number, node -> node);
  }

  /** Like {@link #addLine(Journal, String, int)}, adding the node {@code backing} makes of it. */
  private static void addLine(
      Journal journal, String line, int number, java.util.function.UnaryOperator<Node> backing) {
    try {
      journal.add(backing.apply(NodeJson.read(line)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          JOURNAL_FILE + " line " + number + ": " + e.getMessage(), e);
    }
  }

  static void writeAtomically(Path target, String content) throws IOException {
    Path parent = Objects.requireNonNull(target.toAbsolutePath().getParent());
    Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, content);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
              throws IOException {
            if (e != null) throw e;
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void copyRecursively(Path source, Path target) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target.resolve(source.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(file, target.resolve(source.relativize(file).toString()));
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
