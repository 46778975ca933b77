/** LlmClient implementations over HTTP (OpenAI-compatible and Anthropic); not yet implemented. */
package dev.aide.llm;
