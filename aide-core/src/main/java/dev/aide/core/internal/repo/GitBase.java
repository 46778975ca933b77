package dev.aide.core.internal.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a repository task does with git: checks a base repository, reads the tracked files at a
 * commit (for {@link BaseTree#snapshotGit}) and commits a patch on a new branch ({@link
 * #createBranch}), always with plumbing commands that leave the user's work tree and index alone.
 *
 * <p>Runs the {@code git} on the PATH. Stateless and safe to use from several threads; two calls
 * that create the same branch at once are decided by git's ref update (one of them fails).
 */
public final class GitBase {
  /** The author and committer of the branch commit when the repository names none. */
  static final String IDENTITY_NAME = "AIDE";

  static final String IDENTITY_EMAIL = "aide@localhost";

  /** Variables that would point git at another repository or index than the one asked for. */
  private static final List<String> LOCATION_VARIABLES =
      List.of(
          "GIT_DIR",
          "GIT_WORK_TREE",
          "GIT_INDEX_FILE",
          "GIT_OBJECT_DIRECTORY",
          "GIT_ALTERNATE_OBJECT_DIRECTORIES",
          "GIT_COMMON_DIR",
          "GIT_NAMESPACE",
          "GIT_PREFIX");

  private GitBase() {}

  /**
   * Commits {@code patch} on a new branch {@code branch} whose parent is {@code commit}, and
   * returns the new commit's full hash. The user's work tree, index and current branch are not
   * touched: the patch is applied to a temporary index ({@code git read-tree}, {@code git apply
   * --cached}), which becomes a commit with {@code git write-tree} and {@code git commit-tree}, and
   * the branch is created with {@code git update-ref} only if it does not exist. When the
   * repository has no {@code user.name} or {@code user.email}, the commit is made by {@value
   * #IDENTITY_NAME} &lt;{@value #IDENTITY_EMAIL}&gt;.
   *
   * @param repo the base: the top of a git work tree, or a directory in one
   * @param patch a unified diff with paths relative to {@code repo}, as the search writes them
   * @throws IllegalArgumentException when {@code repo} is not a git work tree, the commit is
   *     unknown, the branch name is not valid or the branch exists, or the patch is empty or does
   *     not apply (with git's message)
   * @throws IOException when git cannot be run or a temporary file cannot be written
   */
  public static String createBranch(
      Path repo, String commit, String branch, String patch, String message) throws IOException {
    return createBranch(repo, commit, branch, patch, message, Map.of());
  }

  /** {@link #createBranch}, with variables added to git's environment (for tests). */
  static String createBranch(
      Path repo,
      String commit,
      String branch,
      String patch,
      String message,
      Map<String, String> env)
      throws IOException {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(patch, "patch");
    Objects.requireNonNull(message, "message");
    Path top = topLevel(repo, env);
    String hash = resolveCommit(top, commit, env);
    checkBranch(top, branch, env);
    String prefix = check(repo, run(repo, env, null, "rev-parse", "--show-prefix"), "rev-parse");
    if (patch.isBlank()) {
      throw new IllegalArgumentException("The patch for branch '" + branch + "' is empty");
    }
    Path scratch = Files.createTempDirectory("aide-git-index");
    try {
      Map<String, String> indexEnv = new java.util.HashMap<>(env);
      indexEnv.put("GIT_INDEX_FILE", scratch.resolve("index").toString());
      check(top, run(top, indexEnv, null, "read-tree", hash), "read-tree " + hash);
      byte[] diff = patch.getBytes(StandardCharsets.UTF_8);
      List<String> apply = new ArrayList<>(List.of("apply", "--cached", "--whitespace=nowarn"));
      // the patch's paths are relative to the base, a directory below the top of the work tree
      if (!prefix.isEmpty()) apply.add("--directory=" + prefix);
      apply.add("-");
      Result applied = run(top, indexEnv, diff, apply.toArray(String[]::new));
      if (applied.exit() != 0) {
        throw new IllegalArgumentException(
            "The patch does not apply to " + hash + ": " + applied.error().strip());
      }
      String tree = check(top, run(top, indexEnv, null, "write-tree"), "write-tree").strip();
      Map<String, String> commitEnv = new java.util.HashMap<>(env);
      if (!hasIdentity(top, env)) {
        commitEnv.put("GIT_AUTHOR_NAME", IDENTITY_NAME);
        commitEnv.put("GIT_AUTHOR_EMAIL", IDENTITY_EMAIL);
        commitEnv.put("GIT_COMMITTER_NAME", IDENTITY_NAME);
        commitEnv.put("GIT_COMMITTER_EMAIL", IDENTITY_EMAIL);
      }
      String created =
          check(
                  top,
                  run(
                      top,
                      commitEnv,
                      message.getBytes(StandardCharsets.UTF_8),
                      "commit-tree",
                      tree,
                      "-p",
                      hash),
                  "commit-tree")
              .strip();
      Result ref = run(top, env, null, "update-ref", "refs/heads/" + branch, created, "");
      if (ref.exit() != 0) {
        throw new IllegalArgumentException(
            "Cannot create the branch '" + branch + "': " + ref.error().strip());
      }
      return created;
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * Refuses a branch name that is not valid, or names a branch that exists, before a search that
   * would commit on it at the end.
   *
   * @throws IllegalArgumentException saying which
   * @throws IOException when git cannot be run
   */
  public static void checkBranch(Path repo, String branch) throws IOException {
    checkBranch(repo, branch, Map.of());
  }

  private static void checkBranch(Path repo, String branch, Map<String, String> env)
      throws IOException {
    Objects.requireNonNull(branch, "branch");
    if (run(repo, env, null, "check-ref-format", "refs/heads/" + branch).exit() != 0
        || branch.startsWith("-")) {
      throw new IllegalArgumentException(
          "'" + branch + "' is not a valid branch name; choose one such as aide/best-1");
    }
    if (run(repo, env, null, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch).exit()
        == 0) {
      throw new IllegalArgumentException(
          "The branch '" + branch + "' already exists in " + repo + "; choose another name");
    }
  }

  /**
   * Returns the top of the work tree {@code repo} is in: {@code repo} itself or a directory above.
   *
   * @throws IllegalArgumentException when {@code repo} is not a directory or not in a git work tree
   */
  static Path topLevel(Path repo, Map<String, String> env) throws IOException {
    Objects.requireNonNull(repo, "repo");
    if (!Files.isDirectory(repo)) {
      throw new IllegalArgumentException("The git base " + repo + " is not a directory");
    }
    Result inside = run(repo, env, null, "rev-parse", "--is-inside-work-tree");
    if (inside.exit() != 0 || !inside.text().strip().equals("true")) {
      throw new IllegalArgumentException(
          repo
              + " is not a git work tree (git says: "
              + (inside.exit() != 0 ? inside.error().strip() : inside.text().strip())
              + "); pass the directory of a clone, or use the directory as a plain base");
    }
    return Path.of(check(repo, run(repo, env, null, "rev-parse", "--show-toplevel"), "rev-parse"));
  }

  /**
   * Returns the full hash of the commit that {@code commitish} names.
   *
   * @throws IllegalArgumentException when it names no commit
   */
  static String resolveCommit(Path repo, String commitish, Map<String, String> env)
      throws IOException {
    Objects.requireNonNull(commitish, "commitish");
    if (commitish.isBlank() || commitish.startsWith("-")) {
      throw new IllegalArgumentException("'" + commitish + "' is not a commit");
    }
    Result r = run(repo, env, null, "rev-parse", "--verify", "--quiet", commitish + "^{commit}");
    if (r.exit() != 0) {
      throw new IllegalArgumentException(
          "Unknown commit '"
              + commitish
              + "' in "
              + repo
              + "; name a branch, a tag or a hash that `git log` shows");
    }
    return r.text().strip();
  }

  private static boolean hasIdentity(Path repo, Map<String, String> env) throws IOException {
    return run(repo, env, null, "config", "--get", "user.name").exit() == 0
        && run(repo, env, null, "config", "--get", "user.email").exit() == 0;
  }

  /** The outcome of one git command: exit code, standard output and standard error. */
  record Result(int exit, byte[] output, String error) {
    String text() {
      return new String(output, StandardCharsets.UTF_8);
    }
  }

  /** Returns the command's output, or throws an IOException with git's message. */
  private static String check(Path repo, Result r, String what) throws IOException {
    if (r.exit() != 0) {
      throw new IOException("git " + what + " failed in " + repo + ": " + r.error().strip());
    }
    return r.text().strip();
  }

  /** Runs {@code git args} in {@code dir}, feeding it {@code stdin}, and waits for it. */
  static Result run(Path dir, Map<String, String> env, byte @Nullable [] stdin, String... args)
      throws IOException {
    Process p = start(dir, env, List.of(args));
    CompletableFuture<String> errors = drain(p.getErrorStream());
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin);
              } catch (IOException e) {
                // git stopped reading: its exit code and message say why
              }
            });
    try (InputStream out = p.getInputStream()) {
      byte[] output = out.readAllBytes();
      int exit = p.waitFor();
      writer.get();
      return new Result(exit, output, errors.get());
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running git " + args[0], e);
    } catch (ExecutionException e) {
      throw new IOException("git " + args[0] + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static Process start(Path dir, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    LOCATION_VARIABLES.forEach(pb.environment()::remove);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().put("LC_ALL", "C");
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IOException("Cannot run git, which a git base needs: " + e.getMessage(), e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("");
              }
            },
            "aide-git-stderr");
    t.setDaemon(true);
    t.start();
    return text;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
