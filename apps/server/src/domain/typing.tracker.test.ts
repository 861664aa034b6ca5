import { TYPING_TTL_MS } from '@parley/shared-types';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { TypingTracker } from './typing.tracker.js';

describe('TypingTracker', () => {
  let clock: ManualClock;
  let typing: TypingTracker;

  beforeEach(() => {
    clock = new ManualClock();
    typing = new TypingTracker(clock);
  });

  it('T1: start marks the connection as typing in that room only; stop clears it and reports it was visible', () => {
    typing.start('c1', 'r1');
    expect(typing.isTyping('c1', 'r1')).toBe(true);
    expect(typing.isTyping('c1', 'r2')).toBe(false);
    expect(typing.isTyping('c2', 'r1')).toBe(false);
    expect(typing.stop('c1', 'r1')).toBe(true);
    expect(typing.isTyping('c1', 'r1')).toBe(false);
    // A second stop has nothing to stop.
    expect(typing.stop('c1', 'r1')).toBe(false);
  });

  it('T1: stop without a start reports nothing to announce', () => {
    expect(typing.stop('c1', 'r1')).toBe(false);
    typing.start('c1', 'r1');
    expect(typing.stop('c1', 'r2')).toBe(false);
    expect(typing.isTyping('c1', 'r1')).toBe(true);
  });

  it('T4: a start older than the TTL counts as already stopped (receivers forgot it)', () => {
    typing.start('c1', 'r1');
    clock.advance(TYPING_TTL_MS - 1);
    expect(typing.isTyping('c1', 'r1')).toBe(true);
    clock.advance(1);
    expect(typing.isTyping('c1', 'r1')).toBe(false);
    expect(typing.stop('c1', 'r1')).toBe(false);
  });

  it('T4: a repeated start refreshes the TTL', () => {
    typing.start('c1', 'r1');
    clock.advance(TYPING_TTL_MS - 100);
    typing.start('c1', 'r1');
    clock.advance(TYPING_TTL_MS - 100);
    expect(typing.isTyping('c1', 'r1')).toBe(true);
    expect(typing.stop('c1', 'r1')).toBe(true);
  });

  it('T2: dropConnection returns only the rooms where typing is still within the TTL, and forgets the connection', () => {
    typing.start('c1', 'old');
    clock.advance(TYPING_TTL_MS - 1000);
    typing.start('c1', 'fresh');
    typing.start('c1', 'also-fresh');
    typing.start('c2', 'other-connection');
    clock.advance(1000);
    expect(typing.dropConnection('c1').sort()).toEqual(['also-fresh', 'fresh']);
    expect(typing.isTyping('c1', 'fresh')).toBe(false);
    expect(typing.dropConnection('c1')).toEqual([]);
    // Another connection is untouched.
    expect(typing.isTyping('c2', 'other-connection')).toBe(true);
  });

  it('T2: dropConnection of a connection that never typed returns nothing', () => {
    expect(typing.dropConnection('never')).toEqual([]);
  });

  it('T2: a stopped room is not reported again when the connection drops', () => {
    typing.start('c1', 'r1');
    typing.start('c1', 'r2');
    typing.stop('c1', 'r1');
    expect(typing.dropConnection('c1')).toEqual(['r2']);
  });

  it('T4: a custom TTL is honoured', () => {
    const short = new TypingTracker(clock, 100);
    short.start('c1', 'r1');
    clock.advance(99);
    expect(short.isTyping('c1', 'r1')).toBe(true);
    clock.advance(1);
    expect(short.dropConnection('c1')).toEqual([]);
  });
});
