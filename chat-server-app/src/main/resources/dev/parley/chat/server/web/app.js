// Parley's sample chat page: Vue 3 render functions in plain ES modules, no build step.
//
// The page runs under a strict Content Security Policy (script-src 'self'), which rules out Vue's in-browser
// template compiler (it compiles with Function()). So the views are written as render functions with h(), and
// every piece of user text is a text child: Vue puts it in a text node, never parsing it as HTML.
//
// Modules: state.js (what is shown), connection.js (the only one that talks to the server; fills the state and
// offers the actions), components/*.js (one component each), format.js and errors.js (helpers).
import { createApp, h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from './connection.js';
import { state } from './state.js';
import { Login } from './components/Login.js';
import { Shell } from './components/Shell.js';

const App = {
  setup() {
    return () => (state.session ? h(Shell) : h(Login));
  },
};

createApp(App).mount('#app');
if (state.session) actions.start();
