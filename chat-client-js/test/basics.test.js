import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient, ParleyError } from '../src/index.js';
import { loggedIn, live, next, username, PASSWORD, FAST, until, tappedWebSocket, serverForThisFile } from './helpers.js';

const ctx = serverForThisFile();
const track = (c) => ctx.track(c);

test('register, login and logout', async () => {
  const storage = new Map();
  const webStorage = {
    getItem: (k) => (storage.has(k) ? storage.get(k) : null),
    setItem: (k, v) => storage.set(k, v),
    removeItem: (k) => storage.delete(k),
  };
  const client = track(new ParleyClient({ baseUrl: ctx.server.url, storage: webStorage, ...FAST }));
  const name = username('reg');
  const user = await client.register(name, PASSWORD);
  assert.equal(user.username, name);
  assert.equal(client.session, null, 'register does not log in');

  const wrong = await client.login(name, 'not the password').catch((e) => e);
  assert.ok(wrong instanceof ParleyError);
  assert.equal(wrong.code, 'invalid_credentials');
  assert.equal(wrong.status, 401);

  const session = await client.login(name, PASSWORD);
  assert.equal(session.user.username, name);
  assert.ok(session.token);
  assert.deepEqual(JSON.parse(storage.get('parley.session')).user, session.user);

  // a second client on the same storage picks the session up
  const again = track(new ParleyClient({ baseUrl: ctx.server.url, storage: webStorage, ...FAST }));
  assert.equal(again.session.token, session.token);

  await live(client);
  const joined = await client.join('general');
  assert.equal(joined.room, 'general');
  assert.equal(typeof joined.lastChange, 'number');
  assert.equal(client.lastChange('general'), joined.lastChange);

  const ended = next(client, 'session_ended');
  await client.logout();
  assert.deepEqual(await ended, { reason: 'logged_out' });
  assert.equal(client.session, null);
  assert.equal(client.state, 'offline');
  assert.equal(storage.has('parley.session'), false);
  const refused = await again.rooms().catch((e) => e);
  assert.equal(refused.code, 'invalid_token', 'the token is revoked on the server');
});

test('logoutEverywhere ends every session of the user, here and in other clients', async () => {
  const a = track(await loggedIn(ctx.server));
  const name = a.session.user.username;
  const b = track(new ParleyClient({ baseUrl: ctx.server.url, ...FAST }));
  await b.login(name, PASSWORD);
  assert.notEqual(b.session.token, a.session.token, 'two sessions');
  const other = track(await loggedIn(ctx.server));
  await live(a);
  await live(other);

  const endedA = next(a, 'session_ended');
  const endedB = next(b, 'session_ended');
  await b.logoutEverywhere();
  assert.deepEqual(await endedB, { reason: 'logged_out' });
  assert.equal(b.session, null);
  assert.deepEqual(await endedA, { reason: 'logged_out' }, 'the other session\'s socket closed with logged_out');
  assert.equal(a.session, null);
  assert.ok(Array.isArray(await other.rooms()), 'another user stays signed in');
});

test('live delivery between two clients, each change once', async () => {
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  await live(b);
  await a.join('general');
  await b.join('general');

  const aMessages = [];
  a.addEventListener('message', (e) => aMessages.push(e.detail));
  const atB = next(b, 'message', (d) => d.message.body === 'hello b');
  const sent = await a.send('general', 'hello b');
  assert.equal(sent.body, 'hello b');
  assert.equal(sent.sender, a.session.user.username);
  const got = await atB;
  assert.equal(got.room, 'general');
  assert.equal(got.message.id, sent.id);
  assert.equal(got.change, sent.change);
  assert.equal(got.replayed, false);
  await until(() => a.lastChange('general') >= sent.change, 'a to see its own message on the stream');
  assert.equal(aMessages.filter((m) => m.message.id === sent.id).length, 1, 'the sender gets one message event');
  assert.equal(b.lastChange('general'), sent.change);
  assert.deepEqual(a.pending, []);

  // edits and deletes reach the other side as events; the editor's promise gets the reply
  const edited = next(b, 'edited', (d) => d.message.id === sent.id);
  const after = await a.edit(sent.id, 'hello, b');
  assert.equal(after.body, 'hello, b');
  assert.equal((await edited).message.body, 'hello, b');
  const deleted = next(b, 'deleted', (d) => d.message.id === sent.id);
  await a.delete(sent.id);
  assert.equal((await deleted).message.deleted, true);

  // typing reaches the other side, throttled
  const typing = next(b, 'typing', (d) => d.user.username === a.session.user.username);
  a.typing('general');
  a.typing('general');
  assert.equal((await typing).room, 'general');

  const read = await b.markRead('general', got.message.seq);
  assert.equal(read.room, 'general');
  assert.equal(read.lastReadSeq, got.message.seq);
});

