// The delivery guarantees against a real server that is restarted, crashed and restored from a backup.
// The tests run in order and share one server; the last two share its history (see each).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, live, next, record, username, until, tappedWebSocket, serverForThisFile } from './helpers.js';

const ctx = serverForThisFile();
const track = (c) => ctx.track(c);

/** A new public room joined live by the given clients. */
async function sharedRoom(...members) {
  const room = username('room').toLowerCase();
  await members[0].createRoom(room);
  for (const m of members) await m.join(room);
  return room;
}

async function storedWith(client, room, clientMsgId) {
  const { messages } = await client.history(room, { limit: 200 });
  return messages.filter((m) => m.clientMsgId === clientMsgId);
}

test('resume after a missed edit and delete: each change once, lastChange correct', async () => {
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  await live(b);
  const room = await sharedRoom(a, b);
  const m1 = await a.send(room, 'one');
  const m2 = await a.send(room, 'two');
  await until(() => b.lastChange(room) >= m2.change, 'b to see two');

  b.disconnect();
  assert.equal(b.state, 'offline');
  const edited = await a.edit(m1.id, 'one, edited');
  const removed = await a.delete(m2.id);
  const m3 = await a.send(room, 'three');
  assert.ok(m3.change > removed.change && removed.change > edited.change);

  const log = record(b, ['message', 'edited', 'deleted', 'subscribed']);
  const resumed = next(b, 'subscribed', (d) => d.room === room);
  await live(b);
  assert.equal((await resumed).resumed, true);
  await until(() => b.lastChange(room) === m3.change, 'b to resume up to three');

  const changes = log.all.filter((e) => e.type !== 'subscribed');
  assert.deepEqual(changes.map((e) => [e.type, e.message.id, e.change]), [
    ['edited', m1.id, edited.change],
    ['deleted', m2.id, removed.change],
    ['message', m3.id, m3.change],
  ]);
  assert.equal(changes[0].message.body, 'one, edited');
  assert.equal(changes[1].message.deleted, true);
  assert.equal(changes[2].replayed, true);
  const feed = await b.changes(room, { after: 0 });
  assert.equal(b.lastChange(room), feed.lastChange, "lastChange is the room's newest change");

  // and the stream goes on live after the replay, still without duplicates
  const m4 = next(b, 'message', (d) => d.message.body === 'four');
  await a.send(room, 'four');
  assert.equal((await m4).replayed, false);
  assert.equal(log.of('message').length, 2);
});

test('a lost ack: the outbox sends again with the same clientMsgId and the message is stored once', async () => {
  const clientMsgId = 'ack-lost-' + username();
  let severedOnce = false;
  const tap = tappedWebSocket({
    filter(frame, socket) {
      if (severedOnce) return true;
      const mentions = frame.clientMsgId === clientMsgId || (frame.message && frame.message.clientMsgId === clientMsgId);
      if (mentions && frame.type === 'ack') {
        // the server stored the message; its ack is lost with the connection
        severedOnce = true;
        socket.sever();
        return false;
      }
      return !mentions; // the stream's copy of the message is lost as well
    },
  });
  const a = track(await loggedIn(ctx.server, { WebSocket: tap.WebSocket }));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  await live(b);
  const room = await sharedRoom(a, b);
  const aLog = record(a, ['message']);
  const bLog = record(b, ['message']);
  const states = record(a, ['state']);

  const message = await a.send(room, 'exactly once', { clientMsgId });
  assert.equal(message.clientMsgId, clientMsgId);
  assert.ok(severedOnce, 'the first connection was cut after the ack was sent');
  assert.ok(states.all.some((s) => s.state === 'reconnecting'), 'the client reconnected');
  const sends = tap.sent.filter((f) => f.type === 'send' && f.clientMsgId === clientMsgId);
  assert.ok(sends.length >= 2, `sent ${sends.length} times`);
  assert.ok(sends.every((f) => f.body === 'exactly once' && f.room === room));

  assert.equal((await storedWith(a, room, clientMsgId)).length, 1, 'stored exactly once');
  await until(() => a.lastChange(room) >= message.change && b.lastChange(room) >= message.change, 'both to see it');
  assert.equal(aLog.of('message').filter((e) => e.message.id === message.id).length, 1);
  assert.equal(bLog.of('message').filter((e) => e.message.id === message.id).length, 1);
  assert.deepEqual(a.pending, []);
});

