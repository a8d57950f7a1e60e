// The sign-in / create-account screen.
import { h, onMounted, reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { authMessage } from '../errors.js';
import { state } from '../state.js';

function field(id, label, props, hint) {
  return h('div', { class: 'field' }, [
    h('label', { for: id }, label),
    h('input', { id, ...props }),
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null,
  ]);
}

export const Login = {
  setup() {
    const form = reactive({ mode: 'login', username: '', password: '', error: null, busy: false });
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
        if (form.mode === 'register') await actions.register(form.username.trim(), form.password);
        else await actions.login(form.username.trim(), form.password);
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
              value: form.username, autocomplete: 'username', required: true, autocapitalize: 'none',
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
