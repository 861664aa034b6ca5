import { describe, expect, it } from 'vitest';
import { memoryOutboxStorage, openOutboxStorage, outboxDatabaseName, type OutboxRecord } from './outbox.storage';

const record = (clientMessageId: string, queuedAt: number): OutboxRecord => ({
  clientMessageId,
  roomId: 'r1',
  text: clientMessageId,
  queuedAt,
  status: 'sending',
});

describe('outbox storage', () => {
  it('falls back to memory where IndexedDB does not exist', async () => {
    expect(typeof indexedDB).toBe('undefined'); // Node: the private-mode case
    const storage = await openOutboxStorage('u1');
    expect(storage.durable).toBe(false);
    await storage.put(record('a', 1));
    expect(await storage.load()).toHaveLength(1);
  });

  it('loads oldest first and keeps copies, not the caller’s objects', async () => {
    const storage = memoryOutboxStorage();
    const late = record('late', 20);
    await storage.put(late);
    await storage.put(record('early', 10));
    late.text = 'changed';
    const loaded = await storage.load();
    expect(loaded.map((r) => r.clientMessageId)).toEqual(['early', 'late']);
    expect(loaded[1]?.text).toBe('late');
    await storage.delete('early');
    expect((await storage.load()).map((r) => r.clientMessageId)).toEqual(['late']);
  });

  it('keeps one database per account', () => {
    expect(outboxDatabaseName('u1')).not.toBe(outboxDatabaseName('u2'));
  });
});
