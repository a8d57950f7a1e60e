// Error codes (docs/protocol.md, the REST API's problem codes) explained for people.

/** A short explanation of an error code for people. */
export function describeError(code, fallback) {
  switch (code) {
    case 'message_too_long': return 'The message is too long.';
    case 'message_empty': return 'The message is empty.';
    case 'message_invalid': return 'The message contains characters that cannot be sent.';
    case 'not_a_member': return 'You are not a member of this room.';
    case 'not_message_owner': return 'You can only change your own messages.';
    case 'message_deleted': return 'That message was deleted.';
    case 'message_not_found': return 'That message no longer exists.';
    case 'rate_limited': return 'Slow down a little and try again.';
    case 'invalid_reply': return 'That message cannot be replied to: it was deleted or is not in this room.';
    case 'invalid_emoji': return 'That is not an emoji the server accepts as a reaction.';
    case 'too_many_reactions': return 'This message has as many different reactions as it can take.';
    case 'invalid_query': return 'Search for one to ten words.';
    case 'search_unsupported': return 'This server\'s message store cannot search.';
    case 'network': return 'Cannot reach the server. Check your connection and try again.';
    default: return fallback || code;
  }
}

/** Why signing in or registering failed. `e` is an error with a `code` (anything else is unexpected). */
export function authMessage(e) {
  if (!e || typeof e.code !== 'string') return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'username_taken': return 'That username is already taken. Pick another one, or sign in.';
    case 'invalid_credentials': return 'Wrong username or password.';
    case 'rate_limited': {
      const s = e.retryAfter || 60;
      const wait = s >= 90 ? Math.ceil(s / 60) + ' minutes' : s + ' seconds';
      return 'Too many failed attempts. Try again in ' + wait + '.';
    }
    case 'invalid_username':
      return 'Usernames have 3 to 32 letters, digits, “_”, “-” or “.”, and start with a letter or digit.';
    case 'invalid_password': return 'Passwords need 8 to 128 characters.';
    default: return describeError(e.code, e.message);
  }
}

/** Why creating, joining or changing a room failed. */
export function roomError(e) {
  if (!e || typeof e.code !== 'string') return String(e);
  switch (e.code) {
    case 'room_exists': return 'A room with that name already exists.';
    case 'invalid_room_name': return 'Room names have 1–64 letters, digits, “_” or “-”.';
    case 'user_not_found': return 'There is no user with that name.';
    case 'invalid_argument': return e.message || 'That does not work.';
    case 'permission_denied': return 'That is not allowed here.';
    default: return describeError(e.code, e.message);
  }
}
