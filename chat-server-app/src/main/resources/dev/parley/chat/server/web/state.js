// The page's reactive state: what the components render. connection.js fills it; the components read it and
// call connection.js's actions. Nothing here talks to the server.
import { computed, reactive, ref } from '/vendor/vue.runtime.esm-browser.prod.js';

export const state = reactive({
  session: null,               // {token, user: {id, username}}
  authNotice: null,            // why the login screen is shown again
  conn: 'offline',             // offline | connecting | live | reconnecting | no-network
  retryAt: 0,                  // when the next connection attempt starts (ms since epoch)
  rooms: {},                   // name -> RoomSummary {name, type, member, lastSeq, lastReadSeq, unread, ...}
  roomsLoaded: false,
  views: {},                   // name -> the loaded part of a room (see view())
  dmNames: {},                 // direct room name -> the other user's name
  current: null,               // the open room
  pending: [],                 // own messages not yet acknowledged, in sending order
  notice: null,                // a passing problem to show
  routeProblem: null,          // {text, room}: the URL names a room that cannot be opened (room: one may join it)
});

/** Layout only: which drawers and forms are open. */
export const wide = () => window.matchMedia('(min-width: 1100px)').matches;
export const ui = reactive({
  sidebarOpen: false,          // narrow screens: the rooms drawer
  membersOpen: wide(),         // the members column (a drawer on narrow screens)
  newRoom: false,
  newDirect: false,
  leaving: false,              // the open room's "Leave" asks for confirmation
  searchOpen: false,           // the search column (takes the members column's place)
});

export const drafts = reactive({}); // room -> composer text
export const replies = reactive({}); // room -> the message the composer replies to {id, seq, sender, excerpt}

/** The message just jumped to (a reply's original, a search result): {room, id, at}; shown highlighted briefly. */
export const focus = reactive({ room: null, id: null, at: 0 });

/** The time, updated every second (typing lines and the reconnect countdown). */
export const now = ref(Date.now());
setInterval(() => { now.value = Date.now(); }, 1000);

/** The signed-in person's username, or ''. */
export function myName() {
  return state.session ? state.session.user.username : '';
}

/** Unread messages in member rooms other than the open one (the tab title, the menu button's dot). */
export const totalUnread = computed(() => Object.values(state.rooms).reduce((n, r) =>
  n + (r.member && r.name !== state.current ? r.unread : 0), 0));

/** Mentions of the signed-in person in member rooms other than the open one. */
export const totalMentions = computed(() => Object.values(state.rooms).reduce((n, r) =>
  n + (r.member && r.name !== state.current ? r.unreadMentions || 0 : 0), 0));

/** Whether a message mentions the signed-in person (its `mentions` lists usernames). */
export function mentionsMe(message) {
  const me = myName().toLowerCase();
  return !!me && Array.isArray(message.mentions) && message.mentions.some((n) => n.toLowerCase() === me);
}

/** A message's first line, at most `max` characters (code points), for reply previews and notifications. */
export function excerpt(body, max = 100) {
  const line = String(body || '').split('\n', 1)[0];
  const chars = Array.from(line);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : line;
}

/** A room's name as shown: `general`, or the other person's name for direct rooms. */
export function roomLabel(name) {
  const room = state.rooms[name];
  if (room && room.type === 'direct') return state.dmNames[name] || 'direct conversation';
  return name;
}

/** The loaded part of a room, made on first use. */
export function view(name) {
  let v = state.views[name];
  if (!v) {
    state.views[name] = {
      messages: [],          // loaded messages, ascending by seq, each once
      loaded: false,         // the newest page has been loaded
      loading: false,
      buffer: [],            // messages that arrived while the first page was loading
      hasOlder: false,
      loadingOlder: false,
      hasNewer: false,       // a window around a jumped-to message: newer messages are not loaded yet
      loadingNewer: false,
      error: null,
      online: [],            // usernames online in the room (from subscribed + presence)
      members: null,         // from REST, when loaded
      typing: {},            // username -> until (ms)
      unreadMarker: 0,       // a "new messages" line goes above the first message after this seq
      atBottom: true,        // the message list is scrolled to the end (set by the page)
      seenSeq: 0,            // the newest message the person has scrolled past (the "Jump to latest" count)
    };
    v = state.views[name];
  }
  return v;
}

/** Adds or replaces a message in a view, keeping seq order; never twice. */
export function insert(v, message) {
  const list = v.messages;
  let lo = 0;
  let hi = list.length;
  if (hi > 0 && list[hi - 1].seq < message.seq) {
    lo = hi;
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].seq < message.seq) lo = mid + 1;
      else hi = mid;
    }
  }
  if (lo < list.length && list[lo].seq === message.seq) {
    // the same message again (its ack and its event, a replay, an edit): keep its newest state
    if (message.change > list[lo].change) list[lo] = message;
    return false;
  }
  list.splice(lo, 0, message);
  return true;
}

/**
 * Whether a message belongs among the loaded ones: not above the loaded pages while older ones are still to be
 * paged in (a change to such a message shows when its page is loaded, in its current state).
 */
export function shows(v, seq) {
  const list = v.messages;
  if (list.length === 0) return true;
  return (!v.hasOlder || seq >= list[0].seq) && (!v.hasNewer || seq <= list[list.length - 1].seq);
}

/** The newest loaded seq that every older loaded message leads up to without a gap. */
export function contiguousSeq(v) {
  const list = v.messages;
  if (list.length === 0) return 0;
  for (let i = 1; i < list.length; i++) {
    if (list[i].seq !== list[i - 1].seq + 1) return list[i - 1].seq;
  }
  return list[list.length - 1].seq;
}

/** Whether the person is looking at the newest messages of this room right now. */
export function isReading(name) {
  const v = state.views[name];
  return state.current === name && document.visibilityState === 'visible' && !!v && v.loaded && v.atBottom
    && !v.hasNewer;
}

/** Shows a passing problem for a few seconds. */
export function notify(text) {
  state.notice = { text, at: Date.now() };
  const at = state.notice.at;
  setTimeout(() => {
    if (state.notice && state.notice.at === at) state.notice = null;
  }, 6000);
}
