/**
 * The WebSocket transport: {@link dev.parley.chat.transport.websocket.ChatWebSocket} puts a
 * {@link dev.parley.chat.core.ChatService} on the wire as a Jakarta WebSocket endpoint that deploys in any Jakarta
 * WebSocket 2.x container. The protocol is described in {@code docs/protocol.md}.
 *
 * <p>The API is {@code ChatWebSocket} (with its builder), {@link dev.parley.chat.transport.websocket.Authenticator}
 * and {@link dev.parley.chat.transport.websocket.ChatWebSocketMetrics}. Everything else here is package-private,
 * except {@link dev.parley.chat.transport.websocket.ChatEndpoint}, which containers require to be public and which
 * has nothing to call.
 */
package dev.parley.chat.transport.websocket;
