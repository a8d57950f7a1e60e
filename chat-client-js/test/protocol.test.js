// The client's own rules, against a scripted socket (no server): positions, de-duplication, replies, resume,
// the outbox's retries, resync and gap repair. Fast and exact about frame order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient } from '../src/index.js';
import { fakeSockets, fakeFetch } from './fake.js';
import { next, record, until } from './helpers.js';

const ME = { id: 1, username: 'me' };

function msg(seq, change, extra = {}) {
  return { id: 100 + seq, room: 'r', seq, change, sender: 'you', body: 'm' + seq, createdAt: '2030-01-01T00:00:00Z', ...extra };
}

/** A client on a fake socket, live, following room 'r' at lastSeq 3 / lastChange 5. */
async function liveClient(t, routes) {
  const net = fakeSockets();
  const rest = fakeFetch(routes);
  const client = new ParleyClient({ baseUrl: 'http://fake', WebSocket: net.WebSocket, fetch: rest.fetch, token: 't',
    backoff: { firstMs: 1, maxMs: 5 } });
  t.after(() => client.disconnect());
  client.connect();
  const s = net.latest();
  assert.equal(s.url, 'ws://fake/ws');
  s.open();
  assert.deepEqual(s.sent[0], { type: 'auth', token: 't' });
  s.receive({ type: 'ready', user: ME });
  assert.equal(client.state, 'live');
  assert.deepEqual(client.session.user, ME);
  const joined = client.join('r');
  const join = s.last('join');
  assert.equal(join.room, 'r');
  s.receive({ type: 'subscribed', room: 'r', lastSeq: 3, lastChange: 5, online: ['me'], ref: join.ref });
  assert.deepEqual(await joined, { room: 'r', lastSeq: 3, lastChange: 5, online: ['me'] });
  return { client, net, rest, s };
}

test('lastChange moves only with stream frames; duplicates and replies emit nothing', async (t) => {
  const { client, s } = await liveClient(t);
  const log = record(client, ['message', 'edited', 'deleted', 'member']);
  assert.equal(client.lastChange('r'), 5);

  s.receive({ type: 'message', room: 'r', change: 6, message: msg(4, 6) });
  s.receive({ type: 'message', room: 'r', change: 6, message: msg(4, 6) }); // again: dropped
  s.receive({ type: 'edited', room: 'r', change: 5, message: msg(3, 5) });  // old: dropped
  assert.equal(client.lastChange('r'), 6);

  // a reply (ref, no top-level change) never moves the position, even with a newer change inside
  s.receive({ type: 'edited', message: msg(2, 40), ref: 'unknown' });
  const sent = client.send('r', 'hello', { clientMsgId: 'c-1' });
  const frame = s.last('send');
  assert.deepEqual({ ...frame, ref: undefined }, { type: 'send', room: 'r', body: 'hello', clientMsgId: 'c-1', ref: undefined });
  s.receive({ type: 'ack', clientMsgId: 'c-1', message: msg(6, 9, { sender: 'me', clientMsgId: 'c-1' }), ref: frame.ref });
  assert.equal((await sent).id, 106);
  assert.equal(client.lastChange('r'), 6, 'an ack is a reply');
  assert.deepEqual(client.pending, []);

  s.receive({ type: 'presence', room: 'r', user: { id: 2, username: 'you' }, state: 'join', change: 7 });
  s.receive({ type: 'presence', room: 'r', user: { id: 2, username: 'you' }, state: 'online' });
  s.receive({ type: 'message', room: 'r', change: 8, message: msg(5, 8) });
  s.receive({ type: 'message', room: 'r', change: 9, message: msg(6, 9, { sender: 'me', clientMsgId: 'c-1' }) });
  assert.deepEqual(log.all.map((e) => [e.type, e.change]), [['message', 6], ['member', 7], ['message', 8], ['message', 9]]);
  assert.equal(client.lastChange('r'), 9);
  assert.ok(log.all.every((e) => e.replayed === undefined || e.replayed === false));
  client.disconnect();
});

