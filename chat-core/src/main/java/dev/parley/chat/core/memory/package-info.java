/**
 * In-memory implementations of every SPI: for tests, demos and single-process apps that need no persistence.
 * Everything here is thread-safe and holds no threads.
 */
package dev.parley.chat.core.memory;
