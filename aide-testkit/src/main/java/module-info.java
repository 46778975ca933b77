/**
 * Test doubles for applications that embed AIDE: a scripted {@code LlmClient}, the reviewer's
 * answers, a fake {@code Executor} and a fake OpenAI-compatible server.
 */
@SuppressWarnings("requires-automatic") // Moshi 1.x ships only an Automatic-Module-Name
module dev.aide.testkit {
  requires transitive dev.aide.core;
  requires transitive mockwebserver3; // FakeOpenAiServer hands out its RecordedRequests
  requires okhttp3;
  requires com.squareup.moshi;

  exports dev.aide.testkit;
}
