import { describe, expect, it } from 'vitest';
import { MANUAL_RECONNECT_MS, MAX_RECONNECT_WAIT_MS, reconnectDelayMs } from './reconnect.delay';

const refusal = (message: string, data?: unknown) =>
  Object.assign(new Error(message), data === undefined ? {} : { data });

describe('reconnectDelayMs', () => {
  it('waits the usual pause for a refusal that names no time', () => {
    expect(reconnectDelayMs(refusal('unauthorized'))).toBe(MANUAL_RECONNECT_MS);
    expect(reconnectDelayMs(refusal('too_many_connections', { reason: 'x' }))).toBe(MANUAL_RECONNECT_MS);
  });

  it('honours the server’s retryAfterMs, rounded up, within the pause and a minute', () => {
    expect(reconnectDelayMs(refusal('rate_limited', { retryAfterMs: 17_250.4 }))).toBe(17_251);
    expect(reconnectDelayMs(refusal('rate_limited', { retryAfterMs: 5 }))).toBe(MANUAL_RECONNECT_MS);
    expect(reconnectDelayMs(refusal('rate_limited', { retryAfterMs: 3_600_000 }))).toBe(MAX_RECONNECT_WAIT_MS);
  });

  it('ignores a retryAfterMs that is not a finite number', () => {
    for (const retryAfterMs of ['30000', null, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(reconnectDelayMs(refusal('rate_limited', { retryAfterMs }))).toBe(MANUAL_RECONNECT_MS);
    }
    expect(reconnectDelayMs(null)).toBe(MANUAL_RECONNECT_MS);
  });
});
