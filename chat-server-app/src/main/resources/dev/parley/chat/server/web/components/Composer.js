// The message box of the open room.
import { h, onMounted, ref } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { drafts, replies, roomLabel, state, wide } from '../state.js';
import { icon } from './icons.js';
import { suggestAria, suggestKeydown, suggestList, updateSuggest } from './MentionSuggest.js';
import { cancelReply, replyBar } from './ReplyPreview.js';

const LIMIT = 4000; // characters (code points) per message

export function overLimit(over) {
  return (over === 1 ? '1 character' : over + ' characters') + ' over the limit of ' + LIMIT + '.';
}

export const Composer = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const box = ref(null);
    function submit() {
      const text = drafts[props.name] || '';
      if (!text.trim() || Array.from(text).length > LIMIT) return;
      const reply = replies[props.name];
      actions.send(props.name, text, undefined, reply ? reply.id : undefined);
      drafts[props.name] = '';
      cancelReply(props.name);
      const el = box.value;
      if (el) el.focus();
    }
    onMounted(() => {
      if (wide() && box.value) box.value.focus();
    });
    return () => {
      const text = drafts[props.name] || '';
      const length = Array.from(text).length;
      const label = 'Message ' + (state.rooms[props.name] && state.rooms[props.name].type === 'direct'
        ? roomLabel(props.name) : '#' + props.name);
      return h('form', { class: 'composer', onSubmit: (e) => { e.preventDefault(); submit(); } }, [
        replyBar(props.name),
        suggestList(props.name, box),
        h('label', { class: 'sr-only', for: 'composer-input' }, label),
        h('textarea', {
          id: 'composer-input', ref: box, rows: 1, value: text, placeholder: label, 'aria-describedby': 'composer-hint',
          dir: 'auto',
          ...suggestAria(props.name),
          onInput: (e) => {
            drafts[props.name] = e.target.value;
            updateSuggest(props.name, e.target);
            if (e.target.value.trim()) actions.typing(props.name);
          },
          onKeydown: (e) => {
            if (suggestKeydown(e, props.name)) return;
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            } else if (e.key === 'Escape' && replies[props.name]) {
              e.preventDefault();
              cancelReply(props.name);
            }
          },
        }),
        h('button', { type: 'submit', class: 'primary send', id: 'send', disabled: !text.trim() || length > LIMIT,
          'aria-label': 'Send' }, [icon('send'), h('span', { class: 'send-label' }, 'Send')]),
        h('p', { class: ['composer-hint', { error: length > LIMIT }], id: 'composer-hint' },
          length > LIMIT ? overLimit(length - LIMIT) : 'Enter to send · Shift+Enter for a new line'),
      ]);
    };
  },
};
