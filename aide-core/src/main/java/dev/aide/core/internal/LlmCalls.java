package dev.aide.core.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.llm.ToolDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The format of a recording of LLM calls ({@code llm-calls.jsonl}): one JSON object per line with
 * {@code key} (the SHA-256 of the request's canonical JSON), {@code request} (that canonical form:
 * model, messages, temperature, maxOutputTokens, tools, toolChoice, keys sorted), either {@code
 * response} (text, toolCalls, finishReason, usage, requestId) or {@code failure} (kind, statusCode,
 * message, retryable, endsRun, requestId), {@code latencyMillis} and {@code at}.
 */
public final class LlmCalls {
  private static final Logger log = LoggerFactory.getLogger(LlmCalls.class);
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private LlmCalls() {}

  /** One recorded exchange, read back from line {@code line} of the file. */
  public record Call(
      int line,
      String key,
      Map<String, Object> request,
      @Nullable ChatResponse response,
      @Nullable LlmException failure) {
    /** The request's model, or "?" when the line has none. */
    public String model() {
      return request.get("model") instanceof String s ? s : "?";
    }
  }

  /**
   * What kind of call a canonical request is, for a replay in recorded order: the tool it forces,
   * else the response format it asks for, else a plain answer.
   */
  public static String kind(Map<String, Object> canonical) {
    if (canonical.get("toolChoice") instanceof Map<?, ?> choice && choice.get("tool") != null) {
      return "tool:" + choice.get("tool");
    }
    if (canonical.get("responseFormat") instanceof Map<?, ?> format) {
      return "format:" + format.get("name");
    }
    return "text";
  }

