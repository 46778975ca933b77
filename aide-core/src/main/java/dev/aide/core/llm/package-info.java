/** The LlmClient SPI and the values it exchanges. */
@NullMarked
package dev.aide.core.llm;

import org.jspecify.annotations.NullMarked;
