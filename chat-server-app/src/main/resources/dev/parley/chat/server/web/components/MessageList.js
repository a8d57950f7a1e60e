// The open room's messages: history paging, day lines, the "New messages" line, grouping, one's pending messages,
// and the scroll position (stays at the bottom while there; "n new messages" otherwise).
import {
  h, nextTick, onBeforeUpdate, onMounted, onUpdated, ref, watch,
} from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { dayKey, dayLabel } from '../format.js';
import { focus, myName, roomLabel, state } from '../state.js';
import { icon } from './icons.js';
import { MessageItem, PendingItem, resetEditing } from './MessageItem.js';

const GROUP_MS = 5 * 60_000; // one sender's messages this close together share a header

export const MessageList = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const scroller = ref(null);
    const unseen = ref(0);
    let snapshot = null;

    const view = () => state.views[props.name];
    const nearBottom = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48;

    function toBottom() {
      const el = scroller.value;
      if (el) el.scrollTop = el.scrollHeight;
      unseen.value = 0;
    }

    function onScroll() {
      const el = scroller.value;
      const v = view();
      if (!el || !v) return;
      v.atBottom = nearBottom(el);
      if (v.atBottom) {
        unseen.value = 0;
        actions.scheduleRead(props.name);
      }
      if (el.scrollTop < 120 && v.hasOlder && !v.loadingOlder) actions.loadOlder(props.name);
      if (v.hasNewer && !v.loadingNewer && el.scrollHeight - el.scrollTop - el.clientHeight < 120) {
        actions.loadNewer(props.name);
      }
    }

    /** Scrolls the message jumped to (a reply's original, a search result) into the middle of the view. */
    function toFocus() {
      if (focus.room !== props.name || !focus.id) return false;
      const row = document.querySelector('#messages article[data-id="' + focus.id + '"]');
      if (!row) return false;
      row.scrollIntoView({ block: 'center' });
      unseen.value = 0;
      return true;
    }

    resetEditing();
    onMounted(() => nextTick(() => {
      if (!(Date.now() - focus.at < 2000 && toFocus())) toBottom();
    }));
    watch(() => focus.at, () => nextTick(toFocus));
    onBeforeUpdate(() => {
      const el = scroller.value;
      const v = view();
      if (!el || !v) return;
      const list = v.messages;
      snapshot = {
        height: el.scrollHeight,
        top: el.scrollTop,
        first: list.length ? list[0].seq : 0,
        last: list.length ? list[list.length - 1].seq : 0,
        atBottom: nearBottom(el) && !v.hasNewer, // a window's end is not the room's end: newer pages load below
      };
    });
    onUpdated(() => {
      const el = scroller.value;
      const v = view();
      if (!el || !v || !snapshot) return;
      const list = v.messages;
      const first = list.length ? list[0].seq : 0;
      const last = list.length ? list[list.length - 1].seq : 0;
      if (snapshot.first && first < snapshot.first && last === snapshot.last) {
        el.scrollTop = snapshot.top + (el.scrollHeight - snapshot.height); // older page above: stay in place
      } else if (snapshot.atBottom) {
        el.scrollTop = el.scrollHeight;
        v.atBottom = true;
      } else if (last > snapshot.last) {
        unseen.value += last - snapshot.last;
      }
      snapshot = null;
    });

    /** What goes above the messages: loading, an error, "Load older messages", or the room's beginning. */
    function head(v) {
      if (!v || (!v.loaded && !v.error)) {
        return h('p', { class: 'list-note', key: 'loading' }, 'Loading messages…');
      }
      if (!v.loaded && v.error) {
        return h('p', { class: 'list-note error', key: 'error' }, [
          'Could not load messages. ',
          h('button', { type: 'button', class: 'link', onClick: () => actions.loadLatest(props.name) }, 'Try again'),
        ]);
      }
      if (v.hasOlder) {
        return h('div', { class: 'older', key: 'older' }, h('button', {
          type: 'button', class: 'ghost small', id: 'load-older', disabled: v.loadingOlder,
          onClick: () => actions.loadOlder(props.name),
        }, v.loadingOlder ? 'Loading…' : 'Load older messages'));
      }
      return h('div', { class: 'start', key: 'start' }, [
        h('p', { class: 'start-title' }, state.rooms[props.name] && state.rooms[props.name].type === 'direct'
          ? 'This is the start of your conversation with ' + roomLabel(props.name) + '.'
          : 'This is the beginning of #' + props.name + '.'),
      ]);
    }

    return () => {
      const v = view();
      const me = myName();
      const children = [head(v)];
      let prev = null;
      let marked = false;
      if (v && v.loaded) {
        for (const m of v.messages) {
          const date = new Date(m.createdAt);
          const newDay = !prev || dayKey(new Date(prev.createdAt)) !== dayKey(date);
          if (newDay) {
            children.push(h('div', { class: 'day', key: 'd' + m.seq, role: 'separator' },
              h('span', null, dayLabel(date))));
          }
          let marker = false;
          if (!marked && v.unreadMarker && m.seq > v.unreadMarker && m.sender !== me) {
            marked = marker = true;
            children.push(h('div', { class: 'new-line', key: 'new', role: 'separator' },
              h('span', null, 'New messages')));
          }
          const grouped = !newDay && !marker && !!prev && prev.sender === m.sender && !prev.deleted
            && date - new Date(prev.createdAt) < GROUP_MS;
          children.push(h(MessageItem, { key: 'm' + m.id, message: m, grouped, me }));
          prev = m;
        }
      }
      let prevOwn = !!prev && prev.sender === me;
      for (const p of state.pending) {
        if (p.room !== props.name) continue;
        children.push(h(PendingItem, { key: 'p' + p.clientMsgId, pending: p, grouped: prevOwn, me }));
        prevOwn = true;
      }
      if (v && v.loaded && v.hasNewer) {
        children.push(h('div', { class: 'older newer', key: 'newer' }, h('button', {
          type: 'button', class: 'ghost small', id: 'load-newer', disabled: v.loadingNewer,
          onClick: () => actions.loadNewer(props.name),
        }, v.loadingNewer ? 'Loading…' : 'Load newer messages')));
      }
      return h('div', { class: 'list-wrap' }, [
        h('div', {
          class: 'messages', ref: scroller, id: 'messages', role: 'log', 'aria-live': 'polite',
          'aria-relevant': 'additions', 'aria-label': 'Messages in ' + roomLabel(props.name), tabindex: 0,
          onScroll,
        }, children),
        unseen.value > 0 && v && !v.atBottom && !v.hasNewer ? h('button', {
          type: 'button', class: 'jump', onClick: () => { toBottom(); actions.scheduleRead(props.name); },
        }, [icon('down'), unseen.value === 1 ? '1 new message' : unseen.value + ' new messages']) : null,
        v && v.hasNewer ? h('button', {
          type: 'button', class: 'jump', id: 'jump-latest',
          onClick: () => actions.loadLatest(props.name).then(() => nextTick(toBottom)),
        }, [icon('down'), 'Jump to latest']) : null,
      ]);
    };
  },
};
