// Parley's sample chat page: Vue 3 render functions, no build step.
//
// The page runs under a strict Content Security Policy (script-src 'self'), which rules out Vue's in-browser
// template compiler (it compiles with Function()). So the views are written as render functions with h(), and
// every piece of user text is a text child: Vue puts it in a text node, never parsing it as HTML.
import {
  computed, createApp, h, nextTick, onBeforeUnmount, onBeforeUpdate, onMounted, onUpdated, reactive, ref, watch,
} from '/vendor/vue.runtime.esm-browser.prod.js';
import { ApiError, ChatClient, describeError, roomLabel } from '/client.js';

const chat = new ChatClient();
const state = chat.state;
// For tests and for the curious: the client is reachable from the console as window.parley.
window.parley = chat;

const wide = () => window.matchMedia('(min-width: 1100px)').matches;
const ui = reactive({
  sidebarOpen: false,       // narrow screens: the rooms drawer
  membersOpen: wide(),      // the members column (a drawer on narrow screens)
  newRoom: false,
  newDirect: false,
});
const drafts = reactive({}); // room -> composer text
const now = ref(Date.now());
setInterval(() => { now.value = Date.now(); }, 1000);

// ---- small helpers ---------------------------------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

function dayKey(date) {
  return date.getFullYear() + '-' + date.getMonth() + '-' + date.getDate();
}

function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return dayFormat.format(date);
}

function hue(name) {
  let x = 0;
  for (const c of name) x = (x * 31 + c.codePointAt(0)) >>> 0;
  return x % 8;
}

function avatar(name, extra) {
  const initial = Array.from(name || '?')[0].toUpperCase();
  return h('span', { class: ['avatar', 'av-' + hue(name || ''), extra], 'aria-hidden': 'true' }, initial);
}

function icon(kind) {
  const paths = {
    menu: 'M3 6h18M3 12h18M3 18h18',
    users: 'M16 19v-1a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v1M9 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M22 19v-1a4 4 0 0 0-3-3.9M16 4.1a3 3 0 0 1 0 5.8',
    lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
    send: 'M4 12l16-8-6 16-2.5-6.5z',
    plus: 'M12 5v14M5 12h14',
    close: 'M6 6l12 12M18 6L6 18',
    down: 'M12 5v14M6 13l6 6 6-6',
  };
  return h('svg', {
    class: 'icon', viewBox: '0 0 24 24', width: 18, height: 18, 'aria-hidden': 'true', focusable: 'false',
    fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
  }, [h('path', { d: paths[kind] })]);
}

function roomIcon(room) {
  if (room.type === 'direct') return h('span', { class: 'room-icon', 'aria-hidden': 'true' }, '@');
  if (room.type === 'private') return h('span', { class: 'room-icon' }, [icon('lock')]);
  return h('span', { class: 'room-icon', 'aria-hidden': 'true' }, '#');
}

