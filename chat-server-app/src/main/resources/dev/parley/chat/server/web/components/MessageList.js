// The open room's messages: history paging, day lines, the "New messages" line, grouping, one's pending messages,
// the "Jump to latest" button, and bringing a message jumped to into view (the scroll position itself is scroll.js's).
import { h, nextTick, watch } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { dayKey, dayLabel } from '../format.js';
import { unseenCount, useScroll } from '../scroll.js';
import { focus, myName, roomLabel, state } from '../state.js';
import { icon } from './icons.js';
import { MessageItem, PendingItem, resetEditing } from './MessageItem.js';

const GROUP_MS = 5 * 60_000; // one sender's messages this close together share a header

export const MessageList = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const view = () => state.views[props.name];
    const { scroller, onScroll, toBottom } = useScroll(props.name, view, actions);
    resetEditing();

    /** Scrolls the message jumped to (a reply's original, a search result) into the middle of the view. */
    watch(() => focus.at, () => nextTick(() => {
      if (focus.room !== props.name || !focus.id || !scroller.value) return;
      const row = scroller.value.querySelector('article[data-id="' + focus.id + '"]');
      if (row) row.scrollIntoView({ block: 'center' });
    }));

    /** A window around a message jumped to ends before the newest: "Jump to latest" loads the newest page. */
    function toLatest() {
      const v = view();
      if (v && v.hasNewer) actions.loadLatest(props.name).then(() => nextTick(toBottom));
      else toBottom();
      actions.scheduleRead(props.name);
    }

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

    function jumpButton(unseen) {
      const count = unseen === 1 ? '1 new message' : unseen + ' new messages';
      return h('button', {
        type: 'button', class: 'jump', id: 'jump-latest',
        'aria-label': unseen > 0 ? 'Jump to latest, ' + count : 'Jump to latest', onClick: toLatest,
      }, [icon('down'), 'Jump to latest', unseen > 0 ? h('span', { class: 'jump-count' }, ' · ' + count) : null]);
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
      if (v && v.loaded && v.hasNewer) {
        children.push(h('div', { class: 'older newer', key: 'newer' }, h('button', {
          type: 'button', class: 'ghost small', id: 'load-newer', disabled: v.loadingNewer,
          onClick: () => actions.loadNewer(props.name),
        }, v.loadingNewer ? 'Loading…' : 'Load newer messages')));
      }
      let prevOwn = !!prev && prev.sender === me;
      for (const p of state.pending) {
        if (p.room !== props.name) continue;
        children.push(h(PendingItem, { key: 'p' + p.clientMsgId, pending: p, grouped: prevOwn, me }));
        prevOwn = true;
      }
      return h('div', { class: 'list-wrap' }, [
        h('div', {
          class: 'messages', ref: scroller, id: 'messages', role: 'log', 'aria-live': 'polite',
          'aria-relevant': 'additions', 'aria-label': 'Messages in ' + roomLabel(props.name), tabindex: 0,
          // busy while history loads or pages in: what arrives then is not news to announce
          'aria-busy': String(!v || !v.loaded || v.loading || v.loadingOlder),
          onScroll,
        }, children),
        v && v.loaded && (!v.atBottom || v.hasNewer) ? jumpButton(unseenCount(v, me)) : null,
      ]);
    };
  },
};
