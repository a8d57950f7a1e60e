// The rooms column (a drawer on narrow screens): connection status, one's rooms, direct conversations, public
// rooms to join, the forms to create a room or open a conversation, and the signed-in person.
import { computed, h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { describeError } from '../errors.js';
import { myName, notify, roomLabel, state, ui } from '../state.js';
import { CONN } from './ConnectionBanner.js';
import { forms, run } from './forms.js';
import { avatar, icon, roomIcon } from './icons.js';
import { notifications, toggleNotifications } from '../notifications.js';

const byName = (a, b) => roomLabel(a.name).localeCompare(roomLabel(b.name));

/** Opens a room one is a member of, closing the drawer. */
export function openRoom(name) {
  actions.open(name);
  ui.sidebarOpen = false;
  ui.leaving = false;
}

export const Sidebar = {
  setup() {
    const newRoom = forms.newRoom;
    const direct = forms.direct;
    const myRooms = computed(() => Object.values(state.rooms).filter((r) => r.member && r.type !== 'direct')
      .sort(byName));
    const directRooms = computed(() => Object.values(state.rooms).filter((r) => r.member && r.type === 'direct')
      .sort(byName));
    const otherRooms = computed(() => Object.values(state.rooms).filter((r) => !r.member && r.type === 'public')
      .sort(byName));

    function roomButton(room) {
      const active = state.current === room.name;
      const unread = room.member && !active ? room.unread : 0;
      const mentions = room.member && !active ? room.unreadMentions || 0 : 0;
      return h('li', { key: room.name }, h('button', {
        type: 'button', class: ['room-item', { active, unread: unread > 0, mentioned: mentions > 0 }],
        'data-room': room.name,
        'aria-current': active ? 'page' : undefined,
        onClick: () => (room.member ? openRoom(room.name)
          : run(newRoom, () => actions.joinRoom(room.name), () => { ui.sidebarOpen = false; })),
      }, [
        roomIcon(room),
        h('span', { class: 'room-name' }, roomLabel(room.name)),
        unread > 0 ? h('span', { class: 'badge' }, [String(unread > 99 ? '99+' : unread),
          h('span', { class: 'sr-only' }, ' unread')]) : null,
        mentions > 0 ? h('span', { class: 'mention-badge', 'data-count': mentions }, [
          h('span', { 'aria-hidden': 'true' }, '@ ' + (mentions > 99 ? '99+' : mentions)),
          h('span', { class: 'sr-only' }, mentions === 1 ? ', 1 mention' : ', ' + mentions + ' mentions')]) : null,
        room.member ? null : h('span', { class: 'join-hint' }, 'Join'),
      ]));
    }

    function newRoomForm() {
      return h('form', { class: 'mini-form', id: 'new-room-form', onSubmit: (e) => {
        e.preventDefault();
        run(newRoom, () => actions.createRoom(newRoom.name.trim(), newRoom.private), () => {
          newRoom.name = '';
          newRoom.private = false;
          ui.newRoom = false;
          ui.sidebarOpen = false;
        });
      } }, [
        h('label', { for: 'new-room-name' }, 'Room name'),
        h('input', { id: 'new-room-name', value: newRoom.name, maxlength: 64, placeholder: 'e.g. design',
          autocomplete: 'off', onInput: (e) => { newRoom.name = e.target.value; } }),
        h('label', { class: 'check' }, [
          h('input', { type: 'checkbox', id: 'new-room-private', checked: newRoom.private,
            onChange: (e) => { newRoom.private = e.target.checked; } }),
          ' Private (only people you add)',
        ]),
        newRoom.error ? h('p', { class: 'form-error', role: 'alert' }, newRoom.error) : null,
        h('button', { type: 'submit', class: 'primary small', id: 'new-room-create',
          disabled: newRoom.busy || !newRoom.name.trim() }, 'Create room'),
      ]);
    }

    function newDirectForm() {
      return h('form', { class: 'mini-form', id: 'new-direct-form', onSubmit: (e) => {
        e.preventDefault();
        run(direct, () => actions.openDirect(direct.username.trim()), () => {
          direct.username = '';
          ui.newDirect = false;
          ui.sidebarOpen = false;
        });
      } }, [
        h('label', { for: 'direct-username' }, 'Username'),
        h('input', { id: 'direct-username', value: direct.username, maxlength: 32, autocomplete: 'off',
          autocapitalize: 'none', spellcheck: 'false',
          onInput: (e) => { direct.username = e.target.value; } }),
        direct.error ? h('p', { class: 'form-error', role: 'alert' }, direct.error) : null,
        h('button', { type: 'submit', class: 'primary small', id: 'direct-open',
          disabled: direct.busy || !direct.username.trim() }, 'Open conversation'),
      ]);
    }

    return () => {
      const me = myName();
      return h('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': 'Rooms' }, [
        h('div', { class: 'sidebar-head' }, [
          h('div', { class: 'brand' }, [h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley']),
          h('div', { class: ['conn', 'conn-' + state.conn], id: 'conn-state', 'data-state': state.conn,
            role: 'status', 'aria-live': 'polite' }, [h('span', { class: 'dot', 'aria-hidden': 'true' }),
            CONN[state.conn] || state.conn]),
          h('button', { type: 'button', class: 'icon-button close-drawer', 'aria-label': 'Close rooms',
            onClick: () => { ui.sidebarOpen = false; } }, [icon('close')]),
        ]),
        h('nav', { class: 'room-nav', 'aria-label': 'Conversations' }, [
          h('div', { class: 'nav-section' }, [
            h('div', { class: 'nav-title' }, [
              h('h2', { id: 'rooms-title' }, 'Rooms'),
              h('button', { type: 'button', class: 'icon-button', id: 'new-room-toggle', 'aria-expanded':
                String(ui.newRoom), 'aria-controls': 'new-room-form', 'aria-label': 'New room',
              onClick: () => { ui.newRoom = !ui.newRoom; newRoom.error = null; } }, [icon('plus')]),
            ]),
            ui.newRoom ? newRoomForm() : null,
            h('ul', { class: 'room-list', 'aria-labelledby': 'rooms-title' }, myRooms.value.map(roomButton)),
            !ui.newRoom && newRoom.error ? h('p', { class: 'form-error', role: 'alert' }, newRoom.error) : null,
          ]),
          h('div', { class: 'nav-section' }, [
            h('div', { class: 'nav-title' }, [
              h('h2', { id: 'direct-title' }, 'Direct messages'),
              h('button', { type: 'button', class: 'icon-button', id: 'new-direct-toggle', 'aria-expanded':
                String(ui.newDirect), 'aria-controls': 'new-direct-form', 'aria-label': 'New direct message',
              onClick: () => { ui.newDirect = !ui.newDirect; direct.error = null; } }, [icon('plus')]),
            ]),
            ui.newDirect ? newDirectForm() : null,
            directRooms.value.length ? h('ul', { class: 'room-list', 'aria-labelledby': 'direct-title' },
              directRooms.value.map(roomButton)) : h('p', { class: 'nav-empty' }, 'No conversations yet.'),
          ]),
          otherRooms.value.length ? h('div', { class: 'nav-section' }, [
            h('div', { class: 'nav-title' }, [h('h2', { id: 'browse-title' }, 'More public rooms')]),
            h('ul', { class: 'room-list', 'aria-labelledby': 'browse-title' }, otherRooms.value.map(roomButton)),
          ]) : null,
        ]),
        h('div', { class: 'me' }, [
          avatar(me),
          h('span', { class: 'me-name', id: 'me-name' }, me),
          notifications.supported ? h('button', { type: 'button', class: ['icon-button', 'bell',
            { on: notifications.on }], id: 'notify-toggle', 'aria-pressed': String(notifications.on),
          'aria-label': 'Desktop notifications for mentions and direct messages',
          title: notifications.on ? 'Desktop notifications are on' : 'Turn on desktop notifications',
          onClick: () => toggleNotifications() }, [icon('bell')]) : null,
          h('button', { type: 'button', class: 'ghost small', id: 'logout', onClick: () => actions.logout() },
            'Sign out'),
          h('button', { type: 'button', class: 'link everywhere', id: 'logout-everywhere',
            onClick: () => actions.logoutEverywhere().catch((e) => notify(describeError(e.code, e.message))) },
          'Sign out on every device'),
        ]),
      ]);
    };
  },
};
