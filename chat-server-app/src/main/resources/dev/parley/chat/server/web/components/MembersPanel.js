// The open room's members, online first; "Message" opens a direct conversation; private rooms can add people.
import { h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { myName, state, ui, wide } from '../state.js';
import { forms, run } from './forms.js';
import { avatar, icon } from './icons.js';

export const MembersPanel = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const invite = forms.invite;
    return () => {
      const name = props.name;
      const view = state.views[name];
      const room = state.rooms[name];
      const me = myName();
      const online = new Set(view ? view.online : []);
      const members = (view && view.members) || [];
      const sorted = [...members].sort((a, b) => (online.has(b.username) - online.has(a.username))
        || a.username.localeCompare(b.username));
      const count = members.filter((m) => online.has(m.username)).length;
      return h('aside', { class: 'members', id: 'members', 'aria-label': 'Members' }, [
        h('div', { class: 'members-head' }, [
          h('h2', null, 'Members'),
          h('span', { class: 'muted', id: 'online-count' }, count + ' online'),
          h('button', { type: 'button', class: 'icon-button close-drawer', 'aria-label': 'Close members',
            onClick: () => { ui.membersOpen = false; } }, [icon('close')]),
        ]),
        h('ul', { class: 'member-list' }, sorted.map((m) => h('li', {
          key: m.id, class: ['member', { online: online.has(m.username) }], 'data-user': m.username,
        }, [
          h('span', { class: 'presence', title: online.has(m.username) ? 'online' : 'offline' }),
          avatar(m.username, 'small'),
          h('span', { class: 'member-name' }, m.username),
          h('span', { class: 'sr-only' }, online.has(m.username) ? ' (online)' : ' (offline)'),
          m.username === me ? h('span', { class: 'muted you' }, 'you')
            : (room && room.type !== 'direct' ? h('button', { type: 'button', class: 'ghost small dm',
              'aria-label': 'Message ' + m.username,
              onClick: () => run(forms.direct, () => actions.openDirect(m.username), () => {
                if (!wide()) ui.membersOpen = false;
              }) }, 'Message') : null),
        ]))),
        room && room.type === 'private' ? h('form', { class: 'mini-form invite', onSubmit: (e) => {
          e.preventDefault();
          run(invite, () => actions.addMember(name, invite.username.trim()), () => { invite.username = ''; });
        } }, [
          h('label', { for: 'invite-username' }, 'Add someone to this room'),
          h('input', { id: 'invite-username', value: invite.username, maxlength: 32, autocomplete: 'off',
            autocapitalize: 'none', placeholder: 'username', onInput: (e) => { invite.username = e.target.value; } }),
          invite.error ? h('p', { class: 'form-error', role: 'alert' }, invite.error) : null,
          h('button', { type: 'submit', class: 'primary small', disabled: invite.busy || !invite.username.trim() },
            'Add'),
        ]) : null,
      ]);
    };
  },
};
