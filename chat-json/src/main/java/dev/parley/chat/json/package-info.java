/**
 * Parley's JSON, shared by the WebSocket transport and the REST API: {@link dev.parley.chat.json.StrictJson}, the
 * one strict reader, so that a frame and a request body are accepted or refused by the same rules; and
 * {@link dev.parley.chat.json.ChatJson}, the one writer of the shapes both send (a message, a user, a room change).
 */
package dev.parley.chat.json;
