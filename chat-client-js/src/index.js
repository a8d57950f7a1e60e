// @parley/client: the JavaScript client of the Parley chat server (docs/protocol.md, docs/openapi.yaml).

export { ParleyClient } from './client.js';
export { ParleyError, RETRYABLE_SEND_CODES, SESSION_ENDED_REASONS, RESYNC_CODES } from './errors.js';
export { STATES } from './connection.js';
export { memoryStorage } from './storage.js';
export { newClientMsgId } from './outbox.js';
