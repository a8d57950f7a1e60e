// The one error type of the client, and the error codes it treats specially.

/**
 * Every failure the client reports: a rejected promise or an outbox entry's `error`.
 *
 * `code` is the server's stable error code (docs/protocol.md "Errors", docs/openapi.yaml), or one of the client's
 * own: `network` (the server could not be reached, or the socket closed before the reply), `timeout` (no reply in
 * time), `not_connected` (the client was disconnected while the call waited), `session_ended` (logged out, or the
 * token stopped working). Branch on `code`; `message` is for people and may change.
 */
export class ParleyError extends Error {
  /**
   * @param {string} code the stable error code
   * @param {string} [message] a human-readable explanation (defaults to the code)
   * @param {{status?: number, retryAfter?: number, room?: string}} [extra] the HTTP status of a REST failure, the
   *   server's Retry-After in seconds, the room an error names
   */
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'ParleyError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter;
    if (extra.room !== undefined) this.room = extra.room;
  }
}

/**
 * `send` errors after which the same frame, with the same clientMsgId, may succeed later: the server stores a
 * clientMsgId once, so a retry never duplicates (docs/protocol.md "Errors").
 */
export const RETRYABLE_SEND_CODES = Object.freeze([
  'storage_unavailable', 'server_busy', 'rate_limited', 'service_closed', 'internal_error',
]);

/** Close reasons (with close code 1008) after which the token is useless: the session is over. */
export const SESSION_ENDED_REASONS = Object.freeze(['invalid_token', 'token_expired', 'logged_out']);

/** Errors about a room's stream position that the client repairs by joining again (docs/protocol.md "Resuming"). */
export const RESYNC_CODES = Object.freeze(['resync_required', 'replay_too_large']);
