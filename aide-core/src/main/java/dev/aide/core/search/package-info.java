/** The SearchPolicy SPI, its actions and the built-in policies. */
@NullMarked
package dev.aide.core.search;

import org.jspecify.annotations.NullMarked;