test('after a lost connection: resume after lastChange, the outbox again with the same clientMsgId', async (t) => {
  const { client, net, s } = await liveClient(t);
  const log = record(client, ['message', 'subscribed', 'state']);
  const sent = client.send('r', 'are you there?', { clientMsgId: 'c-2' });
  assert.equal(s.last('send').clientMsgId, 'c-2');
  assert.deepEqual(client.pending.map((p) => p.state), ['sending']);
  s.drop();
  assert.deepEqual(client.pending.map((p) => p.state), ['waiting']);
  assert.equal(client.state, 'reconnecting');

  await until(() => net.sockets.length === 2, 'a second socket');
  const s2 = net.latest();
  s2.open();
  s2.receive({ type: 'ready', user: ME });
  const resume = s2.last('resume');
  assert.deepEqual({ ...resume, ref: undefined }, { type: 'resume', room: 'r', afterChange: 5, ref: undefined });
  const again = s2.last('send');
  assert.equal(again.clientMsgId, 'c-2');
  assert.ok(s2.sent.indexOf(resume) < s2.sent.indexOf(again), 'rooms resume before the outbox sends');

  s2.receive({ type: 'subscribed', room: 'r', lastSeq: 5, lastChange: 8, online: [], ref: resume.ref });
  assert.equal(client.lastChange('r'), 5, 'the end of a replay is not a position before its frames arrive');
  s2.receive({ type: 'message', room: 'r', change: 6, message: msg(4, 6) });
  s2.receive({ type: 'message', room: 'r', change: 8, message: msg(5, 8, { sender: 'me', clientMsgId: 'c-2' }) });
  assert.equal((await sent).id, 105, 'our own message on the stream confirms the entry');
  s2.receive({ type: 'ack', clientMsgId: 'c-2', message: msg(5, 8, { sender: 'me', clientMsgId: 'c-2' }), ref: again.ref });
  s2.receive({ type: 'message', room: 'r', change: 9, message: msg(6, 9) });
  assert.deepEqual(log.of('message').map((e) => [e.change, e.replayed]), [[6, true], [8, true], [9, false]]);
  assert.deepEqual(log.of('subscribed').map((e) => e.resumed), [true]);
  assert.deepEqual(log.of('state').map((e) => e.state), ['reconnecting', 'live']);
  assert.equal(client.lastChange('r'), 9);
  client.disconnect();
});

test('send errors: retryable ones are retried with the same clientMsgId, others reject and leave the outbox', async (t) => {
  const { client, s } = await liveClient(t);
  const retried = client.send('r', 'busy', { clientMsgId: 'c-3' });
  s.receive({ type: 'error', code: 'storage_unavailable', message: 'the database is unreachable', ref: s.last('send').ref });
  await until(() => s.sent.filter((f) => f.type === 'send').length === 2, 'the retry');
  const second = s.last('send');
  assert.equal(second.clientMsgId, 'c-3');
  s.receive({ type: 'ack', clientMsgId: 'c-3', message: msg(4, 6, { sender: 'me', clientMsgId: 'c-3' }), ref: second.ref });
  assert.equal((await retried).seq, 4);

  const refused = client.send('r', 'x'.repeat(5000), { clientMsgId: 'c-4' });
  s.receive({ type: 'error', code: 'message_too_long', message: 'too long', ref: s.last('send').ref });
  const error = await refused.catch((e) => e);
  assert.equal(error.name, 'ParleyError');
  assert.equal(error.code, 'message_too_long');
  assert.deepEqual(client.pending, []);

  const bad = await client.send('r', 'x', { clientMsgId: 'not valid!' }).catch((e) => e);
  assert.equal(bad.code, 'invalid_client_msg_id');
  client.disconnect();
});

test('resync_required ends a live stream: join again, then resync, then subscribed', async (t) => {
  const { client, s } = await liveClient(t);
  const log = record(client, ['resync', 'subscribed', 'message']);
  s.receive({ type: 'message', room: 'r', change: 6, message: msg(4, 6) });
  s.receive({ type: 'error', code: 'resync_required', message: 'gap', room: 'r' });
  const join = s.last('join');
  assert.ok(join.ref !== s.sent.find((f) => f.type === 'join').ref, 'a second join');
  assert.equal(client.lastChange('r'), undefined);
  s.receive({ type: 'message', room: 'r', change: 7, message: msg(5, 7) }); // not subscribed: ignored
  s.receive({ type: 'subscribed', room: 'r', lastSeq: 9, lastChange: 12, online: [], ref: join.ref });
  assert.equal(client.lastChange('r'), 12);
  assert.deepEqual(log.all.map((e) => e.type), ['message', 'resync', 'subscribed']);
  assert.deepEqual(log.of('resync')[0], { type: 'resync', room: 'r', reason: 'resync_required', lastSeq: 9, lastChange: 12 });
  assert.equal(log.of('subscribed')[0].resumed, false);
  client.disconnect();
});

