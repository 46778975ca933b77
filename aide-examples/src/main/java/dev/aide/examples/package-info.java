/** Runnable examples and the command line; not yet implemented. */
package dev.aide.examples;
