import { afterEach, describe, expect, it } from 'vitest';
import { newClientMessageId } from './ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newClientMessageId', () => {
  afterEach(() => {
    // Drop the own-property shadow so the prototype's randomUUID shows again.
    Reflect.deleteProperty(crypto, 'randomUUID');
  });

  it('uses randomUUID when present', () => {
    expect(newClientMessageId()).toMatch(UUID_V4);
  });

  it('falls back to getRandomValues where randomUUID is missing (plain HTTP)', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    expect(crypto.randomUUID).toBeUndefined();
    const ids = new Set(Array.from({ length: 50 }, () => newClientMessageId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
