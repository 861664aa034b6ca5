import { describe, expect, it } from 'vitest';
import { ConnectionSlots } from './connection-slots.js';

describe('connection slots', () => {
  it('SEC-FLOOD: a key gets at most max slots; a released slot is taken again; releasing twice gives back one', () => {
    const slots = new ConnectionSlots(2);
    const a = slots.take('k');
    const b = slots.take('k');
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.take('k')).toBeNull();
    expect(slots.take('other')).not.toBeNull();
    a!();
    a!();
    expect(slots.count('k')).toBe(1);
    expect(slots.take('k')).not.toBeNull();
    expect(slots.take('k')).toBeNull();
  });
});
