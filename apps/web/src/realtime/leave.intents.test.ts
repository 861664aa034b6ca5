import { describe, expect, it } from 'vitest';
import { LeaveIntents } from './leave.intents';

describe('I3: telling "I left" from "I was removed"', () => {
  it('a room:removed after my own leave request is no removal, and only once', () => {
    let now = 1000;
    const intents = new LeaveIntents(() => now, 5000);
    intents.note('r1');
    now += 100;
    expect(intents.consume('r1')).toBe(true);
    expect(intents.consume('r1')).toBe(false);
  });

  it('without a leave request, or after it expired, room:removed is a removal', () => {
    let now = 0;
    const intents = new LeaveIntents(() => now, 5000);
    expect(intents.consume('r1')).toBe(false);
    intents.note('r2');
    now = 6000;
    expect(intents.consume('r2')).toBe(false);
  });

  it('requests for other rooms do not count', () => {
    const intents = new LeaveIntents(() => 0);
    intents.note('r1');
    expect(intents.consume('r2')).toBe(false);
    expect(intents.consume('r1')).toBe(true);
  });
});
