/**
 * Implementation of the WebSocket transport. Not an API: everything here may change without notice. Only
 * {@link dev.parley.chat.transport.websocket.internal.WebSocketHub} and
 * {@link dev.parley.chat.transport.websocket.internal.Settings} are public, for
 * {@link dev.parley.chat.transport.websocket.ChatWebSocket}'s use.
 */
package dev.parley.chat.transport.websocket.internal;
