import { TYPING_THROTTLE_MS } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { TypingThrottle, type TypingSignal } from './typing.throttle';

function setup() {
  const signals: TypingSignal[] = [];
  const throttle = new TypingThrottle((s) => signals.push(s));
  return { signals, throttle };
}

describe('TypingThrottle', () => {
  it(`T4: sends typing:start at most once per ${TYPING_THROTTLE_MS} ms while typing`, () => {
    const { signals, throttle } = setup();
    throttle.input('r1', 'h', 0);
    throttle.input('r1', 'he', 1000);
    throttle.input('r1', 'hel', TYPING_THROTTLE_MS - 1);
    expect(signals).toEqual([{ command: 'start', roomId: 'r1' }]);
    throttle.input('r1', 'hell', TYPING_THROTTLE_MS);
    expect(signals).toHaveLength(2);
    expect(signals[1]).toEqual({ command: 'start', roomId: 'r1' });
  });

  it('stops when the box is cleared, once', () => {
    const { signals, throttle } = setup();
    throttle.input('r1', 'x', 0);
    throttle.input('r1', '', 10);
    throttle.input('r1', '', 20);
    expect(signals).toEqual([
      { command: 'start', roomId: 'r1' },
      { command: 'stop', roomId: 'r1' },
    ]);
  });

  it('a new run after a stop starts at once', () => {
    const { signals, throttle } = setup();
    throttle.input('r1', 'x', 0);
    throttle.stop();
    throttle.input('r1', 'y', 10);
    expect(signals.map((s) => s.command)).toEqual(['start', 'stop', 'start']);
  });

  it('switching rooms stops the old room before starting the new one', () => {
    const { signals, throttle } = setup();
    throttle.input('r1', 'x', 0);
    throttle.input('r2', 'y', 10);
    expect(signals).toEqual([
      { command: 'start', roomId: 'r1' },
      { command: 'stop', roomId: 'r1' },
      { command: 'start', roomId: 'r2' },
    ]);
  });

  it('stop without a run and reset send nothing', () => {
    const { signals, throttle } = setup();
    throttle.stop();
    throttle.input('r1', 'x', 0);
    throttle.reset();
    throttle.stop();
    expect(signals).toEqual([{ command: 'start', roomId: 'r1' }]);
  });
});
