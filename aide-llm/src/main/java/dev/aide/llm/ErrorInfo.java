package dev.aide.llm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a provider said about a failure, read from any of the error shapes in use.
 *
 * <ul>
 *   <li>nested, as OpenAI, Anthropic and most compatible servers send: {@code {"error": {"type":
 *       ..., "code": ..., "message": ..., "param": ...}}}, with Anthropic's top-level {@code
 *       request_id} and {@code error.details.error_code};
 *   <li>flat, as vLLM sends: {@code {"object": "error", "message": ..., "type": ..., "code": 400}};
 *   <li>a bare string, as Ollama's native routes send: {@code {"error": "model not found"}};
 *   <li>a one-element array around the nested shape, as Google's compatible endpoint sends;
 *   <li>FastAPI's {@code {"detail": "..."}}, and any other text (the first 300 characters).
 * </ul>
 *
 * <p>{@code code} may be a number or a string; it is kept as text. Also kept: OpenRouter's
 * moderation {@code metadata.reasons} and {@code metadata.flagged_input}, and llama.cpp's context
 * size {@code n_ctx}.
 */
record ErrorInfo(
    @Nullable String type,
    @Nullable String code,
    @Nullable String message,
    @Nullable String param,
    @Nullable String detailCode,
    @Nullable String requestId,
    List<String> reasons,
    @Nullable String flaggedInput,
    long contextSize) {

  private static final int MAX_TEXT = 300;

  /** No details beyond the request id. */
  static ErrorInfo none(@Nullable String requestId) {
    return new ErrorInfo(null, null, null, null, null, requestId, List.of(), null, 0);
  }

  /** Reads the error in {@code body}, with every secret cut out of the provider's words. */
  static ErrorInfo parse(String body, @Nullable String headerRequestId, Secrets secrets) {
    Object root;
    try {
      root = Json.read(body);
    } catch (IOException e) {
      root = null;
    }
    if (root instanceof List && !((List<?>) root).isEmpty()) root = ((List<?>) root).get(0);
    Map<String, Object> map = Json.object(root);
    if (map == null) {
      String text = body.strip().replaceAll("\\s+", " ");
      if (text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT) + "...";
      return new ErrorInfo(
          null,
          null,
          text.isEmpty() ? null : secrets.redact(text),
          null,
          null,
          headerRequestId,
          List.of(),
          null,
          0);
    }
    String requestId = headerRequestId != null ? headerRequestId : Json.string(map, "request_id");
    Map<String, Object> error = Json.object(map, "error");
    if (error == null) {
      String bare = Json.string(map, "error");
      String message = bare != null ? bare : Json.string(map, "message");
      if (message == null) message = Json.string(map, "detail");
      error = map;
      return of(error, message, requestId, secrets);
    }
    return of(error, Json.string(error, "message"), requestId, secrets);
  }

  private static ErrorInfo of(
      Map<String, Object> error,
      @Nullable String message,
      @Nullable String requestId,
      Secrets secrets) {
    String type = Json.string(error, "type");
    if (type == null) type = Json.string(error, "status");
    if ("error".equals(type)) type = null;
    Map<String, Object> metadata = Json.object(error, "metadata");
    List<String> reasons = new ArrayList<>();
    for (Object reason : Json.list(metadata, "reasons")) {
      if (reason instanceof String) reasons.add(secrets.redact((String) reason));
    }
    String flagged = Json.string(metadata, "flagged_input");
    return new ErrorInfo(
        type,
        Json.stringOrNumber(error, "code"),
        message == null ? null : secrets.redact(message),
        Json.string(error, "param"),
        Json.string(Json.object(error, "details"), "error_code"),
        requestId,
        List.copyOf(reasons),
        flagged == null ? null : secrets.redact(flagged),
        Json.count(error, "n_ctx"));
  }
}
