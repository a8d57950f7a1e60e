// The small forms of the signed-in page (new room, direct message, invite) and how they run an action.
import { reactive } from '/vendor/vue.runtime.esm-browser.prod.js';
import { roomError } from '../errors.js';

export const forms = reactive({
  newRoom: { name: '', private: false, error: null, busy: false },
  direct: { username: '', error: null, busy: false },
  invite: { username: '', error: null, busy: false },
});

/** Runs `action` for a form: busy meanwhile, its error explained in the form, then `done`. */
export async function run(form, action, done) {
  if (form.busy) return;
  form.busy = true;
  form.error = null;
  try {
    await action();
    if (done) done();
  } catch (e) {
    form.error = roomError(e);
  } finally {
    form.busy = false;
  }
}
