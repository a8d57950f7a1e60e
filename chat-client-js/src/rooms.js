// Per-room stream state: the position (`lastChange`) each joined room continues after, join/resume on every
// (re)connect, de-duplication, gap repair through the REST changes feed, and the resync procedure
// (docs/protocol.md "Change numbers", "Ordering and delivery guarantees", "Resuming").

import { ParleyError, RESYNC_CODES } from './errors.js';
import { backoffDelay } from './backoff.js';

const STREAM_TYPES = new Set(['message', 'edited', 'deleted', 'reaction', 'presence']);
const GONE_CODES = new Set(['not_a_member', 'room_not_found', 'permission_denied']);
const REPAIR_PAGE = 200;

/**
 * The rooms the client follows. A room is followed from join() until leave(), a `left` from the server, or the end
 * of the session; on every `ready` it is resumed after its `lastChange` (or joined, before its first `subscribed`).
 *
 * Guarantees of the events it emits, per room: stream events (`message`, `edited`, `deleted`, `reaction`, `member`) come in
 * strictly increasing `change`, each change at most once, and with no change missing between `subscribed` and the
 * next `resync` of the room (a change superseded before it was sent is skipped by the server, as documented).
 */
export class Rooms {
  /**
   * @param {object} o
   * @param {import('./connection.js').Connection} o.connection
   * @param {import('./rest.js').RestApi} o.rest
   * @param {(type: string, detail: object) => void} o.emit
   * @param {{firstMs: number, maxMs: number}} o.backoff
   */
  constructor({ connection, rest, emit, backoff }) {
    this.conn = connection;
    this.rest = rest;
    this.emit = emit;
    this.backoff = backoff;
    this.rooms = new Map();
  }

  room(name) {
    let r = this.rooms.get(name);
    if (!r) {
      r = {
        name,
        lastChange: undefined, // the newest change applied; undefined until the first `subscribed`
        maxSeq: 0,             // the newest message seq seen (for gap detection on live `message` frames)
        replayEnd: 0,          // `subscribed.lastChange`: frames up to it are a replay, after it live
        subscribed: false,     // a `subscribed` arrived on the current socket
        subscribing: false,    // a join/resume is in flight on the current socket
        online: [],
        repairing: false,
        buffer: [],            // stream frames that arrived during a repair
        resync: null,          // why the room is being joined again (emitted as `resync` once joined)
        waiters: [],           // join() calls waiting for `subscribed`
        retryTimer: null,
        noJoin: false,         // joined by a seq resume instead of `join` (direct rooms)
      };
      this.rooms.set(name, r);
    }
    return r;
  }

  /** The change the room's stream continues after, or undefined for a room not (yet) joined. */
  lastChange(name) {
    const r = this.rooms.get(name);
    return r ? r.lastChange : undefined;
  }

  /** Follows a room; resolves at its `subscribed` (at once, if it is already subscribed on this socket). */
  join(name) {
    const r = this.room(name);
    if (r.subscribed) return Promise.resolve(this.info(r));
    const promise = new Promise((resolve, reject) => r.waiters.push({ resolve, reject }));
    if (this.conn.live && !r.subscribing) this.subscribe(r);
    return promise;
  }

  info(r) {
    return { room: r.name, lastSeq: r.maxSeq, lastChange: r.lastChange, online: [...r.online] };
  }

  /** Stops following a room (after the caller left it); its pending join() calls reject with `code`. */
  forget(name, code = 'not_a_member', message = 'left the room') {
    const r = this.rooms.get(name);
    if (!r) return false;
    this.rooms.delete(name);
    clearTimeout(r.retryTimer);
    for (const w of r.waiters.splice(0)) w.reject(new ParleyError(code, message, { room: name }));
    return true;
  }

  /** Forgets every room (the session ended). */
  clear(code) {
    for (const name of [...this.rooms.keys()]) this.forget(name, code, 'the session ended');
  }

  /** The socket is authenticated: resume every followed room after its position. */
  onReady() {
    for (const r of this.rooms.values()) this.subscribe(r);
  }

  /** The socket is gone: nothing is subscribed any more. join() calls keep waiting for the next socket. */
  onClosed() {
    for (const r of this.rooms.values()) {
      r.subscribed = false;
      r.subscribing = false;
      r.online = [];
      r.buffer = []; // a repair under way still completes; the resume replays from wherever it got to
    }
  }

  /** The client was disconnected on purpose: join() calls waiting for a socket reject with `not_connected`. */
  onStopped() {
    this.onClosed();
    for (const r of this.rooms.values()) {
      for (const w of r.waiters.splice(0)) w.reject(new ParleyError('not_connected', 'disconnected', { room: r.name }));
    }
  }

