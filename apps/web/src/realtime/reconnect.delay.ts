/** Pause before reconnecting by hand after the server refused or dropped us. */
export const MANUAL_RECONNECT_MS = 2000;
/** A server's "come back later" is honoured up to this long; the user can always reload. */
export const MAX_RECONNECT_WAIT_MS = 60_000;

/**
 * How long to wait before asking again after a refused handshake: the server's
 * `retryAfterMs` when it sent one (a `rate_limited` refusal), never less than the usual
 * pause, never more than a minute.
 */
export function reconnectDelayMs(error: unknown): number {
  const data =
    typeof error === 'object' && error !== null && 'data' in error ? (error as { data: unknown }).data : null;
  const retryAfterMs =
    typeof data === 'object' && data !== null && 'retryAfterMs' in data
      ? (data as { retryAfterMs: unknown }).retryAfterMs
      : null;
  const asked = typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.min(MAX_RECONNECT_WAIT_MS, Math.max(MANUAL_RECONNECT_MS, Math.ceil(asked)));
}
