/**
 * AIDE for Java's engine and its service provider interfaces: {@link dev.aide.core.Aide} runs a
 * search; LLM clients, executors and search policies plug in through the {@code llm}, {@code exec}
 * and {@code search} packages; {@code score} holds the metrics the harness computes itself. {@code
 * dev.aide.core.internal} is not exported.
 */
@SuppressWarnings("requires-automatic") // Moshi 1.x ships only an Automatic-Module-Name
module dev.aide.core {
  requires transitive org.jspecify;
  requires org.slf4j;
  requires com.squareup.moshi;

  exports dev.aide.core;
  exports dev.aide.core.exec;
  exports dev.aide.core.llm;
  exports dev.aide.core.score;
  exports dev.aide.core.search;

  uses dev.aide.core.llm.LlmClientProvider;
  uses dev.aide.core.exec.ExecutorProvider;
}
