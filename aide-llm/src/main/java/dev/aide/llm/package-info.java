/**
 * {@link dev.aide.core.llm.LlmClient} implementations over HTTP: {@link OpenAiClient} for OpenAI's
 * Chat Completions API and every server compatible with it, {@link AnthropicClient} for Anthropic's
 * Messages API, and {@link EnvironmentLlmClientProvider}, which makes one of them from environment
 * variables for {@code Aide.optimize(task)}.
 *
 * <p>Failures are {@link ProviderException}s, unchecked; each subclass says when it is thrown.
 */
@NullMarked
package dev.aide.llm;

import org.jspecify.annotations.NullMarked;