function authMessage(e) {
  if (!(e instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'username_taken': return 'That username is already taken. Pick another one, or sign in.';
    case 'invalid_credentials': return 'Wrong username or password.';
    case 'rate_limited': {
      const s = e.retryAfter || 60;
      const wait = s >= 90 ? Math.ceil(s / 60) + ' minutes' : s + ' seconds';
      return 'Too many failed attempts. Try again in ' + wait + '.';
    }
    case 'invalid_username':
      return 'Usernames have 3 to 32 letters, digits, “_”, “-” or “.”, and start with a letter or digit.';
    case 'invalid_password': return 'Passwords need 8 to 128 characters.';
    default: return describeError(e.code, e.message);
  }
}

function field(id, label, props, hint) {
  return h('div', { class: 'field' }, [
    h('label', { for: id }, label),
    h('input', { id, ...props }),
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null,
  ]);
}

// ---- sign in / register ------------------------------------------------------------------------------------

const Login = {
  setup() {
    const form = reactive({ mode: 'login', username: '', password: '', error: null, busy: false });
    const userInput = ref(null);
    onMounted(() => {
      const input = document.getElementById('auth-username');
      if (input) input.focus();
    });
    async function submit(event) {
      event.preventDefault();
      if (form.busy) return;
      form.busy = true;
      form.error = null;
      try {
        if (form.mode === 'register') await chat.register(form.username.trim(), form.password);
        else await chat.login(form.username.trim(), form.password);
      } catch (e) {
        form.error = authMessage(e);
      } finally {
        form.busy = false;
      }
    }
    function mode(m) {
      form.mode = m;
      form.error = null;
    }
    return () => {
      const register = form.mode === 'register';
      return h('main', { class: 'auth' }, [
        h('div', { class: 'auth-card' }, [
          h('div', { class: 'brand brand-large' }, [h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Parley']),
          h('p', { class: 'tagline' }, 'A quiet place to talk. Sign in or create an account to start chatting.'),
          state.authNotice ? h('p', { class: 'notice', role: 'status' }, state.authNotice) : null,
          h('div', { class: 'tabs', role: 'group', 'aria-label': 'Account' }, [
            h('button', { type: 'button', class: ['tab', { active: !register }], 'aria-pressed': String(!register),
              id: 'tab-login', onClick: () => mode('login') }, 'Sign in'),
            h('button', { type: 'button', class: ['tab', { active: register }], 'aria-pressed': String(register),
              id: 'tab-register', onClick: () => mode('register') }, 'Create account'),
          ]),
          h('form', { class: 'auth-form', onSubmit: submit, novalidate: true }, [
            field('auth-username', 'Username', {
              ref: userInput, value: form.username, autocomplete: 'username', required: true, autocapitalize: 'none',
              spellcheck: 'false', maxlength: 32, 'aria-describedby': register ? 'auth-username-hint' : undefined,
              onInput: (e) => { form.username = e.target.value; },
            }, register ? '3–32 letters, digits, “_”, “-” or “.”.' : null),
            field('auth-password', 'Password', {
              type: 'password', value: form.password, required: true, maxlength: 128,
              autocomplete: register ? 'new-password' : 'current-password',
              'aria-describedby': register ? 'auth-password-hint' : undefined,
              onInput: (e) => { form.password = e.target.value; },
            }, register ? 'At least 8 characters.' : null),
            h('p', { class: 'form-error', id: 'auth-error', role: 'alert' }, form.error || ''),
            h('button', { type: 'submit', class: 'primary wide', id: 'auth-submit', disabled: form.busy },
              form.busy ? (register ? 'Creating account…' : 'Signing in…') : (register ? 'Create account' : 'Sign in')),
          ]),
          h('p', { class: 'auth-foot' }, [
            'Parley reference server · ',
            h('a', { href: '/openapi.yaml' }, 'REST API'),
            ' · ',
            h('a', { href: '/health' }, 'health'),
          ]),
        ]),
      ]);
    };
  },
};

// ---- the message list ---------------------------------------------------------------------------------------

const MessageList = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const scroller = ref(null);
    const editing = reactive({ id: null, text: '' });
    const confirmDelete = ref(null);
    const unseen = ref(0);
    let snapshot = null;

    const view = () => state.views[props.name];
    const nearBottom = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48;

    function toBottom() {
      const el = scroller.value;
      if (el) el.scrollTop = el.scrollHeight;
      unseen.value = 0;
    }

    function onScroll() {
      const el = scroller.value;
      const v = view();
      if (!el || !v) return;
      v.atBottom = nearBottom(el);
      if (v.atBottom) {
        unseen.value = 0;
        chat.scheduleRead(props.name);
      }
      if (el.scrollTop < 120 && v.hasOlder && !v.loadingOlder) chat.loadOlder(props.name);
    }

    onMounted(() => nextTick(toBottom));
    onBeforeUpdate(() => {
      const el = scroller.value;
      const v = view();
      if (!el || !v) return;
      const list = v.messages;
      snapshot = {
        height: el.scrollHeight,
        top: el.scrollTop,
        first: list.length ? list[0].seq : 0,
        last: list.length ? list[list.length - 1].seq : 0,
        atBottom: nearBottom(el),
      };
    });
    onUpdated(() => {
      const el = scroller.value;
      const v = view();
      if (!el || !v || !snapshot) return;
      const list = v.messages;
      const first = list.length ? list[0].seq : 0;
      const last = list.length ? list[list.length - 1].seq : 0;
      if (snapshot.first && first < snapshot.first && last === snapshot.last) {
        el.scrollTop = snapshot.top + (el.scrollHeight - snapshot.height); // older page above: stay in place
      } else if (snapshot.atBottom) {
        el.scrollTop = el.scrollHeight;
        v.atBottom = true;
      } else if (last > snapshot.last) {
        unseen.value += last - snapshot.last;
      }
      snapshot = null;
    });

    function startEdit(m) {
      editing.id = m.id;
      editing.text = m.body;
      confirmDelete.value = null;
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
      if (text.trim() && text !== m.body) chat.edit(m.id, text);
      editing.id = null;
    }

    function editor(m) {
      return h('div', { class: 'editor' }, [
        h('label', { class: 'sr-only', for: 'edit-' + m.id }, 'Edit message'),
        h('textarea', {
          id: 'edit-' + m.id, class: 'edit-box', value: editing.text, rows: 2,
          onInput: (e) => { editing.text = e.target.value; },
          onKeydown: (e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              saveEdit(m);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              editing.id = null;
            }
          },
        }),
        h('div', { class: 'editor-actions' }, [
          h('span', { class: 'hint' }, 'Enter to save · Esc to cancel'),
          h('button', { type: 'button', class: 'ghost small', onClick: () => { editing.id = null; } }, 'Cancel'),
          h('button', { type: 'button', class: 'primary small save-edit', onClick: () => saveEdit(m) }, 'Save'),
        ]),
      ]);
    }

    function actions(m) {
      if (confirmDelete.value === m.id) {
        return h('div', { class: 'msg-actions confirm', role: 'group', 'aria-label': 'Confirm delete' }, [
          h('span', null, 'Delete this message?'),
          h('button', { type: 'button', class: 'danger small confirm-delete', onClick: () => {
            confirmDelete.value = null;
            chat.remove(m.id);
          } }, 'Delete'),
          h('button', { type: 'button', class: 'ghost small', onClick: () => { confirmDelete.value = null; } },
            'Cancel'),
        ]);
      }
      return h('div', { class: 'msg-actions' }, [
        h('button', { type: 'button', class: 'ghost small edit', 'aria-label': 'Edit message',
          onClick: () => startEdit(m) }, 'Edit'),
        h('button', { type: 'button', class: 'ghost small delete', 'aria-label': 'Delete message',
          onClick: () => { confirmDelete.value = m.id; } }, 'Delete'),
      ]);
    }

    function row(m, grouped, me) {
      const own = m.sender === me;
      const date = new Date(m.createdAt);
      const isEditing = editing.id === m.id && !m.deleted;
      let body;
      if (m.deleted) body = h('p', { class: 'body deleted-note' }, 'Message deleted');
      else if (isEditing) body = editor(m);
      else {
        body = h('p', { class: 'body' }, [
          h('span', { class: 'text' }, m.body),
          m.editedAt ? h('span', { class: 'edited', title: 'Edited ' + fullFormat.format(new Date(m.editedAt)) },
            ' (edited)') : null,
        ]);
      }
      return h('article', {
        key: 'm' + m.id,
        class: ['msg', { own, grouped, deleted: m.deleted }],
        'data-id': m.id, 'data-seq': m.seq, 'data-sender': m.sender, 'data-state': 'confirmed',
      }, [
        grouped ? h('span', { class: 'gutter' }, h('time', { datetime: m.createdAt, title: fullFormat.format(date) },
          timeFormat.format(date))) : avatar(m.sender),
        h('div', { class: 'msg-main' }, [
          grouped ? null : h('header', { class: 'msg-head' }, [
            h('span', { class: 'sender' }, m.sender),
            h('time', { datetime: m.createdAt, title: fullFormat.format(date) }, timeFormat.format(date)),
          ]),
          body,
        ]),
        own && !m.deleted && !isEditing ? actions(m) : null,
      ]);
    }

    function pendingRow(p, grouped, me) {
      const failed = p.status === 'failed';
      return h('article', {
        key: 'p' + p.clientMsgId,
        class: ['msg', 'own', 'pending', { failed, grouped }],
        'data-state': failed ? 'failed' : 'pending', 'data-client-msg-id': p.clientMsgId, 'data-sender': me,
      }, [
        grouped ? h('span', { class: 'gutter' }) : avatar(me),
        h('div', { class: 'msg-main' }, [
          grouped ? null : h('header', { class: 'msg-head' }, [h('span', { class: 'sender' }, me)]),
          h('p', { class: 'body' }, [h('span', { class: 'text' }, p.body)]),
          failed
            ? h('p', { class: 'send-state error' }, [
              'Not sent: ' + (p.error || 'failed') + ' ',
              h('button', { type: 'button', class: 'link', onClick: () => chat.retry(p.clientMsgId) }, 'Retry'),
              ' · ',
              h('button', { type: 'button', class: 'link', onClick: () => chat.discard(p.clientMsgId) }, 'Discard'),
            ])
            : h('p', { class: 'send-state' }, state.conn === 'live' ? 'Sending…' : 'Waiting for connection…'),
        ]),
      ]);
    }

    return () => {
      const v = view();
      const me = state.session ? state.session.user.username : '';
      const children = [];
      if (!v || (!v.loaded && !v.error)) {
        children.push(h('p', { class: 'list-note', key: 'loading' }, 'Loading messages…'));
      } else if (!v.loaded && v.error) {
        children.push(h('p', { class: 'list-note error', key: 'error' }, [
          'Could not load messages. ',
          h('button', { type: 'button', class: 'link', onClick: () => chat.loadLatest(props.name) }, 'Try again'),
        ]));
      } else if (v.hasOlder) {
        children.push(h('div', { class: 'older', key: 'older' }, h('button', {
          type: 'button', class: 'ghost small', id: 'load-older', disabled: v.loadingOlder,
          onClick: () => chat.loadOlder(props.name),
        }, v.loadingOlder ? 'Loading…' : 'Load older messages')));
      } else {
        children.push(h('div', { class: 'start', key: 'start' }, [
          h('p', { class: 'start-title' }, state.rooms[props.name] && state.rooms[props.name].type === 'direct'
            ? 'This is the start of your conversation with ' + roomLabel(state, props.name) + '.'
            : 'This is the beginning of #' + props.name + '.'),
        ]));
      }
      let prev = null;
      let marked = false;
      if (v && v.loaded) {
        for (const m of v.messages) {
          const date = new Date(m.createdAt);
          const newDay = !prev || dayKey(new Date(prev.createdAt)) !== dayKey(date);
          if (newDay) {
            children.push(h('div', { class: 'day', key: 'd' + m.seq, role: 'separator' },
              h('span', null, dayLabel(date))));
          }
          let marker = false;
          if (!marked && v.unreadMarker && m.seq > v.unreadMarker && m.sender !== me) {
            marked = marker = true;
            children.push(h('div', { class: 'new-line', key: 'new', role: 'separator' },
              h('span', null, 'New messages')));
          }
          const grouped = !newDay && !marker && prev && prev.sender === m.sender && !prev.deleted
            && date - new Date(prev.createdAt) < 5 * 60_000;
          children.push(row(m, grouped, me));
          prev = m;
        }
      }
      let prevOwn = prev && prev.sender === me;
      for (const p of state.pending) {
        if (p.room !== props.name) continue;
        children.push(pendingRow(p, prevOwn, me));
        prevOwn = true;
      }
      return h('div', { class: 'list-wrap' }, [
        h('div', {
          class: 'messages', ref: scroller, id: 'messages', role: 'log', 'aria-live': 'polite',
          'aria-relevant': 'additions', 'aria-label': 'Messages in ' + roomLabel(state, props.name), tabindex: 0,
          onScroll,
        }, children),
        unseen.value > 0 && v && !v.atBottom ? h('button', {
          type: 'button', class: 'jump', onClick: () => { toBottom(); chat.scheduleRead(props.name); },
        }, [icon('down'), unseen.value === 1 ? '1 new message' : unseen.value + ' new messages']) : null,
      ]);
    };
  },
};

