// Small pieces drawn everywhere: icons and avatars (render helpers, not components).
import { h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { hue } from '../format.js';

const PATHS = {
  menu: 'M3 6h18M3 12h18M3 18h18',
  users: 'M16 19v-1a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v1M9 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M22 19v-1a4 4 0 0 0-3-3.9M16 4.1a3 3 0 0 1 0 5.8',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  send: 'M4 12l16-8-6 16-2.5-6.5z',
  plus: 'M12 5v14M5 12h14',
  close: 'M6 6l12 12M18 6L6 18',
  down: 'M12 5v14M6 13l6 6 6-6',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14M21 21l-5-5',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
};

export function icon(kind) {
  return h('svg', {
    class: 'icon', viewBox: '0 0 24 24', width: 18, height: 18, 'aria-hidden': 'true', focusable: 'false',
    fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
  }, [h('path', { d: PATHS[kind] })]);
}

export function avatar(name, extra) {
  const initial = Array.from(name || '?')[0].toUpperCase();
  return h('span', { class: ['avatar', 'av-' + hue(name || ''), extra], 'aria-hidden': 'true' }, initial);
}

export function roomIcon(room) {
  if (room.type === 'direct') return h('span', { class: 'room-icon', 'aria-hidden': 'true' }, '@');
  if (room.type === 'private') return h('span', { class: 'room-icon' }, [icon('lock')]);
  return h('span', { class: 'room-icon', 'aria-hidden': 'true' }, '#');
}
