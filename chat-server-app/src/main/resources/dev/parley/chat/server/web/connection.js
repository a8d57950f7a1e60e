// The page's link to the server: the REST API and the WebSocket protocol (docs/protocol.md). The only module that
// talks to the server; it fills state.js's state and offers the actions the components call (`actions`).
import {
  contiguousSeq, insert, isReading, notify, shows, state, view,
} from './state.js';
import { describeError } from './errors.js';

const SESSION_KEY = 'parley.session';
const PENDING_KEY = 'parley.pending';
const ROOM_KEY = 'parley.room';

const PAGE = 50;                    // messages per history page
const BACKOFF_FIRST_MS = 500;       // first reconnect delay (before jitter)
const BACKOFF_MAX_MS = 15_000;      // reconnect delay cap
const READY_TIMEOUT_MS = 15_000;    // an opened socket must be ready by then
const HEARTBEAT_MS = 20_000;        // application ping while live
const PONG_TIMEOUT_MS = 10_000;     // no pong by then: the connection is dead
const ROOMS_REFRESH_MS = 60_000;    // rooms list: public rooms others created (new memberships arrive as room_added)
const TYPING_SEND_MS = 2_500;       // at most one `typing` frame per room this often
const TYPING_SHOW_MS = 3_500;       // how long "X is typing…" stays without a new `typing`

/** Close reasons after which the token is useless: back to the login screen. */
const SESSION_ENDED = {
  invalid_token: 'Your session is no longer valid. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  logged_out: 'You were signed out.',
};
/** `send` errors worth retrying with the same clientMsgId. */
const RETRYABLE = new Set(['storage_unavailable', 'server_busy', 'rate_limited', 'service_closed', 'internal_error']);

/** A failed REST call: `code` is the problem's code, or `network` if the server could not be reached. */
export class ApiError extends Error {
  constructor(status, code, detail, retryAfter) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function load(key) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null || value === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the page still works, it just forgets on reload
  }
}

