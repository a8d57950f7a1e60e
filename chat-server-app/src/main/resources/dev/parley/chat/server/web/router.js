// The page's URL: one per room, in the hash so that the server serves the same page for all of them.
//   #/r/<room>   a room, by its name
//   #/dm/<user>  the direct conversation with a user, by their username
// Both percent-encoded. Opening a room pushes its URL (Back and Forward move between rooms); the first room of a
// page load replaces the URL instead, so Back leaves the page as before. No state, no DOM beyond `location`.

/** What a hash asks for: {kind: 'room' | 'dm', name}, or null for none or anything else. */
export function parseRoute(hash) {
  const m = /^#\/(r|dm)\/([^/]+)$/.exec(hash || '');
  if (!m) return null;
  try {
    const name = decodeURIComponent(m[2]);
    return name ? { kind: m[1] === 'r' ? 'room' : 'dm', name } : null;
  } catch {
    return null; // malformed percent-encoding
  }
}

/** The hash of a room (`direct` rooms by the other person's name when it is known). */
export function routeOf(room, otherUser) {
  return otherUser ? '#/dm/' + encodeURIComponent(otherUser) : '#/r/' + encodeURIComponent(room);
}

/** Shows `hash` in the address bar: a new history entry, or (`replace`) in place of the current one. */
export function showRoute(hash, replace) {
  if (location.hash === hash) return;
  if (replace) history.replaceState(history.state, '', hash);
  else location.hash = hash;
}
