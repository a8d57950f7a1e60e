// Replies: the quoted original above a reply (a click jumps to it), the composer's "Replying to …" bar, and the
// "Reply" action that starts one.
import { h, nextTick } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { excerpt, replies } from '../state.js';

/** Starts a reply to `m` in its room's composer. */
export function startReply(m) {
  replies[m.room] = { id: m.id, seq: m.seq, sender: m.sender, excerpt: excerpt(m.body) };
  nextTick(() => {
    const box = document.getElementById('composer-input');
    if (box) box.focus();
  });
}

export function cancelReply(room) {
  delete replies[room];
}

/** The quoted original above a reply (`m.replyTo` is its preview {id, seq, sender, excerpt, deleted?}), or null. */
export function replyQuote(m) {
  const r = m.replyTo;
  if (!r) return null;
  if (r.deleted) {
    return h('div', { class: 'reply-quote deleted', 'data-reply-to': r.id },
      h('span', { class: 'quote-text' }, 'Original message deleted'));
  }
  return h('button', {
    type: 'button', class: 'reply-quote', 'data-reply-to': r.id,
    'aria-label': 'In reply to ' + r.sender + ': ' + r.excerpt + '. Show the original message',
    onClick: () => actions.jumpTo(m.room, r.id, r.seq),
  }, [
    h('span', { class: 'quote-sender' }, r.sender),
    h('span', { class: 'quote-text' }, r.excerpt),
  ]);
}

/** The composer's bar while replying, or null. */
export function replyBar(room) {
  const r = replies[room];
  if (!r) return null;
  return h('div', { class: 'reply-bar', id: 'reply-bar' }, [
    h('p', { class: 'reply-bar-text' }, [
      'Replying to ', h('strong', { class: 'quote-sender' }, r.sender), ': ',
      h('span', { class: 'quote-text' }, r.excerpt),
    ]),
    h('button', { type: 'button', class: 'icon-button', id: 'reply-cancel', 'aria-label': 'Cancel reply',
      title: 'Cancel reply (Esc)', onClick: () => cancelReply(room) }, '×'),
  ]);
}
