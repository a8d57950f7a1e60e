// The page's link to the server, through @parley/client (chat-client-js, served at /client/). The only module that
// talks to the client: it turns the client's events into state.js's state and offers the actions the components
// call (`actions`). The wire protocol (socket, resume positions, outbox, heartbeats) is the client's business.
import { newClientMsgId, ParleyClient } from '/client/index.js';
import { nextTick } from '/vendor/vue.runtime.esm-browser.prod.js';
import {
  contiguousSeq, focus, insert, isReading, myName, notify, roomLabel, shows, state, view,
} from './state.js';
import { describeError, roomError } from './errors.js';
import { notifyMessage } from './notifications.js';
import { parseRoute, routeOf, showRoute } from './router.js';

const ROOM_KEY = 'parley.room';     // the last open room (per tab: each tab may show another room)
const SESSION_KEY = 'parley.session'; // where @parley/client keeps the session in localStorage
const PAGE = 50;                    // messages per history page
const GAP_PAGE = 200;               // messages per page when filling a hole
const UNREAD_PAGES = 5;             // at most this many pages more to reach the first unread message
const ROOMS_REFRESH_MS = 60_000;    // rooms list: public rooms others created (new memberships arrive as room_added)
const TYPING_SHOW_MS = 3_500;       // how long "X is typing…" stays without a new `typing`
const NEAR = 600;                   // a jump this many messages above the loaded ones fills the gap; farther loads
                                    // a window around the message instead
const NOTIFY_MAX_AGE_MS = 10 * 60_000; // no desktop notifications for older messages (replayed after a long sleep)

/** Why the login screen is shown again, by the client's `session_ended` reason. */
const SESSION_ENDED = {
  invalid_token: 'Your session is no longer valid. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  logged_out: 'You were signed out.',
};

// The session lives in localStorage: every tab of this origin shares it, and it survives a browser restart (why
// localStorage and a bearer token rather than a cookie: docs/architecture.md, "The page's session").
function sessionStorageArea() {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: the client keeps the session in memory
  }
}

function remember(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // the page still works, it just forgets on reload
  }
}

