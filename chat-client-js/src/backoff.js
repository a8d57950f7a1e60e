// Exponential backoff with full jitter (a random wait between 0 and the capped exponential), so that many clients
// that lost the server at the same moment do not come back at the same moment.

/** The defaults: the first wait is at most `firstMs`, then doubling up to `maxMs`. */
export const DEFAULT_BACKOFF = Object.freeze({ firstMs: 500, maxMs: 15_000 });

/**
 * The wait before attempt number `attempt` (0 for the first retry), in milliseconds.
 * @param {number} attempt
 * @param {{firstMs: number, maxMs: number}} backoff
 * @param {() => number} [random] in [0, 1)
 */
export function backoffDelay(attempt, { firstMs, maxMs }, random = Math.random) {
  const cap = Math.min(maxMs, firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * cap);
}