function randomId(length) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export class ChatClient {
  constructor() {
    this.state = state;
    state.session = load(SESSION_KEY);
    state.pending = load(PENDING_KEY) || [];
    this.ws = null;
    this.attempt = 0;
    this.everLive = false;
    this.refs = new Map();         // ref -> what the frame was, for its reply
    this.nextRef = 1;
    this.retryTimer = 0;
    this.readyTimer = 0;
    this.heartbeatTimer = 0;
    this.pongTimer = 0;
    this.roomsTimer = 0;
    this.readTimers = new Map();
    this.typingSentAt = new Map();
    this.membersTimers = new Map();
    this.msgPrefix = 'web-' + randomId(10) + '-';
    this.msgCounter = 0;
    // A test or embedding page may watch this; never read by the app itself.
    this.onFrame = null;

    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => {
      if (this.ws) this.dropSocket();
      if (this.state.session) this.state.conn = 'no-network';
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        if (this.state.session && !this.ws) this.reconnectNow();
        if (this.state.conn === 'live') this.refreshRooms().catch(() => {});
        if (this.state.current) this.scheduleRead(this.state.current);
      }
    });
  }

  get me() {
    return this.state.session ? this.state.session.user : null;
  }

  // ---- REST ------------------------------------------------------------------------------------------------

  async api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const session = this.state.session;
    if (session) headers.Authorization = 'Bearer ' + session.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const code = (data && data.code) || 'http_' + response.status;
      const error = new ApiError(response.status, code, data && data.detail,
        Number(response.headers.get('Retry-After')) || 0);
      if (response.status === 401 && session && this.state.session === session
          && (code === 'invalid_token' || code === 'token_expired')) {
        // the socket's close reason (e.g. logged_out) explains it better, and usually follows at once
        setTimeout(() => {
          if (this.state.session === session) this.sessionEnded(code);
        }, this.ws ? 1000 : 0);
      }
      throw error;
    }
    return data;
  }

  // ---- accounts --------------------------------------------------------------------------------------------

  async register(username, password) {
    await this.api('POST', '/api/register', { username, password });
    await this.login(username, password);
  }

  async login(username, password) {
    const result = await this.api('POST', '/api/login', { username, password });
    this.state.authNotice = null;
    this.state.session = { token: result.token, user: result.user };
    store(SESSION_KEY, this.state.session);
    this.start();
  }

  async logout() {
    const session = this.state.session;
    this.endSession(null);
    if (session) {
      try {
        await fetch('/api/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + session.token } });
      } catch {
        // the token expires on its own
      }
    }
  }

  sessionEnded(reason) {
    this.endSession(SESSION_ENDED[reason] || 'Please sign in again.');
  }

  endSession(notice) {
    this.stopConnection();
    clearInterval(this.roomsTimer);
    this.state.session = null;
    this.state.authNotice = notice;
    this.state.rooms = {};
    this.state.views = {};
    this.state.roomsLoaded = false;
    this.state.current = null;
    this.state.pending = [];
    this.state.conn = 'offline';
    store(SESSION_KEY, null);
    store(PENDING_KEY, null);
    store(ROOM_KEY, null);
  }

  /** Starts the signed-in page: rooms, the socket, the last open room. */
  start() {
    if (!this.state.session) return;
    this.refreshRooms().then(() => {
      const wanted = load(ROOM_KEY);
      const rooms = this.state.rooms;
      const first = [wanted, 'general', ...Object.keys(rooms).sort()]
        .find((name) => name && rooms[name] && rooms[name].member);
      if (first && !this.state.current) this.open(first);
    }).catch(() => {});
    clearInterval(this.roomsTimer);
    this.roomsTimer = setInterval(() => {
      if (this.state.conn === 'live') this.refreshRooms().catch(() => {});
    }, ROOMS_REFRESH_MS);
    this.connect();
  }

  // ---- rooms -----------------------------------------------------------------------------------------------

  /** Reloads the rooms list; subscribes the socket to member rooms it does not follow yet. */
  async refreshRooms() {
    const { rooms } = await this.api('GET', '/api/rooms');
    const known = this.state.rooms;
    const seen = new Set();
    for (const summary of rooms) {
      seen.add(summary.name);
      const local = known[summary.name];
      if (!local) {
        known[summary.name] = { ...summary, subscribed: false, lastChange: null, replay: null };
      } else {
        local.type = summary.type;
        local.member = summary.member;
        if (summary.lastSeq >= local.lastSeq) {
          // nothing newer arrived over the socket since the server counted
          local.lastSeq = summary.lastSeq;
          local.lastReadSeq = Math.max(local.lastReadSeq, summary.lastReadSeq);
          local.unread = summary.unread;
        }
      }
      if (summary.type === 'direct' && !this.state.dmNames[summary.name]) this.loadDmName(summary.name);
    }
    for (const name of Object.keys(known)) {
      if (!seen.has(name)) delete known[name];
    }
    this.state.roomsLoaded = true;
    if (this.state.conn === 'live') {
      for (const room of Object.values(known)) {
        if (room.member && !room.subscribed) this.subscribe(room.name);
      }
    }
    if (this.state.current) this.scheduleRead(this.state.current);
  }

  async loadDmName(name) {
    try {
      const { members } = await this.api('GET', '/api/rooms/' + encodeURIComponent(name) + '/members');
      const me = this.me;
      const other = members.find((m) => !me || m.id !== me.id);
      if (other) this.state.dmNames[name] = other.username;
    } catch {
      // shown as "direct conversation" until the next refresh
    }
  }

  async createRoom(name, isPrivate) {
    const room = await this.api('POST', '/api/rooms', { name, private: isPrivate });
    await this.afterJoining(room.name);
  }

  async joinRoom(name) {
    const room = await this.api('POST', '/api/rooms/' + encodeURIComponent(name) + '/join');
    await this.afterJoining(room.name);
  }

  async openDirect(username) {
    const room = await this.api('POST', '/api/direct', { username });
    await this.afterJoining(room.name);
  }

  async afterJoining(name) {
    await this.refreshRooms();
    this.open(name);
  }

  async leaveRoom(name) {
    await this.api('POST', '/api/rooms/' + encodeURIComponent(name) + '/leave');
    this.forgetRoom(name);
    await this.refreshRooms().catch(() => {});
  }

  async addMember(name, username) {
    await this.api('POST', '/api/rooms/' + encodeURIComponent(name) + '/members', { username });
    await this.loadMembers(name);
  }

  /** Not a member any more: drop what is loaded; leave the room if it is open. */
  forgetRoom(name) {
    const room = this.state.rooms[name];
    if (room) {
      room.member = false;
      room.subscribed = false;
      room.lastChange = null; // a later membership starts from its own position
      room.replay = null;
      room.unread = 0;
      if (room.type !== 'public') delete this.state.rooms[name];
    }
    delete this.state.views[name];
    this.state.pending = this.state.pending.filter((p) => p.room !== name);
    this.savePending();
    if (this.state.current === name) {
      this.state.current = null;
      const next = Object.values(this.state.rooms).find((r) => r.member);
      if (next) this.open(next.name);
    }
  }

  // ---- the open room ---------------------------------------------------------------------------------------

  view(name) {
    return view(name);
  }

  open(name) {
    const room = this.state.rooms[name];
    if (!room || !room.member) return;
    this.state.current = name;
    store(ROOM_KEY, name);
    const view = this.view(name);
    view.unreadMarker = room.unread > 0 ? room.lastReadSeq : 0;
    view.atBottom = true;
    if (!view.loaded && !view.loading) this.loadLatest(name);
    this.loadMembers(name);
    this.scheduleRead(name);
  }

  async loadLatest(name) {
    const view = this.view(name);
    view.loading = true;
    view.error = null;
    view.buffer = [];
    try {
      const page = await this.api('GET', '/api/messages?room=' + encodeURIComponent(name) + '&limit=' + PAGE);
      if (this.state.views[name] !== view) return;
      view.messages = [];
      view.hasOlder = page.hasMore;
      for (const m of page.messages) this.insert(view, m);
      for (const m of view.buffer) {
        if (this.shows(view, m.seq)) this.insert(view, m);
      }
      view.buffer = [];
      view.loaded = true;
      this.scheduleRead(name);
    } catch (e) {
      view.error = e.message;
    } finally {
      view.loading = false;
    }
  }

  async loadOlder(name) {
    const view = this.state.views[name];
    if (!view || !view.loaded || view.loadingOlder || !view.hasOlder || view.messages.length === 0) return;
    view.loadingOlder = true;
    try {
      const before = view.messages[0].seq;
      const page = await this.api('GET', '/api/messages?room=' + encodeURIComponent(name)
        + '&before=' + before + '&limit=' + PAGE);
      if (this.state.views[name] !== view) return;
      for (const m of page.messages) this.insert(view, m);
      view.hasOlder = page.hasMore;
    } catch (e) {
      this.notify('Could not load older messages: ' + e.message);
    } finally {
      view.loadingOlder = false;
    }
  }

  /** Fills a hole in a loaded view (should not happen: subscriptions are gap-free; cheap insurance). */
  async fillGap(name, afterSeq) {
    const view = this.state.views[name];
    if (!view || view.fillingGap) return;
    view.fillingGap = true;
    try {
      let after = afterSeq;
      for (;;) {
        const page = await this.api('GET', '/api/messages?room=' + encodeURIComponent(name)
          + '&after=' + after + '&limit=200');
        for (const m of page.messages) this.insert(view, m);
        if (!page.hasMore || page.messages.length === 0) break;
        after = page.messages[page.messages.length - 1].seq;
      }
    } catch {
      // the next reconnect resumes from the last contiguous message
    } finally {
      view.fillingGap = false;
    }
  }

  async loadMembers(name) {
    try {
      const { members } = await this.api('GET', '/api/rooms/' + encodeURIComponent(name) + '/members');
      const view = this.state.views[name];
      if (view) view.members = members;
    } catch {
      // keep what is shown
    }
  }

  /** Reloads the member list soon (several presence events usually come together). */
  membersChanged(name) {
    if (!this.state.views[name] || this.membersTimers.has(name)) return;
    this.membersTimers.set(name, setTimeout(() => {
      this.membersTimers.delete(name);
      this.loadMembers(name);
    }, 300));
  }

  /** Adds or replaces a message in a view, keeping seq order; never twice. */
  insert(v, message) {
    return insert(v, message);
  }

  /**
   * Whether a message belongs among the loaded ones: not above the loaded pages while older ones are still to be
   * paged in (a change to such a message shows when its page is loaded, in its current state).
   */
  shows(v, seq) {
    return shows(v, seq);
  }

  /** The newest loaded seq that every older loaded message leads up to without a gap. */
  contiguousSeq(v) {
    return contiguousSeq(v);
  }

  /** Whether the person is looking at the newest messages of this room right now. */
  isReading(name) {
    return isReading(name);
  }

  /** Sends the read position soon, if the person is reading the room. */
  scheduleRead(name) {
    if (this.readTimers.has(name)) return;
    this.readTimers.set(name, setTimeout(() => {
      this.readTimers.delete(name);
      this.sendRead(name);
    }, 200));
  }

  sendRead(name) {
    const room = this.state.rooms[name];
    const view = this.state.views[name];
    if (!room || !view || !this.isReading(name) || this.state.conn !== 'live') return;
    const seq = view.messages.length ? view.messages[view.messages.length - 1].seq : 0;
    if (seq > room.lastReadSeq || room.unread > 0) {
      room.lastReadSeq = Math.max(room.lastReadSeq, seq);
      room.unread = 0;
      this.frame({ type: 'read', room: name, seq: room.lastReadSeq }, { kind: 'read' });
    }
  }

  // ---- messages --------------------------------------------------------------------------------------------

  /** Shows the message at once as pending; it is confirmed by its `ack` (or its `message` event). */
  send(name, body) {
    const pending = {
      clientMsgId: this.msgPrefix + (++this.msgCounter),
      room: name,
      body,
      status: 'sending',
      error: null,
      at: new Date().toISOString(),
    };
    this.state.pending.push(pending);
    this.savePending();
    const view = this.state.views[name];
    if (view) view.unreadMarker = 0;
    this.typingSentAt.delete(name);
    this.trySend(pending.clientMsgId);
  }

  trySend(clientMsgId) {
    const p = this.state.pending.find((x) => x.clientMsgId === clientMsgId);
    if (!p || this.state.conn !== 'live') return; // sent again after the next `ready`
    p.status = 'sending';
    p.error = null;
    this.frame({ type: 'send', room: p.room, body: p.body, clientMsgId: p.clientMsgId },
      { kind: 'send', clientMsgId: p.clientMsgId });
  }

  retry(clientMsgId) {
    this.trySend(clientMsgId);
  }

  discard(clientMsgId) {
    this.state.pending = this.state.pending.filter((p) => p.clientMsgId !== clientMsgId);
    this.savePending();
  }

  confirm(clientMsgId) {
    if (!clientMsgId) return;
    const before = this.state.pending.length;
    this.state.pending = this.state.pending.filter((p) => p.clientMsgId !== clientMsgId);
    if (this.state.pending.length !== before) this.savePending();
  }

  savePending() {
    store(PENDING_KEY, this.state.pending.map(({ clientMsgId, room, body, at }) =>
      ({ clientMsgId, room, body, at, status: 'sending', error: null })));
  }

  edit(id, body) {
    this.frame({ type: 'edit', id, body }, { kind: 'edit' });
  }

  remove(id) {
    this.frame({ type: 'delete', id }, { kind: 'delete' });
  }

  typing(name) {
    const now = Date.now();
    if (this.state.conn !== 'live' || now - (this.typingSentAt.get(name) || 0) < TYPING_SEND_MS) return;
    this.typingSentAt.set(name, now);
    this.frame({ type: 'typing', room: name });
  }

  /**
   * A message from the socket, posted, edited or deleted (live, replayed or a reply): added, or updated by id if it
   * is already shown. `posted` is false for edits and deletions.
   */
  received(message, posted = true) {
    const name = message.room;
    const room = this.state.rooms[name];
    const me = this.me;
    const own = !!me && message.sender === me.username;
    if (own) this.confirm(message.clientMsgId);
    if (room && message.seq > room.lastSeq) {
      room.lastSeq = message.seq;
      if (own) {
        room.lastReadSeq = Math.max(room.lastReadSeq, message.seq); // sending moves the read position
      } else if (!message.deleted && !this.isReading(name)) {
        room.unread += 1;
      }
    }
    const view = this.state.views[name];
    if (view) {
      if (posted) delete view.typing[message.sender];
      if (view.loading) {
        view.buffer.push(message);
      } else if (view.loaded && this.shows(view, message.seq)) {
        const before = this.contiguousSeq(view);
        this.insert(view, message);
        if (view.messages.length && message.seq > before + 1 && before > 0 && this.contiguousSeq(view) === before) {
          this.fillGap(name, before);
        }
      }
    }
    if (this.state.current === name) this.scheduleRead(name);
  }

  // ---- the socket ------------------------------------------------------------------------------------------

  connect() {
    clearTimeout(this.retryTimer);
    if (!this.state.session || this.ws) return;
    if (navigator.onLine === false) {
      this.state.conn = 'no-network'; // the `online` event reconnects
      return;
    }
    this.state.conn = this.everLive ? 'reconnecting' : 'connecting';
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    const token = this.state.session.token;
    ws.onopen = () => {
      if (this.ws === ws) this.raw({ type: 'auth', token, ref: 'auth' });
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.handle(frame);
    };
    ws.onclose = (event) => {
      if (this.ws === ws) this.closed(event.code, event.reason);
    };
    this.readyTimer = setTimeout(() => {
      if (this.ws === ws && this.state.conn !== 'live') this.dropSocket();
    }, READY_TIMEOUT_MS);
  }

  /** Stops using the socket now (dead network, no pong): a closing handshake may never finish. */
  dropSocket() {
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(4000, 'client_reconnect');
    } catch {
      // already closed
    }
    this.closed(1006, '');
  }

  closed(code, reason) {
    this.ws = null;
    this.lastClose = { code, reason };
    clearTimeout(this.readyTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.pongTimer);
    this.refs.clear();
    for (const room of Object.values(this.state.rooms)) room.subscribed = false;
    for (const view of Object.values(this.state.views)) {
      view.online = [];
      view.typing = {};
    }
    if (SESSION_ENDED[reason]) {
      this.sessionEnded(reason);
      return;
    }
    if (this.state.session) this.scheduleReconnect();
  }

  /** Reconnects after a jittered, capped, growing delay. */
  scheduleReconnect() {
    clearTimeout(this.retryTimer);
    if (navigator.onLine === false) {
      this.state.conn = 'no-network';
      return;
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(this.attempt, 10));
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt += 1;
    this.state.conn = this.everLive ? 'reconnecting' : 'connecting';
    this.state.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Skips the wait (the network came back, the tab became visible, or the person asked). */
  reconnectNow() {
    if (!this.state.session || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  stopConnection() {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        // ignore
      }
    }
    clearTimeout(this.readyTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.pongTimer);
    this.refs.clear();
  }

  raw(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame with a fresh ref, remembering what it was for its reply. */
  frame(frame, about) {
    if (about) {
      frame.ref = String(this.nextRef++);
      this.refs.set(frame.ref, about);
    }
    return this.raw(frame);
  }

  /**
   * Follows a member room on this socket. Once the room's change position is known, `resume` replays every change
   * since it (messages posted, edited and deleted, joins and leaves), so nothing is missed however long the page was
   * away. Before that (the first subscription of the page), it resumes after the messages it has.
   */
  subscribe(name) {
    const room = this.state.rooms[name];
    if (!room || !room.member) return;
    const frame = { type: 'resume', room: name };
    if (room.lastChange !== null) {
      frame.afterChange = room.lastChange;
    } else {
      const view = this.state.views[name];
      // a loaded view resumes after its last message, so nothing is missed; otherwise only counts matter
      frame.afterSeq = view && view.loaded ? this.contiguousSeq(view) : room.lastSeq;
    }
    room.subscribed = true;
    room.replay = null;
    this.frame(frame, { kind: 'resume', room: name, afterChange: frame.afterChange, afterSeq: frame.afterSeq });
  }

  /**
   * Starts a room over: the server cannot continue its stream from our position (`resync_required`: the position
   * lies beyond the room's end, or the server could not keep the stream complete; or `replay_too_large`), and
   * nothing is subscribed. Joins it live again; its `subscribed` reloads the latest history (see subscribed()).
   */
  restart(name) {
    const room = this.state.rooms[name];
    if (!room || !room.member) return;
    room.lastChange = null;
    room.replay = null;
    room.subscribed = true;
    this.frame({ type: 'join', room: name }, { kind: 'join', room: name, restart: true });
  }

  /**
   * A subscription started at the position `frame.lastChange`, after replaying what was asked for. The room's
   * resume position becomes that position only once the replay has arrived: were the socket to drop halfway
   * through, resuming from the end of the replay would skip the rest of it. A replay after a change advances the
   * position frame by frame (see advance()); one after a seq is waited for.
   */
  subscribed(frame, about) {
    const name = frame.room;
    const view = this.state.views[name];
    if (view) view.online = frame.online || [];
    const room = this.state.rooms[name];
    if (room && typeof frame.lastChange === 'number') {
      const resumed = !!about && about.kind === 'resume';
      room.replay = null;
      if (resumed && about.afterSeq !== undefined && about.afterSeq < frame.lastSeq) {
        room.replay = { change: frame.lastChange, seq: frame.lastSeq };
      } else if (!resumed || about.afterChange === undefined || about.afterChange >= frame.lastChange) {
        room.lastChange = frame.lastChange; // nothing replayed
      }
    }
    if (about && about.restart) {
      if (view) this.loadLatest(name); // live messages arriving meanwhile are kept (view.buffer)
      this.membersChanged(name);
      this.refreshRooms().catch(() => {});
    }
  }

  /**
   * Moves a room's resume position past a stream frame (`message`, `edited`, `deleted`, `presence` join/leave):
   * never past a reply, which carries a `ref` and no top-level `change` (docs/protocol.md, "Change numbers").
   */
  advance(frame) {
    const room = this.state.rooms[frame.room];
    if (!room || frame.ref !== undefined || typeof frame.change !== 'number') return;
    const replay = room.replay;
    if (replay) {
      // a replay after a seq comes in seq order, not in change order, and holds messages only: the position is
      // known once its last message has arrived, or a live frame (a newer message, or a join or leave) follows it
      const seq = frame.message ? frame.message.seq : Infinity;
      if (seq < replay.seq) return;
      room.replay = null;
      room.lastChange = seq === replay.seq ? replay.change : Math.max(replay.change, frame.change);
      return;
    }
    // a replay after a change, and the live stream, come in change order: each frame is a safe position
    room.lastChange = Math.max(room.lastChange || 0, frame.change);
  }

  async ready() {
    clearTimeout(this.readyTimer);
    this.attempt = 0;
    this.everLive = true;
    this.state.conn = 'live';
    this.startHeartbeat();
    try {
      await this.refreshRooms(); // fresh counts first; subscribes every member room
    } catch {
      for (const room of Object.values(this.state.rooms)) {
        if (room.member && !room.subscribed) this.subscribe(room.name);
      }
    }
    if (this.state.conn !== 'live') return;
    for (const p of this.state.pending) this.trySend(p.clientMsgId);
    for (const [name, view] of Object.entries(this.state.views)) {
      if (view.members) this.loadMembers(name);
    }
  }

  startHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (this.frame({ type: 'ping' }, { kind: 'ping' })) {
        clearTimeout(this.pongTimer);
        this.pongTimer = setTimeout(() => this.dropSocket(), PONG_TIMEOUT_MS);
      }
    }, HEARTBEAT_MS);
  }

  handle(frame) {
    if (this.onFrame) this.onFrame(frame);
    const about = frame.ref !== undefined ? this.refs.get(frame.ref) : undefined;
    if (frame.ref !== undefined) this.refs.delete(frame.ref);
    switch (frame.type) {
      case 'ready':
        this.ready();
        break;
      case 'subscribed':
        this.subscribed(frame, about);
        break;
      case 'message':
        this.received(frame.message);
        this.advance(frame);
        break;
      case 'ack':
        this.confirm(frame.clientMsgId);
        this.received(frame.message);
        break;
      case 'edited':
      case 'deleted':
        this.received(frame.message, false);
        this.advance(frame);
        break;
      case 'presence':
        this.presence(frame);
        this.advance(frame);
        break;
      case 'room_added': // joined elsewhere, added by someone, or a new direct conversation: on any node
        this.refreshRooms().catch(() => {});
        break;
      case 'typing': {
        const view = this.state.views[frame.room];
        if (view && frame.user) {
          const who = frame.user.username;
          view.typing[who] = Date.now() + TYPING_SHOW_MS;
          setTimeout(() => {
            if (view.typing[who] && view.typing[who] <= Date.now()) delete view.typing[who];
          }, TYPING_SHOW_MS + 50);
        }
        break;
      }
      case 'unread': {
        const room = this.state.rooms[frame.room];
        if (room) {
          room.lastReadSeq = Math.max(room.lastReadSeq, frame.lastReadSeq);
          room.unread = this.isReading(frame.room) ? 0 : frame.unread;
        }
        break;
      }
      case 'left':
        this.forgetRoom(frame.room);
        this.refreshRooms().catch(() => {});
        break;
      case 'pong':
        clearTimeout(this.pongTimer);
        break;
      case 'error':
        this.failed(frame, about);
        break;
      default:
        break; // unknown frames are ignored (protocol rule)
    }
  }

  presence(frame) {
    const view = this.state.views[frame.room];
    if (!view || !frame.user) return;
    const name = frame.user.username;
    if (frame.state === 'online' && !view.online.includes(name)) view.online.push(name);
    if (frame.state === 'offline') view.online = view.online.filter((n) => n !== name);
    if (frame.state === 'join' || frame.state === 'leave') this.membersChanged(frame.room);
  }

  failed(frame, about) {
    const code = frame.code;
    if (about && about.kind === 'send') {
      const p = this.state.pending.find((x) => x.clientMsgId === about.clientMsgId);
      if (!p) return;
      if (RETRYABLE.has(code)) {
        setTimeout(() => this.trySend(p.clientMsgId), 2000 + Math.random() * 1000);
      } else {
        p.status = 'failed';
        p.error = describeError(code, frame.message);
      }
      return;
    }
    if (code === 'resync_required' && (frame.room || (about && about.room))) {
      // with a ref it answers a resume; without, the server ended the room's stream
      this.restart(frame.room || about.room);
      return;
    }
    if (about && (about.kind === 'resume' || about.kind === 'join')) {
      const room = this.state.rooms[about.room];
      if (code === 'replay_too_large') {
        this.restart(about.room); // too much missed: the newest page, then live
      } else if (code === 'not_a_member' || code === 'room_not_found') {
        this.forgetRoom(about.room);
      } else if (code === 'rate_limited' && room) {
        room.subscribed = false;
        setTimeout(() => (about.restart ? this.restart(about.room) : this.subscribe(about.room)), 1000);
      }
      return;
    }
    if (about && (about.kind === 'edit' || about.kind === 'delete')) {
      this.notify(describeError(code, frame.message));
    }
  }

  notify(text) {
    notify(text);
  }
}

/** The page's client. For tests and for the curious it is reachable from the console as window.parley. */
export const actions = new ChatClient();
window.parley = actions;
