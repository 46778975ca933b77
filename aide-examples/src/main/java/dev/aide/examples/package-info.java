/** Runnable examples of AIDE for Java. */
@NullMarked
package dev.aide.examples;

import org.jspecify.annotations.NullMarked;
