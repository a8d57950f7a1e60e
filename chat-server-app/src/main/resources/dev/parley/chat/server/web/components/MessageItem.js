// One message row: a confirmed message (its reply quote, reactions, and actions: reply and react on every message,
// edit and delete on one's own), or one of one's own messages still on its way (PendingItem).
import { h, nextTick, reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { fullFormat, timeFormat } from '../format.js';
import { focus, mentionsMe, state } from '../state.js';
import { emojiPicker, reactButton } from './EmojiPicker.js';
import { avatar } from './icons.js';
import { MessageText } from './MessageText.js';
import { reactionChips } from './Reactions.js';
import { replyQuote, startReply } from './ReplyPreview.js';

/** At most one message is being edited, or asks to confirm its deletion, at a time. */
const editing = reactive({ id: null, text: '', confirmDelete: null });

export function resetEditing() {
  editing.id = null;
  editing.text = '';
  editing.confirmDelete = null;
}

function startEdit(m) {
  editing.id = m.id;
  editing.text = m.body;
  editing.confirmDelete = null;
  nextTick(() => {
    const box = document.getElementById('edit-' + m.id);
    if (box) {
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }
  });
}

function saveEdit(m) {
  const text = editing.text;
  if (text.trim() && text !== m.body) actions.edit(m.id, text);
  stopEdit(m);
}

/** Closes the editor; the keyboard focus goes back to the message's Edit button, not to the page's body. */
function stopEdit(m) {
  editing.id = null;
  nextTick(() => {
    const button = document.querySelector('article.msg[data-id="' + m.id + '"] button.edit');
    if (button) button.focus();
  });
}

function editor(m) {
  return h('div', { class: 'editor' }, [
    h('label', { class: 'sr-only', for: 'edit-' + m.id }, 'Edit message'),
    h('textarea', {
      id: 'edit-' + m.id, class: 'edit-box', value: editing.text, rows: 2, dir: 'auto',
      onInput: (e) => { editing.text = e.target.value; },
      onKeydown: (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          saveEdit(m);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          stopEdit(m);
        }
      },
    }),
    h('div', { class: 'editor-actions' }, [
      h('span', { class: 'hint' }, 'Enter to save · Esc to cancel'),
      h('button', { type: 'button', class: 'ghost small', onClick: () => stopEdit(m) }, 'Cancel'),
      h('button', { type: 'button', class: 'primary small save-edit', onClick: () => saveEdit(m) }, 'Save'),
    ]),
  ]);
}

function msgActions(m, own) {
  if (own && editing.confirmDelete === m.id) {
    return h('div', { class: 'msg-actions confirm', role: 'group', 'aria-label': 'Confirm delete' }, [
      h('span', null, 'Delete this message?'),
      h('button', { type: 'button', class: 'danger small confirm-delete', onClick: () => {
        editing.confirmDelete = null;
        actions.remove(m.id);
      } }, 'Delete'),
      h('button', { type: 'button', class: 'ghost small', onClick: () => { editing.confirmDelete = null; } },
        'Cancel'),
    ]);
  }
  const picker = emojiPicker(m, (emoji) => actions.toggleReaction(m, emoji));
  return h('div', { class: ['msg-actions', { open: !!picker }] }, [
    h('button', { type: 'button', class: 'ghost small reply', 'aria-label': 'Reply to ' + m.sender,
      onClick: () => startReply(m) }, 'Reply'),
    reactButton(m),
    picker,
    own ? h('button', { type: 'button', class: 'ghost small edit', 'aria-label': 'Edit message',
      onClick: () => startEdit(m) }, 'Edit') : null,
    own ? h('button', { type: 'button', class: 'ghost small delete', 'aria-label': 'Delete message',
      onClick: () => { editing.confirmDelete = m.id; } }, 'Delete') : null,
  ]);
}

/** A confirmed message: `message` is the protocol's Message object; `me` the signed-in username. */
export const MessageItem = {
  props: { message: { type: Object, required: true }, grouped: Boolean, me: String },
  setup(props) {
    return () => {
      const m = props.message;
      const grouped = props.grouped;
      const own = m.sender === props.me;
      const date = new Date(m.createdAt);
      const isEditing = editing.id === m.id && !m.deleted;
      let body;
      if (m.deleted) body = h('p', { class: 'body deleted-note' }, 'Message deleted');
      else if (isEditing) body = editor(m);
      else {
        body = h('p', { class: 'body', dir: 'auto' }, [
          h(MessageText, { text: m.body, id: m.id }),
          m.editedAt ? h('span', { class: 'edited', title: 'Edited ' + fullFormat.format(new Date(m.editedAt)) },
            ' (edited)') : null,
        ]);
      }
      return h('article', {
        class: ['msg', { own, grouped, deleted: m.deleted, mention: !m.deleted && mentionsMe(m),
          focused: focus.id === m.id }],
        'data-id': m.id, 'data-seq': m.seq, 'data-sender': m.sender, 'data-state': 'confirmed',
      }, [
        grouped ? h('span', { class: 'gutter' }, h('time', { datetime: m.createdAt, title: fullFormat.format(date) },
          timeFormat.format(date))) : avatar(m.sender),
        h('div', { class: 'msg-main' }, [
          grouped ? null : h('header', { class: 'msg-head' }, [
            h('span', { class: 'sender' }, m.sender),
            h('time', { datetime: m.createdAt, title: fullFormat.format(date) }, timeFormat.format(date)),
          ]),
          m.deleted ? null : replyQuote(m),
          body,
          reactionChips(m, props.me),
        ]),
        !m.deleted && !isEditing ? msgActions(m, own) : null,
      ]);
    };
  },
};

/** One of one's own messages not yet acknowledged: sending, waiting for the connection, or failed. */
export const PendingItem = {
  props: { pending: { type: Object, required: true }, grouped: Boolean, me: String },
  setup(props) {
    return () => {
      const p = props.pending;
      const me = props.me;
      const grouped = props.grouped;
      const failed = p.state === 'failed';
      return h('article', {
        class: ['msg', 'own', 'pending', { failed, grouped }],
        'data-state': failed ? 'failed' : 'pending', 'data-client-msg-id': p.clientMsgId, 'data-sender': me,
      }, [
        grouped ? h('span', { class: 'gutter' }) : avatar(me),
        h('div', { class: 'msg-main' }, [
          grouped ? null : h('header', { class: 'msg-head' }, [h('span', { class: 'sender' }, me)]),
          h('p', { class: 'body', dir: 'auto' }, [h('span', { class: 'text' }, p.body)]),
          failed
            ? h('p', { class: 'send-state error' }, [
              'Not sent: ' + (p.error || 'failed') + ' ',
              h('button', { type: 'button', class: 'link', onClick: () => actions.retry(p.clientMsgId) }, 'Retry'),
              ' · ',
              h('button', { type: 'button', class: 'link', onClick: () => actions.discard(p.clientMsgId) },
                'Discard'),
            ])
            : h('p', { class: 'send-state' }, state.conn === 'live' ? 'Sending…' : 'Waiting for connection…'),
        ]),
      ]);
    };
  },
};
