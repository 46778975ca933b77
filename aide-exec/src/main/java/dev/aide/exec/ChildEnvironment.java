package dev.aide.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a program's environment from an allowlist of the host's variables and the ones set by the
 * user and the request, never passing a name that looks like a secret unless it was allowed.
 *
 * <p>Immutable and thread-safe.
 */
final class ChildEnvironment {
  private static final Logger log = LoggerFactory.getLogger(ChildEnvironment.class);

  /** Variables that libraries read to size their thread pools (OpenMP, BLAS, MKL, numexpr). */
  static final List<String> THREAD_VARIABLES =
      List.of(
          "OMP_NUM_THREADS",
          "OPENBLAS_NUM_THREADS",
          "MKL_NUM_THREADS",
          "NUMEXPR_NUM_THREADS",
          "VECLIB_MAXIMUM_THREADS");

  /** Host variables passed by default, besides the thread variables. */
  static final List<String> PASSED =
      List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "CUDA_VISIBLE_DEVICES", "PYTHONUSERBASE");

  /** The variable that marks every process of one execution, so that all can be found. */
  static final String EXECUTION_ID = "AIDE_EXECUTION_ID";

  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private static final Pattern SECRET =
      Pattern.compile("(?i)(.*_)?(KEY|TOKEN)|.*(SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY).*");

  private final Map<String, String> host;
  private final Map<String, String> base;
  private final Set<String> allowedSecrets;

  /**
   * @param host the host's environment to pick from
   * @param inherited names of further host variables to pass
   * @param fixed variables the user set
   * @param threads the thread count to set, or null to pass the host's thread variables
   * @param allowedSecrets names that pass though they look like secrets
   * @throws IllegalArgumentException if an inherited or fixed name looks like a secret and is not
   *     allowed
   */
  ChildEnvironment(
      Map<String, String> host,
      Set<String> inherited,
      Map<String, String> fixed,
      @Nullable Integer threads,
      Set<String> allowedSecrets) {
    this.host = Map.copyOf(host);
    this.allowedSecrets = Set.copyOf(allowedSecrets);
    for (String name : inherited) requireNotSecret(name, "inherit");
    for (String name : fixed.keySet()) requireNotSecret(name, "environment");

    Map<String, String> env = new LinkedHashMap<>();
    for (String name : PASSED) copyFromHost(env, name);
    for (String name : THREAD_VARIABLES) copyFromHost(env, name);
    for (String name : inherited) copyFromHost(env, name);
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.putIfAbsent("LANG", "C.UTF-8");
    // Keeps stdout and stderr in the order written when both go to one pipe.
    env.put("PYTHONUNBUFFERED", "1");
    // HOME moves to the workspace; keep packages installed with `pip install --user` visible.
    String hostHome = host.get("HOME");
    if (hostHome != null) env.putIfAbsent("PYTHONUSERBASE", hostHome + "/.local");
    if (threads != null) {
      for (String name : THREAD_VARIABLES) env.put(name, Integer.toString(threads));
    }
    env.putAll(fixed);
    this.base = Map.copyOf(env);
  }

  /** Whether a variable's name looks like it holds a secret, e.g. {@code OPENAI_API_KEY}. */
  static boolean looksSecret(String name) {
    return SECRET.matcher(name).matches();
  }

  /** The host's PATH, or a default when it has none. */
  String hostPath() {
    String path = host.get("PATH");
    return path == null ? DEFAULT_PATH : path;
  }

  /**
   * Returns the environment for one execution: the base, then the request's variables (secret-like
   * ones dropped with a warning unless allowed), then HOME and TMPDIR at {@code scratch} and the
   * execution's id.
   */
  Map<String, String> forExecution(Map<String, String> request, String scratch, String id) {
    Map<String, String> env = new LinkedHashMap<>(base);
    request.forEach(
        (name, value) -> {
          if (looksSecret(name) && !allowedSecrets.contains(name)) {
            log.warn(
                "Not passing {} to the program: its name looks like a secret. Allow it with"
                    + " ProcessExecutor.builder().allowSecret(\"{}\").",
                name,
                name);
          } else {
            env.put(name, value);
          }
        });
    env.put("HOME", scratch);
    env.put("TMPDIR", scratch);
    env.put(EXECUTION_ID, id);
    return env;
  }

  private void copyFromHost(Map<String, String> env, String name) {
    String value = host.get(name);
    if (value != null && (!looksSecret(name) || allowedSecrets.contains(name))) {
      env.put(name, value);
    }
  }

  private void requireNotSecret(String name, String method) {
    if (looksSecret(name) && !allowedSecrets.contains(name)) {
      throw new IllegalArgumentException(
          method
              + "(\""
              + name
              + "\"): the name looks like a secret, so it is not passed to generated code unless"
              + " you also call allowSecret(\""
              + name
              + "\")");
    }
  }
}
