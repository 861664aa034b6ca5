import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { PresenceTracker } from './presence.tracker.js';

const GRACE_MS = 5000;

describe('PresenceTracker', () => {
  let clock: ManualClock;
  let tracker: PresenceTracker;
  let heard: Array<[string, boolean]>;

  beforeEach(() => {
    clock = new ManualClock();
    tracker = new PresenceTracker(clock, GRACE_MS);
    heard = [];
    tracker.onChange((userId, state) => heard.push([userId, state !== 'offline']));
  });

  it('P1: a user is offline before any connection and online on the first one', () => {
    expect(tracker.isOnline('alice')).toBe(false);
    tracker.connect('alice', 'c1');
    expect(tracker.isOnline('alice')).toBe(true);
    expect(tracker.connectionCount('alice')).toBe(1);
    expect(heard).toEqual([['alice', true]]);
  });

  it('P1: a user with several connections stays online while any one is open', () => {
    tracker.connect('alice', 'c1');
    tracker.connect('alice', 'c2');
    tracker.connect('alice', 'c3');
    expect(tracker.connectionCount('alice')).toBe(3);
    tracker.disconnect('alice', 'c1');
    tracker.disconnect('alice', 'c3');
    clock.advance(GRACE_MS * 3);
    expect(tracker.isOnline('alice')).toBe(true);
    expect(tracker.connectionCount('alice')).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    // Only the first connection was a transition.
    expect(heard).toEqual([['alice', true]]);
  });

  it('P2: after the last connection closes the user goes offline only once the grace delay has passed', () => {
    tracker.connect('alice', 'c1');
    tracker.disconnect('alice', 'c1');
    expect(tracker.connectionCount('alice')).toBe(0);
    expect(tracker.isOnline('alice')).toBe(true);
    clock.advance(GRACE_MS - 1);
    expect(tracker.isOnline('alice')).toBe(true);
    expect(heard).toEqual([['alice', true]]);
    clock.advance(1);
    expect(tracker.isOnline('alice')).toBe(false);
    expect(heard).toEqual([
      ['alice', true],
      ['alice', false],
    ]);
  });

  it('P2: reconnecting within the grace delay changes nothing and cancels the pending offline', () => {
    tracker.connect('alice', 'c1');
    tracker.disconnect('alice', 'c1');
    clock.advance(GRACE_MS - 10);
    tracker.connect('alice', 'c2');
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(GRACE_MS * 2);
    expect(tracker.isOnline('alice')).toBe(true);
    expect(heard).toEqual([['alice', true]]);
  });

  it('P2: the grace delay restarts from the latest last-disconnect', () => {
    tracker.connect('alice', 'c1');
    tracker.disconnect('alice', 'c1');
    clock.advance(GRACE_MS - 1);
    tracker.connect('alice', 'c2');
    tracker.disconnect('alice', 'c2');
    clock.advance(GRACE_MS - 1);
    expect(tracker.isOnline('alice')).toBe(true);
    clock.advance(1);
    expect(tracker.isOnline('alice')).toBe(false);
    expect(heard).toEqual([
      ['alice', true],
      ['alice', false],
    ]);
  });

  it('P1/P2: listeners hear only transitions, per user, and a second online after offline is heard again', () => {
    tracker.connect('alice', 'a1');
    tracker.connect('bob', 'b1');
    tracker.connect('alice', 'a2');
    tracker.disconnect('alice', 'a1');
    tracker.disconnect('bob', 'b1');
    clock.advance(GRACE_MS);
    tracker.connect('bob', 'b2');
    expect(heard).toEqual([
      ['alice', true],
      ['bob', true],
      ['bob', false],
      ['bob', true],
    ]);
  });

  it('P1: disconnecting an unknown or already closed connection is ignored', () => {
    tracker.disconnect('ghost', 'x');
    tracker.connect('alice', 'c1');
    tracker.disconnect('alice', 'nope');
    tracker.disconnect('alice', 'c1');
    tracker.disconnect('alice', 'c1');
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(GRACE_MS);
    expect(heard).toEqual([
      ['alice', true],
      ['alice', false],
    ]);
  });

  it('P1: an unsubscribed listener hears nothing more', () => {
    const other: Array<[string, boolean]> = [];
    const off = tracker.onChange((u, state) => other.push([u, state !== 'offline']));
    tracker.connect('alice', 'c1');
    off();
    tracker.disconnect('alice', 'c1');
    clock.advance(GRACE_MS);
    expect(other).toEqual([['alice', true]]);
    expect(heard).toEqual([
      ['alice', true],
      ['alice', false],
    ]);
  });

  it('P2: dispose cancels pending offline timers without announcing anyone', () => {
    tracker.connect('alice', 'c1');
    tracker.disconnect('alice', 'c1');
    tracker.dispose();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(GRACE_MS * 2);
    expect(heard).toEqual([['alice', true]]);
    expect(tracker.isOnline('alice')).toBe(false);
  });

  describe('P4: active and away', () => {
    let states: string[];
    beforeEach(() => {
      states = [];
      tracker.onChange((userId, state) => states.push(`${userId}:${state}`));
    });

    it('P4: a user is away only when every connection says so, and active again when one does', () => {
      tracker.connect('alice', 'c1');
      tracker.connect('alice', 'c2');
      tracker.setActive('alice', 'c1', false);
      expect(tracker.stateOf('alice')).toBe('active');
      tracker.setActive('alice', 'c2', false);
      expect(tracker.stateOf('alice')).toBe('away');
      // Saying it again is no transition.
      tracker.setActive('alice', 'c2', false);
      tracker.setActive('alice', 'c1', true);
      expect(tracker.stateOf('alice')).toBe('active');
      expect(states).toEqual(['alice:active', 'alice:away', 'alice:active']);
    });

    it('P4: closing the only active connection leaves the user away', () => {
      tracker.connect('alice', 'c1');
      tracker.connect('alice', 'c2');
      tracker.setActive('alice', 'c2', false);
      tracker.disconnect('alice', 'c1');
      expect(tracker.stateOf('alice')).toBe('away');
      expect(states).toEqual(['alice:active', 'alice:away']);
    });

    it('P2, P4: an away user keeps being away through the grace delay, then goes offline', () => {
      tracker.connect('alice', 'c1');
      tracker.setActive('alice', 'c1', false);
      tracker.disconnect('alice', 'c1');
      clock.advance(GRACE_MS - 1);
      expect(tracker.stateOf('alice')).toBe('away');
      clock.advance(1);
      expect(tracker.stateOf('alice')).toBe('offline');
      expect(states).toEqual(['alice:active', 'alice:away', 'alice:offline']);
    });

    it('P4: a report from a connection that is not open changes nothing', () => {
      tracker.setActive('alice', 'gone', false);
      tracker.connect('alice', 'c1');
      tracker.setActive('alice', 'other', false);
      expect(tracker.stateOf('alice')).toBe('active');
      expect(states).toEqual(['alice:active']);
    });
  });
});
