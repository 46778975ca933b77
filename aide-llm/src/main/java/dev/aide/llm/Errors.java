package dev.aide.llm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Turns an HTTP status and what the provider said into the right {@link ProviderException}. */
final class Errors {
  /** OpenAI's billing codes: all come with HTTP 429, and none goes away by waiting. */
  private static final Set<String> QUOTA_CODES =
      Set.of(
          "insufficient_quota",
          "credit_balance_exhausted",
          "organization_spend_limit_exceeded",
          "project_spend_limit_exceeded",
          "organization_usage_limit_exceeded",
          "enforced_spend_limit_reached",
          "billing_error");

  private Errors() {}

  /**
   * Returns the exception for a response with status {@code status}.
   *
   * @param attempts how many times the request was sent, this one included
   */
  static ProviderException forStatus(String provider, int status, ErrorInfo info, int attempts) {
    if (status == 401 || status == 403) {
      return new AuthenticationException(
          hint(
              describe(provider + " refused the credentials", status, info, attempts),
              "Check the API key and that it may use this model."),
          status,
          provider,
          info);
    }
    if (status == 402 || ((status == 400 || status == 429) && isQuota(info))) {
      return new QuotaExhaustedException(
          hint(
              describe(
                  provider + " says the account's quota or credit is used up", status, info, 1),
              "Add credits or raise the spending limit; retrying does not help."),
          status,
          provider,
          info);
    }
    if (status == 429) {
      return new RateLimitedException(
          describe(provider + " rate limit hit", status, info, attempts), status, provider, info);
    }
    if (status == 408) {
      return new RequestTimeoutException(
          describe(provider + " timed out", status, info, attempts), null, status, provider, info);
    }
    if (status == 409 || status >= 500) {
      return new ServerException(
          describe(provider + " failed", status, info, attempts), status, provider, info);
    }
    if (status >= 400) {
      if (isContextLength(info)) {
        return new ContextLengthExceededException(
            hint(
                describe(
                    provider + ": the prompt does not fit in the model's context", status, info, 1),
                "Shorten the prompt or lower the output-token limit."),
            status,
            provider,
            info);
      }
      if (isUnsupported(info)) {
        return new UnsupportedParameterException(
            describe(provider + " does not accept a parameter", status, info, 1),
            status,
            provider,
            info);
      }
      return new BadRequestException(
          describe(provider + " rejected the request", status, info, 1),
          null,
          status,
          provider,
          info);
    }
    return new UnreadableResponseException(
        describe(provider + " answered with a status the API does not use", status, info, 1),
        null,
        status,
        provider,
        info);
  }

  /** Returns the exception for a request that got no complete response. */
  static ProviderException forIoFailure(
      String provider, String url, IOException e, Secrets secrets, int attempts) {
    String reason = secrets.redact(String.valueOf(e.getMessage()));
    ErrorInfo info = ErrorInfo.none(null);
    if (e instanceof SocketTimeoutException
        || e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
      return new RequestTimeoutException(
          provider + " sent no answer in time (" + reason + ")" + gaveUp(attempts),
          e,
          0,
          provider,
          info);
    }
    return new ConnectionFailedException(
        "Could not reach "
            + provider
            + " at "
            + url
            + " ("
            + e.getClass().getSimpleName()
            + ": "
            + reason
            + ")"
            + gaveUp(attempts),
        e,
        provider,
        info);
  }

  /** Returns the exception for a successful status whose body is not a usable answer. */
  static UnreadableResponseException unreadable(
      String provider, int status, String what, ErrorInfo info, @Nullable Throwable cause) {
    return new UnreadableResponseException(
        describe(provider + " sent an unreadable answer: " + what, status, info, 1),
        cause,
        status,
        provider,
        info);
  }

  private static boolean isQuota(ErrorInfo info) {
    if (info.type() != null && QUOTA_CODES.contains(info.type())) return true;
    if (info.code() != null && QUOTA_CODES.contains(info.code())) return true;
    if (info.detailCode() != null && QUOTA_CODES.contains(info.detailCode())) return true;
    String message = lower(info.message());
    return message.contains("credit balance is too low")
        || message.contains("exceeded your current quota");
  }

  private static boolean isContextLength(ErrorInfo info) {
    String codes = lower(info.code()) + " " + lower(info.type());
    if (codes.contains("context_length") || codes.contains("context_size")) return true;
    String message = lower(info.message());
    return message.contains("context length")
        || message.contains("context window")
        || message.contains("context size")
        || message.contains("context limit")
        || message.contains("prompt is too long");
  }

  private static boolean isUnsupported(ErrorInfo info) {
    String codes = lower(info.code()) + " " + lower(info.type());
    if (codes.contains("unsupported_parameter") || codes.contains("unsupported_value")) {
      return true;
    }
    String message = lower(info.message());
    return message.contains("unsupported parameter")
        || message.contains("unsupported value")
        || message.contains("not supported")
        || message.contains("does not support");
  }

  private static String describe(String what, int status, ErrorInfo info, int attempts) {
    StringBuilder text = new StringBuilder(what).append(" (HTTP ").append(status);
    if (info.type() != null) text.append(", ").append(info.type());
    if (info.code() != null && !info.code().equals(info.type())) {
      text.append(", ").append(info.code());
    }
    text.append(')');
    if (info.message() != null) text.append(": ").append(info.message());
    if (info.requestId() != null) text.append(" [request id ").append(info.requestId()).append(']');
    text.append(gaveUp(attempts));
    return text.toString();
  }

  private static String hint(String text, String hint) {
    char last = text.charAt(text.length() - 1);
    return text + (last == '.' || last == '!' || last == '?' ? " " : ". ") + hint;
  }

  private static String gaveUp(int attempts) {
    return attempts > 1 ? " [gave up after " + attempts + " attempts]" : "";
  }

  private static String lower(@Nullable String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }
}
