// The message list's scroll position: where a room opens (its first unread message, or the newest), keeping one's
// place while older messages page in above, staying at the newest message while there (new messages, one's own
// send, the offline banner or the phone's keyboard shrinking the list), and what the "Jump to latest" button counts.
//
// The browser's own scroll anchoring is off for the list (styles.css, overflow-anchor: none): it does not act at
// the very top, where older pages load, and it would fight the corrections made here.
import { nextTick, onBeforeUnmount, onBeforeUpdate, onMounted, onUpdated, ref } from '/vendor/vue.runtime.esm-browser.prod.js';

const NEAR_BOTTOM = 48;   // px: this close to the end counts as "at the newest message"
const LOAD_OLDER = 120;   // px: this close to the top pages older messages in
const SETTLE_MS = 150;    // older messages load once the wheel's smooth scrolling has stopped: correcting the
                          // position mid-animation would cut the animation short

export const nearBottom = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;

/**
 * The topmost message row whose top edge is in view (else the first one reaching into view), and where its bottom
 * edge is below the list's top. The bottom edge, because a row changes at its top: the oldest loaded message loses
 * its header and day line when older ones from the same sender arrive above it.
 */
function anchorOf(el) {
  const top = el.getBoundingClientRect().top;
  let partial = null;
  for (const row of el.querySelectorAll('article.msg[data-seq]')) {
    const box = row.getBoundingClientRect();
    if (box.top >= top) return { seq: row.dataset.seq, offset: box.bottom - top };
    if (!partial && box.bottom > top) partial = { seq: row.dataset.seq, offset: box.bottom - top };
  }
  return partial;
}

const firstShown = (el) => {
  const row = el.querySelector('article.msg[data-seq]');
  return row ? Number(row.dataset.seq) : 0;
};
const pendingShown = (el) => el.querySelectorAll('article.msg.pending').length;

/** Scrolls so that the anchor's row ends as far below the list's top as it did. */
function restore(el, anchor) {
  const row = el.querySelector('article.msg[data-seq="' + anchor.seq + '"]');
  if (!row) return;
  el.scrollTop += row.getBoundingClientRect().bottom - el.getBoundingClientRect().top - anchor.offset;
}

/**
 * The scroll behaviour of one room's message list. `view()` is the room's view (state.js), `actions` connection.js's
 * actions.
 */
export function useScroll(name, view, actions) {
  const scroller = ref(null);
  let positioned = false;     // the room's opening position has been taken
  let before = null;          // what the list looked like before the update being rendered
  let resize = null;
  let olderTimer = 0;

  function loadOlderSoon() {
    clearTimeout(olderTimer);
    olderTimer = setTimeout(() => {
      const el = scroller.value;
      const v = view();
      if (el && v && el.scrollTop < LOAD_OLDER && v.hasOlder && !v.loadingOlder) actions.loadOlder(name);
    }, SETTLE_MS);
  }

  function toBottom() {
    const el = scroller.value;
    const v = view();
    if (!el || !v) return;
    el.scrollTop = el.scrollHeight;
    v.atBottom = true;
    markSeen(v);
  }

  function markSeen(v) {
    const list = v.messages;
    v.seenSeq = list.length ? list[list.length - 1].seq : 0;
  }

  /** Opens at the "New messages" line if there is one, else at the newest message. */
  function position() {
    const el = scroller.value;
    const v = view();
    if (!el || !v || !v.loaded) return;
    positioned = true;
    const line = el.querySelector('.new-line');
    if (line) {
      el.scrollTop += line.getBoundingClientRect().top - el.getBoundingClientRect().top - 8;
      v.atBottom = nearBottom(el);
      if (v.atBottom) markSeen(v);
      else v.seenSeq = v.unreadMarker;
    } else {
      toBottom();
    }
    actions.scheduleRead(name);
  }

  function onScroll() {
    const el = scroller.value;
    const v = view();
    if (!el || !v || !positioned) return;
    v.atBottom = nearBottom(el);
    if (v.atBottom) {
      markSeen(v);
      actions.scheduleRead(name);
    }
    if (el.scrollTop < LOAD_OLDER && v.hasOlder) loadOlderSoon();
    // a window around a message jumped to (connection.js's jumpTo): newer pages load at its end
    if (v.hasNewer && !v.loadingNewer && el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_OLDER) {
      actions.loadNewer(name);
    }
  }

  onMounted(() => {
    nextTick(position);
    // the list shrinks or grows without scrolling (the offline banner, a phone's keyboard): stay at the newest
    resize = new ResizeObserver(() => {
      const v = view();
      if (v && v.atBottom && positioned) toBottom();
    });
    if (scroller.value) resize.observe(scroller.value);
  });
  onBeforeUnmount(() => {
    clearTimeout(olderTimer);
    if (resize) resize.disconnect();
  });

  // read from the DOM, not the state: by now the state has changed already, the DOM not yet
  onBeforeUpdate(() => {
    const el = scroller.value;
    if (!el) return;
    before = { first: firstShown(el), pending: pendingShown(el), atBottom: nearBottom(el), anchor: anchorOf(el) };
  });

  onUpdated(() => {
    const el = scroller.value;
    const v = view();
    const was = before;
    before = null;
    if (!el || !v) return;
    if (!positioned) {
      position();
      return;
    }
    if (!was) return;
    const first = firstShown(el);
    if (pendingShown(el) > was.pending) {
      toBottom(); // one's own new message: show it, wherever one was reading
    } else if (was.atBottom && v.atBottom && !v.hasNewer) {
      toBottom(); // (a window's end is not the room's end: newer pages appear below without scrolling there)
    } else if (was.anchor && was.first && first < was.first) {
      restore(el, was.anchor); // older messages above: the message at the top stays where it was
      if (el.scrollTop < LOAD_OLDER && v.hasOlder) loadOlderSoon(); // still at the top: the next page too
    }
  });

  return { scroller, onScroll, toBottom };
}

/** How many messages from others arrived below what one has seen. */
export function unseenCount(v, me) {
  if (!v || v.atBottom) return 0;
  let n = 0;
  for (let i = v.messages.length - 1; i >= 0 && v.messages[i].seq > (v.seenSeq || 0); i--) {
    if (v.messages[i].sender !== me && !v.messages[i].deleted) n++;
  }
  return n;
}
