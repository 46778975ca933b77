/** The public API of AIDE for Java: tasks, the search facade, its results and events. */
@NullMarked
package dev.aide.core;

import org.jspecify.annotations.NullMarked;
