// The open room's title bar: the rooms drawer button, the name and kind, members toggle, and "Leave".
import { h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { describeError } from '../errors.js';
import { notify, roomLabel, state, totalUnread, ui } from '../state.js';
import { icon, roomIcon } from './icons.js';

const KIND = { direct: 'Direct conversation', private: 'Private room', public: 'Public room' };

export const RoomHeader = {
  props: { name: { type: String, required: true } },
  setup(props) {
    return () => {
      const name = props.name;
      const room = state.rooms[name];
      const view = state.views[name];
      const online = view ? view.online.length : 0;
      const membersShown = ui.membersOpen && !ui.searchOpen;
      return h('header', { class: 'room-header' }, [
        h('button', { type: 'button', class: 'icon-button menu', 'aria-label': 'Show rooms',
          'aria-controls': 'sidebar', 'aria-expanded': String(ui.sidebarOpen),
          onClick: () => { ui.sidebarOpen = true; } }, [icon('menu'),
          totalUnread.value > 0 ? h('span', { class: 'dot-badge', 'aria-hidden': 'true' }) : null]),
        h('div', { class: 'room-title' }, [
          h('h1', { id: 'room-title' }, [room ? roomIcon(room) : null, roomLabel(name)]),
          h('p', { class: 'room-sub' }, room ? (KIND[room.type] || KIND.public) : ''),
        ]),
        h('div', { class: 'room-tools' }, [
          h('button', { type: 'button', class: ['ghost', 'small', 'search-toggle', { on: ui.searchOpen }],
            id: 'search-toggle', 'aria-label': 'Search messages', 'aria-controls': 'search-panel',
            'aria-expanded': String(ui.searchOpen), onClick: () => { ui.searchOpen = !ui.searchOpen; } },
          [icon('search')]),
          h('button', { type: 'button', class: ['ghost', 'small', 'members-toggle', { on: membersShown }],
            'aria-controls': 'members', 'aria-expanded': String(membersShown), id: 'members-toggle',
            'aria-label': 'Members, ' + online + ' online',
            onClick: () => { ui.membersOpen = !membersShown; ui.searchOpen = false; } },
          [icon('users'), h('span', null, online + ' online')]),
          ui.leaving
            ? h('span', { class: 'confirm-leave' }, [
              h('button', { type: 'button', class: 'danger small', id: 'leave-confirm', onClick: () => {
                ui.leaving = false;
                actions.leaveRoom(name).catch((e) => notify(describeError(e.code, e.message)));
              } }, 'Leave'),
              h('button', { type: 'button', class: 'ghost small', onClick: () => { ui.leaving = false; } },
                'Stay'),
            ])
            : h('button', { type: 'button', class: 'ghost small', id: 'leave', onClick: () => {
              ui.leaving = true;
            } }, 'Leave'),
        ]),
      ]);
    };
  },
};
