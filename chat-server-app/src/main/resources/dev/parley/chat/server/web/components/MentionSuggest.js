// "@" in the composer offers the room's members whose names start with what follows it: arrow keys choose, Enter
// or Tab inserts "@name ", Escape closes. The textarea stays focused (aria-activedescendant points at the choice).
import { h, nextTick, reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { drafts, myName, state } from '../state.js';

const MAX = 6;
// "@" at the start or after a space or punctuation (not inside a word or an e-mail address), then a name's start
const TRIGGER = /(?:^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{0,32})$/u;

const suggest = reactive({ room: null, start: 0, end: 0, query: '', index: 0 });

function close() {
  suggest.room = null;
}

/** The members offered for the open suggestion of `room`, at most six. */
function candidates(room) {
  const v = state.views[room];
  if (suggest.room !== room || !v || !v.members) return [];
  const q = suggest.query.toLowerCase();
  const me = myName();
  return v.members.map((m) => m.username)
    .filter((n) => n !== me && n.toLowerCase().startsWith(q))
    .sort((a, b) => a.localeCompare(b))
    .slice(0, MAX);
}

/** After each input: opens, narrows or closes the suggestion from the text before the caret. */
export function updateSuggest(room, box) {
  const caret = box.selectionStart;
  const m = TRIGGER.exec(box.value.slice(0, caret));
  if (!m) {
    close();
    return;
  }
  Object.assign(suggest, { room, start: caret - m[1].length - 1, end: caret, query: m[1], index: 0 });
  if (candidates(room).length === 0) close();
}

function accept(room, name, box) {
  const text = drafts[room] || '';
  const inserted = '@' + name + ' ';
  drafts[room] = text.slice(0, suggest.start) + inserted + text.slice(suggest.end);
  const caret = suggest.start + inserted.length;
  close();
  nextTick(() => {
    box.focus();
    box.setSelectionRange(caret, caret);
  });
}

/** The composer's keys while a suggestion is open; true when the key was used here. */
export function suggestKeydown(e, room) {
  const list = candidates(room);
  if (list.length === 0) return false;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    suggest.index = (suggest.index + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length;
  } else if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
    accept(room, list[Math.min(suggest.index, list.length - 1)], e.target);
  } else if (e.key === 'Escape') {
    close();
  } else {
    return false;
  }
  e.preventDefault();
  return true;
}

/** The textarea's autocomplete attributes (a textarea may not take the combobox role, so no aria-expanded). */
export function suggestAria(room) {
  const open = candidates(room).length > 0;
  return {
    'aria-autocomplete': 'list', 'aria-controls': open ? 'mention-suggest' : undefined,
    'aria-activedescendant': open ? 'mention-option-' + suggest.index : undefined,
  };
}

/** The list of members offered, or null. */
export function suggestList(room, box) {
  const list = candidates(room);
  if (list.length === 0) return null;
  return h('ul', { class: 'mention-suggest', id: 'mention-suggest', role: 'listbox',
    'aria-label': 'Mention someone' }, list.map((name, i) => h('li', {
    key: name, id: 'mention-option-' + i, role: 'option', 'aria-selected': String(i === suggest.index),
    class: { active: i === suggest.index }, 'data-user': name,
    // mousedown: keep the focus in the textarea
    onMousedown: (e) => {
      e.preventDefault();
      if (box.value) accept(room, name, box.value);
    },
  }, '@' + name)));
}
