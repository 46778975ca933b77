/**
 * Test doubles for applications that embed AIDE, as OkHttp ships mockwebserver: a scripted {@link
 * dev.aide.core.llm.LlmClient} ({@link dev.aide.testkit.ScriptedLlm}), the answers the engine
 * expects from the coder and the reviewer ({@link dev.aide.testkit.Answers}), a fake {@link
 * dev.aide.core.exec.Executor} ({@link dev.aide.testkit.FakeExecutor}) and a fake OpenAI-compatible
 * server ({@link dev.aide.testkit.FakeOpenAiServer}) for tests that go through a real HTTP client.
 *
 * <p>A search with no LLM and no Python:
 *
 * <pre>{@code
 * ScriptedLlm llm = ScriptedLlm.builder()
 *     .whenReview(request -> Answers.goodRun(0.5, Direction.MAXIMIZE))
 *     .otherwise(request -> Answers.code("Print the score.", "print('metric: 0.5')"))
 *     .build();
 * FakeExecutor executor = FakeExecutor.printing("metric: 0.5\n");
 *
 * Result result = Aide.builder()
 *     .coder(llm, "coder").reviewer(llm, "reviewer").executor(executor)
 *     .steps(3).outputDir(tmp)
 *     .build()
 *     .run(task);
 *
 * assertThat(result.best().metric().value()).isEqualTo(0.5);
 * assertThat(executor.requests()).hasSize(3);
 * }</pre>
 *
 * <p>The same script answers over HTTP: {@code FakeOpenAiServer.start(llm)} and point the
 * application's OpenAI-compatible client at {@code server.baseUrl()}.
 */
@NullMarked
package dev.aide.testkit;

import org.jspecify.annotations.NullMarked;
