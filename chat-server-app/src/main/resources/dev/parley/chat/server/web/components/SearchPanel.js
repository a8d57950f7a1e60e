// Message search (GET /api/search through the client): a query box, "only this room", the results newest first
// with the matched ranges marked, "Load more"; a click opens the message in its room. Takes the members column's
// place (a drawer on narrow screens).
import { h, nextTick, onBeforeUnmount, onMounted, reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { describeError } from '../errors.js';
import { fullFormat, timeFormat } from '../format.js';
import { roomLabel, state, ui, wide } from '../state.js';
import { icon } from './icons.js';

const EMPTY = { q: '', roomOnly: false, asked: null, results: [], nextBefore: null, busy: false, error: null };
const search = reactive({ ...EMPTY, results: [] });

/**
 * The body as text pieces with the matched ranges in <mark>: `highlights` are [{start, end}] UTF-16 offsets into
 * the body. Every piece is a text node (Vue renders string children as text), never HTML.
 */
export function marked(body, highlights) {
  const out = [];
  let at = 0;
  const ranges = (highlights || []).filter((r) => r.start >= 0 && r.end <= body.length && r.start < r.end)
    .sort((a, b) => a.start - b.start);
  for (const r of ranges) {
    if (r.start < at) continue; // overlapping: the first one wins
    if (r.start > at) out.push(body.slice(at, r.start));
    out.push(h('mark', null, body.slice(r.start, r.end)));
    at = r.end;
  }
  if (at < body.length) out.push(body.slice(at));
  return out;
}

async function run(more) {
  const q = more ? search.asked.q : search.q.trim();
  if (!q || search.busy) return;
  const room = more ? search.asked.room : (search.roomOnly && state.current) || undefined;
  search.busy = true;
  search.error = null;
  try {
    const page = await actions.search(q, { room, before: more ? search.nextBefore : undefined });
    if (!more) search.results = [];
    search.results.push(...page.results);
    search.nextBefore = page.nextBefore ?? null;
    search.asked = { q, room };
  } catch (e) {
    search.error = e.code === 'invalid_query' ? 'Search for one to ten words.' : describeError(e.code, e.message);
  } finally {
    search.busy = false;
  }
}

function open(m) {
  if (!wide()) ui.searchOpen = false;
  actions.jumpTo(m.room, m.id, m.seq);
}

function result({ message: m, highlights }) {
  const date = new Date(m.createdAt);
  return h('li', { key: m.id }, h('button', {
    type: 'button', class: 'search-result', 'data-id': m.id, 'data-room': m.room, onClick: () => open(m),
  }, [
    h('span', { class: 'result-head' }, [
      h('span', { class: 'sender' }, m.sender),
      h('span', { class: 'result-room' }, (state.rooms[m.room] && state.rooms[m.room].type === 'direct'
        ? '' : '#') + roomLabel(m.room)),
      h('time', { datetime: m.createdAt, title: fullFormat.format(date) },
        date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : date.toLocaleDateString()),
    ]),
    h('span', { class: 'result-body' }, marked(m.body, highlights)),
  ]));
}

export const SearchPanel = {
  setup() {
    onMounted(() => nextTick(() => {
      const box = document.getElementById('search-input');
      if (box) box.focus();
    }));
    // closing the panel (or signing out) forgets the results: the next person at this tab must not see them
    onBeforeUnmount(() => Object.assign(search, { ...EMPTY, results: [] }));
    return () => {
      const asked = search.asked;
      return h('aside', { class: 'search-panel', id: 'search-panel', 'aria-label': 'Search messages' }, [
        h('div', { class: 'members-head' }, [
          h('h2', null, 'Search'),
          h('button', { type: 'button', class: 'icon-button', id: 'search-close', 'aria-label': 'Close search',
            onClick: () => { ui.searchOpen = false; } }, [icon('close')]),
        ]),
        h('form', { class: 'mini-form search-form', role: 'search', onSubmit: (e) => {
          e.preventDefault();
          run(false);
        } }, [
          h('label', { class: 'sr-only', for: 'search-input' }, 'Search messages'),
          h('input', { id: 'search-input', type: 'search', value: search.q, maxlength: 200, autocomplete: 'off',
            placeholder: 'Search messages', onInput: (e) => { search.q = e.target.value; },
            onKeydown: (e) => { if (e.key === 'Escape') ui.searchOpen = false; } }),
          state.current ? h('label', { class: 'check' }, [
            h('input', { type: 'checkbox', id: 'search-room-only', checked: search.roomOnly,
              onChange: (e) => { search.roomOnly = e.target.checked; } }),
            ' Only in ' + roomLabel(state.current),
          ]) : null,
          h('button', { type: 'submit', class: 'primary small', id: 'search-submit',
            disabled: search.busy || !search.q.trim() }, 'Search'),
        ]),
        search.error ? h('p', { class: 'form-error search-note', role: 'alert' }, search.error) : null,
        asked && !search.error ? h('p', { class: 'muted search-note', id: 'search-status', role: 'status' },
          search.results.length === 0 ? 'No messages found.'
            : search.results.length + (search.results.length === 1 ? ' message' : ' messages')
              + (search.nextBefore ? ' so far' : '')) : null,
        h('ul', { class: 'search-results', id: 'search-results' }, search.results.map(result)),
        search.nextBefore ? h('button', { type: 'button', class: 'ghost small more', id: 'search-more',
          disabled: search.busy, onClick: () => run(true) }, search.busy ? 'Loading…' : 'Load more') : null,
      ]);
    };
  },
};
