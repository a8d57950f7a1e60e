// Type declarations of @parley/client (hand-written; the package is plain ES modules without a build step).
// The protocol behind them: docs/protocol.md (WebSocket) and docs/openapi.yaml (REST) of the Parley repository.

/** A user as the server reports it. */
export interface User {
  id: number;
  username: string;
}

/** The session: the bearer token and its user (`user` is null only for a token passed in before the first `ready`). */
export interface Session {
  token: string;
  user: User | null;
}

/**
 * A message, the same object everywhere (stream frames, `ack`, replies, history). Optional members are omitted
 * when they have no value. `change` is the room change that gave the message this state (posting, last edit,
 * deletion or reaction): when merging copies of one message, keep the one with the higher `change`.
 */
export interface Message {
  id: number;
  room: string;
  /** 1, 2, 3, … per room, without gaps (deleted messages keep theirs). */
  seq: number;
  change: number;
  sender: string;
  /** Empty once deleted. */
  body: string;
  createdAt: string;
  clientMsgId?: string;
  editedAt?: string;
  deleted?: true;
  /** On a reply: the message replied to, as it is now (`deleted: true` and an empty excerpt once it is deleted). */
  replyTo?: ReplyPreview;
  /** Only when there are any: one per emoji, in the order of each emoji's oldest remaining reaction. */
  reactions?: Reaction[];
  /** Only when there are any: the usernames of the room members the body mentions (`@name`). */
  mentions?: string[];
}

/** What a reply shows of the message it answers. */
export interface ReplyPreview {
  id: number;
  seq: number;
  sender: string;
  /** The original's first line, at most 100 code points; empty once deleted. */
  excerpt: string;
  deleted?: true;
}

/** One emoji's reactions. "Mine" is `users.includes(session.user.username)`. */
export interface Reaction {
  emoji: string;
  count: number;
  /** Who reacted with it, oldest first. */
  users: string[];
}

/** A room (REST). */
export interface Room {
  name: string;
  type: 'public' | 'private' | 'direct';
  createdAt: string;
}

/** A room in the room list (GET /api/rooms), with the caller's read position. */
export interface RoomSummary extends Room {
  member: boolean;
  lastSeq: number;
  lastReadSeq: number;
  /** Others' messages after lastReadSeq. */
  unread: number;
  /** Of those, the ones that mention the caller. */
  unreadMentions: number;
}

/** A member of a room (GET /api/rooms/{room}/members). */
export interface Member extends User {
  joinedAt: string;
  lastReadSeq: number;
}

/** What join() resolves with: the position the room's stream continues after. */
export interface JoinResult {
  room: string;
  lastSeq: number;
  lastChange: number;
  /** Users with a socket subscribed to the room on the server node, the caller included. */
  online: string[];
}

/** A matched token of a message body: `body.slice(start, end)` (UTF-16 code units, as JavaScript indexes). */
export interface Highlight {
  start: number;
  end: number;
}

/** One search result: the message as stored now and its matched tokens, ascending. */
export interface SearchResult {
  message: Message;
  highlights: Highlight[];
}

/** A page of search results (GET /api/search), newest first; `nextBefore` only when older matches may exist. */
export interface SearchPage {
  results: SearchResult[];
  nextBefore?: number;
  [more: string]: unknown;
}

/** A page of history (GET /api/messages), ascending `seq`, plus whatever else the server's answer holds. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
  [more: string]: unknown;
}

/** One element of the changes feed: the very stream frame the socket sends for that change. */
export type RoomChange =
  | { type: 'message' | 'edited' | 'deleted' | 'reaction'; room: string; change: number; message: Message }
  | { type: 'presence'; room: string; change: number; user: User; state: 'join' | 'leave' };

/** A page of the changes feed (GET /api/rooms/{room}/changes). */
export interface ChangePage {
  changes: RoomChange[];
  /** Pass as `after` for the next page; with hasMore false, the room's newest change. */
  lastChange: number;
  hasMore: boolean;
}

/** The read position after markRead(). */
export interface ReadPosition {
  room: string;
  lastReadSeq: number;
  unread: number;
  unreadMentions: number;
}

