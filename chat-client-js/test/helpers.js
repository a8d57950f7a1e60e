// Test helpers: waiting for events with a deadline (never sleeping as an assertion), and fresh users.

import { before, after } from 'node:test';
import { ParleyClient } from '../src/index.js';
import { TestServer } from './server.js';

let counter = 0;
const RUN = Math.random().toString(36).slice(2, 7);

/** A fresh, valid username (3-32 of letters, digits, _ - .). */
export function username(prefix = 'u') {
  counter += 1;
  return `${prefix}${RUN}${counter}`;
}

export const PASSWORD = 'correct horse battery';

/** Fast retries so that reconnect scenarios finish quickly. */
export const FAST = { backoff: { firstMs: 50, maxMs: 400 } };

/** A client for the server, with a registered and logged-in user (not connected). */
export async function loggedIn(server, options = {}) {
  const client = new ParleyClient({ baseUrl: server.url, ...FAST, ...options });
  const name = options.username || username();
  await client.register(name, PASSWORD);
  await client.login(name, PASSWORD);
  return client;
}

/** Resolves with the detail of the next `type` event on target matching `predicate`; rejects after `ms`. */
export function next(target, type, predicate = () => true, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, on);
      reject(new Error(`no '${type}' event within ${ms} ms`));
    }, ms);
    function on(event) {
      if (!predicate(event.detail)) return;
      clearTimeout(timer);
      target.removeEventListener(type, on);
      resolve(event.detail);
    }
    target.addEventListener(type, on);
  });
}

/** Records every detail of the given event types, in order: `log.all`, `log.of(type)`. */
export function record(target, types) {
  const all = [];
  for (const type of types) target.addEventListener(type, (e) => all.push({ type, ...e.detail }));
  return { all, of: (type) => all.filter((e) => e.type === type) };
}

/** Waits until `check()` is truthy, polling; rejects after `ms` with `what`. */
export async function until(check, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Connects and waits until live. */
export async function live(client) {
  const ready = client.state === 'live' ? null : next(client, 'state', (d) => d.state === 'live');
  client.connect();
  if (ready) await ready;
  return client;
}

/**
 * A WebSocket class for `options.WebSocket` that lets a test see and tamper with traffic: `filter(frame, socket)`
 * sees every inbound frame (parsed) and returns false to drop it; `socket.sever()` makes the client see a lost
 * connection (close 1006) at once; `sent` collects every outbound frame of every socket.
 */
export function tappedWebSocket({ filter = () => true } = {}) {
  const sent = [];
  const sockets = [];
  class Tapped {
    constructor(url) {
      this.ws = new WebSocket(url);
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      this.severed = false;
      sockets.push(this);
      this.ws.onopen = (e) => this.onopen && this.onopen(e);
      this.ws.onerror = (e) => this.onerror && this.onerror(e);
      this.ws.onclose = (e) => !this.severed && this.onclose && this.onclose(e);
      this.ws.onmessage = (e) => {
        if (this.severed) return;
        if (filter(JSON.parse(e.data), this) === false) return;
        if (this.onmessage) this.onmessage(e);
      };
    }

    get readyState() {
      return this.severed ? 3 : this.ws.readyState;
    }

    send(data) {
      sent.push(JSON.parse(data));
      this.ws.send(data);
    }

    close(code, reason) {
      this.ws.close(code, reason);
    }

    /** The connection is "lost": nothing more arrives, the client gets close 1006 now. */
    sever() {
      if (this.severed) return;
      this.severed = true;
      try {
        this.ws.close();
      } catch {
        // closing already
      }
      const onclose = this.onclose;
      queueMicrotask(() => onclose && onclose({ code: 1006, reason: '' }));
    }
  }
  return { WebSocket: Tapped, sent, sockets };
}

/**
 * One server for the calling test file: started before its tests, killed after them (with every client the tests
 * passed to `track`, disconnected). Use `ctx.server` inside tests.
 */
export function serverForThisFile() {
  const ctx = {
    server: null,
    clients: [],
    track(client) {
      ctx.clients.push(client);
      return client;
    },
  };
  before(async () => {
    ctx.server = new TestServer();
    await ctx.server.start();
  });
  after(async () => {
    for (const c of ctx.clients) c.disconnect();
    if (ctx.server) await ctx.server.close();
  });
  return ctx;
}
