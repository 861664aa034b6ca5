import { describe, expect, it } from 'vitest';
import { StorageRefusedError } from '../storage.js';
import { WriteQueue } from './write-queue.js';
import { PROBE_INTERVAL_MS, WriteGuard, type StateChange } from './write.guard.js';

function guarded() {
  let now = 0;
  const changes: StateChange[] = [];
  const guard = new WriteGuard(
    (change) => changes.push(change),
    () => now,
  );
  return { guard, changes, advance: (ms: number) => (now += ms), states: () => changes.map((c) => c.state) };
}

describe('WriteGuard (S8)', () => {
  it('S8: a write failing with SQLITE_FULL refuses writes, lets one batch a second try, and a commit ends it', () => {
    const { guard, advance, states } = guarded();
    expect(guard.refusal()).toBeNull();
    guard.failed('SQLITE_FULL', 'database or disk is full');
    expect(guard.state()).toBe('disk_pressure');
    expect(guard.refusal()).toBeInstanceOf(StorageRefusedError);
    advance(PROBE_INTERVAL_MS - 1);
    expect(guard.refusal()?.state).toBe('disk_pressure');
    advance(1);
    expect(guard.refusal(), 'one probe after a second').toBeNull();
    expect(guard.refusal(), 'and only one').not.toBeNull();
    guard.failed('SQLITE_IOERR_WRITE', 'disk I/O error');
    advance(PROBE_INTERVAL_MS);
    expect(guard.refusal()).toBeNull();
    guard.committed();
    expect(guard.state()).toBe('ok');
    expect(guard.refusal()).toBeNull();
    // Exactly one change entering the state and one leaving it, however many failures between.
    expect(states()).toEqual(['disk_pressure', 'ok']);
  });

  it('S8: below the free-space floor nothing is let through, and it ends when space returns', () => {
    const { guard, advance, changes } = guarded();
    guard.diskLow(true, 10 * 1024 * 1024, 64 * 1024 * 1024);
    advance(10 * PROBE_INTERVAL_MS);
    expect(guard.refusal()?.state).toBe('disk_pressure');
    guard.diskLow(false, 100 * 1024 * 1024, 64 * 1024 * 1024);
    expect(guard.refusal()).toBeNull();
    expect(changes.map((c) => c.state)).toEqual(['disk_pressure', 'ok']);
    expect(changes[0]!.reason).toMatch(/below STORAGE_MIN_FREE_MB/);
  });

  it('S9: a damaged database turns writes off for good: read_only, never let through', () => {
    const { guard, advance, states } = guarded();
    guard.failed('SQLITE_CORRUPT', 'database disk image is malformed');
    advance(60 * PROBE_INTERVAL_MS);
    guard.committed();
    guard.diskLow(false, 1, 0);
    expect(guard.state()).toBe('read_only');
    expect(guard.refusal()?.state).toBe('read_only');
    expect(states()).toEqual(['read_only']);
  });

  it('other failures (a constraint) change nothing', () => {
    const { guard, states } = guarded();
    guard.failed('SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed');
    guard.failed(undefined, 'the SQLite writer thread exited');
    expect(guard.state()).toBe('ok');
    expect(states()).toEqual([]);
  });

  it('S8: the write queue answers every write of a refused batch with the refusal itself', async () => {
    const refusal = new StorageRefusedError('disk_pressure');
    const queue = new WriteQueue(async () => {
      throw refusal;
    });
    const results = await Promise.allSettled([queue.call('touchSession', 'a', 1), queue.call('touchSession', 'b', 1)]);
    expect(results).toEqual([
      { status: 'rejected', reason: refusal },
      { status: 'rejected', reason: refusal },
    ]);
  });
});