test('replay_too_large answering a resume is a resync too', async (t) => {
  const { client, net, s } = await liveClient(t);
  s.drop();
  await until(() => net.sockets.length === 2, 'a second socket');
  const s2 = net.latest();
  s2.open();
  s2.receive({ type: 'ready', user: ME });
  const resync = next(client, 'resync');
  s2.receive({ type: 'error', code: 'replay_too_large', message: 'too much', ref: s2.last('resume').ref });
  const join = await until(() => s2.last('join'), 'the join that starts the room over');
  s2.receive({ type: 'subscribed', room: 'r', lastSeq: 20000, lastChange: 30000, online: [], ref: join.ref });
  assert.equal((await resync).reason, 'replay_too_large');
  assert.equal(client.lastChange('r'), 30000);
  client.disconnect();
});

test('a seq gap in the live stream is filled from the changes feed before going on', async (t) => {
  const feed = {
    changes: [
      { type: 'message', room: 'r', change: 6, message: msg(4, 6) },
      { type: 'presence', room: 'r', change: 7, user: { id: 2, username: 'you' }, state: 'leave' },
      { type: 'edited', room: 'r', change: 8, message: msg(5, 8, { editedAt: '2030-01-01T00:00:01Z' }) },
    ],
    lastChange: 8,
    hasMore: false,
  };
  const { client, s, rest } = await liveClient(t, { 'GET /api/rooms/r/changes': feed });
  const log = record(client, ['message', 'edited', 'member']);
  s.receive({ type: 'message', room: 'r', change: 9, message: msg(6, 9) }); // seq 6 after 3: 4 and 5 are missing
  s.receive({ type: 'message', room: 'r', change: 10, message: msg(7, 10) }); // held back during the repair
  await until(() => client.lastChange('r') === 10, 'the repair');
  assert.equal(rest.calls[0].url.searchParams.get('after'), '5');
  assert.deepEqual(log.all.map((e) => [e.type, e.change, e.replayed]),
    [['message', 6, true], ['member', 7, undefined], ['edited', 8, undefined], ['message', 9, false], ['message', 10, false]]);
  client.disconnect();
});

test('close logged_out ends the session: no reconnect, pending work rejects', async (t) => {
  const { client, net, s } = await liveClient(t);
  const waiting = client.send('r', 'never', { clientMsgId: 'c-9' });
  const ended = next(client, 'session_ended');
  s.drop(1008, 'logged_out');
  assert.deepEqual(await ended, { reason: 'logged_out' });
  assert.equal((await waiting.catch((e) => e)).code, 'session_ended');
  assert.equal(client.session, null);
  assert.equal(client.state, 'offline');
  assert.deepEqual(client.pending, []);
  await new Promise((r) => setTimeout(r, 30)); // longer than the backoff: a retry would have opened a socket
  assert.equal(net.sockets.length, 1);
});

test('reconnectNow cuts the backoff wait short, and starts a disconnected client', (t) => {
  const net = fakeSockets();
  const client = new ParleyClient({ baseUrl: 'http://fake', WebSocket: net.WebSocket, fetch: fakeFetch().fetch,
    token: 't', backoff: { firstMs: 60_000, maxMs: 60_000 } });
  t.after(() => client.disconnect());
  client.connect();
  assert.equal(net.sockets.length, 1);
  net.latest().drop(1006);
  assert.equal(net.sockets.length, 1, 'the next attempt waits for the backoff');
  client.reconnectNow();
  assert.equal(net.sockets.length, 2, 'no wait after reconnectNow');
  client.reconnectNow();
  assert.equal(net.sockets.length, 2, 'a socket already opening is left alone');

  client.disconnect();
  assert.equal(client.state, 'offline');
  client.reconnectNow();
  assert.equal(net.sockets.length, 3, 'a disconnected client connects again');
  assert.equal(client.state, 'connecting');
});
