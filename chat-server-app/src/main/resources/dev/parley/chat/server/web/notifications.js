// Desktop notifications (the Notification API) for mentions and direct messages while the tab is hidden.
//
// Opt-in only: the browser's permission prompt is shown from the bell button's click (a user gesture), never on
// its own. The choice is kept in localStorage. A notification's body is plain text (the API does not render HTML);
// clicking it focuses the window and opens the room.
import { reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { excerpt, notify } from './state.js';

const KEY = 'parley.notifications';

function stored() {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

function store(on) {
  try {
    if (on) localStorage.setItem(KEY, 'on');
    else localStorage.removeItem(KEY);
  } catch {
    // remembered for this page only
  }
}

const supported = () => typeof window.Notification === 'function';

/** `on`: the person asked for notifications and the browser allows them. */
export const notifications = reactive({
  supported: supported(),
  on: supported() && stored() && window.Notification.permission === 'granted',
});

/** The bell's click: asks the browser for permission if needed (this click is the user gesture), or turns off. */
export async function toggleNotifications() {
  if (!supported()) {
    notify('This browser does not offer desktop notifications.');
    return;
  }
  if (notifications.on) {
    notifications.on = false;
    store(false);
    return;
  }
  let permission = window.Notification.permission;
  if (permission === 'default') permission = await window.Notification.requestPermission();
  if (permission !== 'granted') {
    notify('Notifications are blocked for this site in the browser\'s settings.');
    return;
  }
  notifications.on = true;
  store(true);
}

/**
 * Shows a notification for a message if the person turned them on and is not looking at the page.
 * `title` is plain text; `onOpen` runs when the notification is clicked (after focusing the window).
 */
export function notifyMessage(message, title, onOpen) {
  if (!notifications.on || !document.hidden || !supported() || window.Notification.permission !== 'granted') {
    return;
  }
  try {
    const n = new window.Notification(title, {
      body: message.sender + ': ' + excerpt(message.body, 160),
      tag: 'parley-' + message.id, // one per message, even when a mention is also a direct message
    });
    n.onclick = () => {
      window.focus();
      onOpen();
      n.close();
    };
  } catch {
    // some browsers only allow notifications from a service worker: nothing shown
  }
}
