// One logical connection to the server: the socket, `auth`, request/reply correlation by `ref`, heartbeats, and
// reconnecting with backoff. It knows nothing of rooms or messages; the client listens to its events.

import { ParleyError, SESSION_ENDED_REASONS } from './errors.js';
import { backoffDelay } from './backoff.js';

const OPEN = 1; // WebSocket.OPEN, the same in every implementation

/**
 * The connection's states, as `client.state` reports them:
 * `offline` (not started, stopped, or the session ended), `connecting` (the first attempt since start(), or
 * retrying before it was ever live), `live` (authenticated: frames flow), `reconnecting` (it was live and lost the
 * socket; retrying with backoff).
 */
export const STATES = Object.freeze(['offline', 'connecting', 'live', 'reconnecting']);

/**
 * Events (CustomEvent, `detail`):
 * - `state` {state, retryAt?, code?, reason?}: on every change of state; `retryAt` (ms since the epoch) when a retry
 *   is scheduled, `code`/`reason` of the close that caused it.
 * - `ready` {user}: the socket is authenticated (every time, after each reconnect).
 * - `closed` {code, reason}: a live or connecting socket is gone (before any reconnect is scheduled).
 * - `frame` {frame}: a server frame that answers no pending request: events, stream frames, and replies that came
 *   too late. Frames are delivered in the order the socket received them.
 * - `session_ended` {reason}: closed with `invalid_token`, `token_expired` or `logged_out`; no reconnect follows.
 */
export class Connection extends EventTarget {
  /**
   * @param {object} o
   * @param {() => string} o.url the WebSocket URL
   * @param {any} o.WebSocket the WebSocket constructor
   * @param {() => (string|null)} o.token the bearer token for `auth`
   * @param {{firstMs: number, maxMs: number}} o.backoff
   * @param {number} o.heartbeatMs interval of application `ping` frames while live
   * @param {number} o.pongTimeoutMs no `pong` by then: the socket is considered dead and replaced
   * @param {number} o.readyTimeoutMs an opened socket must be `ready` by then
   * @param {number} o.requestTimeoutMs default wait for a reply
   */
  constructor(o) {
    super();
    this.o = o;
    this.state = 'offline';
    this.ws = null;
    this.running = false;
    this.everLive = false;
    this.attempt = 0;
    this.nextRef = 1;
    this.pending = new Map(); // ref -> {resolve, reject, timer, onReply}
    this.retryTimer = null;
    this.readyTimer = null;
    this.heartbeatTimer = null;
    this.onOnline = () => this.reconnectNow();
  }

  /** Starts connecting (no-op when already started). Retries until stop() or the session ends. */
  start() {
    if (this.running) return;
    this.running = true;
    this.everLive = false;
    this.attempt = 0;
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('online', this.onOnline);
    this.open();
  }

  /** Closes the socket and stops reconnecting; pending requests reject with `not_connected`. */
  stop() {
    this.running = false;
    if (typeof globalThis.removeEventListener === 'function') globalThis.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    if (this.ws) this.discard(1000, 'bye', 'not_connected');
    this.setState('offline');
  }

  /** When waiting to retry, retries now (the network came back, or the user asked). */
  reconnectNow() {
    if (!this.running || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.open();
  }

  /** Abandons the current socket as dead (no pong, a stuck handshake) and reconnects after the backoff. */
  drop() {
    if (!this.ws) return;
    this.discard(4000, 'client_reconnect', 'network');
    this.afterClose(1006, '');
  }

  open() {
    const { WebSocket } = this.o;
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.o.url());
    } catch (e) {
      this.afterClose(1006, String(e && e.message ? e.message : e));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const token = this.o.token();
      if (this.ws === ws) ws.send(JSON.stringify({ type: 'auth', token: token || '' }));
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let frame;
      try {
        frame = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
      } catch {
        return; // the server only sends JSON text; anything else is ignored
      }
      if (frame && typeof frame === 'object') this.receive(frame);
    };
    ws.onerror = () => {}; // a close event always follows
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.cleanup('network');
      this.afterClose(event.code, event.reason || '');
    };
    this.readyTimer = setTimeout(() => {
      if (this.ws === ws && this.state !== 'live') this.drop();
    }, this.o.readyTimeoutMs);
  }

  /** Detaches and closes the current socket without waiting for its close handshake (it may never finish). */
  discard(code, reason, rejectWith) {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close(code, reason);
      } catch {
        // already closing or closed
      }
    }
    this.cleanup(rejectWith);
  }

  cleanup(rejectWith) {
    clearTimeout(this.readyTimer);
    clearInterval(this.heartbeatTimer);
    const wasUp = this.state === 'live';
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new ParleyError(rejectWith, rejectWith === 'network'
        ? 'the connection was lost before the reply' : 'the client was disconnected'));
    }
    if (wasUp || pending.length) this.emit('closed', {});
  }

  afterClose(code, reason) {
    if (SESSION_ENDED_REASONS.includes(reason)) {
      this.running = false;
      this.setState('offline', { code, reason });
      this.emit('session_ended', { reason });
      return;
    }
    if (!this.running) {
      this.setState('offline', { code, reason });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.o.backoff);
    const retryAt = Date.now() + delay;
    this.setState(this.everLive ? 'reconnecting' : 'connecting', { retryAt, code, reason });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.running && !this.ws) this.open();
    }, delay);
  }

  receive(frame) {
    if (frame.type === 'ready' && this.state !== 'live') {
      clearTimeout(this.readyTimer);
      this.attempt = 0;
      this.everLive = true;
      this.startHeartbeat();
      this.setState('live');
      this.emit('ready', { user: frame.user });
      return;
    }
    if (typeof frame.ref === 'string' && this.pending.has(frame.ref)) {
      const p = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      clearTimeout(p.timer);
      if (frame.type === 'error') {
        p.reject(new ParleyError(frame.code || 'internal_error', frame.message, { room: frame.room }));
      } else {
        // synchronously, before the next frame: a `subscribed` must be applied before the replay that follows it
        let value = frame;
        try {
          if (p.onReply) value = p.onReply(frame);
        } catch (e) {
          p.reject(e);
          return;
        }
        p.resolve(value);
      }
      return;
    }
    this.emit('frame', { frame });
  }

  startHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      this.request({ type: 'ping' }, { timeoutMs: this.o.pongTimeoutMs }).catch((e) => {
        if (e.code === 'timeout') this.drop(); // no pong: the network is gone even if the socket does not know
      });
    }, this.o.heartbeatMs);
  }

  /** Whether frames can be sent now. */
  get live() {
    return this.state === 'live' && !!this.ws && this.ws.readyState === OPEN;
  }

  /** Sends a frame without waiting for anything; false when not live. */
  send(frame) {
    if (!this.live) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Sends a frame with a fresh `ref` and resolves with its reply (or with what `onReply`, called synchronously when
   * the reply arrives, returns). Rejects with a ParleyError: the server's code for an `error` reply, `network` when
   * the socket closes first, `timeout`, or `not_connected` when not live.
   */
  request(frame, { timeoutMs = this.o.requestTimeoutMs, onReply } = {}) {
    if (!this.live) return Promise.reject(new ParleyError('not_connected', 'not connected'));
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new ParleyError('timeout', `no reply to ${frame.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer, onReply });
      this.ws.send(JSON.stringify({ ...frame, ref }));
    });
  }

  setState(state, extra = {}) {
    if (state === this.state && extra.retryAt === undefined) return;
    this.state = state;
    this.emit('state', { state, ...extra });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
