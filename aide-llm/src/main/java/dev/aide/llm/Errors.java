package dev.aide.llm;

import dev.aide.core.llm.LlmException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
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

  /** The statuses that go with Anthropic's error types, for an error inside a 200 answer. */
  private static final Map<String, Integer> STATUS_OF_TYPE =
      Map.of(
          "invalid_request_error", 400,
          "authentication_error", 401,
          "permission_error", 403,
          "not_found_error", 404,
          "request_too_large", 413,
          "rate_limit_error", 429,
          "api_error", 500,
          "overloaded_error", 529);

  /** Codes by which servers say that moderation flagged the input. */
  private static final Set<String> FILTER_CODES =
      Set.of("content_filter", "content_policy_violation", "moderation_blocked");

  /** "128000" in "maximum context length is 128000 tokens", "context length of only 4096". */
  private static final Pattern CONTEXT_SIZE =
      Pattern.compile("context (?:length|window|size|limit)\\D{0,24}?(\\d{3,})");

  /** Anthropic's "prompt is too long: 208563 tokens > 200000 maximum". */
  private static final Pattern ANTHROPIC_MAXIMUM = Pattern.compile("> ?(\\d{3,}) maximum");

  private static final Pattern DOES_NOT_SUPPORT_TOOLS =
      Pattern.compile(
          "(?:does not|doesn't|do not|don't|cannot|can't) support (?:tools|tool|function)"
              + "|support tool use");

  private static final Pattern TOOLS_NOT_SUPPORTED =
      Pattern.compile(
          "\\b(?:tools?|tool use|tool calling|tool calls|function calling|function calls"
              + "|functions)\\b[^.]{0,40}?(?:not supported|unsupported|not enabled|not available"
              + "|is disabled)");

  private Errors() {}

  /**
   * Returns the exception for a response with status {@code status}.
   *
   * @param model the model the request asked for, if it named one
   * @param attempts how many times the request was sent, this one included
   */
  static ProviderException forStatus(
      String provider, int status, ErrorInfo info, @Nullable String model, int attempts) {
    return forStatus(provider, status, status, info, model, attempts);
  }

  /**
   * Returns the exception for an {@code error} object in an answer with a successful status: it is
   * mapped as the status its code names (or, for Anthropic's types, implies); without either, as a
   * server fault.
   */
  static ProviderException forErrorInAnswer(
      String provider, int status, ErrorInfo info, @Nullable String model, int attempts) {
    int implied = 500;
    Integer byType = info.type() == null ? null : STATUS_OF_TYPE.get(info.type());
    if (byType != null) implied = byType;
    if (info.code() != null) {
      try {
        int code = Integer.parseInt(info.code());
        if (code >= 400 && code < 600) implied = code;
      } catch (NumberFormatException e) {
        // a code such as "server_error" says nothing about the status
      }
    }
    return forStatus(provider, status, implied, info, model, attempts);
  }

  private static ProviderException forStatus(
      String provider,
      int status,
      int mapAs,
      ErrorInfo info,
      @Nullable String model,
      int attempts) {
    if (mapAs >= 400 && mapAs < 500 && isContentFiltered(mapAs, info)) {
      StringBuilder what = new StringBuilder(provider + "'s moderation flagged the prompt");
      if (!info.reasons().isEmpty()) {
        what.append(" for ").append(String.join(", ", info.reasons()));
      }
      String text = describe(what.toString(), status, info, attempts);
      if (info.flaggedInput() != null) text += " [flagged input: \"" + info.flaggedInput() + "\"]";
      return new ContentFilteredException(
          hint(text, "Only this prompt fails; another prompt may pass."), status, provider, info);
    }
    if (mapAs == 401 || mapAs == 403) {
      return new AuthenticationException(
          hint(
              describe(provider + " refused the credentials", status, info, attempts),
              "Check the API key and that it may use this model."),
          status,
          provider,
          info);
    }
    if (mapAs == 402 || ((mapAs == 400 || mapAs == 429) && isQuota(info))) {
      return new QuotaExhaustedException(
          hint(
              describe(
                  provider + " says the account's quota or credit is used up",
                  status,
                  info,
                  attempts),
              "Add credits or raise the spending limit; retrying does not help."),
          status,
          provider,
          info);
    }
    if (mapAs == 429) {
      return new RateLimitedException(
          describe(provider + " rate limit hit", status, info, attempts), status, provider, info);
    }
    if (mapAs == 408) {
      return new RequestTimeoutException(
          describe(provider + " timed out", status, info, attempts), null, status, provider, info);
    }
    if (mapAs >= 500 && isToolsUnsupported(info)) {
      return toolsUnsupported(provider, status, info, attempts); // llama.cpp without --jinja
    }
    if (mapAs == 409 || mapAs >= 500) {
      return new ServerException(
          describe(provider + " failed", status, info, attempts), status, provider, info);
    }
    if (mapAs >= 400) {
      if (isContextLength(info)) {
        long size = contextSize(info);
        return new ContextLengthExceededException(
            hint(
                describe(
                    provider
                        + ": the prompt does not fit in the model's context"
                        + (size > 0 ? " of " + size + " tokens" : ""),
                    status,
                    info,
                    attempts),
                "Shorten the prompt or lower the output-token limit"
                    + (size > 0 ? "" : "; a local server may take a larger context size")
                    + "."),
            size,
            status,
            provider,
            info);
      }
      if (isResponseFormatRejected(info)) {
        return new UnsupportedParameterException(
            hint(
                describe(
                    provider + " does not accept the response format (a JSON schema)",
                    status,
                    info,
                    attempts),
                "Use a model or server with structured outputs, or ask without a response"
                    + " format."),
            Kind.RESPONSE_FORMAT_UNSUPPORTED,
            status,
            provider,
            info);
      }
      if (isToolsUnsupported(info)) return toolsUnsupported(provider, status, info, attempts);
      if (isModelNotFound(mapAs, info)) {
        String name = model == null ? "the model" : "the model '" + model + "'";
        return new ModelNotFoundException(
            hint(
                describe(provider + " does not know " + name, status, info, attempts),
                "Check the model name; for Ollama, fetch the model first: ollama pull "
                    + (model == null ? "NAME" : model)
                    + "."),
            model,
            status,
            provider,
            info);
      }
      if (isUnsupported(info)) {
        return new UnsupportedParameterException(
            describe(provider + " does not accept a parameter", status, info, attempts),
            Kind.INVALID_REQUEST,
            status,
            provider,
            info);
      }
      String text = describe(provider + " rejected the request", status, info, attempts);
      if (mapAs == 404) text = hint(text, "Check the base URL: no API answers at this path.");
      return new BadRequestException(text, null, Kind.INVALID_REQUEST, status, provider, info);
    }
    return new UnreadableResponseException(
        describe(provider + " answered with a status the API does not use", status, info, attempts),
        null,
        false,
        status,
        provider,
        info);
  }

  private static ProviderException toolsUnsupported(
      String provider, int status, ErrorInfo info, int attempts) {
    return new UnsupportedParameterException(
        hint(
            describe(
                provider + " does not accept tools or the tool choice", status, info, attempts),
            "Use a model or server with tool calling (vLLM: --enable-auto-tool-choice and"
                + " --tool-call-parser; llama.cpp: --jinja), or ask without tools."),
        Kind.TOOLS_UNSUPPORTED,
        status,
        provider,
        info);
  }

  /** Returns the exception for a request that got no complete response. */
  static ProviderException forIoFailure(
      String provider, String url, IOException e, Secrets secrets, int attempts) {
    String reason = secrets.redact(String.valueOf(e.getMessage()));
    ErrorInfo info = ErrorInfo.none(null);
    if (e instanceof SocketTimeoutException && !isConnectTimeout(e)
        || e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
      return new RequestTimeoutException(
          provider + " sent no answer in time (" + reason + ")" + gaveUp(attempts),
          e,
          0,
          provider,
          info);
    }
    boolean unreachable = isUnreachable(e);
    String text =
        (unreachable ? "Could not reach " : "The connection to ")
            + provider
            + " at "
            + url
            + (unreachable ? "" : " broke")
            + " ("
            + e.getClass().getSimpleName()
            + ": "
            + reason
            + ")"
            + gaveUp(attempts);
    if (unreachable) text = hint(text, "Check the base URL and that the server runs.");
    return new ConnectionFailedException(
        text, e, unreachable ? Kind.UNREACHABLE : Kind.TRANSIENT, provider, info);
  }

  private static boolean isConnectTimeout(IOException e) {
    return lower(e.getMessage()).startsWith("connect timed out");
  }

  private static boolean isUnreachable(IOException e) {
    return e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException
        || e instanceof SSLHandshakeException
        || e instanceof SSLPeerUnverifiedException
        || e instanceof SocketTimeoutException; // a connect timeout
  }

  /** Returns the exception for a successful status whose body is not a usable answer. */
  static UnreadableResponseException unreadable(
      String provider,
      int status,
      String what,
      ErrorInfo info,
      @Nullable Throwable cause,
      boolean retryable,
      int attempts) {
    return new UnreadableResponseException(
        describe(provider + " sent an unreadable answer: " + what, status, info, attempts),
        cause,
        retryable,
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

  private static boolean isContentFiltered(int status, ErrorInfo info) {
    if (!info.reasons().isEmpty() || info.flaggedInput() != null) return true;
    if (FILTER_CODES.contains(lower(info.code())) || FILTER_CODES.contains(lower(info.type()))) {
      return true;
    }
    String message = lower(info.message());
    return status == 403 && (message.contains("flagged") || message.contains("moderation"));
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

  private static long contextSize(ErrorInfo info) {
    if (info.contextSize() > 0) return info.contextSize();
    String message = lower(info.message());
    Matcher matcher = CONTEXT_SIZE.matcher(message);
    if (matcher.find()) return Long.parseLong(matcher.group(1));
    matcher = ANTHROPIC_MAXIMUM.matcher(message);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  private static boolean isToolsUnsupported(ErrorInfo info) {
    String message = lower(info.message());
    return message.contains("tool_choice")
        || message.contains("tool choice")
        || message.contains("--jinja")
        || DOES_NOT_SUPPORT_TOOLS.matcher(message).find()
        || TOOLS_NOT_SUPPORTED.matcher(message).find();
  }

  /** A 4xx about the response format: its parameter, or a message that names it. */
  private static boolean isResponseFormatRejected(ErrorInfo info) {
    String param = lower(info.param());
    if (param.startsWith("response_format")) return true;
    String message = lower(info.message());
    return message.contains("response_format")
        || message.contains("response format")
        || message.contains("json_schema");
  }

  private static boolean isModelNotFound(int status, ErrorInfo info) {
    String codes = lower(info.code()) + " " + lower(info.type());
    if (codes.contains("model_not_found")) return true;
    return status == 404 && lower(info.message()).contains("model");
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

  static String hint(String text, String hint) {
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
