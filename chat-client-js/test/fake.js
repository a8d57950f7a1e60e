// A scripted stand-in for the server's socket and REST API, for the fast tests of the client's own logic
// (test/protocol.test.js): each test plays the server's frames by hand.

/** A WebSocket class whose instances the test drives: open(), receive(frame), drop(code, reason). */
export function fakeSockets() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
    }

    send(data) {
      this.sent.push(JSON.parse(data));
    }

    close() {
      this.readyState = 3;
    }

    open() {
      this.readyState = 1;
      this.onopen({});
    }

    receive(frame) {
      this.onmessage({ data: JSON.stringify(frame) });
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose({ code, reason });
    }

    /** The newest frame of that type this socket sent. */
    last(type) {
      return [...this.sent].reverse().find((f) => f.type === type);
    }
  }
  return { WebSocket: FakeWebSocket, sockets, latest: () => sockets[sockets.length - 1] };
}

/** A fetch that answers from `routes` ('GET /api/...' → body, or a function of the URL), recording every call. */
export function fakeFetch(routes = {}) {
  const calls = [];
  async function fetch(url, init = {}) {
    const u = new URL(url);
    const key = `${init.method || 'GET'} ${u.pathname}`;
    calls.push({ key, url: u, body: init.body ? JSON.parse(init.body) : undefined });
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ code: 'not_found', detail: key }), { status: 404 });
    const body = typeof route === 'function' ? route(u) : route;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }
  return { fetch, calls };
}