test('a rejected send carries the server code and leaves the outbox', async () => {
  const a = track(await loggedIn(ctx.server));
  await live(a);
  await a.join('general');
  const error = await a.send('general', 'x'.repeat(4001)).catch((e) => e);
  assert.ok(error instanceof ParleyError, String(error));
  assert.equal(error.code, 'message_too_long');
  assert.deepEqual(a.pending, []);
  const notMember = await a.send('no-such-room-' + username(), 'hi').catch((e) => e);
  assert.equal(notMember.code, 'room_not_found');
  const restError = await a.history('no-such-room-x').catch((e) => e);
  assert.equal(restError.status, 404);
  assert.equal(restError.code, 'room_not_found');
});

test('session_ended when another client logs the session out', async () => {
  const a = track(await loggedIn(ctx.server));
  await live(a);
  await a.join('general');
  const other = track(new ParleyClient({ baseUrl: ctx.server.url, token: a.session.token, ...FAST }));
  const ended = next(a, 'session_ended');
  const stopped = next(a, 'state', (d) => d.state === 'offline');
  await other.logout();
  assert.deepEqual(await ended, { reason: 'logged_out' });
  await stopped;
  assert.equal(a.session, null);
  const rejected = await a.send('general', 'too late').catch((e) => e);
  assert.equal(rejected.code, 'session_ended');
});

test('the outbox persists in storage and a new client delivers it after a reload', async () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v), removeItem: (k) => items.delete(k) };
  const first = track(await loggedIn(ctx.server, { storage }));
  await live(first);
  await first.join('general');
  first.disconnect();
  const clientMsgId = 'reload-' + username();
  first.send('general', 'sent before the reload', { clientMsgId }); // never acknowledged by this client
  assert.deepEqual(JSON.parse(items.get('parley.outbox')).map((e) => e.clientMsgId), [clientMsgId]);

  const second = track(new ParleyClient({ baseUrl: ctx.server.url, storage, ...FAST }));
  assert.equal(second.session.user.username, first.session.user.username);
  assert.deepEqual(second.pending.map((p) => [p.clientMsgId, p.state]), [[clientMsgId, 'waiting']]);
  const emptied = next(second, 'outbox', (d) => d.pending.length === 0);
  await live(second);
  await emptied;
  assert.equal(items.has('parley.outbox'), false);
  const { messages } = await second.history('general', { limit: 200 });
  assert.equal(messages.filter((m) => m.clientMsgId === clientMsgId).length, 1);
});

test('a missing pong replaces the socket; typing is a no-op when not live', async () => {
  let swallowPongs = true;
  const tap = tappedWebSocket({ filter: (frame) => !(swallowPongs && frame.type === 'pong') });
  const a = track(await loggedIn(ctx.server, { WebSocket: tap.WebSocket, heartbeatMs: 300, pongTimeoutMs: 1500 }));
  await live(a);
  await a.join('general');
  const lost = next(a, 'state', (d) => d.state === 'reconnecting');
  await lost;
  swallowPongs = false;
  const back = next(a, 'subscribed', (d) => d.room === 'general' && d.resumed);
  await back;
  assert.equal(a.state, 'live');
  assert.ok(tap.sockets.length >= 2);

  a.disconnect();
  const before = tap.sent.length;
  a.typing('general');
  assert.equal(tap.sent.length, before);
});

test('a direct room is followed without a join (which the server refuses for direct rooms)', async () => {
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  await live(b);
  const dm = await a.openDirect(b.session.user.username);
  assert.equal(dm.type, 'direct');
  const first = await a.send(dm.name, 'before b follows it');
  const joinedA = await a.join(dm.name);
  const joinedB = await b.join(dm.name);
  assert.equal(joinedA.room, dm.name);
  assert.equal(joinedB.lastSeq, first.seq);
  assert.equal(b.lastChange(dm.name), joinedB.lastChange);
  const atB = next(b, 'message', (d) => d.room === dm.name);
  const sent = await a.send(dm.name, 'hello in private');
  const got = await atB;
  assert.equal(got.message.id, sent.id, 'the message sent before the join is history, not an event');
  assert.equal(got.replayed, false);
});
