package dev.aide.testkit;

import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.ToolChoice;
import dev.aide.core.llm.ToolDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LlmClient} that answers from a script and records the requests it got.
 *
 * <p>Each request goes to the first rule ({@link Builder#when}) whose condition it meets; a request
 * no rule takes gets the next of the queued answers ({@link Builder#answer}), in order; when those
 * are used up, the {@link Builder#otherwise} function answers. When nothing answers, {@link #chat}
 * throws an {@link LlmException} that ends the search and says which request found the script
 * empty.
 *
 * <pre>{@code
 * ScriptedLlm llm = ScriptedLlm.builder()
 *     .whenDirection(request -> Answers.direction(Direction.MAXIMIZE, "AUC"))
 *     .whenReview(request -> Answers.goodRun(0.9, Direction.MAXIMIZE))
 *     .answer(Answers.code("A logistic regression.", "print('metric: 0.9')"))
 *     .answer(Answers.code("A forest.", "print('metric: 0.8')"))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe: the engine's workers may call it at once. Choosing the answer and recording the
 * request happen under one lock, in arrival order; the rule and {@code otherwise} functions are
 * called outside it, from the callers' threads, so they must be thread-safe themselves.
 */
public final class ScriptedLlm implements LlmClient {
  private final List<Rule> rules;
  private final Deque<ChatResponse> queue;
  private final int queued;
  private final @Nullable Function<ChatRequest, ChatResponse> otherwise;
  private final List<ChatRequest> requests = new ArrayList<>();

  private record Rule(
      Predicate<ChatRequest> condition, Function<ChatRequest, ChatResponse> answer) {}

  private ScriptedLlm(Builder builder) {
    this.rules = List.copyOf(builder.rules);
    this.queue = new ArrayDeque<>(builder.queue);
    this.queued = builder.queue.size();
    this.otherwise = builder.otherwise;
  }

  /** Returns a builder of an empty script. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a client that answers every request with {@code answer}, a function of the request. */
  public static ScriptedLlm answering(Function<ChatRequest, ChatResponse> answer) {
    return builder().otherwise(answer).build();
  }

  /**
   * {@inheritDoc}
   *
   * @throws LlmException when no rule, queued answer or {@code otherwise} function is left for the
   *     request (it ends the search), or as the script's function throws it
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    Function<ChatRequest, ChatResponse> answer = null;
    ChatResponse next = null;
    int number;
    synchronized (this) {
      requests.add(request);
      number = requests.size();
      for (Rule rule : rules) {
        if (rule.condition().test(request)) {
          answer = rule.answer();
          break;
        }
      }
      if (answer == null) {
        next = queue.poll();
        if (next == null) answer = otherwise;
      }
    }
    if (next != null) return next;
    if (answer == null) {
      throw new LlmException(
          "ScriptedLlm has no answer for request "
              + number
              + " ("
              + describe(request)
              + "): no rule matched and its "
              + queued
              + " queued answer(s) are used up. Queue more with answer(...), or add when(...)"
              + " or otherwise(...) to the script.",
          null,
          LlmException.Kind.INVALID_REQUEST,
          false,
          true,
          0,
          null);
    }
    return Objects.requireNonNull(
        answer.apply(request), "the script's function returned null for request " + number);
  }

  /** Returns the requests this client got so far, in the order they arrived. */
  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** Returns the requests so far that {@code condition} accepts, e.g. {@code isReview}. */
  public synchronized List<ChatRequest> requests(Predicate<ChatRequest> condition) {
    return requests.stream().filter(condition).toList();
  }

  /** Returns how many queued answers are left. */
  public synchronized int remaining() {
    return queue.size();
  }

  /**
   * Whether the request asks for a review of a run: it offers or names {@value
   * ReviewProtocol#REVIEW_TOOL}. (After a backend refused functions, the engine asks for the same
   * fields as JSON text without tools; match such requests with a rule of your own.)
   */
  public static boolean isReview(ChatRequest request) {
    return offers(request, ReviewProtocol.REVIEW_TOOL);
  }

  /**
   * Whether the request asks which way the task's metric is better: it offers or names {@value
   * ReviewProtocol#DIRECTION_TOOL}.
   */
  public static boolean isDirection(ChatRequest request) {
    return offers(request, ReviewProtocol.DIRECTION_TOOL);
  }

  /** Whether the request is for the coder: neither a review nor the direction question. */
  public static boolean isCoder(ChatRequest request) {
    return !isReview(request) && !isDirection(request);
  }

  /** Returns the text of the request's last message (for a review, it holds the run's output). */
  public static String lastMessage(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    return messages.get(messages.size() - 1).content();
  }

  private static boolean offers(ChatRequest request, String tool) {
    for (ToolDefinition definition : request.tools()) {
      if (definition.name().equals(tool)) return true;
    }
    ToolChoice choice = request.toolChoice();
    return choice != null && tool.equals(choice.toolName());
  }

  private static String describe(ChatRequest request) {
    String role = isReview(request) ? "a review" : isDirection(request) ? "the direction" : "coder";
    return role + " request to model \"" + request.model() + "\"";
  }

  /**
   * Builds a {@link ScriptedLlm}. Not thread-safe; the client it builds is, and later changes to
   * the builder do not reach it.
   */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private final List<ChatResponse> queue = new ArrayList<>();
    private @Nullable Function<ChatRequest, ChatResponse> otherwise;

    private Builder() {}

    /**
     * Answers every request {@code condition} accepts with {@code answer}, before the queue. Rules
     * are tried in the order they were added.
     */
    public Builder when(
        Predicate<ChatRequest> condition, Function<ChatRequest, ChatResponse> answer) {
      rules.add(
          new Rule(
              Objects.requireNonNull(condition, "condition"),
              Objects.requireNonNull(answer, "answer")));
      return this;
    }

    /** Answers every review request ({@link #isReview}) with {@code answer}. */
    public Builder whenReview(Function<ChatRequest, ChatResponse> answer) {
      return when(ScriptedLlm::isReview, answer);
    }

    /** Answers every direction question ({@link #isDirection}) with {@code answer}. */
    public Builder whenDirection(Function<ChatRequest, ChatResponse> answer) {
      return when(ScriptedLlm::isDirection, answer);
    }

    /** Queues answers, given in order to the requests that no rule takes. */
    public Builder answer(ChatResponse... answers) {
      for (ChatResponse answer : Arrays.asList(answers)) {
        queue.add(Objects.requireNonNull(answer, "answer"));
      }
      return this;
    }

    /** Answers the requests that no rule takes once the queue is used up. */
    public Builder otherwise(Function<ChatRequest, ChatResponse> answer) {
      if (otherwise != null) {
        throw new IllegalStateException("otherwise(...) was already set; set it once");
      }
      this.otherwise = Objects.requireNonNull(answer, "answer");
      return this;
    }

    /** Returns the client. */
    public ScriptedLlm build() {
      return new ScriptedLlm(this);
    }
  }
}
