/**
 * {@link dev.parley.chat.json.StrictJson}: the one strict JSON reader that the WebSocket transport and the REST API
 * share, so that a frame and a request body are accepted or refused by the same rules.
 */
package dev.parley.chat.json;
