package dev.aide.exec;

import dev.aide.core.exec.ExecutorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The unprivileged user a root JVM runs programs as, and the means to check what that user can
 * reach: file attributes only, no process.
 *
 * <p>Immutable and thread-safe.
 */
final class RunAsUser {
  /** The user programs run as when the JVM is root and no other is chosen. */
  static final String DEFAULT = "nobody";

  private static final int NOBODY = 65534;
  private static final Path PASSWD = Path.of("/etc/passwd");

  private final String name;
  private final int uid;
  private final int gid;

  RunAsUser(String name, int uid, int gid) {
    this.name = name;
    this.uid = uid;
    this.gid = gid;
  }

  int uid() {
    return uid;
  }

  int gid() {
    return gid;
  }

  /** The {@code setpriv} options that switch to this user, with no way back to root. */
  List<String> setprivOptions() {
    return List.of(
        "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--inh-caps=-all", "--no-new-privs");
  }

  /**
   * The effective uid of this JVM, from {@code /proc/self/status}; -1 where that cannot be read
   * (not Linux).
   */
  static int jvmUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:"))
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Resolves {@code spec} (a name from {@code /etc/passwd} or a numeric uid, optionally followed by
   * {@code :gid}); null means the default, {@code nobody}, or 65534:65534 where there is no such
   * user.
   *
   * @throws ExecutorException for a name that does not exist, a malformed spec, or root
   */
  static RunAsUser resolve(@Nullable String spec) {
    return resolve(spec, readPasswd(PASSWD));
  }

  static RunAsUser resolve(@Nullable String spec, List<String[]> passwd) {
    if (spec == null) {
      String[] nobody = find(passwd, 0, DEFAULT);
      if (nobody == null) return new RunAsUser("uid " + NOBODY, NOBODY, NOBODY);
      return checked(new RunAsUser(DEFAULT, number(nobody[2]), number(nobody[3])), DEFAULT);
    }
    String what = "runAs(\"" + spec + "\")";
    int colon = spec.indexOf(':');
    String user = colon < 0 ? spec : spec.substring(0, colon);
    String group = colon < 0 ? null : spec.substring(colon + 1);
    if (user.isEmpty()
        || (group != null && !group.chars().allMatch(Character::isDigit))
        || (group != null && group.isEmpty())) {
      throw new ExecutorException(
          what
              + ": not a user; give a name from /etc/passwd or a uid, optionally with :gid"
              + " (e.g. nobody, 65534 or 65534:65534)");
    }
    RunAsUser resolved;
    if (user.chars().allMatch(Character::isDigit)) {
      int uid = number(user);
      String[] entry = find(passwd, 2, user);
      resolved =
          entry == null
              ? new RunAsUser("uid " + uid, uid, uid)
              : new RunAsUser(entry[0], uid, number(entry[3]));
    } else {
      String[] entry = find(passwd, 0, user);
      if (entry == null) {
        throw new ExecutorException(
            what
                + ": there is no user "
                + user
                + " in /etc/passwd. Create it (e.g. useradd --system "
                + user
                + "), or give a numeric uid:gid such as 65534:65534");
      }
      resolved = new RunAsUser(user, number(entry[2]), number(entry[3]));
    }
    if (group != null) resolved = new RunAsUser(resolved.name, resolved.uid, number(group));
    return checked(resolved, what);
  }

  private static RunAsUser checked(RunAsUser user, String what) {
    if (user.uid == 0 || user.gid == 0) {
      throw new ExecutorException(
          what
              + ": that is "
              + user
              + ", and generated code never runs as root or with the root group. Choose an"
              + " unprivileged user such as nobody");
    }
    return user;
  }

  private static int number(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new ExecutorException("Not a uid or gid: " + digits, e);
    }
  }

  private static String @Nullable [] find(List<String[]> passwd, int field, String value) {
    for (String[] entry : passwd) {
      if (entry[field].equals(value)) return entry;
    }
    return null;
  }

  /** The entries of a passwd file with a numeric uid and gid; none when it cannot be read. */
  static List<String[]> readPasswd(Path file) {
    List<String[]> entries = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return entries;
    }
    for (String line : lines) {
      String[] fields = line.split(":", -1);
      if (fields.length < 4 || fields[0].isEmpty()) continue;
      if (!fields[2].matches("\\d{1,9}") || !fields[3].matches("\\d{1,9}")) continue;
      entries.add(fields);
    }
    return entries;
  }

  /**
   * Makes {@code path}, and with {@code recursive} everything in it, owned by this user. Links are
   * not followed, and a file with more than one hard link is left alone: its other name may be
   * outside (a link to {@code /etc/shadow} must not hand that file over).
   */
  void own(Path path, boolean recursive) throws IOException {
    if (!recursive) {
      chown(path);
      return;
    }
    try (var paths = Files.walk(path)) {
      for (Path p : (Iterable<Path>) paths::iterator) chown(p);
    }
  }

  private void chown(Path path) throws IOException {
    Map<String, Object> attributes =
        Files.readAttributes(path, "unix:uid,gid,nlink,isRegularFile", LinkOption.NOFOLLOW_LINKS);
    if ((Integer) attributes.get("uid") == uid && (Integer) attributes.get("gid") == gid) return;
    if ((Boolean) attributes.get("isRegularFile") && (Integer) attributes.get("nlink") > 1) return;
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Returns the first directory on the way to {@code target} (absolute, real or not) that this user
   * may not pass through, or {@code target} itself when the user lacks {@code access} there ('r',
   * 'w', 'x' letters); null when the way is open. Directories for which {@code skip} says so are
   * not checked (the sandbox makes them itself).
   */
  @Nullable Path blocking(Path target, String access, Predicate<Path> skip) {
    List<Path> chain = new ArrayList<>();
    for (Path p = target.getParent(); p != null; p = p.getParent()) chain.add(0, p);
    for (Path dir : chain) {
      if (!skip.test(dir) && !allows(dir, "x")) return dir;
    }
    return skip.test(target) || allows(target, access) ? null : target;
  }

  private boolean allows(Path path, String access) {
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(path, "unix:uid,gid,mode");
    } catch (IOException | UnsupportedOperationException e) {
      return true; // missing or unknown: let the run report it as it always has
    }
    int mode = (Integer) attributes.get("mode");
    int shift =
        (Integer) attributes.get("uid") == uid ? 6 : (Integer) attributes.get("gid") == gid ? 3 : 0;
    int bits = (mode >> shift) & 7;
    for (char c : access.toCharArray()) {
      int bit = c == 'r' ? 4 : c == 'w' ? 2 : 1;
      if ((bits & bit) == 0) return false;
    }
    return true;
  }

  /** Describes {@code path}'s owner and permissions, e.g. {@code drwx------ owned by root}. */
  static String describe(Path path) {
    try {
      Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,owner");
      int mode = (Integer) attributes.get("mode");
      StringBuilder text = new StringBuilder(Files.isDirectory(path) ? "d" : "-");
      String letters = "rwxrwxrwx";
      for (int i = 0; i < 9; i++) {
        text.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
      }
      return text + " owned by " + attributes.get("owner");
    } catch (IOException | UnsupportedOperationException e) {
      return "permissions unknown";
    }
  }

  @Override
  public String toString() {
    return name + " (uid " + uid + ", gid " + gid + ")";
  }
}