function recall(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

const client = new ParleyClient({ baseUrl: location.origin, storage: sessionStorageArea() });

const followed = new Set();         // rooms handed to client.join(): the client resumes them after reconnects
const failed = [];                  // own messages the server refused (the client drops those from its outbox)
const readTimers = new Map();
const loads = new Map();            // room -> the promise of its newest page being loaded
const membersTimers = new Map();
let roomsTimer = 0;
let signingOut = false;
let everLive = false;               // this session has been live: a new attempt is a reconnection

state.session = client.session;
showPending();

// ---- the client's events -----------------------------------------------------------------------------------------

client.addEventListener('state', (e) => {
  const { state: conn, retryAt } = e.detail;
  if (conn === 'live') everLive = true;
  if (conn === 'offline' && state.session && navigator.onLine === false) state.conn = 'no-network';
  else if (conn === 'connecting' && everLive) state.conn = 'reconnecting'; // after reconnectNow()
  else state.conn = conn;
  if (retryAt) state.retryAt = retryAt;
  if (conn === 'live') becameLive();
  if (conn !== 'live') {
    for (const v of Object.values(state.views)) {
      v.online = [];
      v.typing = {};
    }
  }
});

client.addEventListener('session_ended', (e) => {
  if (!signingOut) endSession(SESSION_ENDED[e.detail.reason] || 'Please sign in again.');
});

client.addEventListener('outbox', showPending);

client.addEventListener('subscribed', (e) => {
  const { room: name, online, resumed } = e.detail;
  const v = state.views[name];
  if (!v) return;
  v.online = online || [];
  // a first join replays nothing: what was posted between the history page and the join is fetched here
  if (!resumed && v.loaded) fillGap(name, contiguousSeq(v));
  else if (!resumed && v.loading) v.refill = true;
});

client.addEventListener('message', (e) => {
  received(e.detail.message, true);
  directNotice(e.detail.message);
});
client.addEventListener('edited', (e) => received(e.detail.message, false));
client.addEventListener('deleted', (e) => received(e.detail.message, false));
client.addEventListener('reaction', (e) => received(e.detail.message, false));
client.addEventListener('mentioned', (e) => mentioned(e.detail.room, e.detail.message));
client.addEventListener('member', (e) => membersChanged(e.detail.room));

client.addEventListener('presence', (e) => {
  const { room, user, state: presence } = e.detail;
  const v = state.views[room];
  if (!v || !user) return;
  const name = user.username;
  if (presence === 'online' && !v.online.includes(name)) v.online.push(name);
  if (presence === 'offline') v.online = v.online.filter((n) => n !== name);
});

client.addEventListener('typing', (e) => {
  const v = state.views[e.detail.room];
  if (!v || !e.detail.user) return;
  const who = e.detail.user.username;
  v.typing[who] = Date.now() + TYPING_SHOW_MS;
  setTimeout(() => {
    if (v.typing[who] && v.typing[who] <= Date.now()) delete v.typing[who];
  }, TYPING_SHOW_MS + 50);
});

client.addEventListener('left', (e) => {
  forgetRoom(e.detail.room);
  refreshRooms().catch(() => {});
});

client.addEventListener('room_added', () => refreshRooms().catch(() => {}));

client.addEventListener('resync', (e) => {
  // the client has joined the room again: its history is reloaded (live messages meanwhile are buffered)
  const name = e.detail.room;
  if (state.views[name]) loadLatest(name);
  membersChanged(name);
  refreshRooms().catch(() => {});
});

// ---- the browser ---------------------------------------------------------------------------------------------------

// Another tab signed out (or in as someone else): this tab follows, so every tab shows the same account.
window.addEventListener('storage', (e) => {
  if (e.key !== SESSION_KEY && e.key !== null) return;
  const token = state.session && state.session.token;
  let stored = null;
  try {
    stored = JSON.parse(e.newValue || 'null');
  } catch {
    stored = null;
  }
  if (stored && stored.token === token) return;
  if (state.session) {
    client.endSession(null); // forgets the session here; the other tab revoked it already
    endSession(stored ? null : 'You were signed out.');
  }
  if (stored) location.reload(); // signed in elsewhere: start over with that session
});

window.addEventListener('online', () => reconnectNow());
window.addEventListener('offline', () => {
  if (!state.session) return;
  client.disconnect(); // a dead network is noticed now, not at the next missing pong
  state.conn = 'no-network';
});
// Back and Forward (or a link to another room): open what the URL names
window.addEventListener('hashchange', () => {
  const route = parseRoute(location.hash);
  if (!state.session || !state.roomsLoaded || !route) return;
  const current = state.current;
  if (current && (route.kind === 'room' ? route.name === current : state.dmNames[current] === route.name)) return;
  followRoute(route);
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible' || !state.session) return;
  if (client.state === 'offline' || (client.state !== 'live' && state.retryAt > Date.now())) reconnectNow();
  if (state.conn === 'live') refreshRooms().catch(() => {});
  if (state.current) scheduleRead(state.current);
});

// ---- accounts ------------------------------------------------------------------------------------------------------

async function register(username, password) {
  await client.register(username, password);
  await login(username, password);
}

async function login(username, password) {
  await client.login(username, password);
  state.authNotice = null;
  state.session = client.session;
  start();
}

async function logout() {
  endSession(null);
  signingOut = true;
  try {
    await client.logout();
  } finally {
    signingOut = false;
  }
}

/** Revokes every session of this account on the server: every tab, browser and device signs out. */
async function logoutEverywhere() {
  signingOut = true;
  try {
    await client.logoutEverywhere(); // rejects if the server is unreachable: then nothing was revoked
    endSession(null);
  } finally {
    signingOut = false;
  }
}

function endSession(notice) {
  clearInterval(roomsTimer);
  if (client.session) client.disconnect();
  followed.clear();
  failed.length = 0;
  everLive = false;
  Object.assign(state, {
    session: null, authNotice: notice, rooms: {}, views: {}, roomsLoaded: false, current: null, pending: [],
    conn: 'offline', routeProblem: null,
  });
  remember(ROOM_KEY, null);
}

/** Starts the signed-in page: rooms, the connection, the last open room. */
function start() {
  if (!state.session) return;
  refreshRooms().then(() => {
    const route = parseRoute(location.hash);
    if (route) {
      followRoute(route, true);
      return;
    }
    const wanted = recall(ROOM_KEY);
    const rooms = state.rooms;
    const first = [wanted, 'general', ...Object.keys(rooms).sort()]
      .find((name) => name && rooms[name] && rooms[name].member);
    if (first && !state.current) open(first, { replace: true });
  }).catch(() => {});
  clearInterval(roomsTimer);
  roomsTimer = setInterval(() => {
    if (state.conn === 'live') refreshRooms().catch(() => {});
  }, ROOMS_REFRESH_MS);
  if (navigator.onLine === false) {
    state.conn = 'no-network'; // the `online` event connects
    return;
  }
  client.connect();
}

/** Skips the wait before the next attempt (the network came back, the tab became visible, or the person asked). */
function reconnectNow() {
  if (!state.session || client.state === 'live') return;
  if (navigator.onLine === false) {
    state.conn = 'no-network'; // the `online` event comes back here
    return;
  }
  client.reconnectNow();
}

function becameLive() {
  refreshRooms().catch(() => {});
  for (const [name, v] of Object.entries(state.views)) {
    if (v.members) loadMembers(name);
  }
  if (state.current) scheduleRead(state.current);
}

// ---- rooms ---------------------------------------------------------------------------------------------------------

/** Reloads the rooms list; has the client follow member rooms it does not follow yet. */
async function refreshRooms() {
  const rooms = await client.rooms();
  const known = state.rooms;
  const seen = new Set();
  for (const summary of rooms) {
    seen.add(summary.name);
    const local = known[summary.name];
    if (!local) {
      known[summary.name] = { ...summary };
    } else {
      local.type = summary.type;
      local.member = summary.member;
      if (summary.lastSeq >= local.lastSeq) {
        // nothing newer arrived over the socket since the server counted
        local.lastSeq = summary.lastSeq;
        local.lastReadSeq = Math.max(local.lastReadSeq, summary.lastReadSeq);
        local.unread = isReading(summary.name) ? 0 : summary.unread;
        local.unreadMentions = isReading(summary.name) ? 0 : summary.unreadMentions || 0;
      }
    }
    if (summary.type === 'direct' && !state.dmNames[summary.name]) loadDmName(summary.name);
    if (summary.member) follow(summary.name);
  }
  for (const name of Object.keys(known)) {
    if (!seen.has(name)) delete known[name];
  }
  state.roomsLoaded = true;
  if (state.current) scheduleRead(state.current);
}

/** Has the client follow a member room: joined when live, resumed after every reconnect. */
function follow(name) {
  if (followed.has(name)) return;
  followed.add(name);
  client.join(name).catch((e) => {
    // not_connected: the client still follows it and joins at the next connect; anything else: not followed
    if (e.code !== 'not_connected') followed.delete(name);
  });
}

async function loadDmName(name) {
  try {
    const members = await client.members(name);
    const me = state.session && state.session.user;
    const other = members.find((m) => !me || m.id !== me.id);
    if (other) state.dmNames[name] = other.username;
    if (other && state.current === name) showRoute(routeOf(name, other.username), true);
  } catch {
    // shown as "direct conversation" until the next refresh
  }
}

async function createRoom(name, isPrivate) {
  const room = await client.createRoom(name, { type: isPrivate ? 'private' : 'public' });
  await afterJoining(room.name);
}

async function joinRoom(name) {
  const joined = await client.join(name); // a public room: joining it over the socket makes one a member
  followed.add(joined.room);
  await afterJoining(joined.room);
}

async function openDirect(username) {
  const room = await client.openDirect(username);
  await afterJoining(room.name);
}

async function afterJoining(name) {
  await refreshRooms();
  open(name);
}

async function leaveRoom(name) {
  await client.leave(name);
  forgetRoom(name);
  await refreshRooms().catch(() => {});
}

async function addMember(name, username) {
  await client.addMember(name, username);
  await loadMembers(name);
}

/** Not a member any more: drop what is loaded; leave the room if it is open. */
function forgetRoom(name) {
  followed.delete(name);
  const room = state.rooms[name];
  if (room) {
    room.member = false;
    room.unread = 0;
    if (room.type !== 'public') delete state.rooms[name];
  }
  delete state.views[name];
  for (const p of client.pending) if (p.room === name) client.discard(p.clientMsgId);
  for (let i = failed.length - 1; i >= 0; i--) if (failed[i].room === name) failed.splice(i, 1);
  showPending();
  if (state.current === name) {
    state.current = null;
    const next = Object.values(state.rooms).find((r) => r.member);
    if (next) open(next.name);
  }
}

// ---- the open room ---------------------------------------------------------------------------------------------

/** Opens the room a URL names; explains it on the page if there is no such room for this person. */
async function followRoute(route, replace = false) {
  state.routeProblem = null;
  if (!route) return;
  if (route.kind === 'dm') {
    const known = Object.keys(state.dmNames).find((n) => state.dmNames[n] === route.name && state.rooms[n]);
    if (known) {
      open(known, { replace });
      return;
    }
    try {
      const room = await client.openDirect(route.name);
      await refreshRooms();
      state.dmNames[room.name] = route.name;
      open(room.name, { replace });
    } catch (e) {
      routeProblem(route, roomError(e));
    }
    return;
  }
  const room = state.rooms[route.name];
  if (room && room.member) open(route.name, { replace });
  else if (room && room.type === 'public') routeProblem(route, 'You are not in #' + route.name + ' yet.', true);
  else routeProblem(route, 'There is no room “' + route.name + '” that you are a member of.');
}

function routeProblem(route, text, joinable = false) {
  state.current = null;
  state.routeProblem = { text, room: joinable ? route.name : null };
}

function open(name, { replace = false } = {}) {
  const room = state.rooms[name];
  if (!room || !room.member) return;
  state.current = name;
  state.routeProblem = null;
  remember(ROOM_KEY, name);
  showRoute(routeOf(name, room.type === 'direct' ? state.dmNames[name] : null), replace);
  const v = view(name);
  v.unreadMarker = room.unread > 0 ? room.lastReadSeq : 0;
  v.atBottom = !v.unreadMarker; // with unread messages the room opens at the first of them, not read yet
  if (!v.loaded && !v.loading) loadLatest(name);
  // who is online: the client's list (its `subscribed` may have come before this view existed), then presence events
  client.join(name).then((info) => {
    if (state.views[name] === v) v.online = info.online;
  }, () => {});
  loadMembers(name);
  scheduleRead(name);
}

function loadLatest(name) {
  const load = fetchLatest(name).finally(() => {
    if (loads.get(name) === load) loads.delete(name);
  });
  loads.set(name, load);
  return load;
}

async function fetchLatest(name) {
  const v = view(name);
  v.loading = true;
  v.error = null;
  v.buffer = [];
  try {
    const page = await client.history(name, { limit: PAGE });
    if (state.views[name] !== v) return;
    v.messages = [];
    v.hasOlder = page.hasMore;
    v.hasNewer = false;
    for (const m of page.messages) insert(v, m);
    await loadUnread(name, v);
    if (state.views[name] !== v) return;
    for (const m of v.buffer) {
      if (shows(v, m.seq)) insert(v, m);
    }
    v.buffer = [];
    v.loaded = true;
    if (v.refill) {
      v.refill = false;
      fillGap(name, contiguousSeq(v));
    }
    scheduleRead(name);
  } catch (e) {
    v.error = e.message;
  } finally {
    v.loading = false;
  }
}

/** Pages in older messages until the first unread one is loaded (the room opens at it). */
async function loadUnread(name, v) {
  for (let pages = 0; pages < UNREAD_PAGES; pages++) {
    const first = v.messages.length ? v.messages[0].seq : 0;
    if (!v.unreadMarker || !v.hasOlder || first <= v.unreadMarker + 1) return;
    const page = await client.history(name, { before: first, limit: GAP_PAGE });
    if (state.views[name] !== v) return;
    for (const m of page.messages) insert(v, m);
    v.hasOlder = page.hasMore;
  }
}

async function loadOlder(name) {
  const v = state.views[name];
  if (!v || !v.loaded || v.loadingOlder || !v.hasOlder || v.messages.length === 0) return;
  v.loadingOlder = true;
  try {
    const page = await client.history(name, { before: v.messages[0].seq, limit: PAGE });
    if (state.views[name] !== v) return;
    for (const m of page.messages) insert(v, m);
    v.hasOlder = page.hasMore;
  } catch (e) {
    notify('Could not load older messages: ' + describeError(e.code, e.message));
  } finally {
    v.loadingOlder = false;
  }
}

/** Fills a hole in a loaded view (what was posted between its history page and the room's join). */
async function fillGap(name, afterSeq) {
  const v = state.views[name];
  if (!v || v.fillingGap) return;
  v.fillingGap = true;
  try {
    let after = afterSeq;
    for (;;) {
      const page = await client.history(name, { after, limit: GAP_PAGE });
      for (const m of page.messages) insert(v, m);
      if (!page.hasMore || page.messages.length === 0) break;
      after = page.messages[page.messages.length - 1].seq;
    }
  } catch {
    // the next reload of the room shows them
  } finally {
    v.fillingGap = false;
  }
}

async function loadMembers(name) {
  try {
    const members = await client.members(name);
    const v = state.views[name];
    if (v) v.members = members;
  } catch {
    // keep what is shown
  }
}

/** Reloads the member list soon (several joins and leaves usually come together). */
function membersChanged(name) {
  if (!state.views[name] || membersTimers.has(name)) return;
  membersTimers.set(name, setTimeout(() => {
    membersTimers.delete(name);
    loadMembers(name);
  }, 300));
}

/** Sends the read position soon, if the person is reading the room. */
function scheduleRead(name) {
  if (readTimers.has(name)) return;
  readTimers.set(name, setTimeout(() => {
    readTimers.delete(name);
    sendRead(name);
  }, 200));
}

function sendRead(name) {
  const room = state.rooms[name];
  const v = state.views[name];
  if (!room || !v || !isReading(name) || state.conn !== 'live') return;
  const seq = v.messages.length ? v.messages[v.messages.length - 1].seq : 0;
  if (seq > room.lastReadSeq || room.unread > 0 || room.unreadMentions > 0) {
    room.lastReadSeq = Math.max(room.lastReadSeq, seq);
    room.unread = 0;
    room.unreadMentions = 0;
    client.markRead(name, room.lastReadSeq).then((r) => {
      const now = state.rooms[name];
      if (!now) return;
      now.lastReadSeq = Math.max(now.lastReadSeq, r.lastReadSeq);
      now.unread = isReading(name) ? 0 : r.unread;
      now.unreadMentions = isReading(name) ? 0 : r.unreadMentions || 0;
    }).catch(() => {}); // sent again when the person next reads the room
  }
}

// ---- messages --------------------------------------------------------------------------------------------------

/** Shows the client's outbox, and the messages the server refused, as the page's pending messages. */
function showPending() {
  const rows = client.pending.map((p) => ({
    clientMsgId: p.clientMsgId, room: p.room, body: p.body, state: p.state, replyTo: p.replyTo,
    error: p.error ? describeError(p.error.code, p.error.message) : null,
  }));
  state.pending = rows.concat(failed);
}

/**
 * Sends through the client's outbox; the message shows at once as pending. `replyTo` is the id of the message it
 * answers, if any.
 */
function send(name, body, clientMsgId = newClientMsgId(), replyTo = undefined) {
  const v = state.views[name];
  if (v) v.unreadMarker = 0;
  if (v && v.hasNewer) loadLatest(name); // one's own message is at the end: show the end
  const options = replyTo ? { clientMsgId, replyTo } : { clientMsgId };
  client.send(name, body, options).then((message) => received(message, true), (e) => {
    if (e.code === 'discarded' || e.code === 'session_ended' || !state.session) return;
    failed.push({ clientMsgId, room: name, body, replyTo, state: 'failed',
      error: describeError(e.code, e.message) });
    showPending();
  });
  showPending();
}

function retry(clientMsgId) {
  const i = failed.findIndex((p) => p.clientMsgId === clientMsgId);
  if (i < 0) {
    client.retry(clientMsgId);
    return;
  }
  const [p] = failed.splice(i, 1);
  send(p.room, p.body, p.clientMsgId, p.replyTo); // the server stored nothing under it: the same id is safe
}

function discard(clientMsgId) {
  const i = failed.findIndex((p) => p.clientMsgId === clientMsgId);
  if (i >= 0) failed.splice(i, 1);
  else client.discard(clientMsgId);
  showPending();
}

function edit(id, body) {
  client.edit(id, body).then((m) => received(m, false), (e) => notify(describeError(e.code, e.message)));
}

function remove(id) {
  client.delete(id).then((m) => received(m, false), (e) => notify(describeError(e.code, e.message)));
}

/** Adds the signed-in person's reaction with this emoji, or takes it back if they already reacted so. */
function toggleReaction(message, emoji) {
  const me = myName();
  const mine = (message.reactions || []).some((r) => r.emoji === emoji && (r.users || []).includes(me));
  const done = mine ? client.unreact(message.id, emoji) : client.react(message.id, emoji);
  done.then((m) => received(m, false), (e) => notify(describeError(e.code, e.message)));
}

/** A page of search results: {results: [{message, highlights}], nextBefore?}. */
function search(q, { room, before } = {}) {
  return client.search(q, { room, before, limit: 20 });
}

function typing(name) {
  client.typing(name);
}

/**
 * A message posted, edited or deleted (live, replayed, or the reply to one's own send, edit or delete): added, or
 * updated if it is already shown. `posted` is false for edits and deletions.
 */
function received(message, posted) {
  const name = message.room;
  const room = state.rooms[name];
  const own = message.sender === myName();
  if (room && message.seq > room.lastSeq) {
    room.lastSeq = message.seq;
    if (own) {
      room.lastReadSeq = Math.max(room.lastReadSeq, message.seq); // sending moves the read position
    } else if (!message.deleted && !isReading(name)) {
      room.unread += 1;
    }
  }
  const v = state.views[name];
  if (v) {
    if (posted) delete v.typing[message.sender];
    if (v.loading) {
      v.buffer.push(message);
    } else if (v.loaded && shows(v, message.seq)) {
      const before = contiguousSeq(v);
      insert(v, message);
      if (v.messages.length && message.seq > before + 1 && before > 0 && contiguousSeq(v) === before) {
        fillGap(name, before);
      }
    }
  }
  if (state.current === name) scheduleRead(name);
}

/** Someone mentioned the signed-in person: the room's mention badge, and a desktop notification if wanted. */
function mentioned(name, message) {
  const room = state.rooms[name];
  if (room && room.member && !isReading(name) && (!message || message.seq > room.lastReadSeq)) {
    room.unreadMentions = (room.unreadMentions || 0) + 1;
  }
  if (message) notifyMessage(message, message.sender + ' mentioned you in ' + titleOf(name), () => open(name));
}

/** A new message in a direct conversation from the other person: a desktop notification if wanted. */
function directNotice(message) {
  const room = state.rooms[message.room];
  if (!room || room.type !== 'direct' || message.sender === myName() || message.deleted) return;
  if (Date.now() - Date.parse(message.createdAt) > NOTIFY_MAX_AGE_MS) return;
  notifyMessage(message, message.sender + ' (direct message)', () => open(message.room));
}

function titleOf(name) {
  const room = state.rooms[name];
  return room && room.type === 'direct' ? 'your conversation' : '#' + roomLabel(name);
}

// ---- jumping to a message --------------------------------------------------------------------------------------

const present = (v, seq) => v.messages.some((m) => m.seq === seq);

/**
 * Opens a room at one of its messages (a reply's original, a search result) and highlights it: older history is
 * filled in when the message is a little above the loaded part, otherwise a window around it is loaded (newer
 * messages then load on request, or with "Jump to latest").
 */
async function jumpTo(name, id, seq) {
  const room = state.rooms[name];
  if (!room || !room.member) {
    notify('You are not a member of that room.');
    return;
  }
  if (state.current !== name) open(name);
  const v = view(name);
  focus.id = null; // the same message again flashes again
  try {
    if (!v.loaded) await (loads.get(name) || loadLatest(name));
    if (!v.loaded || state.views[name] !== v) return;
    if (!present(v, seq)) {
      const first = v.messages.length ? v.messages[0].seq : seq;
      if (!v.hasNewer && seq < first && first - seq <= NEAR) await fillBack(name, v, seq);
      else await loadAround(name, v, seq);
    }
  } catch (e) {
    notify('Could not load that message: ' + describeError(e.code, e.message));
    return;
  }
  if (state.views[name] !== v) return;
  if (!present(v, seq)) {
    notify('That message is no longer there.');
    return;
  }
  v.atBottom = false;
  await nextTick();
  Object.assign(focus, { room: name, id, at: Date.now() });
}

/** Loads the history between `seq` (with a little context above it) and the oldest loaded message. */
async function fillBack(name, v, seq) {
  const first = v.messages[0].seq;
  let after = Math.max(0, seq - 6);
  const from = after;
  for (;;) {
    const page = await client.history(name, { after, limit: GAP_PAGE });
    if (state.views[name] !== v) return;
    for (const m of page.messages) if (m.seq < first) insert(v, m);
    const last = page.messages.length ? page.messages[page.messages.length - 1].seq : first;
    if (!page.hasMore || last >= first - 1) break;
    after = last;
  }
  if (from === 0) v.hasOlder = false;
}

/** Replaces the loaded messages by a window around `seq` (live messages meanwhile are buffered, as on load). */
async function loadAround(name, v, seq) {
  v.loading = true;
  v.buffer = [];
  try {
    const [older, newer] = await Promise.all([
      client.history(name, { before: seq + 1, limit: PAGE / 2 }),
      client.history(name, { after: seq, limit: PAGE / 2 }),
    ]);
    if (state.views[name] !== v) return;
    v.messages = [];
    v.hasOlder = older.hasMore;
    v.hasNewer = newer.hasMore;
    for (const m of older.messages) insert(v, m);
    for (const m of newer.messages) insert(v, m);
    for (const m of v.buffer) if (shows(v, m.seq)) insert(v, m);
    v.buffer = [];
    v.unreadMarker = 0;
    if (!v.hasNewer) fillGap(name, contiguousSeq(v)); // what came while the window was loading
  } finally {
    v.loading = false;
  }
}

/** A window's next page towards the newest message; at the end the view is live again. */
async function loadNewer(name) {
  const v = state.views[name];
  if (!v || !v.hasNewer || v.loadingNewer || v.messages.length === 0) return;
  v.loadingNewer = true;
  try {
    const page = await client.history(name, { after: v.messages[v.messages.length - 1].seq, limit: PAGE });
    if (state.views[name] !== v) return;
    for (const m of page.messages) insert(v, m);
    v.hasNewer = page.hasMore;
    if (!v.hasNewer) fillGap(name, contiguousSeq(v)); // live messages were not kept while the window was open
  } catch (e) {
    notify('Could not load newer messages: ' + describeError(e.code, e.message));
  } finally {
    v.loadingNewer = false;
  }
}

/** What the components may do. */
export const actions = {
  register, login, logout, logoutEverywhere, start, reconnectNow,
  createRoom, joinRoom, openDirect, leaveRoom, addMember,
  open, loadLatest, loadOlder, loadNewer, scheduleRead, jumpTo,
  send, retry, discard, edit, remove, typing, toggleReaction, search,
};

// For tests and for the curious: reachable from the console as window.parley.
window.parley = { client, state, actions };