// ---- the composer -------------------------------------------------------------------------------------------

const Composer = {
  props: { name: { type: String, required: true } },
  setup(props) {
    const box = ref(null);
    const limit = 4000;
    function submit() {
      const text = drafts[props.name] || '';
      if (!text.trim() || Array.from(text).length > limit) return;
      chat.send(props.name, text);
      drafts[props.name] = '';
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
        ? roomLabel(state, props.name) : '#' + props.name);
      return h('form', { class: 'composer', onSubmit: (e) => { e.preventDefault(); submit(); } }, [
        h('label', { class: 'sr-only', for: 'composer-input' }, label),
        h('textarea', {
          id: 'composer-input', ref: box, rows: 1, value: text, placeholder: label, 'aria-describedby': 'composer-hint',
          onInput: (e) => {
            drafts[props.name] = e.target.value;
            if (e.target.value.trim()) chat.typing(props.name);
          },
          onKeydown: (e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          },
        }),
        h('button', { type: 'submit', class: 'primary send', id: 'send', disabled: !text.trim() || length > limit,
          'aria-label': 'Send' }, [icon('send'), h('span', { class: 'send-label' }, 'Send')]),
        h('p', { class: ['composer-hint', { error: length > limit }], id: 'composer-hint' },
          length > limit ? (length - limit) + ' characters over the limit of ' + limit + '.'
            : 'Enter to send · Shift+Enter for a new line'),
      ]);
    };
  },
};

