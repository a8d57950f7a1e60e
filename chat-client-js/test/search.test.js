import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, live, username, serverForThisFile } from './helpers.js';

const ctx = serverForThisFile();
const track = (c) => ctx.track(c);

test('search finds the caller\'s messages with UTF-16 highlights, pages, and never another user\'s private room', async () => {
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  const secret = 'sec-' + username();
  await a.createRoom(secret, { type: 'private' });
  await a.join(secret);
  const word = 'kiwi' + Date.now().toString(36);
  const first = await a.send(secret, `${word} one`);
  const body = `😀 ${word.toUpperCase()} two`;
  const second = await a.send(secret, body);

  const page = await a.search(word.slice(0, 6));
  assert.deepEqual(page.results.map((r) => r.message.id), [second.id, first.id], 'newest first');
  const [{ start, end }] = page.results[0].highlights;
  assert.equal(body.slice(start, end), word.toUpperCase(), 'offsets index the JavaScript string');
  assert.equal(page.nextBefore, undefined);

  const one = await a.search(word, { room: secret, limit: 1 });
  assert.deepEqual(one.results.map((r) => r.message.id), [second.id]);
  const older = await a.search(word, { room: secret, before: one.nextBefore });
  assert.deepEqual(older.results.map((r) => r.message.id), [first.id]);

  assert.deepEqual((await b.search(word)).results, [], 'b is not in the private room');
  const hidden = await b.search(word, { room: secret }).catch((e) => e);
  assert.equal(hidden.code, 'room_not_found');
  assert.equal(hidden.status, 404);
  const invalid = await a.search('?!').catch((e) => e);
  assert.equal(invalid.code, 'invalid_query');
});
