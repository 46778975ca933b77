/**
 * LLM clients for OpenAI-compatible Chat Completions and Anthropic Messages, over OkHttp, and the
 * provider that configures one from the environment.
 */
@SuppressWarnings("requires-automatic") // okio and Moshi 1.x ship only an Automatic-Module-Name
module dev.aide.llm {
  requires transitive dev.aide.core;
  requires transitive okhttp3; // the builders take an OkHttpClient
  requires com.squareup.moshi;
  requires org.slf4j;

  exports dev.aide.llm;

  provides dev.aide.core.llm.LlmClientProvider with
      dev.aide.llm.EnvironmentLlmClientProvider;
}