  /** Sends `resume` after the room's position, or `join` when it has none yet (or is being resynced). */
  subscribe(r) {
    clearTimeout(r.retryTimer);
    if (!this.conn.live || this.rooms.get(r.name) !== r) return;
    const resumed = r.lastChange !== undefined;
    r.subscribing = true;
    r.subscribed = false;
    r.buffer = [];
    if (!resumed && (r.name.startsWith('dm:') || r.noJoin)) {
      this.subscribeWithoutJoin(r);
      return;
    }
    const frame = resumed
      ? { type: 'resume', room: r.name, afterChange: r.lastChange }
      : { type: 'join', room: r.name };
    this.conn.request(frame, { onReply: (sub) => this.subscribed(r, sub, resumed) })
      .catch((e) => this.subscribeFailed(r, e, frame.type));
  }

  /**
   * A direct room cannot be `join`ed, not even by its members (`permission_denied`): its first subscription is a
   * `resume` after the newest message's seq, read over REST just before. That starts the stream where a `join`
   * would (at `subscribed.lastChange`); the few messages a seq-replay may bring first lie at or before that
   * position and are dropped, as for a join: loading history is the consumer's part.
   */
  async subscribeWithoutJoin(r) {
    let afterSeq;
    try {
      const page = await this.rest.history(r.name, { limit: 1 });
      afterSeq = page.messages.length ? page.messages[page.messages.length - 1].seq : 0;
    } catch (e) {
      this.subscribeFailed(r, e, 'history');
      return;
    }
    if (!this.conn.live || this.rooms.get(r.name) !== r || r.subscribed) {
      r.subscribing = false;
      return;
    }
    this.conn.request({ type: 'resume', room: r.name, afterSeq }, { onReply: (sub) => this.subscribed(r, sub, false) })
      .catch((e) => this.subscribeFailed(r, e, 'resume'));
  }

  /** Applies a `subscribed` reply, synchronously before the replayed frames that follow it. */
  subscribed(r, sub, resumed) {
    if (this.rooms.get(r.name) !== r) return sub;
    if (sub.room && sub.room !== r.name) {
      // the server normalises names (`General` is `general`): follow the room under the server's name
      this.rooms.delete(r.name);
      const existing = this.rooms.get(sub.room);
      if (existing && existing !== r) {
        existing.waiters.push(...r.waiters.splice(0));
        r = existing;
      } else {
        r.name = sub.room;
        this.rooms.set(r.name, r);
      }
    }
    r.subscribing = false;
    r.subscribed = true;
    r.online = Array.isArray(sub.online) ? [...sub.online] : [];
    r.replayEnd = sub.lastChange;
    r.maxSeq = sub.lastSeq;
    // after a resume the position moves frame by frame through the replay: were the socket to drop half-way, the
    // next resume must start where the frames stopped, not at the replay's end
    if (!resumed) r.lastChange = sub.lastChange;
    const info = { room: r.name, lastSeq: sub.lastSeq, lastChange: sub.lastChange, online: [...r.online] };
    if (r.resync) {
      const reason = r.resync;
      r.resync = null;
      this.emit('resync', { room: r.name, reason, lastSeq: sub.lastSeq, lastChange: sub.lastChange });
    }
    this.emit('subscribed', { ...info, resumed });
    for (const w of r.waiters.splice(0)) w.resolve(info);
    return info;
  }

  subscribeFailed(r, e, what) {
    if (this.rooms.get(r.name) !== r) return;
    r.subscribing = false;
    const code = e.code;
    if (RESYNC_CODES.includes(code)) {
      this.resync(r, code);
    } else if (code === 'permission_denied' && what === 'join' && !r.noJoin) {
      r.noJoin = true; // a direct room under a name we did not recognise
      this.subscribe(r);
    } else if (GONE_CODES.has(code)) {
      const wasFollowed = r.lastChange !== undefined || r.resync !== null;
      this.forget(r.name, code, e.message);
      if (wasFollowed) this.emit('left', { room: r.name });
    } else if ((code === 'network' && what !== 'history') || code === 'not_connected') {
      // the socket is gone: the next `ready` subscribes again
    } else if (code === 'network' || code === 'rate_limited' || code === 'timeout' || code === 'server_busy'
      || code === 'storage_unavailable' || code === 'service_closed' || code === 'internal_error') {
      r.attempt = (r.attempt || 0) + 1;
      const delay = Math.max(this.backoff.firstMs, backoffDelay(r.attempt, this.backoff));
      r.retryTimer = setTimeout(() => this.subscribe(r), delay);
    } else {
      for (const w of r.waiters.splice(0)) w.reject(e);
      this.emit('error', { code, message: e.message, room: r.name });
    }
  }

  /**
   * The server cannot continue the room's stream from our position: forget the position and join again; `resync`
   * is emitted once the new `subscribed` is in, so that a consumer reloading history then follows the protocol's
   * "join first, then reload" rule.
   */
  resync(r, reason) {
    r.lastChange = undefined;
    r.maxSeq = 0;
    r.subscribed = false;
    r.buffer = [];
    r.repairing = false; // a repair under way stops at its next page: its position is void
    r.resync = reason;
    this.subscribe(r);
  }

