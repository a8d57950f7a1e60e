// Dates and names as shown on the page. No state, no DOM.

// 'numeric' hours: "4:40 PM" rather than "04:40 PM" in 12-hour locales (24-hour ones still show "16:40")
export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
export const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

export function dayKey(date) {
  return date.getFullYear() + '-' + date.getMonth() + '-' + date.getDate();
}

export function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return dayFormat.format(date);
}

/** One of eight avatar colours, the same for a name everywhere. */
export function hue(name) {
  let x = 0;
  for (const c of name) x = (x * 31 + c.codePointAt(0)) >>> 0;
  return x % 8;
}

/** "X is typing…" for the names in `typing` (name -> until, ms) still typing at `now`. */
export function typingText(typing, now) {
  if (!typing) return '';
  const names = Object.entries(typing).filter(([, until]) => until > now).map(([n]) => n).sort();
  if (names.length === 0) return '';
  if (names.length === 1) return names[0] + ' is typing…';
  if (names.length === 2) return names[0] + ' and ' + names[1] + ' are typing…';
  return 'Several people are typing…';
}
