/**
 * The SearchPolicy SPI, its actions and the built-in policies.
 *
 * <p><b>Debug chains.</b> A debug chain is a buggy node and the DEBUG nodes made from it one after
 * another, each fixing the one before; {@link dev.aide.core.Node#debugDepth()} counts a node's
 * place in it (1 for the first fix). Every built-in policy bounds its chains with one number N,
 * {@link GreedyPolicy.Builder#maxDebugDepth}, {@link MctsPolicy.Builder#debugAttempts} and {@link
 * EvolutionaryPolicy.Builder#debugAttempts} alike, default 3: <b>a chain of at most N debug
 * nodes</b>. A buggy node is debugged only while its debug depth is below N, so no node's debug
 * depth passes N, and N = 0 turns debugging off.
 */
@NullMarked
package dev.aide.core.search;

import org.jspecify.annotations.NullMarked;