  /** A server frame that is not a reply to a request of ours. Returns true when it was handled here. */
  onFrame(frame) {
    switch (frame.type) {
      case 'message':
      case 'edited':
      case 'deleted':
      case 'reaction':
      case 'presence':
        if (frame.type === 'presence' && (frame.state === 'online' || frame.state === 'offline')) {
          this.presence(frame);
          return true;
        }
        this.stream(frame);
        return true;
      case 'typing':
        if (frame.room && frame.user) this.emit('typing', { room: frame.room, user: frame.user });
        return true;
      case 'left':
        if (frame.ref === undefined && this.forget(frame.room)) this.emit('left', { room: frame.room });
        return true;
      case 'room_added':
        this.emit('room_added', { room: frame.room, roomType: frame.roomType });
        return true;
      case 'mentioned':
        if (frame.room && frame.message) this.emit('mentioned', { room: frame.room, message: frame.message });
        return true;
      case 'error':
        if (frame.code === 'resync_required' && frame.room && this.rooms.has(frame.room)) {
          // without a ref: the server ended a live stream it could not keep complete
          this.resync(this.rooms.get(frame.room), frame.code);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  presence(frame) {
    const r = this.rooms.get(frame.room);
    const name = frame.user && frame.user.username;
    if (r && name) {
      r.online = r.online.filter((n) => n !== name);
      if (frame.state === 'online') r.online.push(name);
    }
    this.emit('presence', { room: frame.room, user: frame.user, state: frame.state });
  }

  stream(frame) {
    // replies (with a ref, no top-level change) never move the position (docs/protocol.md "Change numbers")
    if (frame.ref !== undefined || typeof frame.change !== 'number') return;
    const r = this.rooms.get(frame.room);
    if (!r || !r.subscribed) return; // frames of an older subscription: the pending resume replays them
    if (r.repairing) {
      r.buffer.push(frame);
      return;
    }
    this.process(r, frame);
  }

  process(r, frame, mayRepair = true) {
    if (r.lastChange !== undefined && frame.change <= r.lastChange) return; // seen already
    const live = frame.change > r.replayEnd;
    // live `message` frames come in seq order without gaps; a jump means frames were lost: fetch them first
    if (mayRepair && live && frame.type === 'message' && frame.message && frame.message.seq > r.maxSeq + 1) {
      this.repair(r, frame);
      return;
    }
    this.apply(r, frame, !live);
  }

  apply(r, frame, replayed) {
    r.lastChange = frame.change;
    if (frame.message && frame.message.seq > r.maxSeq) r.maxSeq = frame.message.seq;
    const room = r.name;
    if (frame.type === 'presence') {
      this.emit('member', { room, change: frame.change, user: frame.user, state: frame.state });
    } else if (frame.type === 'message') {
      this.emit('message', { room, change: frame.change, message: frame.message, replayed });
    } else if (frame.type === 'reaction') {
      // who reacted with what only when delivered live; a replay (or the changes feed) carries the state alone
      const detail = { room, change: frame.change, message: frame.message };
      if (frame.user) Object.assign(detail, { user: frame.user, emoji: frame.emoji, added: frame.added });
      this.emit('reaction', detail);
    } else {
      this.emit(frame.type, { room, change: frame.change, message: frame.message });
    }
  }

  /**
   * Reads what the stream skipped from `GET /api/rooms/{room}/changes` (the same frames, in change order), then
   * continues with the frames held back meanwhile. If the feed cannot be read, the room is resumed instead (the
   * server replays from our position); if our position lies beyond the room's end, it is resynced.
   */
  async repair(r, trigger) {
    r.repairing = true;
    r.buffer = [trigger];
    try {
      for (;;) {
        const page = await this.rest.changes(r.name, { after: r.lastChange || 0, limit: REPAIR_PAGE });
        if (this.rooms.get(r.name) !== r || !r.repairing) return;
        for (const change of page.changes) {
          if (STREAM_TYPES.has(change.type) && change.change > (r.lastChange || 0)) this.apply(r, change, true);
        }
        if (!page.hasMore || page.changes.length === 0) break;
      }
    } catch (e) {
      if (this.rooms.get(r.name) !== r || !r.repairing) return;
      r.repairing = false;
      r.buffer = [];
      if (e.code === 'resync_required') this.resync(r, e.code);
      else this.subscribe(r);
      return;
    }
    r.repairing = false;
    const held = r.buffer.splice(0);
    if (!r.subscribed) return;
    for (const frame of held) {
      // no second repair for these: the feed was read up to now, so what it lacks is not missing (the stream is
      // ahead of the database replica the feed read, or a seq jump came with a superseded change)
      if (r.repairing) r.buffer.push(frame);
      else this.process(r, frame, false);
    }
  }
}