test('a gap in the live stream is repaired from the changes feed', async () => {
  let dropNext = false;
  const tap = tappedWebSocket({
    filter(frame) {
      if (dropNext && frame.type === 'message' && frame.ref === undefined) {
        dropNext = false;
        return false; // lost in transit
      }
      return true;
    },
  });
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server, { WebSocket: tap.WebSocket }));
  await live(a);
  await live(b);
  const room = await sharedRoom(a, b);
  const log = record(b, ['message']);
  dropNext = true;
  const lost = await a.send(room, 'lost in transit');
  const following = await a.send(room, 'following');
  await until(() => b.lastChange(room) >= following.change, 'b to get past the gap');
  assert.deepEqual(log.all.map((e) => [e.message.id, e.change]), [[lost.id, lost.change], [following.id, following.change]]);
  assert.equal(log.all[0].replayed, true, 'the repaired one came from the feed');
});

// The next two share the server's history: a snapshot taken while the server is down is restored later.
let crashed; // {client, room}

test('sends survive a crash and an outage: the outbox delivers each exactly once after a restart', async () => {
  const a = track(await loggedIn(ctx.server));
  await live(a);
  const room = await sharedRoom(a);
  await a.send(room, 'before the crash');
  const outboxes = record(a, ['outbox']);

  // frozen: the frame is written to the socket, but the server never reads it before it dies
  ctx.server.freeze();
  const inFlightId = 'crash-' + username();
  const inFlight = a.send(room, 'in flight', { clientMsgId: inFlightId });
  await until(() => a.pending.some((p) => p.clientMsgId === inFlightId && p.state === 'sending'), 'the send to go out');
  const lost = next(a, 'state', (d) => d.state === 'reconnecting');
  await ctx.server.stop('SIGKILL');
  await lost;

  const whileDownId = 'down-' + username();
  const whileDown = a.send(room, 'while down', { clientMsgId: whileDownId });
  assert.deepEqual(a.pending.map((p) => [p.clientMsgId, p.state]), [[inFlightId, 'waiting'], [whileDownId, 'waiting']]);
  ctx.server.snapshot('backup'); // for the next test: the room as it was before these two messages
  await ctx.server.start();

  const [m1, m2] = await Promise.all([inFlight, whileDown]);
  assert.equal(m1.clientMsgId, inFlightId);
  assert.equal(m2.clientMsgId, whileDownId);
  assert.equal((await storedWith(a, room, inFlightId)).length, 1);
  assert.equal((await storedWith(a, room, whileDownId)).length, 1);
  assert.deepEqual(a.pending, []);
  assert.deepEqual(outboxes.all.at(-1).pending, []);
  crashed = { client: a, room, lastChange: Math.max(m1.change, m2.change) };
});

test('resync_required after a restore from backup: resync, join again, keep working', async () => {
  assert.ok(crashed, 'needs the previous test');
  const { client: a, room } = crashed;
  await until(() => a.lastChange(room) >= crashed.lastChange, 'a to be at the newest change');
  const before = a.lastChange(room);

  await ctx.server.stop();
  ctx.server.restore('backup'); // the room's newest change is now below the client's position
  const resync = next(a, 'resync', (d) => d.room === room, 120_000);
  const rejoined = next(a, 'subscribed', (d) => d.room === room, 120_000);
  await ctx.server.start();

  const r = await resync;
  assert.equal(r.reason, 'resync_required');
  assert.ok(r.lastChange < before, `the room's end ${r.lastChange} lies before the client's ${before}`);
  const sub = await rejoined;
  assert.equal(sub.resumed, false);
  assert.equal(a.lastChange(room), sub.lastChange);

  // history reloads cleanly (the consumer's part), and the room works on
  const { messages } = await a.history(room);
  assert.deepEqual(messages.map((m) => m.body), ['before the crash']);
  const seen = next(a, 'message', (d) => d.room === room && d.message.body === 'after the restore');
  const sent = await a.send(room, 'after the restore');
  assert.equal((await seen).message.id, sent.id);
  assert.equal(a.lastChange(room), sent.change);
});
