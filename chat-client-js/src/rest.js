// The REST API (docs/openapi.yaml): one request function and thin wrappers, each answer as the server sends it.

import { ParleyError } from './errors.js';

const enc = encodeURIComponent;

/**
 * Calls the REST API with the session's bearer token. Every failure is a ParleyError: the problem+json `code` and
 * HTTP `status` (with `retryAfter` seconds when the server sends Retry-After), `network` when the server cannot be
 * reached, `timeout` when it does not answer within `timeoutMs`.
 */
export class RestApi {
  /**
   * @param {object} options
   * @param {string} options.baseUrl the server's origin (and context path), e.g. `https://chat.example.com`
   * @param {typeof fetch} options.fetch
   * @param {() => (string|null|undefined)} options.token the current bearer token, if any
   * @param {(error: ParleyError, token: string) => void} [options.onUnauthorized] told about a 401 for a token sent
   * @param {number} [options.timeoutMs]
   */
  constructor({ baseUrl, fetch, token, onUnauthorized, timeoutMs = 30_000 }) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetch = fetch;
    this.token = token;
    this.onUnauthorized = onUnauthorized;
    this.timeoutMs = timeoutMs;
  }

  /**
   * One request. `query` members that are undefined or null are left out.
   * @returns {Promise<any>} the parsed JSON answer, or null for 204
   */
  async request(method, path, { body, query, auth = true } = {}) {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
      const qs = params.toString();
      if (qs) url += '?' + qs;
    }
    const headers = { Accept: 'application/json' };
    const token = auth ? this.token() : null;
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let response;
    let text;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        signal: abort.signal,
      });
      text = response.status === 204 ? '' : await response.text();
    } catch (e) {
      if (abort.signal.aborted) throw new ParleyError('timeout', `${method} ${path}: no answer within ${this.timeoutMs} ms`);
      throw new ParleyError('network', `${method} ${path}: cannot reach the server (${e && e.message ? e.message : e})`);
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('Retry-After'));
      const error = new ParleyError((data && data.code) || 'http_' + response.status,
        (data && (data.detail || data.title)) || `${method} ${path}: HTTP ${response.status}`,
        { status: response.status, retryAfter: retryAfter > 0 ? retryAfter : undefined });
      if (response.status === 401 && token && this.onUnauthorized) this.onUnauthorized(error, token);
      throw error;
    }
    return data;
  }

  register(username, password) {
    return this.request('POST', '/api/register', { body: { username, password }, auth: false });
  }

  login(username, password) {
    return this.request('POST', '/api/login', { body: { username, password }, auth: false });
  }

  logout() {
    return this.request('POST', '/api/logout');
  }

  logoutEverywhere() {
    return this.request('DELETE', '/api/sessions');
  }

  async rooms() {
    return (await this.request('GET', '/api/rooms')).rooms;
  }

  createRoom(name, { type } = {}) {
    const body = { name };
    if (type === 'private') body.private = true;
    return this.request('POST', '/api/rooms', { body });
  }

  joinRoom(room) {
    return this.request('POST', `/api/rooms/${enc(room)}/join`);
  }

  leaveRoom(room) {
    return this.request('POST', `/api/rooms/${enc(room)}/leave`);
  }

  openDirect(username) {
    return this.request('POST', '/api/direct', { body: { username } });
  }

  async members(room) {
    return (await this.request('GET', `/api/rooms/${enc(room)}/members`)).members;
  }

  addMember(room, username) {
    return this.request('POST', `/api/rooms/${enc(room)}/members`, { body: { username } });
  }

  markRead(room, seq) {
    return this.request('POST', `/api/rooms/${enc(room)}/read`, { body: { seq } });
  }

  changes(room, { after = 0, limit } = {}) {
    return this.request('GET', `/api/rooms/${enc(room)}/changes`, { query: { after, limit } });
  }

  history(room, { before, after, limit } = {}) {
    return this.request('GET', '/api/messages', { query: { room, before, after, limit } });
  }

  search(q, { room, before, limit } = {}) {
    return this.request('GET', '/api/search', { query: { q, room, before, limit } });
  }

  async edit(id, body) {
    return (await this.request('PATCH', `/api/messages/${enc(id)}`, { body: { body } })).message;
  }

  async delete(id) {
    return (await this.request('DELETE', `/api/messages/${enc(id)}`)).message;
  }

  async react(id, emoji, add) {
    return (await this.request(add ? 'PUT' : 'DELETE', `/api/messages/${enc(id)}/reactions/${enc(emoji)}`)).message;
  }
}
