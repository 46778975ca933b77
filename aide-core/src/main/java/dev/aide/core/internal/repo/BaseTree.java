package dev.aide.core.internal.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only copy of a repository task's base under the run directory, and the node trees made
 * from it.
 *
 * <p>{@link #snapshot} copies a directory's regular files ({@code .git} and the excludes left out),
 * {@link #snapshotGit} the files git tracks at a commit; both write to a temporary sibling that is
 * renamed into place, so a crash leaves no half copy, and make every file read-only (0444, 0555 for
 * executables). A manifest beside the files, {@value #MANIFEST}, holds the commit and a SHA-256
 * fingerprint of the paths and contents. {@link #materialize} builds a node's tree with hard links
 * to these files for the unchanged ones and fresh files for the changed ones, copying where the
 * file system cannot link: a program's write into a linked file fails (it is read-only and, for a
 * program run as another user, not its own) instead of changing every tree. Immutable and
 * thread-safe; parallel {@code materialize} calls for different directories are safe.
 */
public final class BaseTree {
  private static final Logger log = LoggerFactory.getLogger(BaseTree.class);

  /** The manifest in the snapshot's directory: commit and fingerprint. */
  static final String MANIFEST = ".aide-base";

  private static final Set<PosixFilePermission> READ_ONLY =
      PosixFilePermissions.fromString("r--r--r--");
  private static final Set<PosixFilePermission> READ_ONLY_EXEC =
      PosixFilePermissions.fromString("r-xr-xr-x");
  private static final Set<PosixFilePermission> WRITABLE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> WRITABLE_EXEC =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private final Path root;
  private final List<String> files;
  private final @Nullable String commit;
  private final String fingerprint;
  private final AtomicBoolean copyLogged = new AtomicBoolean();

  private BaseTree(Path root, List<String> files, @Nullable String commit, String fingerprint) {
    this.root = root;
    this.files = Collections.unmodifiableList(files);
    this.commit = commit;
    this.fingerprint = fingerprint;
  }

  /**
   * Copies {@code source}'s regular files, but {@code .git/} and those {@code excludes} match, into
   * {@code target}, read-only.
   *
   * @throws IllegalArgumentException when {@code target} exists, or a link leaves the tree
   */
  public static BaseTree snapshot(Path source, Path target, List<String> excludes)
      throws IOException {
    Predicate<String> excluded = Globs.of(excludes);
    Path src = source.toRealPath();
    Path temp = begin(target);
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = relative(src, p);
        if (rel.isEmpty() || rel.equals(".git") || rel.startsWith(".git/")) continue;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || excluded.test(rel)) continue;
        Path to = temp.resolve(rel);
        Files.createDirectories(to.getParent());
        if (Files.isSymbolicLink(p)) {
          Path link = Files.readSymbolicLink(p);
          Path resolved = p.getParent().resolve(link).normalize();
          if (link.isAbsolute() || !resolved.startsWith(src)) {
            throw new IllegalArgumentException(
                "the link "
                    + rel
                    + " points outside the base ("
                    + link
                    + "); remove it or exclude"
                    + " it");
          }
          Files.createSymbolicLink(to, link);
          files.add(rel);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, to);
          files.add(rel);
        }
      }
    }
    return finish(temp, target, files, null);
  }

  /**
   * Copies the files git tracks in {@code repo} at {@code commitish} into {@code target},
   * read-only.
   *
   * @throws IllegalArgumentException when {@code repo} is not a git work tree, the commit is
   *     unknown, or tracked files have uncommitted changes (the first few are named)
   */
  public static BaseTree snapshotGit(Path repo, String commitish, Path target) throws IOException {
    String inside = git(repo, null, "rev-parse", "--is-inside-work-tree");
    if (inside == null || !inside.strip().equals("true")) {
      throw new IllegalArgumentException(repo + " is not a git work tree");
    }
    String hash = git(repo, null, "rev-parse", "--verify", "--quiet", commitish + "^{commit}");
    if (hash == null || hash.isBlank()) {
      throw new IllegalArgumentException("git knows no commit " + commitish + " in " + repo);
    }
    hash = hash.strip();
    String status = git(repo, null, "status", "--porcelain", "--untracked-files=no");
    if (status == null) throw new IOException("git status failed in " + repo);
    if (!status.isBlank()) {
      List<String> changed = status.lines().limit(5).map(l -> l.substring(3)).toList();
      throw new IllegalArgumentException(
          repo
              + " has uncommitted changes to tracked files ("
              + String.join(", ", changed)
              + (status.lines().count() > 5 ? ", ..." : "")
              + "): commit or stash them, or give a directory base without --commit");
    }
    Path temp = begin(target);
    Path tar = temp.resolveSibling(temp.getFileName() + ".tar");
    try {
      // a base below the top of its work tree is that directory's tree of the commit, which git
      // archive gives when run at the top (in the directory it would look below it once more)
      String prefix = git(repo, null, "rev-parse", "--show-prefix");
      String top = git(repo, null, "rev-parse", "--show-toplevel");
      if (prefix == null || top == null) throw new IOException("git rev-parse failed in " + repo);
      String spec = hash + (prefix.isBlank() ? "" : ":" + prefix.strip());
      if (git(Path.of(top.strip()), tar, "archive", "--format=tar", spec) == null) {
        throw new IOException("git archive " + spec + " failed in " + repo);
      }
      run(List.of("tar", "-xf", tar.toString(), "-C", temp.toString()), null, repo);
    } finally {
      Files.deleteIfExists(tar);
    }
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(temp)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) files.add(relative(temp, p));
      }
    }
    return finish(temp, target, files, hash);
  }

  /**
   * Opens the snapshot in {@code target} that an earlier run made.
   *
   * @throws IllegalArgumentException when {@code target} holds no snapshot
   */
  public static BaseTree open(Path target) throws IOException {
    Path manifest = target.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new IllegalArgumentException(
          target + " is not a copy of a base (no " + MANIFEST + "); remove it to start over");
    }
    Map<String, String> fields = new java.util.HashMap<>();
    for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) fields.put(line.substring(0, eq), line.substring(eq + 1));
    }
    List<String> files = list(target);
    String fingerprint = fingerprint(target, files);
    if (!fingerprint.equals(fields.get("fingerprint"))) {
      throw new IllegalArgumentException(
          "the copy of the base in "
              + target
              + " changed since it was made; remove it to start"
              + " over");
    }
    String commit = fields.get("commit");
    return new BaseTree(
        target, files, commit == null || commit.isEmpty() ? null : commit, fingerprint);
  }

  private static Path begin(Path target) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(target + " exists already");
    }
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling("." + target.getFileName() + ".new");
    if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) deleteTree(temp);
    Files.createDirectories(temp);
    return temp;
  }

  private static BaseTree finish(
      Path temp, Path target, List<String> files, @Nullable String commit) throws IOException {
    Collections.sort(files);
    String fingerprint = fingerprint(temp, files);
    for (String f : files) {
      Path p = temp.resolve(f);
      if (Files.isSymbolicLink(p)) continue;
      boolean exec = Files.isExecutable(p);
      Files.setPosixFilePermissions(p, exec ? READ_ONLY_EXEC : READ_ONLY);
    }
    Files.writeString(
        temp.resolve(MANIFEST),
        "commit="
            + (commit == null ? "" : commit)
            + "\nfiles="
            + files.size()
            + "\nfingerprint="
            + fingerprint
            + "\n",
        StandardCharsets.UTF_8);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    return new BaseTree(target, files, commit, fingerprint);
  }

  private static List<String> list(Path root) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
        String rel = relative(root, p);
        if (!rel.equals(MANIFEST)) files.add(rel);
      }
    }
    Collections.sort(files);
    return files;
  }

  private static String fingerprint(Path root, List<String> files) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String f : files) {
      sha.update(f.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      Path p = root.resolve(f);
      byte[] content =
          Files.isSymbolicLink(p)
              ? ("link:" + Files.readSymbolicLink(p)).getBytes(StandardCharsets.UTF_8)
              : Files.readAllBytes(p);
      sha.update(Long.toString(content.length).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(content);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** The base's files, sorted, as relative '/'-paths. */
  public List<String> files() {
    return files;
  }

  /** The full hash of a git base's commit; null for a directory base. */
  public @Nullable String commit() {
    return commit;
  }

  /** The SHA-256 of the base's paths and contents. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Where the snapshot's file {@code relative} is. */
  public Path path(String relative) {
    return root.resolve(relative);
  }

  /** The size of {@code relative} in bytes; 0 when unreadable. */
  public long size(String relative) {
    try {
      return Files.size(root.resolve(relative));
    } catch (IOException e) {
      return 0;
    }
  }

  /** The text of the base's file {@code relative}; null when absent, a link or not UTF-8 text. */
  public @Nullable String read(String relative) {
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return null;
    if (relative.equals(MANIFEST)) return null;
    try {
      byte[] bytes = Files.readAllBytes(p);
      for (byte b : bytes) if (b == 0) return null;
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes {@code working} (absent or empty) the base with {@code changes} applied: links to the
   * snapshot's unchanged files, fresh writable files for the changed ones, none for deleted ones.
   */
  public void materialize(Path working, Map<String, Optional<String>> changes) throws IOException {
    write(working, changes, true);
  }

  /** Writes a full, writable copy of the base with {@code changes} applied to {@code target}. */
  public void copyTo(Path target, Map<String, Optional<String>> changes) throws IOException {
    write(target, changes, false);
  }

  private void write(Path target, Map<String, Optional<String>> changes, boolean link)
      throws IOException {
    Files.createDirectories(target);
    for (String f : files) {
      if (changes.containsKey(f)) continue;
      Path from = root.resolve(f);
      Path to = target.resolve(f);
      Files.createDirectories(to.getParent());
      if (Files.isSymbolicLink(from)) {
        Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        continue;
      }
      if (link && linkOrCopy(from, to)) continue;
      Files.copy(from, to);
      Files.setPosixFilePermissions(to, Files.isExecutable(from) ? WRITABLE_EXEC : WRITABLE);
    }
    for (Map.Entry<String, Optional<String>> e : changes.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      Path to = target.resolve(e.getKey()).normalize();
      if (!to.startsWith(target))
        throw new IllegalArgumentException("a path outside the tree: " + e.getKey());
      Files.createDirectories(to.getParent());
      Files.writeString(to, e.getValue().get(), StandardCharsets.UTF_8);
      Path from = root.resolve(e.getKey());
      boolean exec = Files.isRegularFile(from) && Files.isExecutable(from);
      Files.setPosixFilePermissions(to, exec ? WRITABLE_EXEC : WRITABLE);
    }
  }

  /** Hard-links {@code to} to {@code from}; false (logged once) where the file system cannot. */
  private boolean linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
      return true;
    } catch (FileSystemException | UnsupportedOperationException e) {
      if (copyLogged.compareAndSet(false, true)) {
        log.info("Cannot hard-link the base's files ({}); the node trees are copies", e.toString());
      }
      return false;
    }
  }

  /**
   * Runs git in {@code repo}; its output, or null when it failed. {@code out}: write stdout there.
   */
  private static @Nullable String git(Path repo, @Nullable Path out, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    return run(command, out, repo);
  }

  private static @Nullable String run(List<String> command, @Nullable Path out, Path dir)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    if (out != null) pb.redirectOutput(out.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run " + command.get(0) + " (is it installed?): " + e.getMessage(), e);
    }
    p.getOutputStream().close();
    String text = "";
    if (out == null) {
      try (InputStream in = p.getInputStream()) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        text = buffer.toString(StandardCharsets.UTF_8);
      }
    }
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + dir);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    return p.exitValue() == 0 ? text : null;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