/**
 * An outbox entry (a snapshot). `waiting`: for the connection or the retry delay; `sending`: sent, no reply yet;
 * `failed`: a non-retryable error for an entry no promise awaits (one restored from storage after a reload):
 * retry() or discard() it. Entries whose send() promise is still awaited never become `failed`: their promise
 * rejects and they leave the outbox.
 */
export interface OutboxEntry {
  clientMsgId: string;
  room: string;
  body: string;
  /** The message it replies to, if send() was given `replyTo`. */
  replyTo?: number;
  state: 'sending' | 'waiting' | 'failed';
  error?: ParleyError;
}

/** `offline` | `connecting` (never live since connect()) | `live` | `reconnecting` (was live, retrying). */
export type ConnectionState = 'offline' | 'connecting' | 'live' | 'reconnecting';

/** A Storage-like object: localStorage, sessionStorage, or your own. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ParleyClientOptions {
  /** The server's origin (and context path), e.g. `https://chat.example.com`. Default: the page's `location.origin`. */
  baseUrl?: string;
  /** A WebSocket constructor. Default: the global one (Node 20 needs `--experimental-websocket`; Node 22+ has it). */
  WebSocket?: unknown;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Where the session and the outbox persist (keys `parley.session`, `parley.outbox`). Default: memory only. */
  storage?: StorageLike;
  /** The WebSocket path. Default `/ws`. */
  wsPath?: string;
  /** A token obtained elsewhere (instead of login()). */
  token?: string;
  /** Reconnect and retry delays: exponential from `firstMs` (default 500) up to `maxMs` (default 15000), full jitter. */
  backoff?: { firstMs?: number; maxMs?: number };
  /** Interval of application pings while live (default 20000 ms). */
  heartbeatMs?: number;
  /** A ping unanswered this long replaces the socket (default 10000 ms). */
  pongTimeoutMs?: number;
  /** An opened socket must be authenticated within this (default 15000 ms). */
  readyTimeoutMs?: number;
  /** How long a reply is waited for (default 15000 ms over the socket, 30000 ms over REST). */
  requestTimeoutMs?: number;
}

/** Event details, by event name. Every event is a `CustomEvent` with this `detail`. */
export interface ParleyEventMap {
  /**
   * A message posted. Per room, stream events (`message`, `edited`, `deleted`, `reaction`, `member`) come in strictly
   * increasing `change`, each once. `replayed`: it was missed while away (a resume's replay or a gap repair from
   * the changes feed) rather than live. Your own messages arrive here too, once (their `ack` only resolves send()).
   */
  message: { room: string; change: number; message: Message; replayed: boolean };
  /** A message edited (its newest state; earlier edits made while away are skipped). */
  edited: { room: string; change: number; message: Message };
  /** A message deleted (`deleted: true`, empty body). */
  deleted: { room: string; change: number; message: Message };
  /**
   * A reaction was added or removed: replace your copy of the message. `user`, `emoji` and `added` only when it
   * was delivered live; a replayed one carries the message's current reactions alone.
   */
  reaction: { room: string; change: number; message: Message; user?: User; emoji?: string; added?: boolean };
  /** A message mentioned the user (on any node; also rooms not followed). A hint: `unreadMentions` is the count. */
  mentioned: { room: string; message: Message };
  /** Membership changed: a user joined (or was added to) or left the room. */
  member: { room: string; change: number; user: User; state: 'join' | 'leave' };
  /** Someone's first socket subscribed to the room, or their last one went away. Best effort. */
  presence: { room: string; user: User; state: 'online' | 'offline' };
  /** Someone else is typing in the room (may be dropped; show it for a few seconds). */
  typing: { room: string; user: User };
  /** The room's stream (re)started: after join(), and after every reconnect (`resumed` true: missed changes follow). */
  subscribed: { room: string; lastSeq: number; lastChange: number; online: string[]; resumed: boolean };
  /** The user is no longer in the room (leave(), here or elsewhere); the client stopped following it. */
  left: { room: string };
  /** The user became a member of a room (joined elsewhere, was added, a direct room was opened): reload rooms(). */
  room_added: { room: string; roomType: 'public' | 'private' | 'direct' };
  /**
   * The server could not continue the room's stream from the client's position (`resync_required`, e.g. after a
   * server restore, or `replay_too_large`). Emitted after the client has joined the room again (its `subscribed`
   * with `resumed: false` follows at once): drop what you hold of the room and reload its history now; merge
   * stream events arriving meanwhile by message id, keeping the higher `change`.
   */
  resync: { room: string; reason: 'resync_required' | 'replay_too_large'; lastSeq: number; lastChange: number };
  /** The connection state changed; `retryAt` (ms since the epoch) when a retry is scheduled, with the close's code. */
  state: { state: ConnectionState; retryAt?: number; code?: number; reason?: string };
  /** The session is over (the token no longer works, or logout() here or elsewhere). Log in again. */
  session_ended: { reason: 'invalid_token' | 'token_expired' | 'logged_out' };
  /** The outbox changed. */
  outbox: { pending: OutboxEntry[] };
  /** An error the server sent that answers nothing of ours (e.g. `rate_limited` for a typing frame). */
  error: { code: string; message: string; room?: string };
}

