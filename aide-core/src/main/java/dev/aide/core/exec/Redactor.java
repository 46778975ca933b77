package dev.aide.core.exec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Cuts secrets out of text: what a program printed, before it reaches the journal, the LLM's
 * prompts or the reports.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.ofEnvironment(System.getenv()).with(List.of(vaultToken));
 * String safe = redactor.redact(output);   // "key=[redacted]"
 * }</pre>
 *
 * <p>The secrets of an environment are the values of the variables whose names look secret (they
 * contain {@code KEY}, {@code TOKEN}, {@code SECRET}, {@code PASSWORD}, {@code PASSWD}, {@code
 * PASSPHRASE}, {@code CREDENTIAL} or {@code AUTH}, in any case: {@code OPENAI_API_KEY}, {@code
 * GITHUB_TOKEN}, {@code DB_PASSWORD}, ...) and the user and password of any URL a variable holds
 * ({@code postgres://app:hunter22@db/prod}). Only verbatim occurrences are found: a program that
 * prints a secret encoded or split is not caught. Values shorter than {@value #MIN_LENGTH}
 * characters and flags ({@code true}, {@code off}, ...) are not taken for secrets, so that
 * redaction does not eat ordinary words of the output.
 *
 * <p>Instances are immutable and safe for use by many threads at once.
 */
public final class Redactor {
  /** What each secret is replaced by. */
  public static final String REDACTED = "[redacted]";

  /** Values shorter than this are never taken for secrets. */
  public static final int MIN_LENGTH = 4;

  private static final Redactor NONE = new Redactor(List.of());
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH).*");
  private static final Pattern FLAG =
      Pattern.compile("(?i)true|false|yes|no|on|off|none|null|enabled?|disabled?");
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/?#\\s@]*)@");

  /** Longest first, so that a secret holding another is cut whole. */
  private final List<String> secrets;

  private Redactor(Collection<String> secrets) {
    List<String> sorted = new ArrayList<>(new LinkedHashSet<>(secrets));
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(sorted);
  }

  /** A redactor that changes nothing. */
  public static Redactor none() {
    return NONE;
  }

  /**
   * Returns a redactor for the secrets of {@code environment}: the values of variables whose names
   * look secret, and the user information of URLs in any variable.
   */
  public static Redactor ofEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    Set<String> found = new LinkedHashSet<>();
    environment.forEach(
        (name, value) -> {
          if (name == null || value == null) return;
          if (looksSecret(name)) found.add(value);
          Matcher url = URL_USER_INFO.matcher(value);
          while (url.find()) {
            String info = url.group(2);
            found.add(info);
            int colon = info.indexOf(':');
            if (colon >= 0) found.add(info.substring(colon + 1));
          }
        });
    return NONE.with(found);
  }

  /**
   * Whether a variable's name looks like it holds a secret: it contains {@code KEY}, {@code TOKEN},
   * {@code SECRET}, {@code PASSWORD}, {@code PASSWD}, {@code PASSPHRASE}, {@code CREDENTIAL} or
   * {@code AUTH}, in any case. Deliberately broad: a false match only means that a value is cut out
   * of the output.
   */
  private static boolean looksSecret(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /**
   * Returns a redactor that also cuts out {@code values}, such as an API key given in code rather
   * than through the environment. Values too short or flag-like to be secrets are skipped.
   */
  public Redactor with(Collection<String> values) {
    List<String> all = new ArrayList<>(secrets);
    for (String value : values) {
      Objects.requireNonNull(value, "value");
      if (isSecretValue(value)) all.add(value);
    }
    return all.size() == secrets.size() ? this : new Redactor(all);
  }

  private static boolean isSecretValue(String value) {
    String trimmed = value.strip();
    return trimmed.length() >= MIN_LENGTH && !FLAG.matcher(trimmed).matches();
  }

  /** Returns {@code text} with every secret replaced by {@value #REDACTED}. */
  public String redact(String text) {
    Objects.requireNonNull(text, "text");
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) result = result.replace(secret, REDACTED);
    }
    return result;
  }

  /** Returns {@code text} redacted, or null when it is null. */
  private @Nullable String redactNullable(@Nullable String text) {
    return text == null ? null : redact(text);
  }

  /** Returns {@code result} with its output and error message redacted. */
  public ExecutionResult redact(ExecutionResult result) {
    Objects.requireNonNull(result, "result");
    if (secrets.isEmpty()) return result;
    return new ExecutionResult(
        redact(result.output()),
        result.truncatedChars(),
        result.exitCode(),
        result.duration(),
        result.timedOut(),
        result.errorType(),
        redactNullable(result.errorMessage()),
        result.files());
  }

  /** How many secrets are cut out; never the secrets themselves. */
  @Override
  public String toString() {
    return "Redactor(" + secrets.size() + " secrets)";
  }
}
