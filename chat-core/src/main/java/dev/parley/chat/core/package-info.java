/**
 * Parley's public API: {@link dev.parley.chat.core.ChatService}, its immutable data records, its events and its
 * exceptions. Start with {@link dev.parley.chat.core.ChatService#builder()}.
 */
package dev.parley.chat.core;
