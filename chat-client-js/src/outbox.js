// Messages sent but not yet acknowledged: each keeps its clientMsgId and is sent again, with that same id, after
// every reconnect and after retryable errors, until the server acknowledges it. The server stores a clientMsgId
// once per sender, so a repeat returns the original message instead of a second one (docs/protocol.md "Errors").

import { ParleyError, RETRYABLE_SEND_CODES } from './errors.js';
import { backoffDelay } from './backoff.js';

const STORE_KEY = 'outbox';
const CLIENT_MSG_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random clientMsgId, `js-` and 20 random letters and digits (about 103 bits). */
export function newClientMsgId() {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return 'js-' + Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/**
 * The outbox. Entries are sent in the order they were added; a retry after an error may overtake a later entry.
 * States: `waiting` (for the connection or for the retry delay), `sending` (the frame is out, no reply yet),
 * `failed` (a non-retryable error for an entry nobody awaits: one restored from storage; retry() or discard() it).
 */
export class Outbox {
  /**
   * @param {object} o
   * @param {import('./connection.js').Connection} o.connection
   * @param {import('./storage.js').JsonStore} o.store
   * @param {{firstMs: number, maxMs: number}} o.backoff
   * @param {() => void} o.changed called after every change of the entries
   */
  constructor({ connection, store, backoff, changed }) {
    this.conn = connection;
    this.store = store;
    this.backoff = backoff;
    this.changed = changed;
    this.entries = [];
    for (const saved of store.get(STORE_KEY) || []) {
      if (!saved || typeof saved.clientMsgId !== 'string' || typeof saved.room !== 'string') continue;
      this.entries.push({
        clientMsgId: saved.clientMsgId,
        room: saved.room,
        body: String(saved.body),
        replyTo: typeof saved.replyTo === 'number' ? saved.replyTo : undefined,
        state: saved.state === 'failed' ? 'failed' : 'waiting',
        error: saved.error ? new ParleyError(saved.error.code, saved.error.message) : undefined,
        attempt: 0,
        timer: null,
        deferred: null,
      });
    }
  }

  /** Snapshots of the entries, in sending order. */
  get pending() {
    return this.entries.map(({ clientMsgId, room, body, replyTo, state, error }) => {
      const p = { clientMsgId, room, body, state };
      if (replyTo !== undefined) p.replyTo = replyTo;
      if (error) p.error = error;
      return p;
    });
  }

  /**
   * Adds a message and sends it when live. Resolves with the stored Message at its `ack` (or at its own `message`
   * event, whichever comes first); rejects with a ParleyError for a non-retryable error, or `session_ended`.
   */
  add(room, body, clientMsgId = newClientMsgId(), replyTo = undefined) {
    if (!CLIENT_MSG_ID.test(clientMsgId)) {
      return Promise.reject(new ParleyError('invalid_client_msg_id', 'clientMsgId must be 1-64 of [A-Za-z0-9._:-]'));
    }
    const existing = this.entries.find((e) => e.clientMsgId === clientMsgId);
    if (existing) {
      if (!existing.deferred) existing.deferred = deferred();
      return existing.deferred.promise;
    }
    const entry = { clientMsgId, room, body, replyTo, state: 'waiting', error: undefined, attempt: 0, timer: null,
      deferred: deferred() };
    this.entries.push(entry);
    this.save();
    this.trySend(entry);
    return entry.deferred.promise;
  }

  /** Sends every entry that is waiting (after `ready`). */
  flush() {
    for (const e of this.entries) {
      if (e.state !== 'failed' && e.state !== 'sending') {
        clearTimeout(e.timer);
        e.attempt = 0;
        this.trySend(e);
      }
    }
  }

  trySend(entry) {
    clearTimeout(entry.timer);
    if (!this.conn.live || !this.entries.includes(entry)) return;
    entry.state = 'sending';
    entry.error = undefined;
    this.changed();
    const frame = { type: 'send', room: entry.room, body: entry.body, clientMsgId: entry.clientMsgId };
    if (entry.replyTo !== undefined) frame.replyTo = entry.replyTo;
    this.conn.request(frame).then(
      (ack) => this.confirm(entry.clientMsgId, ack.message),
      (e) => this.failed(entry, e));
  }

  failed(entry, e) {
    if (!this.entries.includes(entry)) return;
    if (e.code === 'network' || e.code === 'not_connected') {
      entry.state = 'waiting'; // sent again after the next `ready`
    } else if (e.code === 'timeout' || RETRYABLE_SEND_CODES.includes(e.code)) {
      entry.state = 'waiting';
      const delay = Math.max(this.backoff.firstMs / 2, backoffDelay(entry.attempt++, this.backoff));
      entry.timer = setTimeout(() => this.trySend(entry), delay);
    } else if (entry.deferred) {
      this.remove(entry);
      entry.deferred.reject(e);
      return;
    } else {
      entry.state = 'failed';
      entry.error = e;
    }
    this.save();
  }

  /** The server has the message (its `ack`, or its `message` event from our own send). */
  confirm(clientMsgId, message) {
    const entry = this.entries.find((e) => e.clientMsgId === clientMsgId);
    if (!entry) return;
    this.remove(entry);
    if (entry.deferred) entry.deferred.resolve(message);
  }

  /** Sends a waiting or failed entry again now. Returns whether there was one. */
  retry(clientMsgId) {
    const entry = this.entries.find((e) => e.clientMsgId === clientMsgId);
    if (!entry || entry.state === 'sending') return !!entry;
    entry.state = 'waiting';
    entry.error = undefined;
    entry.attempt = 0;
    this.save();
    this.trySend(entry);
    return true;
  }

  /** Drops an entry without sending it again; its promise, if any, rejects with `discarded`. */
  discard(clientMsgId) {
    const entry = this.entries.find((e) => e.clientMsgId === clientMsgId);
    if (!entry) return false;
    this.remove(entry);
    if (entry.deferred) entry.deferred.reject(new ParleyError('discarded', 'the message was discarded'));
    return true;
  }

  /** The socket is gone: frames in flight will be sent again after the next `ready`. */
  onClosed() {
    for (const e of this.entries) if (e.state === 'sending') e.state = 'waiting';
    this.save();
  }

  /** Empties the outbox (the session ended); promises reject with `code`. */
  clear(code) {
    const entries = this.entries.splice(0);
    this.save();
    for (const e of entries) {
      clearTimeout(e.timer);
      if (e.deferred) e.deferred.reject(new ParleyError(code, 'the session ended before the message was sent'));
    }
  }

  remove(entry) {
    clearTimeout(entry.timer);
    this.entries = this.entries.filter((e) => e !== entry);
    this.save();
  }

  save() {
    this.store.set(STORE_KEY, this.entries.length === 0 ? null : this.entries.map(({ clientMsgId, room, body, replyTo, state, error }) => ({
      clientMsgId, room, body, replyTo, state: state === 'failed' ? 'failed' : 'waiting',
      error: error ? { code: error.code, message: error.message } : undefined,
    })));
    this.changed();
  }
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  // a caller that ignores the promise must not get an unhandled rejection for a message it fire-and-forgot
  promise.catch(() => {});
  return { promise, resolve, reject };
}
