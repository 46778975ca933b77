package dev.aide.examples.cli;

import dev.aide.core.exec.Redactor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Prepares a Maven that programs run by {@code ProcessExecutor} can use offline.
 *
 * <p>Those programs get {@code HOME} pointed at a scratch directory, run as {@code nobody} when the
 * JVM is root, and in the sandbox see no home directory: a gate {@code mvn -o test} finds neither
 * the user's Maven nor {@code ~/.m2/repository}. {@link #prepare} therefore makes, in a directory
 * of the run (e.g. {@code <out>/maven/}), a copy of a Maven distribution ({@code home/}) and a
 * local repository ({@code repository/}) seeded with exactly what one {@code mvn test} of the
 * project needs, taken from the user's own local repository through a {@code file:} mirror (no
 * network), and makes both readable by every user. Maven then runs offline with that repository
 * read-only: nothing is written to it when every artifact is there, so one copy is shared by all
 * workspaces. Give {@link Prepared#readablePaths()} to {@code
 * ProcessExecutor.Builder.sandboxReadable} and run {@link Prepared#gateCommand()} in the project's
 * tree.
 *
 * <p>Not thread-safe: prepare one directory from one thread.
 */
final class MavenSupport {
  /** Where {@link #find} looks for the wrapper's archive, relative to the launcher's directory. */
  static final String WRAPPER_DIR = ".mvn/wrapper";

  /** Names of variables not passed to the seeding Maven (as ProcessExecutor's children). */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i)(.*_)?(KEY|TOKEN)|.*(SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY).*");

  private MavenSupport() {}

  /**
   * A Maven distribution: an installed home ({@code archive == false}) or the wrapper's {@code
   * apache-maven-*-bin.tar.gz}; {@code foundBy} says how it was found.
   */
  record Distribution(Path path, boolean archive, String foundBy) {}

  /** A prepared Maven home and local repository, both readable by every user. */
  record Prepared(Path home, Path repository) {
    /** The {@code mvn} script of the prepared home. */
    Path mvn() {
      return home.resolve("bin").resolve("mvn");
    }

    /** The paths a sandboxed gate must be able to read: the Maven home and the repository. */
    List<Path> readablePaths() {
      return List.of(home, repository);
    }

    /**
     * The shell command that runs the project's tests offline against the prepared repository, in
     * the project's directory: {@code <home>/bin/mvn -q -o -Dmaven.repo.local=<repository> test}.
     */
    String gateCommand() {
      return quote(mvn().toString())
          + " -B -q -o "
          + quote("-Dmaven.repo.local=" + repository)
          + " test";
    }
  }

  /**
   * Finds a Maven distribution: the {@code maven.home} system property, else the wrapper's archive
   * {@code .mvn/wrapper/apache-maven-*-bin.tar.gz} next to the launcher script named by the {@code
   * aide.script} system property, else the Maven {@code ./mvnw} unpacked under {@code
   * ~/.m2/wrapper/dists} (or {@code $MAVEN_USER_HOME}), the one whose plugins the local repository
   * holds, else {@code mvn} on {@code PATH} (links resolved, its home the directory above {@code
   * bin/}; an older Maven may need plugin dependencies the repository lacks).
   *
   * @throws IllegalStateException saying what was tried and how to get a Maven
   */
  static Distribution find(Map<String, String> systemProperties, Map<String, String> environment) {
    List<String> tried = new ArrayList<>();
    String mavenHome = systemProperties.get("maven.home");
    if (mavenHome != null && !mavenHome.isBlank()) {
      Path home = Path.of(mavenHome);
      if (isMavenHome(home)) return new Distribution(home, false, "the maven.home system property");
      tried.add("maven.home=" + mavenHome + " (no bin/mvn there)");
    } else {
      tried.add("the maven.home system property (not set)");
    }
    String script = systemProperties.get("aide.script");
    if (script != null && !script.isBlank()) {
      Path dir = Path.of(script).toAbsolutePath().getParent();
      Path wrapper = dir == null ? Path.of(WRAPPER_DIR) : dir.resolve(WRAPPER_DIR);
      Path archive = wrapperArchive(wrapper);
      if (archive != null) {
        return new Distribution(archive, true, "the Maven wrapper's archive next to " + script);
      }
      tried.add(wrapper + "/apache-maven-*-bin.tar.gz (none)");
    } else {
      tried.add("the wrapper's archive next to the aide script (not run through ./aide)");
    }
    // the Maven this project's ./mvnw unpacked: the one whose plugins the local repository holds
    String userHome = environment.getOrDefault("MAVEN_USER_HOME", "");
    Path dists =
        (userHome.isBlank()
                ? Path.of(systemProperties.getOrDefault("user.home", "."), ".m2")
                : Path.of(userHome))
            .resolve("wrapper")
            .resolve("dists");
    Path unpacked = wrapperHome(dists);
    if (unpacked != null) return new Distribution(unpacked, false, "./mvnw's Maven in " + dists);
    tried.add(dists + "/apache-maven-* (none)");
    Path onPath = onPath("mvn", environment.getOrDefault("PATH", ""));
    if (onPath != null) {
      try {
        Path bin = onPath.toRealPath().getParent();
        Path home = bin == null ? null : bin.getParent();
        if (home != null && isMavenHome(home)) {
          return new Distribution(home, false, "mvn on PATH (" + onPath + ")");
        }
        tried.add("mvn on PATH (" + onPath + ", not in the bin/ of a Maven home)");
      } catch (IOException e) {
        tried.add("mvn on PATH (" + onPath + ", cannot be resolved: " + e.getMessage() + ")");
      }
    } else {
      tried.add("mvn on PATH (none)");
    }
    throw new IllegalStateException(
        "No Maven was found. Tried: "
            + String.join(", ", tried)
            + ".\nInstall Maven 3.9 or newer (e.g. `sudo apt-get install maven`), put its bin/ on"
            + " PATH, or pass -Dmaven.home=/path/to/apache-maven.");
  }

  /** The local repository Maven uses for this user: {@code maven.repo.local}, else ~/.m2. */
  static Path userRepository(Map<String, String> systemProperties) {
    String local = systemProperties.get("maven.repo.local");
    if (local != null && !local.isBlank()) return Path.of(local);
    return Path.of(systemProperties.getOrDefault("user.home", "."), ".m2", "repository");
  }

  /**
   * Prepares {@code dir}: {@code home/} from {@code distribution} (copied, or unpacked from the
   * archive; kept when already there), and {@code repository/} seeded by running Maven once, as the
   * JVM's user, on a copy of {@code project} ({@code mvn -B -q test}, so its tests must pass) with
   * every repository mirrored to {@code userRepository} as a {@code file:} URL; then makes {@code
   * dir} readable by every user ({@code chmod -R a+rX}).
   *
   * @throws IllegalArgumentException when {@code project} has no pom.xml or {@code userRepository}
   *     is not a directory
   * @throws IllegalStateException when the seeding run fails (the message has the end of Maven's
   *     output and what to do), e.g. because an artifact is not in {@code userRepository}
   * @throws UncheckedIOException when {@code dir} cannot be written
   */
  static Prepared prepare(
      Distribution distribution, Path dir, Path project, Path userRepository, Duration timeout) {
    return prepare(distribution, dir, project, userRepository, timeout, System.getenv());
  }

  /**
   * As {@link #prepare(Distribution, Path, Path, Path, Duration)}, Maven running with {@code
   * environment} less the variables whose names look secret ({@code *_KEY}, {@code *_TOKEN}, {@code
   * *SECRET*}, {@code *PASSWORD*}, ...): the project's tests need no API key.
   */
  static Prepared prepare(
      Distribution distribution,
      Path dir,
      Path project,
      Path userRepository,
      Duration timeout,
      Map<String, String> environment) {
    if (!Files.isRegularFile(project.resolve("pom.xml"))) {
      throw new IllegalArgumentException("No pom.xml in " + project + ": not a Maven project.");
    }
    if (!Files.isDirectory(userRepository)) {
      throw new IllegalArgumentException(
          "The local Maven repository "
              + userRepository
              + " does not exist. Build the project once with Maven (so that its plugins and test"
              + " libraries are downloaded there), or pass -Dmaven.repo.local=/path/to/repository.");
    }
    try {
      Files.createDirectories(dir);
      Path home = dir.resolve("home");
      if (!isMavenHome(home)) installHome(distribution, dir, home);
      Path repository = Files.createDirectories(dir.resolve("repository"));
      Path settings = dir.resolve("seed-settings.xml");
      Files.writeString(settings, mirrorSettings(userRepository), StandardCharsets.UTF_8);
      Path seed = dir.resolve("seed-project");
      deleteRecursively(seed);
      copyTree(project, seed);
      try {
        run(
            List.of(
                home.resolve("bin").resolve("mvn").toString(),
                "-B",
                "-q",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repository,
                "test"),
            seed,
            timeout,
            environment,
            "Seeding the Maven repository "
                + repository
                + " from "
                + userRepository
                + " failed. The project's build must pass and every plugin and library it uses"
                + " must be in "
                + userRepository
                + " (build it once with Maven there, online).");
      } finally {
        deleteRecursively(seed);
        Files.deleteIfExists(settings);
      }
      makeReadableByAll(dir);
      return new Prepared(home, repository);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare Maven in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A settings.xml whose mirror of every repository is {@code repository}, named central. */
  static String mirrorSettings(Path repository) {
    // Named "central": the seeded repository records where each artifact came from, and an
    // offline build without these settings accepts only artifacts from its own repositories.
    String url = repository.toAbsolutePath().toUri().toString();
    return "<settings>\n"
        + "  <mirrors>\n"
        + "    <mirror>\n"
        + "      <id>central</id>\n"
        + "      <mirrorOf>*</mirrorOf>\n"
        + "      <url>"
        + url.replace("&", "&amp;").replace("<", "&lt;")
        + "</url>\n"
        + "    </mirror>\n"
        + "  </mirrors>\n"
        + "</settings>\n";
  }

  private static void installHome(Distribution distribution, Path dir, Path home)
      throws IOException {
    deleteRecursively(home);
    if (!distribution.archive()) {
      // links followed: a packaged Maven (Debian's) links its jars from elsewhere, relatively
      copyTreeFollowingLinks(distribution.path(), home);
      return;
    }
    Path unpack = Files.createTempDirectory(dir, ".unpack");
    try {
      run(
          List.of("tar", "-xzf", distribution.path().toString(), "-C", unpack.toString()),
          unpack,
          Duration.ofMinutes(5),
          System.getenv(),
          "Cannot unpack " + distribution.path() + " with tar.");
      Path unpacked = null;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(unpack)) {
        for (Path entry : entries) {
          if (isMavenHome(entry)) unpacked = entry;
        }
      }
      if (unpacked == null) {
        throw new IllegalStateException(
            distribution.path() + " holds no Maven distribution (no */bin/mvn).");
      }
      Files.move(unpacked, home);
    } finally {
      deleteRecursively(unpack);
    }
  }

  private static void run(
      List<String> command,
      Path dir,
      Duration timeout,
      Map<String, String> environment,
      String failure) {
    try {
      Path log = Files.createTempFile("aide-maven", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        environment.forEach(
            (name, value) -> {
              if (!SECRET_NAME.matcher(name).matches()) builder.environment().put(name, value);
            });
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(30, TimeUnit.SECONDS);
          throw new IllegalStateException(failure + " It did not finish within " + timeout + ".");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              failure
                  + "\n"
                  + String.join(" ", command)
                  + " exited with "
                  + process.exitValue()
                  + ":\n"
                  + Redactor.ofEnvironment(environment)
                      .redact(tail(Files.readString(log, StandardCharsets.UTF_8), 40)));
        }
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException(failure + " " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure + " Interrupted.", e);
    }
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length)).strip();
  }

  private static boolean isMavenHome(Path home) {
    return Files.isRegularFile(home.resolve("bin").resolve("mvn"));
  }

  /** The newest Maven home that ./mvnw unpacked into {@code dists}; null when there is none. */
  private static @Nullable Path wrapperHome(Path dists) {
    if (!Files.isDirectory(dists)) return null;
    try (Stream<Path> entries = Files.list(dists)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("apache-maven-") && isMavenHome(p))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable Path wrapperArchive(Path wrapper) {
    if (!Files.isDirectory(wrapper)) return null;
    try (Stream<Path> files = Files.list(wrapper)) {
      return files
          .filter(p -> p.getFileName().toString().matches("apache-maven-.+-bin\\.tar\\.gz"))
          .filter(Files::isRegularFile)
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable Path onPath(String name, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }

  /** Copies {@code from} to {@code to}, keeping symbolic links as links. */
  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            if (attrs.isSymbolicLink()) {
              Files.createSymbolicLink(target, Files.readSymbolicLink(file));
            } else {
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Copies {@code from} to {@code to} with the files that links point at in place of the links. */
  static void copyTreeFollowingLinks(Path from, Path to) throws IOException {
    Path root = from.toRealPath();
    try (Stream<Path> paths = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(root.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** {@code chmod -R a+rX dir}: read for all, and search (x) where someone may already execute. */
  static void makeReadableByAll(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isSymbolicLink(path)) continue;
        Set<PosixFilePermission> perms =
            EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.GROUP_READ);
        perms.add(PosixFilePermission.OTHERS_READ);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
            || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
          perms.add(PosixFilePermission.OWNER_EXECUTE);
          perms.add(PosixFilePermission.GROUP_EXECUTE);
          perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(path, perms);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  /** {@code s} quoted for a POSIX shell where it needs quoting. */
  static String quote(String s) {
    if (s.matches("[A-Za-z0-9_./=:@%+,-]+")) return s;
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}
