// A message's reactions as chips (`😀 3`): pressed when the signed-in person is among the reactors; a click
// toggles their reaction.
import { h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';

/** Whether `me` reacted with this reaction's emoji (`users` lists usernames in reaction order). */
export function reactedBy(reaction, me) {
  if (typeof reaction.me === 'boolean') return reaction.me;
  return Array.isArray(reaction.users) && reaction.users.includes(me);
}

function label(r, mine) {
  return r.emoji + ' ' + r.count + (r.count === 1 ? ' reaction' : ' reactions') + (mine ? ', including you' : '');
}

/** The chips under a message, or null when it has none. */
export function reactionChips(m, me) {
  const list = m.reactions || [];
  if (m.deleted || list.length === 0) return null;
  return h('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' }, list.map((r) => {
    const mine = reactedBy(r, me);
    return h('button', {
      type: 'button', key: r.emoji, class: ['reaction', { mine }], 'data-emoji': r.emoji,
      'aria-pressed': String(mine), 'aria-label': label(r, mine),
      title: Array.isArray(r.users) ? r.users.join(', ') : undefined,
      onClick: () => actions.toggleReaction(m, r.emoji),
    }, [
      h('span', { class: 'reaction-emoji', 'aria-hidden': 'true' }, r.emoji),
      h('span', { class: 'reaction-count', 'aria-hidden': 'true' }, String(r.count)),
    ]);
  }));
}
