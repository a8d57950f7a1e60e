// ParleyClient: the public face. It wires the connection, the rooms, the outbox and the REST API together and
// re-emits what they report as CustomEvents. UI-free: no DOM, no framework.

import { Connection } from './connection.js';
import { ParleyError } from './errors.js';
import { Outbox } from './outbox.js';
import { RestApi } from './rest.js';
import { Rooms } from './rooms.js';
import { JsonStore } from './storage.js';
import { DEFAULT_BACKOFF } from './backoff.js';

const SESSION_KEY = 'session';
const TYPING_EVERY_MS = 2_500;

/**
 * A Parley client: one user's session, one WebSocket, the rooms it follows and its outbox.
 * See index.d.ts for the full contract of each member and event.
 */
export class ParleyClient extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl] the server's origin, e.g. `https://chat.example.com` (default: the page's)
   * @param {any} [options.WebSocket] a WebSocket constructor (default: the global one)
   * @param {typeof fetch} [options.fetch] (default: the global one)
   * @param {{getItem: Function, setItem: Function, removeItem: Function}} [options.storage] keeps the session and
   *   the outbox (keys `parley.session`, `parley.outbox`); default: memory
   * @param {string} [options.wsPath] default `/ws`
   * @param {string} [options.token] a token from elsewhere; with no `user` known, `session.user` stays null until
   *   the socket is `ready`
   * @param {{firstMs?: number, maxMs?: number}} [options.backoff] reconnect and retry delays
   */
  constructor(options = {}) {
    super();
    const baseUrl = options.baseUrl || (globalThis.location && globalThis.location.origin);
    if (!baseUrl) throw new TypeError('ParleyClient: baseUrl is required outside a browser page');
    const doFetch = options.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    if (!doFetch) throw new TypeError('ParleyClient: no fetch available; pass options.fetch');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.wsPath = options.wsPath || '/ws';
    this.WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    const backoff = { ...DEFAULT_BACKOFF, ...(options.backoff || {}) };
    this.store = new JsonStore(options.storage);
    this._session = this.store.get(SESSION_KEY);
    if (options.token) {
      const same = this._session && this._session.token === options.token;
      this._session = { token: options.token, user: same ? this._session.user : null };
      this.store.set(SESSION_KEY, this._session);
    }
    this.typingSentAt = new Map();

    this.rest = new RestApi({
      baseUrl: this.baseUrl,
      fetch: doFetch,
      token: () => (this._session ? this._session.token : null),
      onUnauthorized: (error, token) => this.unauthorized(error, token),
      timeoutMs: options.requestTimeoutMs || 30_000,
    });
    this.connection = new Connection({
      url: () => this.baseUrl.replace(/^http/i, 'ws') + this.wsPath,
      WebSocket: this.WebSocketImpl,
      token: () => (this._session ? this._session.token : null),
      backoff,
      heartbeatMs: options.heartbeatMs || 20_000,
      pongTimeoutMs: options.pongTimeoutMs || 10_000,
      readyTimeoutMs: options.readyTimeoutMs || 15_000,
      requestTimeoutMs: options.requestTimeoutMs || 15_000,
    });
    const emit = (type, detail) => this.emit(type, detail);
    this.roomsTracker = new Rooms({ connection: this.connection, rest: this.rest, emit: (type, detail) => {
      if (type === 'message') this.ownMessage(detail.message);
      emit(type, detail);
    }, backoff });
    this.outbox = new Outbox({ connection: this.connection, store: this.store, backoff,
      changed: () => emit('outbox', { pending: this.outbox ? this.outbox.pending : [] }) });

    this.connection.addEventListener('state', (e) => emit('state', e.detail));
    this.connection.addEventListener('ready', (e) => {
      if (this._session && e.detail.user) {
        this._session = { ...this._session, user: e.detail.user };
        this.store.set(SESSION_KEY, this._session);
      }
      // rooms first: their resumes go out before the outbox's sends, so the replay's own messages confirm entries
      this.roomsTracker.onReady();
      this.outbox.flush();
    });
    this.connection.addEventListener('closed', () => {
      this.roomsTracker.onClosed();
      this.outbox.onClosed();
    });
    this.connection.addEventListener('frame', (e) => this.frame(e.detail.frame));
    this.connection.addEventListener('session_ended', (e) => this.endSession(e.detail.reason));
  }

  /** The session: `{token, user: {id, username}}`, or null when logged out. */
  get session() {
    return this._session ? { token: this._session.token, user: this._session.user } : null;
  }

  /** `offline` | `connecting` | `live` | `reconnecting`; a `state` event announces every change. */
  get state() {
    return this.connection.state;
  }

  /** The outbox: messages not yet acknowledged, in sending order (snapshots; an `outbox` event follows changes). */
  get pending() {
    return this.outbox.pending;
  }

  // ---- accounts ----------------------------------------------------------------------------------------------

  /** Creates an account (POST /api/register) without logging in. Resolves with the User. */
  register(username, password) {
    return this.rest.register(username, password);
  }

  /** Logs in (POST /api/login) and keeps the session. Does not connect: call connect(). */
  async login(username, password) {
    const result = await this.rest.login(username, password);
    if (this._session && this._session.token !== result.token) this.endSession(null);
    this._session = { token: result.token, user: result.user };
    this.store.set(SESSION_KEY, this._session);
    return this.session;
  }

  /**
   * Logs out: revokes the token (POST /api/logout; failures are ignored, the token expires anyway), closes the
   * socket, forgets the session, the rooms and the outbox, and emits `session_ended` {reason: 'logged_out'}.
   */
  async logout() {
    const session = this._session;
    if (!session) return;
    this.connection.stop();
    try {
      await this.rest.request('POST', '/api/logout');
    } catch {
      // the server may be unreachable; the token expires on its own
    }
    if (this._session === session) this.endSession('logged_out');
  }

  /**
   * Signs out everywhere (DELETE /api/sessions): the server revokes every session of this user, this one included,
   * and closes their sockets (other clients of the user get `session_ended` {reason: 'logged_out'}). Then as
   * logout(). Rejects, keeping the session, if the server cannot be reached: nothing was revoked then.
   */
  async logoutEverywhere() {
    const session = this._session;
    if (!session) return;
    await this.rest.logoutEverywhere();
    if (this._session === session) this.endSession('logged_out');
  }

  endSession(reason) {
    this.connection.stop();
    const had = !!this._session;
    this._session = null;
    this.store.set(SESSION_KEY, null);
    this.roomsTracker.clear('session_ended');
    this.outbox.clear('session_ended');
    this.typingSentAt.clear();
    if (had && reason) this.emit('session_ended', { reason });
  }

  /** A REST call was refused for our token: the session is over, unless the socket's close explains it first. */
  unauthorized(error, token) {
    if (error.code !== 'invalid_token' && error.code !== 'token_expired') return;
    const session = this._session;
    if (!session || session.token !== token) return;
    // after a logout elsewhere, the socket's close (reason logged_out) usually follows at once and says more
    setTimeout(() => {
      if (this._session === session) this.endSession(error.code);
    }, this.connection.state === 'live' ? 1000 : 0);
  }

  // ---- the connection ----------------------------------------------------------------------------------------

  /**
   * Opens the socket and keeps it open: reconnects with exponential backoff and full jitter until disconnect(),
   * logout() or the end of the session. On every `ready` it resumes each followed room from its lastChange and
   * sends the outbox again.
   */
  connect() {
    if (!this._session) throw new ParleyError('not_connected', 'log in first');
    if (!this.WebSocketImpl) {
      throw new TypeError('ParleyClient: no WebSocket available; pass options.WebSocket (Node 20: --experimental-websocket)');
    }
    this.connection.start();
  }

  /**
   * Connects now rather than after the backoff wait (the network came back, the person asked): starts a
   * disconnected client as connect() does, or cuts a pending retry's wait short. No-op while a socket is open
   * or opening.
   */
  reconnectNow() {
    if (!this.connection.running) this.connect();
    else this.connection.reconnectNow();
  }

  /** Closes the socket and stops reconnecting; rooms and the outbox are kept for the next connect(). */
  disconnect() {
    this.connection.stop();
    this.roomsTracker.onStopped();
    this.outbox.onClosed();
  }

  // ---- rooms -------------------------------------------------------------------------------------------------

  /**
   * Follows a room over the socket (`join`, which also makes the user a member of a public room). Waits until
   * live. Resolves with {room, lastSeq, lastChange, online}; from then on the room is resumed after every reconnect.
   * Direct rooms, which cannot be joined, are subscribed by a resume after their newest message (see rooms.js).
   */
  join(room) {
    if (!this._session) return Promise.reject(new ParleyError('session_ended', 'not logged in'));
    return this.roomsTracker.join(room);
  }

  /** Leaves a room (socket `leave` when live, REST otherwise) and stops following it; emits `left`. */
  async leave(room) {
    if (this.connection.live) {
      await this.connection.request({ type: 'leave', room });
    } else {
      await this.rest.leaveRoom(room);
    }
    if (this.roomsTracker.forget(room)) this.emit('left', { room });
    return undefined;
  }

  /** The change the room's stream continues after; undefined for a room not followed (or not yet subscribed). */
  lastChange(room) {
    return this.roomsTracker.lastChange(room);
  }

  // ---- messages ----------------------------------------------------------------------------------------------

  /**
   * Sends a message through the outbox. Resolves with the stored Message once acknowledged; sent again with the
   * same clientMsgId after reconnects and retryable errors until then. Rejects with the server's code for any
   * other error (the entry leaves the outbox), or `session_ended`. `replyTo` (a message id of the same room) makes
   * it a reply; a reply to a deleted or unknown message rejects with `invalid_reply`.
   */
  send(room, body, { clientMsgId, replyTo } = {}) {
    if (!this._session) return Promise.reject(new ParleyError('session_ended', 'not logged in'));
    this.typingSentAt.delete(room);
    return this.outbox.add(room, body, clientMsgId, replyTo);
  }

  /** Sends a waiting or failed outbox entry again now. */
  retry(clientMsgId) {
    return this.outbox.retry(clientMsgId);
  }

  /** Removes an outbox entry; it is not sent again (one already stored on the server stays). */
  discard(clientMsgId) {
    return this.outbox.discard(clientMsgId);
  }

  /** Edits an own message (socket when live, else REST). Resolves with the Message; the room gets `edited`. */
  async edit(id, body) {
    if (this.connection.live) return (await this.connection.request({ type: 'edit', id, body })).message;
    return this.rest.edit(id, body);
  }

  /** Deletes an own message (socket when live, else REST). Resolves with the Message; the room gets `deleted`. */
  async delete(id) {
    if (this.connection.live) return (await this.connection.request({ type: 'delete', id })).message;
    return this.rest.delete(id);
  }

  /**
   * Adds the user's reaction (socket `react` when live, else `PUT /api/messages/{id}/reactions/{emoji}`).
   * Idempotent. Resolves with the Message as it is now; the room gets a `reaction` event if anything changed.
   */
  react(id, emoji) {
    return this.reaction(id, emoji, true);
  }

  /** Removes the user's reaction (socket `unreact`, else REST `DELETE`). Idempotent; resolves with the Message. */
  unreact(id, emoji) {
    return this.reaction(id, emoji, false);
  }

  async reaction(id, emoji, add) {
    if (this.connection.live) {
      return (await this.connection.request({ type: add ? 'react' : 'unreact', id, emoji })).message;
    }
    return this.rest.react(id, emoji, add);
  }

  /** Tells the room the user is typing: at most one frame per 2.5 s per room; nothing when not live. */
  typing(room) {
    const now = Date.now();
    if (!this.connection.live || now - (this.typingSentAt.get(room) || 0) < TYPING_EVERY_MS) return;
    this.typingSentAt.set(room, now);
    this.connection.send({ type: 'typing', room });
  }

  /** Moves the read position forward to `seq` (never back). Resolves with {room, lastReadSeq, unread, unreadMentions}. */
  async markRead(room, seq) {
    if (this.connection.live) {
      const r = await this.connection.request({ type: 'read', room, seq });
      return { room: r.room, lastReadSeq: r.lastReadSeq, unread: r.unread, unreadMentions: r.unreadMentions };
    }
    const s = await this.rest.markRead(room, seq);
    return { room: s.name, lastReadSeq: s.lastReadSeq, unread: s.unread, unreadMentions: s.unreadMentions };
  }

  // ---- REST wrappers -----------------------------------------------------------------------------------------

  /** A page of history (GET /api/messages): {messages, hasMore}, ascending seq. */
  history(room, { before, after, limit } = {}) {
    return this.rest.history(room, { before, after, limit });
  }

  /**
   * Searches the rooms the user is a member of (GET /api/search): {results: [{message, highlights: [{start, end}]}],
   * nextBefore?}, newest first. Highlights are UTF-16 offsets into message.body (body.slice(start, end)), never
   * HTML. For the next page pass nextBefore as `before`. Rejects with invalid_query, room_not_found, not_a_member,
   * search_unsupported, …
   */
  search(q, { room, before, limit } = {}) {
    return this.rest.search(q, { room, before, limit });
  }

  /** The public rooms and the user's own (GET /api/rooms), as RoomSummary objects. */
  rooms() {
    return this.rest.rooms();
  }

  /** Creates a room (POST /api/rooms); `type` 'private' or 'public' (default). Resolves with the Room. */
  createRoom(name, { type } = {}) {
    return this.rest.createRoom(name, { type });
  }

  /** Opens (or finds) the direct room with a user (POST /api/direct). Resolves with the Room. */
  openDirect(username) {
    return this.rest.openDirect(username);
  }

  /** The members of a room (GET /api/rooms/{room}/members). */
  members(room) {
    return this.rest.members(room);
  }

  /** Adds a user to a room the caller is a member of (POST /api/rooms/{room}/members). Resolves with the Room. */
  addMember(room, username) {
    return this.rest.addMember(room, username);
  }

  /** A page of the room's change feed (GET /api/rooms/{room}/changes): {changes, lastChange, hasMore}. */
  changes(room, { after = 0, limit } = {}) {
    return this.rest.changes(room, { after, limit });
  }

  // ---- incoming ----------------------------------------------------------------------------------------------

  frame(frame) {
    if (this.roomsTracker.onFrame(frame)) return;
    if (frame.type === 'error') {
      this.emit('error', { code: frame.code, message: frame.message, room: frame.room });
    }
    // other frames (late replies, types added by newer servers) are ignored, as the protocol asks
  }

  /** Our own message seen on the stream confirms its outbox entry even if its `ack` was lost. */
  ownMessage(message) {
    const me = this._session && this._session.user;
    if (message && message.clientMsgId && me && message.sender === me.username) {
      this.outbox.confirm(message.clientMsgId, message);
    }
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