/**
 * Every failure: `code` is the server's error code, or the client's own `network`, `timeout`, `not_connected`,
 * `session_ended` (and `discarded` for a send() whose entry was discarded). `status` for REST failures.
 */
export class ParleyError extends Error {
  constructor(code: string, message?: string, extra?: { status?: number; retryAfter?: number; room?: string });
  readonly code: string;
  /** The HTTP status, for REST failures. */
  readonly status?: number;
  /** Seconds to wait (Retry-After), when the server says. */
  readonly retryAfter?: number;
  /** The room an error names (e.g. `resync_required`). */
  readonly room?: string;
}

/**
 * A Parley client: one user's session, one WebSocket, the rooms it follows and its outbox. Events: see
 * ParleyEventMap. Works in browsers and Node 20+.
 */
export class ParleyClient extends EventTarget {
  constructor(options?: ParleyClientOptions);

  /** The session, or null when logged out. */
  readonly session: Session | null;
  /** The connection state. */
  readonly state: ConnectionState;
  /** The outbox: messages not yet acknowledged, in sending order. */
  readonly pending: OutboxEntry[];

  /** Creates an account (POST /api/register); does not log in. Rejects e.g. `username_taken`, `invalid_password`. */
  register(username: string, password: string): Promise<User>;
  /** Logs in and keeps the session (persisted if `storage`). Does not connect. Rejects e.g. `invalid_credentials`, `rate_limited`. */
  login(username: string, password: string): Promise<Session>;
  /** Revokes the token, closes the socket, clears session, rooms and outbox; emits `session_ended` {reason: 'logged_out'}. */
  logout(): Promise<void>;
  /**
   * Signs out everywhere (DELETE /api/sessions): revokes every session of this user, this one included; their
   * sockets close with `logged_out`, so other clients of the user get `session_ended`. Then as logout(). Rejects,
   * keeping the session, if the server cannot be reached.
   */
  logoutEverywhere(): Promise<void>;

  /**
   * Opens the socket (auth with the session's token) and keeps it open: reconnects with exponential backoff and
   * full jitter until disconnect(), logout() or the end of the session; resumes every joined room from its
   * lastChange and re-sends the outbox after each reconnect. Throws `not_connected` without a session.
   */
  connect(): void;
  /**
   * Connects now rather than after the backoff wait: starts a disconnected client as connect() does, or cuts a
   * pending retry's wait short. No-op while a socket is open or opening. Throws like connect().
   */
  reconnectNow(): void;
  /** Closes the socket and stops reconnecting; joined rooms and the outbox are kept for the next connect(). */
  disconnect(): void;

  /**
   * Follows a room over the socket (`join`: also joins a public room as a member). Waits until live. Resolves at
   * the server's `subscribed`; from then on the room is resumed after every reconnect. The stream starts at
   * `lastChange`: load history yourself for what came before. Direct rooms (`dm:…`), which the server does not
   * let anyone `join`, are followed by a `resume` after their newest message instead, to the same effect.
   * Rejects with the server's code (`room_not_found`, `not_a_member`, …), `not_connected` on disconnect(),
   * `session_ended`. Room names are normalised by the server (`General` is `general`): events use its name.
   */
  join(room: string): Promise<JoinResult>;
  /** Leaves the room (socket when live, else REST) and stops following it; emits `left`. */
  leave(room: string): Promise<void>;
  /** The change the room's stream continues after; undefined for a room not followed yet. */
  lastChange(room: string): number | undefined;

