// A small popover of common emoji to react with: keyboard reachable (arrow keys move, Escape closes and gives the
// focus back to the button that opened it).
import { h, nextTick, reactive } from '/vendor/vue.runtime.esm-browser.prod.js';

/** The emoji offered; any other emoji the server accepts still shows (and toggles) as a chip. */
export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

/** The message whose picker is open (at most one). */
const picker = reactive({ id: null });

export function closePicker() {
  picker.id = null;
}

function trigger(id) {
  return document.querySelector('.msg[data-id="' + id + '"] button.react');
}

function close(id) {
  picker.id = null;
  const button = trigger(id);
  if (button) button.focus();
}

/** The "React" button of a message: opens (or closes) its picker. */
export function reactButton(m) {
  const open = picker.id === m.id;
  return h('button', {
    type: 'button', class: 'ghost small react', 'aria-label': 'Add a reaction', 'aria-haspopup': 'true',
    'aria-expanded': String(open), title: 'Add a reaction',
    onClick: () => {
      picker.id = open ? null : m.id;
      if (!open) {
        nextTick(() => {
          const first = document.querySelector('.emoji-picker button');
          if (first) first.focus();
        });
      }
    },
  }, '☺+');
}

/** The open picker of a message, or null; `choose(emoji)` toggles that reaction. */
export function emojiPicker(m, choose) {
  if (picker.id !== m.id) return null;
  function onKeydown(e) {
    const buttons = Array.from(e.currentTarget.querySelectorAll('button'));
    const i = buttons.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(m.id);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length;
      buttons[next].focus();
    }
  }
  return h('div', {
    class: 'emoji-picker', role: 'group', 'aria-label': 'Pick a reaction', onKeydown,
    onFocusout: (e) => {
      const to = e.relatedTarget;
      if (!to || !e.currentTarget.parentElement.contains(to)) picker.id = null;
    },
  }, EMOJI.map((emoji) => h('button', {
    type: 'button', class: 'emoji', 'data-emoji': emoji, 'aria-label': 'React with ' + emoji,
    onClick: () => {
      choose(emoji);
      close(m.id);
    },
  }, emoji)));
}
