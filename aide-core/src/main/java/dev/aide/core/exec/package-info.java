/** The Executor SPI and the values it exchanges. */
@NullMarked
package dev.aide.core.exec;

import org.jspecify.annotations.NullMarked;
