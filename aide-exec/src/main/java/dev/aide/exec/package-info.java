/** Executor implementations (local process, sandboxed process); not yet implemented. */
package dev.aide.exec;
