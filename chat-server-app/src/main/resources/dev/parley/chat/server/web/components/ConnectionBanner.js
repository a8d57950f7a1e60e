// The line above the messages while the connection is not live.
import { h } from '/vendor/vue.runtime.esm-browser.prod.js';
import { actions } from '../connection.js';
import { now, state } from '../state.js';

/** What the status pill in the sidebar says. */
export const CONN = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  'no-network': 'Offline',
  offline: 'Offline',
};

export const ConnectionBanner = {
  setup() {
    return () => {
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
          actions.reconnectNow() }, 'Retry now') : null,
      ]);
    };
  },
};
