/**
 * The WebSocket transport: {@link dev.parley.chat.transport.websocket.ChatWebSocket} puts a
 * {@link dev.parley.chat.core.ChatService} on the wire as a Jakarta WebSocket endpoint that deploys in any Jakarta
 * WebSocket 2.x container. The protocol is described in {@code docs/protocol.md}.
 */
package dev.parley.chat.transport.websocket;