  /**
   * Sends a message through the outbox; resolves with the stored message at its `ack`. Kept (and persisted) until
   * acknowledged: sent again with the same clientMsgId after every reconnect and after retryable errors
   * (`storage_unavailable`, `server_busy`, `rate_limited`, `service_closed`, `internal_error`, timeouts), never
   * stored twice. Any other error code rejects (the entry leaves the outbox), e.g. `message_too_long`,
   * `not_a_member`; `session_ended` if the session ends first. Retries may reorder a client's messages.
   */
  send(room: string, body: string, options?: { clientMsgId?: string; replyTo?: number }): Promise<Message>;
  /** Sends a waiting or failed outbox entry again now. False if there is no such entry. */
  retry(clientMsgId: string): boolean;
  /** Drops an outbox entry (its send() rejects with `discarded`). A copy the server already stored stays. */
  discard(clientMsgId: string): boolean;

  /** Edits an own message; resolves with its new state (the room also gets `edited`). */
  edit(id: number, body: string): Promise<Message>;
  /** Deletes an own message; resolves with its new state (the room also gets `deleted`). */
  delete(id: number): Promise<Message>;
  /** Adds the user's reaction (idempotent); resolves with the message as it is now (the room gets `reaction`). */
  react(id: number, emoji: string): Promise<Message>;
  /** Removes the user's reaction (idempotent); resolves with the message as it is now. */
  unreact(id: number, emoji: string): Promise<Message>;
  /** Tells the room the user is typing: at most one frame per 2.5 s per room; nothing when not live. */
  typing(room: string): void;
  /** Moves the read position forward to `seq` (clamped to the newest message, never back). */
  markRead(room: string, seq: number): Promise<ReadPosition>;

  /** A page of history: newest `limit` without before/after; `before`: older; `after`: newer. */
  history(room: string, options?: { before?: number; after?: number; limit?: number }): Promise<HistoryPage>;
  /**
   * Searches the rooms the user is a member of: every term of `q` (runs of letters and digits, 1–10, at most 200
   * characters) must be the prefix of a word of the body; newest first; `room` narrows to one of them; `before`
   * is the previous page's `nextBefore`; `limit` 1–100 (default 20). Rejects with `invalid_query`,
   * `invalid_argument`, `room_not_found`, `not_a_member`, `search_unsupported`.
   */
  search(q: string, options?: { room?: string; before?: number; limit?: number }): Promise<SearchPage>;
  /** The public rooms and the user's own. */
  rooms(): Promise<RoomSummary[]>;
  /** Creates a public (default) or private room; the caller becomes its first member. */
  createRoom(name: string, options?: { type?: 'public' | 'private' }): Promise<Room>;
  /** The direct room with a user (created if needed). */
  openDirect(username: string): Promise<Room>;
  /** The room's members, by join time. */
  members(room: string): Promise<Member[]>;
  /** Adds a user to a room the caller is a member of. */
  addMember(room: string, username: string): Promise<Room>;
  /** A page of the room's changes after `after` (default 0). Rejects `resync_required` if `after` is beyond the room's end. */
  changes(room: string, options?: { after?: number; limit?: number }): Promise<ChangePage>;

  addEventListener<K extends keyof ParleyEventMap>(type: K,
    listener: (event: CustomEvent<ParleyEventMap[K]>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ParleyEventMap>(type: K,
    listener: (event: CustomEvent<ParleyEventMap[K]>) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions): void;
}

/** `send` error codes that are retried with the same clientMsgId. */
export const RETRYABLE_SEND_CODES: readonly string[];
/** Close reasons that end the session. */
export const SESSION_ENDED_REASONS: readonly ['invalid_token', 'token_expired', 'logged_out'];
/** Error codes after which a room is joined again and `resync` emitted. */
export const RESYNC_CODES: readonly ['resync_required', 'replay_too_large'];
/** The connection states. */
export const STATES: readonly ConnectionState[];
/** A Storage-like object in memory (the default storage). */
export function memoryStorage(): StorageLike;
/** A fresh random clientMsgId (`js-` and 20 letters and digits). */
export function newClientMsgId(): string;
