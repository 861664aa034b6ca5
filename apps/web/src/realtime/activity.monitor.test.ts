import { describe, expect, it } from 'vitest';
import { ActivityMonitor, type Activity } from './activity.monitor';

const IDLE_MS = 5 * 60_000;

/** A fake clock with timers, and a tab whose visibility the test sets. */
function setup(visible = true) {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const heard: Activity[] = [];
  const tab = { visible };
  const monitor = new ActivityMonitor({
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => timers.delete(id as number),
    isVisible: () => tab.visible,
    changed: (activity) => heard.push(activity),
    idleMs: IDLE_MS,
  });
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  };
  return { monitor, heard, tab, advance, timers };
}

describe('ActivityMonitor (P4)', () => {
  it('a shown tab starts active and turns away after 5 minutes without input, not before', () => {
    const { monitor, heard, advance } = setup();
    expect(monitor.current()).toBe('active');
    advance(IDLE_MS - 1);
    expect(monitor.current()).toBe('active');
    advance(1);
    expect(monitor.current()).toBe('away');
    expect(heard).toEqual(['away']);
  });

  it('input pushes the idle delay back and brings an away tab back to active', () => {
    const { monitor, heard, advance } = setup();
    advance(IDLE_MS - 1000);
    monitor.input();
    advance(IDLE_MS - 1);
    expect(monitor.current()).toBe('active');
    advance(1);
    expect(monitor.current()).toBe('away');
    monitor.input();
    expect(monitor.current()).toBe('active');
    advance(IDLE_MS);
    expect(heard).toEqual(['away', 'active', 'away']);
  });

  it('hiding the tab makes it away at once; showing it makes it active and restarts the delay', () => {
    const { monitor, heard, tab, advance } = setup();
    advance(60_000);
    tab.visible = false;
    monitor.visibilityChanged();
    expect(monitor.current()).toBe('away');
    // Input reaching a hidden tab (a key held as it hid) does not make it active.
    monitor.input();
    expect(monitor.current()).toBe('away');
    advance(IDLE_MS * 3);
    tab.visible = true;
    monitor.visibilityChanged();
    expect(monitor.current()).toBe('active');
    advance(IDLE_MS - 1);
    expect(monitor.current()).toBe('active');
    advance(1);
    expect(heard).toEqual(['away', 'active', 'away']);
  });

  it('a tab that starts hidden starts away', () => {
    const { monitor, heard } = setup(false);
    expect(monitor.current()).toBe('away');
    expect(heard).toEqual([]);
  });

  it('a stream of input keeps one timer, and stop leaves none', () => {
    const { monitor, timers, advance } = setup();
    for (let i = 0; i < 1000; i++) {
      advance(100);
      monitor.input();
    }
    expect(timers.size).toBe(1);
    monitor.stop();
    expect(timers.size).toBe(0);
  });
});
