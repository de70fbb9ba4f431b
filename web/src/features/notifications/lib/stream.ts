/**
 * An EventSource reconnects by itself after an error while its readyState is CONNECTING (0);
 * CLOSED (2) means the browser gave up (the server answered with an error, e.g. 401 after the
 * session ended), and then the bell falls back to polling.
 */
export function streamFallsBack(readyState: number): boolean {
  return readyState === 2;
}

/** The count on the bell: a badge shows at most 99. */
export function badgeCount(unread: number | undefined): number {
  return Math.min(unread ?? 0, 99);
}