  /** Returns the request in canonical form: sorted keys, absent settings left out. */
  public static Map<String, Object> canonical(ChatRequest request) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("model", request.model());
    List<Object> messages = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      messages.add(Map.of("role", message.role().name(), "content", message.content()));
    }
    map.put("messages", messages);
    map.put("temperature", request.temperature());
    map.put("maxOutputTokens", request.maxOutputTokens());
    if (!request.tools().isEmpty()) {
      List<Object> tools = new ArrayList<>();
      for (ToolDefinition tool : request.tools()) {
        tools.add(
            Map.of(
                "name", tool.name(),
                "description", tool.description(),
                "parameters", tool.parameters()));
      }
      map.put("tools", tools);
    }
    if (request.toolChoice() != null) {
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("mode", request.toolChoice().mode().name());
      if (request.toolChoice().toolName() != null) {
        choice.put("tool", request.toolChoice().toolName());
      }
      map.put("toolChoice", choice);
    }
    if (request.responseFormat() != null) {
      Map<String, Object> format = new LinkedHashMap<>();
      format.put("name", request.responseFormat().name());
      format.put("schema", request.responseFormat().schema());
      format.put("strict", request.responseFormat().strict());
      map.put("responseFormat", format);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> normal = (Map<String, Object>) normalise(map);
    return normal;
  }

  /**
   * Returns {@code value} with every map's keys sorted, null entries left out and whole numbers as
   * longs, so that the same request gives the same JSON text whether built in Java or read back.
   */
  static @Nullable Object normalise(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object v = normalise(entry.getValue());
        if (v != null) sorted.put(String.valueOf(entry.getKey()), v);
      }
      return sorted;
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>();
      for (Object item : list) copy.add(normalise(item));
      return copy;
    }
    if (value instanceof Number n) {
      if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
        return n.longValue();
      }
      BigDecimal decimal;
      if (n instanceof BigDecimal d) {
        decimal = d;
      } else if (n instanceof BigInteger i) {
        decimal = new BigDecimal(i);
      } else {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) return d;
        decimal = new BigDecimal(Double.toString(d));
      }
      try {
        return decimal.longValueExact();
      } catch (ArithmeticException e) {
        return decimal.doubleValue();
      }
    }
    return value;
  }

  /** Returns the request's key: the SHA-256 (hex) of its canonical JSON. */
  public static String key(Map<String, Object> canonical) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.toJson(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

  /** A duration or a size as the prompts write them, whose unit changes with its value. */
  private static final java.util.regex.Pattern QUANTITY =
      java.util.regex.Pattern.compile(
          "[0-9]+(?:\\.[0-9]+)?\\s?(?:ms|s|min|h|B|KB|MB|GB|KiB|MiB|GiB)\\b");

  /**
   * Returns the key of the request with every number in its messages' text replaced by {@code #}, a
   * duration or size with its unit ({@code 981 ms} and {@code 1 s} alike): the same for two
   * requests that differ only in run times, sizes or printed values.
   */
  public static String looseKey(Map<String, Object> canonical) {
    Map<String, Object> copy = new TreeMap<>(canonical);
    if (canonical.get("messages") instanceof List<?> messages) {
      List<Object> masked = new ArrayList<>();
      for (Object message : messages) {
        if (message instanceof Map<?, ?> m && m.get("content") instanceof String content) {
          Map<String, Object> changed = new TreeMap<>();
          m.forEach((k, v) -> changed.put(String.valueOf(k), v));
          String quantities = QUANTITY.matcher(content).replaceAll("#");
          changed.put("content", NUMBER.matcher(quantities).replaceAll("#"));
          masked.add(changed);
        } else {
          masked.add(message);
        }
      }
      copy.put("messages", masked);
    }
    return key(copy);
  }

  /** Returns the JSON line (with its newline) of one exchange: an answer or a failure. */
  public static String line(
      String key,
      Map<String, Object> request,
      @Nullable ChatResponse response,
      @Nullable LlmException failure,
      long latencyMillis,
      Instant at) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("key", key);
    map.put("request", request);
    if (response != null) {
      Map<String, @Nullable Object> r = new LinkedHashMap<>();
      r.put("text", response.text());
      List<Object> calls = new ArrayList<>();
      for (ToolCall call : response.toolCalls()) {
        Map<String, @Nullable Object> c = new LinkedHashMap<>();
        c.put("id", call.id());
        c.put("name", call.name());
        c.put("arguments", call.arguments());
        calls.add(c);
      }
      r.put("toolCalls", calls);
      r.put("finishReason", response.finishReason().name());
      r.put("usage", NodeJson.usage(response.usage()));
      r.put("requestId", response.requestId());
      map.put("response", r);
    }
    if (failure != null) {
      Map<String, @Nullable Object> f = new LinkedHashMap<>();
      f.put("kind", failure.kind().name());
      f.put("statusCode", failure.statusCode());
      f.put("message", String.valueOf(failure.getMessage()));
      f.put("retryable", failure.isRetryable());
      f.put("endsRun", failure.endsRun());
      f.put("requestId", failure.requestId());
      map.put("failure", f);
    }
    map.put("latencyMillis", latencyMillis);
    map.put("at", at.toString());
    return JSON.toJson(map) + "\n";
  }

  /** Reads one line; throws IllegalArgumentException saying what is wrong. */
  static Call read(String text, int number) {
    Object parsed;
    try {
      parsed = JSON.fromJson(text);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("line " + number + " is not JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("line " + number + " is not a JSON object");
    }
    String key = string(map, "key", number);
    if (!(map.get("request") instanceof Map<?, ?> request)) {
      throw new IllegalArgumentException("line " + number + ": field 'request' is missing");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> canonical = (Map<String, Object>) normalise(request);
    ChatResponse response = null;
    LlmException failure = null;
    try {
      if (map.get("response") instanceof Map<?, ?> r) {
        List<ToolCall> calls = new ArrayList<>();
        if (r.get("toolCalls") instanceof List<?> list) {
          for (Object item : list) {
            Map<?, ?> c = (Map<?, ?>) item;
            calls.add(
                new ToolCall(
                    (String) c.get("id"), (String) c.get("name"), (String) c.get("arguments")));
          }
        }
        Map<?, ?> u = (Map<?, ?>) r.get("usage");
        TokenUsage usage =
            u == null
                ? TokenUsage.ZERO
                : new TokenUsage(
                    count(u, "input"),
                    count(u, "output"),
                    count(u, "cachedInput"),
                    count(u, "reasoning"));
        response =
            new ChatResponse(
                (String) r.get("text"),
                calls,
                FinishReason.valueOf((String) r.get("finishReason")),
                usage,
                (String) r.get("requestId"));
      } else if (map.get("failure") instanceof Map<?, ?> f) {
        failure =
            new LlmException(
                String.valueOf(f.get("message")),
                null,
                LlmException.Kind.valueOf((String) f.get("kind")),
                Boolean.TRUE.equals(f.get("retryable")),
                Boolean.TRUE.equals(f.get("endsRun")),
                f.get("statusCode") instanceof Number n ? n.intValue() : 0,
                (String) f.get("requestId"));
      } else {
        throw new IllegalArgumentException("it has neither 'response' nor 'failure'");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("line " + number + " cannot be read: " + e.getMessage());
    }
    return new Call(number, key, canonical, response, failure);
  }

  private static long count(Map<?, ?> map, String field) {
    return map.get(field) instanceof Number n ? n.longValue() : 0;
  }

  private static String string(Map<?, ?> map, String field, int number) {
    if (map.get(field) instanceof String s) return s;
    throw new IllegalArgumentException(
        "line " + number + ": field '" + field + "' should be a string");
  }

  /**
   * Reads the recording at {@code file}. Unreadable lines are skipped with a warning naming the
   * line. A last line without its newline is kept when it is a whole record (with {@code repair},
   * the newline is added); else it was torn by a process that stopped while writing it and is
   * ignored with a warning (with {@code repair}, cut off the file).
   *
   * @throws UncheckedIOException if the file cannot be read or repaired
   */
  public static List<Call> readAll(Path file, boolean repair) {
    List<Call> calls = new ArrayList<>();
    try {
      byte[] bytes = Files.readAllBytes(file);
      int start = 0;
      int number = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] != '\n') continue;
        number++;
        String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
        start = i + 1;
        if (text.isBlank()) continue;
        try {
          calls.add(read(text, number));
        } catch (IllegalArgumentException e) {
          log.warn("{}: {}; skipping it", file, e.getMessage());
        }
      }
      if (start == bytes.length) return calls;
      number++;
      String tail = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
      Call last = null;
      try {
        if (!tail.isBlank()) last = read(tail, number);
      } catch (IllegalArgumentException e) {
        // torn: handled below
      }
      if (last != null) calls.add(last);
      if (last == null) {
        log.warn(
            "Ignoring the torn last line of {} (line {}, {} bytes): the process stopped while"
                + " writing it",
            file,
            number,
            bytes.length - start);
      }
      if (repair) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          if (last != null) {
            channel.position(bytes.length);
            ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
            while (newline.hasRemaining()) channel.write(newline);
          } else {
            channel.truncate(start);
          }
        }
      }
      return calls;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the LLM recording " + file + ": " + e, e);
    }
  }
}
