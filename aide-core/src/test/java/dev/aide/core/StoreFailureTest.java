package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.internal.NodeJson;
import dev.aide.core.internal.RunStore;
import dev.aide.core.search.Action;
import dev.aide.core.search.GreedyPolicy;
import dev.aide.core.search.SearchPolicy;
import dev.aide.core.search.SearchState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a search meets failures to record its nodes, and Errors thrown on its threads. */
class StoreFailureTest {
  @TempDir Path tmp;

  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60", "0.40", "bug"), true);
  private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
  private Thread.@org.jspecify.annotations.Nullable UncaughtExceptionHandler previousHandler;

  @BeforeEach
  void watchUncaughtExceptions() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
  }

  @AfterEach
  void restoreHandler() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
  }

  private Aide.Builder aide() {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .seed(5)
        .outputDir(tmp.resolve("run"));
  }

  /** Appends the first {@code good} lines to the file, then fails as a full disk does. */
  private static RunStore.JournalOpener fullAfter(int good) {
    return file -> {
      WritableByteChannel real = RunStore.JournalOpener.FILES.open(file);
      AtomicInteger lines = new AtomicInteger();
      return new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) throws IOException {
          if (lines.get() >= good) {
            // a torn write: part of the line reaches the file before the disk fills up
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + part.remaining() / 2);
            real.write(part);
            throw new IOException("No space left on device");
          }
          int written = real.write(src);
          if (!src.hasRemaining()) lines.incrementAndGet();
          return written;
        }

        @Override
        public boolean isOpen() {
          return real.isOpen();
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
    };
  }

  @Test
  void failureToAppendToTheJournalEndsTheSearchAndTheRunResumesOnceFixed() throws Exception {
    Task task = Task.builder().goal("Predict y under a full disk").build();

    assertThatThrownBy(
            () -> aide().journalOpener(fullAfter(3)).workers(2).steps(20).build().run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot append node")
        .hasMessageContaining("journal.jsonl")
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("3 finished node(s)")
        .hasMessageContaining("resume");
    assertThat(uncaught).isEmpty();

    Result resumed = aide().workers(2).steps(6).build().run(task);

    assertThat(resumed.journal().size()).isEqualTo(6);
    List<String> lines = Files.readAllLines(tmp.resolve("run/journal.jsonl"));
    assertThat(lines).hasSize(6);
    Set<Integer> ids = new HashSet<>();
    for (String line : lines) ids.add(NodeJson.read(line).id());
    assertThat(ids).hasSize(6);
  }

  @Test
  void failureToAppendThroughSearchAwaitIsRethrown() {
    Task task = Task.builder().goal("Predict y under a broken disk").build();
    Search search = aide().journalOpener(fullAfter(0)).steps(5).build().start(task);

    assertThatThrownBy(search::await)
        .isInstanceOf(AideException.class)
        .hasMessageContaining("cannot append node 0")
        .hasMessageContaining("0 finished node(s)");
    assertThat(uncaught).isEmpty();
  }

  @Test
  void errorThrownByTheExecutorEndsTheSearchAndIsRethrown() {
    Task task = Task.builder().goal("Predict y").build();
    AtomicInteger runs = new AtomicInteger();
    dev.aide.core.exec.Executor failing =
        request -> {
          if (runs.incrementAndGet() == 3) throw new AssertionError("executor invariant broken");
          return FakeWorld.run(request);
        };

    assertThatThrownBy(() -> aide().executor(failing).workers(2).steps(20).build().run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("executor invariant broken")
        .cause()
        .isInstanceOf(AssertionError.class);
    assertThat(uncaught).isEmpty();
  }

  @Test
  void errorThrownByThePolicyEndsTheSearchAndIsRethrown() {
    Task task = Task.builder().goal("Predict y").build();
    SearchPolicy greedy = GreedyPolicy.builder().build();
    AtomicInteger calls = new AtomicInteger();
    SearchPolicy failing =
        new SearchPolicy() {
          @Override
          public Action next(SearchState state) {
            if (calls.incrementAndGet() == 4) throw new AssertionError("policy invariant broken");
            return greedy.next(state);
          }
        };

    Search search = aide().policy(failing).workers(2).steps(20).build().start(task);

    assertThatThrownBy(search::await)
        .isInstanceOf(AideException.class)
        .hasMessageContaining("policy invariant broken")
        .cause()
        .isInstanceOf(AssertionError.class);
    assertThat(uncaught).isEmpty();
  }

  @Test
  void searchStoppedByAFatalErrorStillWritesReportsOfTheWholeJournalAndSaysWhy() throws Exception {
    Task task = Task.builder().goal("Predict y until the quota runs out").build();
    AtomicInteger calls = new AtomicInteger();
    dev.aide.core.llm.LlmClient quota =
        request -> {
          if (calls.incrementAndGet() == 5) {
            throw new dev.aide.core.llm.LlmException(
                "429 insufficient_quota: you exceeded your current quota",
                null,
                false,
                true,
                429,
                "req-q");
          }
          return world.coder().chat(request);
        };

    assertThatThrownBy(
            () ->
                aide()
                    .coder(quota, "m")
                    .policy(GreedyPolicy.builder().numDrafts(5).debugProb(0).build())
                    .steps(10)
                    .build()
                    .run(task))
        .isInstanceOf(AideException.class)
        .hasMessageContaining("insufficient_quota");

    Path dir = tmp.resolve("run");
    assertThat(Files.readAllLines(dir.resolve("journal.jsonl"))).hasSize(4);
    String report = Files.readString(dir.resolve("report.md"));
    assertThat(report)
        .contains("- **Nodes:** 4 finished")
        .contains("- **Stopped:** on an error that no later step could avoid")
        .contains("> 429 insufficient_quota: you exceeded your current quota")
        .doesNotContain("not yet");
    assertThat(Files.readString(dir.resolve("tree-data.js"))).contains("Draft number 3.");
  }
}
