/**
 * Executor implementations: {@link dev.aide.exec.ProcessExecutor} runs a solution as a local
 * process, optionally inside a bubblewrap sandbox.
 */
@NullMarked
package dev.aide.exec;

import org.jspecify.annotations.NullMarked;