// ---- the signed-in page -------------------------------------------------------------------------------------

const CONN = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  'no-network': 'Offline',
  offline: 'Offline',
};

function typingLine(view) {
  if (!view) return '';
  const names = Object.entries(view.typing).filter(([, until]) => until > now.value).map(([n]) => n).sort();
  if (names.length === 0) return '';
  if (names.length === 1) return names[0] + ' is typing…';
  if (names.length === 2) return names[0] + ' and ' + names[1] + ' are typing…';
  return 'Several people are typing…';
}

const Shell = {
  setup() {
    const newRoom = reactive({ name: '', private: false, error: null, busy: false });
    const direct = reactive({ username: '', error: null, busy: false });
    const invite = reactive({ username: '', error: null, busy: false });
    const leaving = ref(false);

    const byName = (a, b) => roomLabel(state, a.name).localeCompare(roomLabel(state, b.name));
    const myRooms = computed(() => Object.values(state.rooms).filter((r) => r.member && r.type !== 'direct')
      .sort(byName));
    const directRooms = computed(() => Object.values(state.rooms).filter((r) => r.member && r.type === 'direct')
      .sort(byName));
    const otherRooms = computed(() => Object.values(state.rooms).filter((r) => !r.member && r.type === 'public')
      .sort(byName));
    const totalUnread = computed(() => Object.values(state.rooms).reduce((n, r) =>
      n + (r.member && r.name !== state.current ? r.unread : 0), 0));
    watch(totalUnread, (n) => { document.title = n > 0 ? '(' + n + ') Parley' : 'Parley'; }, { immediate: true });

    function onKey(e) {
      if (e.key === 'Escape' && (ui.sidebarOpen || (ui.membersOpen && !wide()))) {
        ui.sidebarOpen = false;
        if (!wide()) ui.membersOpen = false;
      }
    }
    onMounted(() => document.addEventListener('keydown', onKey));
    onBeforeUnmount(() => document.removeEventListener('keydown', onKey));

    function openRoom(name) {
      chat.open(name);
      ui.sidebarOpen = false;
      leaving.value = false;
    }

    async function run(form, action, done) {
      if (form.busy) return;
      form.busy = true;
      form.error = null;
      try {
        await action();
        if (done) done();
      } catch (e) {
        form.error = e instanceof ApiError ? roomError(e) : String(e);
      } finally {
        form.busy = false;
      }
    }

    function roomError(e) {
      switch (e.code) {
        case 'room_exists': return 'A room with that name already exists.';
        case 'invalid_room_name': return 'Room names have 1–64 letters, digits, “_” or “-”.';
        case 'user_not_found': return 'There is no user with that name.';
        case 'invalid_argument': return e.message || 'That does not work.';
        case 'permission_denied': return 'That is not allowed here.';
        default: return describeError(e.code, e.message);
      }
    }

    function roomButton(room) {
      const active = state.current === room.name;
      const unread = room.member && !active ? room.unread : 0;
      return h('li', { key: room.name }, h('button', {
        type: 'button', class: ['room-item', { active, unread: unread > 0 }], 'data-room': room.name,
        'aria-current': active ? 'page' : undefined,
        onClick: () => (room.member ? openRoom(room.name)
          : run(newRoom, () => chat.joinRoom(room.name), () => { ui.sidebarOpen = false; })),
      }, [
        roomIcon(room),
        h('span', { class: 'room-name' }, roomLabel(state, room.name)),
        unread > 0 ? h('span', { class: 'badge' }, [String(unread > 99 ? '99+' : unread),
          h('span', { class: 'sr-only' }, ' unread')]) : null,
        room.member ? null : h('span', { class: 'join-hint' }, 'Join'),
      ]));
    }

    function sidebar() {
      const me = state.session.user.username;
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
            ui.newRoom ? h('form', { class: 'mini-form', id: 'new-room-form', onSubmit: (e) => {
              e.preventDefault();
              run(newRoom, () => chat.createRoom(newRoom.name.trim(), newRoom.private), () => {
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
            ]) : null,
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
            ui.newDirect ? h('form', { class: 'mini-form', id: 'new-direct-form', onSubmit: (e) => {
              e.preventDefault();
              run(direct, () => chat.openDirect(direct.username.trim()), () => {
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
            ]) : null,
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
          h('button', { type: 'button', class: 'ghost small', id: 'logout', onClick: () => chat.logout() },
            'Sign out'),
        ]),
      ]);
    }

    function membersPanel(name) {
      const view = state.views[name];
      const room = state.rooms[name];
      const me = state.session.user.username;
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
              onClick: () => run(direct, () => chat.openDirect(m.username), () => {
                if (!wide()) ui.membersOpen = false;
              }) }, 'Message') : null),
        ]))),
        room && room.type === 'private' ? h('form', { class: 'mini-form invite', onSubmit: (e) => {
          e.preventDefault();
          run(invite, () => chat.addMember(name, invite.username.trim()), () => { invite.username = ''; });
        } }, [
          h('label', { for: 'invite-username' }, 'Add someone to this room'),
          h('input', { id: 'invite-username', value: invite.username, maxlength: 32, autocomplete: 'off',
            autocapitalize: 'none', placeholder: 'username', onInput: (e) => { invite.username = e.target.value; } }),
          invite.error ? h('p', { class: 'form-error', role: 'alert' }, invite.error) : null,
          h('button', { type: 'submit', class: 'primary small', disabled: invite.busy || !invite.username.trim() },
            'Add'),
        ]) : null,
      ]);
    }

    function connectionBanner() {
      if (state.conn === 'live') return null;
      let text;
      if (state.conn === 'no-network') text = 'You are offline. Messages you send wait here until you are back.';
      else if (state.conn === 'connecting') text = 'Connecting to the server…';
      else {
        const s = Math.max(0, Math.ceil((state.retryAt - now.value) / 1000));
        text = s > 0 ? 'Connection lost. Reconnecting in ' + s + ' s…' : 'Connection lost. Reconnecting…';
      }
      return h('div', { class: 'banner', id: 'conn-banner' }, [
        h('span', null, text),
        state.conn === 'reconnecting' ? h('button', { type: 'button', class: 'link', onClick: () =>
          chat.reconnectNow() }, 'Retry now') : null,
      ]);
    }

    function roomHeader(name) {
      const room = state.rooms[name];
      const view = state.views[name];
      const online = view ? view.online.length : 0;
      return h('header', { class: 'room-header' }, [
        h('button', { type: 'button', class: 'icon-button menu', 'aria-label': 'Show rooms',
          'aria-controls': 'sidebar', 'aria-expanded': String(ui.sidebarOpen),
          onClick: () => { ui.sidebarOpen = true; } }, [icon('menu'),
          totalUnread.value > 0 ? h('span', { class: 'dot-badge', 'aria-hidden': 'true' }) : null]),
        h('div', { class: 'room-title' }, [
          h('h1', { id: 'room-title' }, [room ? roomIcon(room) : null, roomLabel(state, name)]),
          h('p', { class: 'room-sub' }, room ? (room.type === 'direct' ? 'Direct conversation'
            : (room.type === 'private' ? 'Private room' : 'Public room')) : ''),
        ]),
        h('div', { class: 'room-tools' }, [
          h('button', { type: 'button', class: ['ghost', 'small', 'members-toggle', { on: ui.membersOpen }],
            'aria-controls': 'members', 'aria-expanded': String(ui.membersOpen), id: 'members-toggle',
            'aria-label': 'Members, ' + online + ' online',
            onClick: () => { ui.membersOpen = !ui.membersOpen; } },
          [icon('users'), h('span', null, online + ' online')]),
          leaving.value
            ? h('span', { class: 'confirm-leave' }, [
              h('button', { type: 'button', class: 'danger small', id: 'leave-confirm', onClick: () => {
                leaving.value = false;
                chat.leaveRoom(name).catch((e) => chat.notify(describeError(e.code, e.message)));
              } }, 'Leave'),
              h('button', { type: 'button', class: 'ghost small', onClick: () => { leaving.value = false; } },
                'Stay'),
            ])
            : h('button', { type: 'button', class: 'ghost small', id: 'leave', onClick: () => {
              leaving.value = true;
            } }, 'Leave'),
        ]),
      ]);
    }

    function main() {
      const name = state.current;
      if (!name) {
        return h('main', { class: 'room empty-room' }, [
          h('header', { class: 'room-header' }, [
            h('button', { type: 'button', class: 'icon-button menu', 'aria-label': 'Show rooms',
              onClick: () => { ui.sidebarOpen = true; } }, [icon('menu')]),
          ]),
          connectionBanner(),
          h('div', { class: 'empty' }, [
            h('h1', null, state.roomsLoaded ? 'No room open' : 'Loading…'),
            state.roomsLoaded ? h('p', null, 'Pick a room on the left, create one, or message someone.') : null,
          ]),
        ]);
      }
      const view = state.views[name];
      return h('main', { class: 'room', 'aria-labelledby': 'room-title' }, [
        roomHeader(name),
        connectionBanner(),
        h(MessageList, { name, key: 'list-' + name }),
        h('div', { class: 'typing', id: 'typing', 'aria-live': 'polite' }, typingLine(view)),
        h(Composer, { name, key: 'composer-' + name }),
      ]);
    }

    return () => h('div', { class: ['shell', { 'sidebar-open': ui.sidebarOpen, 'members-open':
      ui.membersOpen && !!state.current }] }, [
      h('a', { class: 'skip', href: '#composer-input' }, 'Skip to message box'),
      sidebar(),
      h('button', { type: 'button', class: 'scrim', tabindex: -1, 'aria-hidden': 'true',
        onClick: () => { ui.sidebarOpen = false; if (!wide()) ui.membersOpen = false; } }),
      main(),
      state.current ? membersPanel(state.current) : null,
      state.notice ? h('div', { class: 'toast', role: 'status' }, state.notice.text) : null,
    ]);
  },
};

const App = {
  setup() {
    return () => (state.session ? h(Shell) : h(Login));
  },
};

createApp(App).mount('#app');
if (state.session) chat.start();
