// Where the session and the outbox are kept: a Web Storage-like object, or memory.

const PREFIX = 'parley.';

/** A Storage-like object that keeps its items in memory only (the default: nothing survives the process). */
export function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => { items.set(key, String(value)); },
    removeItem: (key) => { items.delete(key); },
  };
}

/**
 * JSON values under keys prefixed `parley.` in a Storage-like object (localStorage, sessionStorage, or anything with
 * getItem/setItem/removeItem). Storage failures (quota, disabled storage, corrupt JSON) are swallowed: the client
 * keeps working from memory and merely forgets on reload.
 */
export class JsonStore {
  /** @param {{getItem(k: string): string|null, setItem(k: string, v: string): void, removeItem(k: string): void}} [storage] */
  constructor(storage) {
    this.storage = storage || memoryStorage();
  }

  /** The value stored under `parley.<key>`, or null. */
  get(key) {
    try {
      const raw = this.storage.getItem(PREFIX + key);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  /** Stores the value under `parley.<key>`; null or undefined removes it. */
  set(key, value) {
    try {
      if (value === null || value === undefined) this.storage.removeItem(PREFIX + key);
      else this.storage.setItem(PREFIX + key, JSON.stringify(value));
    } catch {
      // storage full or disabled: memory stays the truth for this process
    }
  }
}
