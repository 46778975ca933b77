package dev.aide.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A source tree the search changes: a directory or a git repository at a commit, the files the
 * coder may edit, and the commands that build, check and measure a changed tree.
 *
 * <p>Each node of a repository task is a patch over the base tree. Its workspace's {@code
 * ./working} is the base with the node's patch applied; there the harness runs the {@linkplain
 * #buildStep() build step} (when there is one), the {@linkplain #gate() gate}, whose failure makes
 * the node buggy whatever its metric (the project's tests, say), and the {@linkplain #eval()
 * evaluation}, whose output holds the metric (read by the task's {@link MetricReader}). Each is a
 * shell command line run by {@code sh} with the task's timeout.
 *
 * <pre>{@code
 * Repository repo = Repository.git(Path.of("."), "HEAD")
 *     .edit("src/main/java/**")
 *     .gate("mvn -q -o test")
 *     .eval("java -cp target/classes demo.Bench")
 *     .build();
 * Task task = Task.builder()
 *     .goal("Make demo.Primes.count faster; keep its results")
 *     .repository(repo)
 *     .metricReader(MetricReader.line("time_ms"))
 *     .direction(Direction.MINIMIZE)
 *     .build();
 * }</pre>
 *
 * <p>Before the first LLM call the search copies the base into the run directory (for a git base,
 * the files tracked at the commit; a work tree with uncommitted changes to them is refused) and
 * runs it as node 0; it refuses to start when no file matches the edit globs, the gate fails on the
 * base or its evaluation prints no metric. Instances are immutable and safe to share.
 */
public final class Repository {
  /** What is never copied from a directory base: build outputs and caches. */
  public static final List<String> DEFAULT_EXCLUDES =
      List.of(
          "target/**",
          "build/**",
          "**/__pycache__/**",
          "**/.pytest_cache/**",
          "**/node_modules/**");

  private final Path source;
  private final @Nullable String commit;
  private final List<String> editable;
  private final List<String> excludes;
  private final @Nullable String build;
  private final @Nullable String gate;
  private final String eval;
  private final @Nullable String branch;

  private Repository(Builder b, String eval) {
    this.source = b.source;
    this.commit = b.commit;
    this.editable = List.copyOf(b.editable);
    this.excludes = List.copyOf(b.excludes);
    this.build = b.build;
    this.gate = b.gate;
    this.eval = eval;
    this.branch = b.branch;
  }

  /** Returns a builder for a base that is the directory {@code dir} as it is now. */
  public static Builder directory(Path dir) {
    return new Builder(dir, null);
  }

  /**
   * Returns a builder for a base that is the files git tracks in {@code repo} at {@code commit} (a
   * hash, a branch, a tag, or {@code HEAD}).
   */
  public static Builder git(Path repo, String commit) {
    Objects.requireNonNull(commit, "commit");
    if (commit.isBlank()) throw new IllegalArgumentException("commit must not be blank");
    return new Builder(repo, commit.strip());
  }

  /** The base directory, or the git repository's work tree; absolute. */
  public Path source() {
    return source;
  }

  /** The commit of a git base as given (the run directory records its hash); null otherwise. */
  public @Nullable String commit() {
    return commit;
  }

  /** Globs of the files the coder may edit or create, relative to the base; never empty. */
  public List<String> editable() {
    return editable;
  }

  /**
   * Globs of a directory base's files that are not copied; {@link #DEFAULT_EXCLUDES} unless set.
   */
  public List<String> excludes() {
    return excludes;
  }

  /** The command that builds a tree before the gate, or null when there is none. */
  public @Nullable String buildStep() {
    return build;
  }

  /** The command whose failure makes a node buggy whatever its metric, or null. */
  public @Nullable String gate() {
    return gate;
  }

  /** The command whose output holds the metric. */
  public String eval() {
    return eval;
  }

  /**
   * The branch of a git base on which the search commits its best patch when it ends (from the
   * base's commit; the work tree and index are not touched); null for none.
   */
  public @Nullable String branch() {
    return branch;
  }

  @Override
  public String toString() {
    return "Repository{"
        + source
        + (commit == null ? "" : " at " + commit)
        + ", edit "
        + editable
        + (gate == null ? "" : ", gate `" + gate + "`")
        + ", eval `"
        + eval
        + "`}";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Repository r
        && source.equals(r.source)
        && Objects.equals(commit, r.commit)
        && editable.equals(r.editable)
        && excludes.equals(r.excludes)
        && Objects.equals(build, r.build)
        && Objects.equals(gate, r.gate)
        && eval.equals(r.eval)
        && Objects.equals(branch, r.branch);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, commit, editable, excludes, build, gate, eval, branch);
  }

  /** Builds a {@link Repository}. Not thread-safe. */
  public static final class Builder {
    private final Path source;
    private final @Nullable String commit;
    private final List<String> editable = new ArrayList<>();
    private List<String> excludes = DEFAULT_EXCLUDES;
    private @Nullable String build;
    private @Nullable String gate;
    private @Nullable String eval;
    private @Nullable String branch;

    private Builder(Path source, @Nullable String commit) {
      this.source = Objects.requireNonNull(source, "source").toAbsolutePath().normalize();
      this.commit = commit;
    }

    /**
     * Adds globs of the files the coder may edit or create, relative to the base: {@code *} within
     * a directory, {@code **} across directories ({@code **}{@code /} also none), {@code ?}, {@code
     * {a,b}}, {@code [abc]}; a plain directory name means everything under it.
     */
    public Builder edit(String... globs) {
      for (String glob : globs) {
        Objects.requireNonNull(glob, "glob");
        if (glob.isBlank()) throw new IllegalArgumentException("an edit glob must not be blank");
        editable.add(glob.strip());
      }
      return this;
    }

    /** Replaces the globs of a directory base's files that are not copied. */
    public Builder exclude(String... globs) {
      this.excludes = List.copyOf(Arrays.asList(globs));
      return this;
    }

    /** Sets the command that builds a tree before the gate; null or blank for none. */
    public Builder buildStep(@Nullable String command) {
      this.build = blankToNull(command);
      return this;
    }

    /**
     * Sets the command whose failure makes a node buggy (e.g. {@code mvn -q -o test}); null for
     * none.
     */
    public Builder gate(@Nullable String command) {
      this.gate = blankToNull(command);
      return this;
    }

    /** Sets the command whose output holds the metric. Required. */
    public Builder eval(String command) {
      this.eval = blankToNull(command);
      return this;
    }

    /**
     * Makes the search commit its best patch, when it ends, on a new branch {@code name} of a git
     * base, starting from the base's commit; null for none. An existing branch of that name is left
     * alone (the search logs that it could not create it).
     */
    public Builder branch(@Nullable String name) {
      this.branch = blankToNull(name);
      return this;
    }

    /**
     * Returns the repository.
     *
     * @throws IllegalArgumentException when no edit glob or no eval command was given, or a branch
     *     is asked for a base that is not a git commit
     */
    public Repository build() {
      if (editable.isEmpty()) {
        throw new IllegalArgumentException(
            "a repository needs the files the coder may edit: .edit(\"src/main/java/**\")");
      }
      String e = eval;
      if (e == null) {
        throw new IllegalArgumentException(
            "a repository needs the command that prints the metric: .eval(\"...\")");
      }
      if (branch != null && commit == null) {
        throw new IllegalArgumentException(
            "a branch needs a git base: Repository.git(dir, \"HEAD\").branch(\"" + branch + "\")");
      }
      return new Repository(this, e);
    }

    private static @Nullable String blankToNull(@Nullable String text) {
      return text == null || text.isBlank() ? null : text.strip();
    }
  }
}
