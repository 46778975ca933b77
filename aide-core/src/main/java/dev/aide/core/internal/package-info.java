/** The search engine, prompts, parsing and persistence. Not API: may change in any release. */
@NullMarked
package dev.aide.core.internal;

import org.jspecify.annotations.NullMarked;
