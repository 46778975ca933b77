/** The machinery of repository tasks: edits, diffs, base trees. */
@NullMarked
package dev.aide.core.internal.repo;

import org.jspecify.annotations.NullMarked;
