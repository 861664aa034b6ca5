import { describe, expect, it } from 'vitest';
import type { WriteOutcome, WriteRequest } from './sqlite.writes.js';
import { StorageWriteError, WriteQueue } from './write-queue.js';

/** A batch runner the test completes by hand, recording every batch it was given. */
function manualRunner() {
  const batches: { requests: WriteRequest[]; at: number; finish: (outcomes?: WriteOutcome[]) => void }[] = [];
  const run = (requests: WriteRequest[]) =>
    new Promise<WriteOutcome[]>((resolve) => {
      batches.push({
        requests,
        at: performance.now(),
        finish: (outcomes) => resolve(outcomes ?? requests.map((r) => ({ ok: true, value: r.args[0] }))),
      });
    });
  return { run, batches };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const touch = (queue: WriteQueue, key: string) => queue.call('touchSession', key, 1);
const keysOf = (requests: WriteRequest[]) => requests.map((r) => r.args[0]);

describe('WriteQueue (group commit)', () => {
  it('S5: one batch in flight; writes arriving meanwhile form the next batch, answered in order', async () => {
    const { run, batches } = manualRunner();
    const queue = new WriteQueue(run);
    const first = touch(queue, 'a');
    await tick();
    expect(batches.map((b) => keysOf(b.requests))).toEqual([['a']]);
    const later = [touch(queue, 'b'), touch(queue, 'c')];
    await tick();
    expect(batches).toHaveLength(1); // still waiting for the first commit
    batches[0]!.finish();
    expect(await first).toBe('a');
    await tick();
    expect(keysOf(batches[1]!.requests)).toEqual(['b', 'c']);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['b', 'c']);
  });

  it('a failed write rejects alone with the writer’s code; a failed commit rejects its whole batch', async () => {
    const { run, batches } = manualRunner();
    const queue = new WriteQueue(run);
    const writes = [touch(queue, 'a'), touch(queue, 'b')];
    await tick();
    batches[0]!.finish([
      { ok: true, value: null },
      {
        ok: false,
        error: { name: 'SqliteError', message: 'NOT NULL constraint failed', code: 'SQLITE_CONSTRAINT_NOTNULL' },
      },
    ]);
    await expect(writes[0]).resolves.toBeNull();
    await expect(writes[1]).rejects.toMatchObject({ name: 'StorageWriteError', code: 'SQLITE_CONSTRAINT_NOTNULL' });

    const failing = new WriteQueue(async () => {
      throw new Error('disk I/O error');
    });
    const both = [touch(failing, 'x'), touch(failing, 'y')];
    for (const write of both) await expect(write).rejects.toBeInstanceOf(StorageWriteError);
  });

  it('under concurrent load, waits out the minimum interval so the next commit carries more writes', async () => {
    const { run, batches } = manualRunner();
    const queue = new WriteQueue(run, { minIntervalMs: 50 });
    void touch(queue, 'a');
    await tick();
    const pending = [touch(queue, 'b')]; // arrives while the first commit runs: load
    batches[0]!.finish();
    await tick();
    await tick();
    expect(batches).toHaveLength(1); // held back, not sent at once
    pending.push(touch(queue, 'c'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(batches).toHaveLength(2);
    expect(keysOf(batches[1]!.requests)).toEqual(['b', 'c']);
    // Node's timers run on a millisecond clock, so allow a little early firing.
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(40);
    batches[1]!.finish();
    expect(await Promise.all(pending)).toEqual(['b', 'c']);
  });

  it('never holds back a lone writer that awaits each write in turn', async () => {
    const { run, batches } = manualRunner();
    // An interval far longer than the test's timeout: any wait would fail the test.
    const queue = new WriteQueue(run, { minIntervalMs: 600_000 });
    for (const key of ['a', 'b', 'c']) {
      const write = touch(queue, key);
      await tick();
      batches.at(-1)!.finish();
      expect(await write).toBe(key);
    }
    expect(batches.map((b) => keysOf(b.requests))).toEqual([['a'], ['b'], ['c']]);
  });

  it('drain resolves once every accepted write is answered', async () => {
    const { run, batches } = manualRunner();
    const queue = new WriteQueue(run);
    const write = touch(queue, 'a');
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    batches[0]!.finish();
    await draining;
    expect(await write).toBe('a');
  });
});
