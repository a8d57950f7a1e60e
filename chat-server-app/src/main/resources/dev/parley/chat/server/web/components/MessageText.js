// A message's text: plain text nodes with web links made clickable, collapsed behind "Show more" when very long.
// Never HTML from the message: the text is split into strings (Vue text nodes) and anchor elements whose href is
// an http(s) URL taken from the text; anything else (javascript:, data:, markup) stays text.
import { h, ref } from '/vendor/vue.runtime.esm-browser.prod.js';

const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'”’)\]]+$/; // sentence punctuation after a link is not part of it
const LONG_CHARS = 1500;
const LONG_LINES = 12;

/** The text split into strings and {url} parts, in order. */
export function linkParts(text) {
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    let url = match[0].replace(TRAILING, '');
    // a closing parenthesis that closes one opened inside the link belongs to it (Wikipedia-style URLs)
    if (match[0][url.length] === ')' && count(url, '(') > count(url, ')')) url += ')';
    if (!isWebUrl(url)) continue;
    if (match.index > at) parts.push(text.slice(at, match.index));
    parts.push({ url });
    at = match.index + url.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function count(s, c) {
  return s.split(c).length - 1;
}

function isWebUrl(s) {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch {
    return false;
  }
}

/** Whether a message is long enough to collapse. */
export function isLong(text) {
  return text.length > LONG_CHARS || text.split('\n').length > LONG_LINES;
}

export const MessageText = {
  props: { text: { type: String, required: true }, id: { type: [Number, String], required: true } },
  setup(props) {
    const expanded = ref(false);
    return () => {
      const long = isLong(props.text);
      const nodes = linkParts(props.text).map((p) => (typeof p === 'string' ? p
        : h('a', { href: p.url, rel: 'noopener noreferrer', target: '_blank' }, p.url)));
      const text = h('span', { class: ['text', { collapsed: long && !expanded.value }], id: 'text-' + props.id },
        nodes);
      if (!long) return text;
      return [text, h('button', {
        type: 'button', class: 'link show-more', 'aria-expanded': String(expanded.value),
        'aria-controls': 'text-' + props.id, onClick: () => { expanded.value = !expanded.value; },
      }, expanded.value ? 'Show less' : 'Show more')];
    };
  },
};
