import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, live, next, until, serverForThisFile } from './helpers.js';

const ctx = serverForThisFile();
const track = (c) => ctx.track(c);

test('replies, reactions and mentions between two clients', async () => {
  const a = track(await loggedIn(ctx.server));
  const b = track(await loggedIn(ctx.server));
  await live(a);
  await live(b);
  await a.join('general');
  await b.join('general');
  const bName = b.session.user.username;

  // a mention reaches the mentioned user as `mentioned`, and the message lists it
  const mentioned = next(b, 'mentioned', (d) => d.message.body.includes('lunch'));
  const original = await a.send('general', `lunch, @${bName}?\nat noon`);
  assert.deepEqual(original.mentions, [bName]);
  assert.equal((await mentioned).message.id, original.id);

  // a reply carries a preview of the original's first line
  const reply = await b.send('general', 'yes', { replyTo: original.id });
  assert.deepEqual(reply.replyTo, { id: original.id, seq: original.seq, sender: a.session.user.username,
    excerpt: `lunch, @${bName}?` });
  const refused = await b.send('general', 'no', { replyTo: 999_999_999 }).catch((e) => e);
  assert.equal(refused.code, 'invalid_reply');
  assert.deepEqual(b.pending, []);

  // a reaction is a room change: the other side gets it live, once, with who and what
  const reactions = [];
  a.addEventListener('reaction', (e) => reactions.push(e.detail));
  const atA = next(a, 'reaction', (d) => d.message.id === original.id && d.added === true);
  const reacted = await b.react(original.id, '🍕');
  assert.deepEqual(reacted.reactions, [{ emoji: '🍕', count: 1, users: [bName] }]);
  const live1 = await atA;
  assert.equal(live1.emoji, '🍕');
  assert.equal(live1.user.username, bName);
  assert.equal(live1.change, reacted.change);
  const again = await b.react(original.id, '🍕');
  assert.equal(again.change, reacted.change, 'reacting twice takes no change');
  const bad = await b.react(original.id, 'pizza').catch((e) => e);
  assert.equal(bad.code, 'invalid_emoji');

  // a reaction missed while disconnected is replayed on resume, as the message's current state
  a.disconnect();
  const removed = await b.unreact(original.id, '🍕');
  assert.equal(removed.reactions, undefined);
  const replayed = next(a, 'reaction', (d) => d.message.id === original.id && d.change === removed.change);
  a.connect();
  const r = await replayed;
  assert.equal(r.user, undefined, 'a replayed reaction names no user');
  assert.equal(r.message.reactions, undefined);
  await until(() => a.lastChange('general') >= removed.change, 'a to resume past the reaction');
  assert.equal(reactions.filter((d) => d.change === reacted.change).length, 1, 'each reaction once');

  // the same over REST when not live
  b.disconnect();
  const viaRest = await b.react(original.id, '👍');
  assert.deepEqual(viaRest.reactions, [{ emoji: '👍', count: 1, users: [bName] }]);
  assert.equal((await b.unreact(original.id, '👍')).reactions, undefined);
  const rooms = await b.rooms();
  assert.equal(typeof rooms.find((x) => x.name === 'general').unreadMentions, 'number');
});
