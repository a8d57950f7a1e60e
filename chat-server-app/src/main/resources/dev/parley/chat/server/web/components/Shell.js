// The signed-in page: sidebar, the open room (header, banner, messages, typing line, composer), members, toasts.
import { h, onBeforeUnmount, onMounted, watch } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { roomError } from '../errors.js';
import { typingText } from '../format.js';
import { notify, now, state, totalUnread, ui, wide } from '../state.js';
import { Composer } from './Composer.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { icon } from './icons.js';
import { MembersPanel } from './MembersPanel.js';
import { MessageList } from './MessageList.js';
import { RoomHeader } from './RoomHeader.js';
import { SearchPanel } from './SearchPanel.js';
import { Sidebar } from './Sidebar.js';

function emptyRoom() {
  return h('main', { class: 'room empty-room' }, [
    h('header', { class: 'room-header' }, [
      h('button', { type: 'button', class: 'icon-button menu', 'aria-label': 'Show rooms',
        onClick: () => { ui.sidebarOpen = true; } }, [icon('menu')]),
    ]),
    h(ConnectionBanner),
    state.routeProblem ? routeProblem(state.routeProblem) : h('div', { class: 'empty' }, [
      h('h1', null, state.roomsLoaded ? 'No room open' : 'Loading…'),
      state.roomsLoaded ? h('p', null, 'Pick a room on the left, create one, or message someone.') : null,
    ]),
  ]);
}

/** The URL names a room that cannot be opened: say so, rather than show a blank page. */
function routeProblem(problem) {
  return h('div', { class: 'empty', id: 'route-problem', role: 'alert' }, [
    h('h1', null, 'Room not available'),
    h('p', null, problem.text),
    problem.room ? h('button', { type: 'button', class: 'primary small', id: 'route-join',
      onClick: () => actions.joinRoom(problem.room).catch((e) => notify(roomError(e))) }, 'Join #' + problem.room)
      : h('p', null, 'Pick a room on the left, create one, or message someone.'),
  ]);
}

function openRoom(name) {
  return h('main', { class: 'room', 'aria-labelledby': 'room-title' }, [
    h(RoomHeader, { name }),
    h(ConnectionBanner),
    h(MessageList, { name, key: 'list-' + name }),
    h('div', { class: 'typing', id: 'typing', 'aria-live': 'polite' },
      typingText(state.views[name] && state.views[name].typing, now.value)),
    h(Composer, { name, key: 'composer-' + name }),
  ]);
}

export const Shell = {
  setup() {
    watch(totalUnread, (n) => { document.title = n > 0 ? '(' + n + ') Parley' : 'Parley'; }, { immediate: true });

    function onKey(e) {
      if (e.key === 'Escape' && (ui.sidebarOpen || (ui.membersOpen && !wide()))) {
        ui.sidebarOpen = false;
        if (!wide()) ui.membersOpen = false;
      }
      if (e.key === 'Escape' && ui.searchOpen && !wide()) ui.searchOpen = false;
    }
    onMounted(() => document.addEventListener('keydown', onKey));
    onBeforeUnmount(() => document.removeEventListener('keydown', onKey));

    return () => h('div', { class: ['shell', { 'sidebar-open': ui.sidebarOpen, 'members-open':
      (ui.membersOpen && !!state.current) || ui.searchOpen }] }, [
      h('a', { class: 'skip', href: '#composer-input' }, 'Skip to message box'),
      h(Sidebar),
      h('button', { type: 'button', class: 'scrim', tabindex: -1, 'aria-hidden': 'true',
        onClick: () => { ui.sidebarOpen = false; if (!wide()) ui.membersOpen = ui.searchOpen = false; } }),
      state.current ? openRoom(state.current) : emptyRoom(),
      ui.searchOpen ? h(SearchPanel) : null,
      state.current && !ui.searchOpen ? h(MembersPanel, { name: state.current }) : null,
      state.notice ? h('div', { class: 'toast', role: 'status' }, state.notice.text) : null,
    ]);
  },
};
