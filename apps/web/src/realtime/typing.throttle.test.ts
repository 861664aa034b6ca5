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

describe('TypingThrottle: a start refused for now (rate_limited)', () => {
  function recording() {
    const signals: { command: string; run: number }[] = [];
    const throttle = new TypingThrottle((s, run) => signals.push({ command: s.command, run }));
    return { signals, throttle };
  }

  it('is sent again for the same run while it goes on', () => {
    const { signals, throttle } = recording();
    throttle.input('r1', 'x', 0);
    const run = signals[0]!.run;
    throttle.retry(run, 1200);
    expect(signals).toEqual([
      { command: 'start', run },
      { command: 'start', run },
    ]);
    // The retry counts as the latest start for the throttle.
    throttle.input('r1', 'xy', 1200 + TYPING_THROTTLE_MS - 1);
    expect(signals).toHaveLength(2);
  });

  it('is dropped when the run ended (sent, cleared) or a new run began', () => {
    const { signals, throttle } = recording();
    throttle.input('r1', 'x', 0);
    const first = signals[0]!.run;
    throttle.stop();
    throttle.retry(first, 1000);
    throttle.input('r1', 'y', 1100);
    throttle.retry(first, 1200);
    expect(signals.map((s) => s.command)).toEqual(['start', 'stop', 'start']);
    expect(signals[2]!.run).not.toBe(first);
  });

  it('is retried a few times at most per run', () => {
    const { signals, throttle } = recording();
    throttle.input('r1', 'x', 0);
    const run = signals[0]!.run;
    for (let i = 1; i <= 10; i++) throttle.retry(run, i * 100);
    expect(signals.length).toBe(4);
  });
});
