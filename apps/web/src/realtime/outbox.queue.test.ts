import type { Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { memoryOutboxStorage, type OutboxRecord, type OutboxStorage } from '../lib/outbox.storage';
import { backoffDelay, Outbox, type SendOutcome, type Timers } from './outbox.queue';

/** A clock and timers that only move when the test says so. */
class ManualTimers implements Timers {
  private time = 1_000_000;
  private nextId = 1;
  private tasks = new Map<number, { at: number; fn: () => void }>();
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.tasks.delete(handle as number);
  };
  /** Moves time forward, running what falls due in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.tasks.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.tasks.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
}

/** Lets pending promise callbacks (storage, sends) run. Not a sleep: no time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function storedCopy(record: OutboxRecord, seq = 1): Message {
  return {
    id: `id-${record.clientMessageId}`,
    roomId: record.roomId,
    seq,
    authorId: 'me',
    authorName: 'me',
    clientMessageId: record.clientMessageId,
    text: record.text,
    createdAt: 0,
  };
}

function harness(options: { storage?: OutboxStorage; connected?: boolean; random?: number } = {}) {
  const timers = new ManualTimers();
  const storage = options.storage ?? memoryOutboxStorage();
  const sends: { record: OutboxRecord; answer: (outcome: SendOutcome) => void }[] = [];
  const events: string[] = [];
  const state = { connected: options.connected ?? true, orphanedRooms: [] as string[] };
  let ids = 0;
  const outbox = new Outbox({
    openStorage: async () => storage,
    send: (record) => new Promise((resolve) => sends.push({ record, answer: resolve })),
    isConnected: () => state.connected,
    isOrphaned: (record) => state.orphanedRooms.includes(record.roomId),
    newId: () => `cmid-${++ids}`,
    timers,
    random: () => options.random ?? 1,
    view: {
      shown: (records) => records.forEach((r) => events.push(`shown ${r.text}`)),
      updated: (r) => events.push(`${r.status} ${r.text}${r.failure ? ` (${r.failure})` : ''}`),
      delivered: (r) => events.push(`delivered ${r.text}`),
      dropped: (r) => events.push(`dropped ${r.text}`),
      refused: (r, error) => events.push(`refused ${r.kind} ${r.text} (${error})`),
      held: (reason) => events.push(`held ${reason ?? 'no more'}`),
    },
  });
  /** Answers the oldest unanswered send. */
  const answer = async (outcome: SendOutcome | 'ok') => {
    const next = sends.shift();
    if (!next) throw new Error('nothing was sent');
    next.answer(outcome === 'ok' ? { ok: true, message: storedCopy(next.record) } : outcome);
    await settle();
  };
  const sentTexts = () => sends.map((s) => s.record.text);
  return { outbox, timers, storage, sends, events, state, answer, sentTexts };
}

describe('backoffDelay', () => {
  it('doubles from 1 s and is capped at 30 s', () => {
    const full = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, full))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('jitters between half and all of the delay', () => {
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(3, () => 0.5)).toBe(3000);
  });
});

describe('Outbox', () => {
  it('S5: stores a message before it shows as sending', async () => {
    const h = harness();
    const seenInStorage: boolean[] = [];
    const put = h.storage.put.bind(h.storage);
    h.storage.put = async (record) => {
      h.events.push(`stored ${record.text}`);
      await put(record);
    };
    await h.outbox.start();
    const record = await h.outbox.write('r1', 'one');
    seenInStorage.push((await h.storage.load()).some((r) => r.clientMessageId === record.clientMessageId));
    expect(h.events.slice(0, 2)).toEqual(['stored one', 'shown one']);
    expect(seenInStorage).toEqual([true]);
  });

  it('sends one at a time, oldest first across every room, and removes each only on its ack', async () => {
    const h = harness();
    await h.outbox.start();
    await h.outbox.write('r1', 'a');
    await h.outbox.write('r2', 'b');
    await h.outbox.write('r1', 'c');
    expect(h.sentTexts()).toEqual(['a']);
    expect((await h.storage.load()).map((r) => r.text)).toEqual(['a', 'b', 'c']);

    await h.answer('ok');
    expect(h.sentTexts()).toEqual(['b']);
    expect((await h.storage.load()).map((r) => r.text)).toEqual(['b', 'c']);
    await h.answer('ok');
    await h.answer('ok');
    expect(h.events.filter((e) => e.startsWith('delivered'))).toEqual(['delivered a', 'delivered b', 'delivered c']);
    expect(await h.storage.load()).toEqual([]);
    expect(h.outbox.pending()).toEqual([]);
  });

  it('retries an unanswered send with exponential backoff, always with the same clientMessageId', async () => {
    const h = harness();
    await h.outbox.start();
    await h.outbox.write('r1', 'a');
    await h.outbox.write('r1', 'b');
    const id = h.sends[0]!.record.clientMessageId;

    for (const delay of [1000, 2000, 4000]) {
      await h.answer({ ok: false, error: 'no_answer' });
      h.timers.advance(delay - 1);
      await settle();
      expect(h.sends).toHaveLength(0); // not yet, and b does not overtake a
      h.timers.advance(1);
      await settle();
      expect(h.sends.map((s) => s.record.clientMessageId)).toEqual([id]);
    }
    await h.answer({ ok: false, error: 'unavailable' });
    h.timers.advance(8000);
    await settle();
    expect(h.sentTexts()).toEqual(['a']);
    await h.answer('ok');
    expect(h.sentTexts()).toEqual(['b']);
  });

  it('honours retryAfterMs, even across a reconnect', async () => {
    const h = harness();
    await h.outbox.start();
    await h.outbox.write('r1', 'a');
    await h.answer({ ok: false, error: 'rate_limited', retryAfterMs: 5000 });
    h.outbox.connected();
    h.timers.advance(4999);
    await settle();
    expect(h.sends).toHaveLength(0);
    h.timers.advance(1);
    await settle();
    expect(h.sentTexts()).toEqual(['a']);
  });

  it('S8: storage_full keeps the message, says so once, waits retryAfterMs and sends it when the server can', async () => {
    const h = harness();
    await h.outbox.start();
    const a = await h.outbox.write('r1', 'a');
    await h.outbox.write('r1', 'b');
    await h.answer({ ok: false, error: 'storage_full', retryAfterMs: 5000 });
    h.timers.advance(4999);
    await settle();
    expect(h.sends).toHaveLength(0);
    h.timers.advance(1);
    await settle();
    expect(h.sentTexts()).toEqual(['a']);
    await h.answer({ ok: false, error: 'storage_full', retryAfterMs: 5000 });
    // Kept, not failed: nothing asks for Retry, and a reload still finds it.
    expect(h.events.filter((e) => e.startsWith('failed'))).toEqual([]);
    expect((await h.storage.load()).map((r) => r.clientMessageId)).toContain(a.clientMessageId);
    h.timers.advance(5000);
    await settle();
    await h.answer('ok');
    await h.answer('ok');
    expect(h.events.filter((e) => e.startsWith('held') || e.startsWith('delivered'))).toEqual([
      'held storage_full',
      'held no more',
      'delivered a',
      'delivered b',
    ]);
  });

  it('a fresh connection sends at once instead of waiting out the backoff', async () => {
    const h = harness();
    await h.outbox.start();
    await h.outbox.write('r1', 'a');
    h.state.connected = false;
    await h.answer({ ok: false, error: 'no_answer' }); // the connection dropped mid-send
    h.timers.advance(60_000);
    await settle();
    expect(h.sends).toHaveLength(0); // nothing goes out while disconnected
    h.state.connected = true;
    h.outbox.connected();
    await settle();
    expect(h.sentTexts()).toEqual(['a']);
  });

  it('messages written offline queue up and go out in order on reconnect', async () => {
    const h = harness({ connected: false });
    await h.outbox.start();
    for (const text of ['one', 'two', 'three']) await h.outbox.write('r1', text);
    expect(h.sends).toHaveLength(0);
    expect(h.events).toEqual(['shown one', 'shown two', 'shown three']);
    h.state.connected = true;
    h.outbox.connected();
    await settle();
    const order: string[] = [];
    while (h.sends.length > 0) {
      order.push(h.sends[0]!.record.text);
      await h.answer('ok');
    }
    expect(order).toEqual(['one', 'two', 'three']);
  });

  it('a refusal for good marks the entry failed (stored as such) and the rest go on; Retry resends it', async () => {
    const h = harness();
    await h.outbox.start();
    const a = await h.outbox.write('r1', 'a');
    await h.outbox.write('r2', 'b');
    await h.answer({ ok: false, error: 'forbidden' });
    expect(h.events).toContain('failed a (forbidden)');
    expect((await h.storage.load()).find((r) => r.text === 'a')).toMatchObject({
      status: 'failed',
      failure: 'forbidden',
    });
    expect(h.sentTexts()).toEqual(['b']);
    await h.answer('ok');

    h.outbox.retry(a.clientMessageId);
    await settle();
    expect(h.events.at(-1)).toBe('sending a');
    expect(h.sends.map((s) => s.record.clientMessageId)).toEqual([a.clientMessageId]);
    await h.answer('ok');
    expect(await h.storage.load()).toEqual([]);
  });

  it.each(['invalid_payload', 'too_long', 'empty_message', 'conflict'] as const)(
    '%s is not retried on its own',
    async (error) => {
      const h = harness();
      await h.outbox.start();
      await h.outbox.write('r1', 'a');
      await h.answer({ ok: false, error });
      h.timers.advance(120_000);
      h.outbox.connected();
      await settle();
      expect(h.sends).toHaveLength(0);
      expect(h.outbox.pending()[0]).toMatchObject({ status: 'failed', failure: error });
    },
  );

  it('drops a refused entry whose room is no longer mine, instead of keeping it failed', async () => {
    const h = harness();
    h.state.orphanedRooms = ['left'];
    await h.outbox.start();
    await h.outbox.write('left', 'a');
    await h.outbox.write('r1', 'b');
    await h.answer({ ok: false, error: 'forbidden' });
    expect(h.events).toContain('dropped a');
    expect(h.outbox.pending().map((r) => r.text)).toEqual(['b']);
    await h.answer('ok');
    expect(await h.storage.load()).toEqual([]);
  });

  it('restores pending entries after a reload: shown, sent in order, failed ones left for Retry', async () => {
    const storage = memoryOutboxStorage();
    const old = (text: string, queuedAt: number, status: OutboxRecord['status'] = 'sending'): OutboxRecord => ({
      clientMessageId: `old-${text}`,
      roomId: 'r1',
      text,
      queuedAt,
      status,
    });
    await storage.put(old('second', 2));
    await storage.put(old('broken', 3, 'failed'));
    await storage.put(old('first', 1));
    const h = harness({ storage });
    // Written before the restore finished: still goes after what was written earlier.
    const writing = h.outbox.write('r1', 'new');
    await h.outbox.start();
    await writing;
    expect(h.events.slice(0, 3)).toEqual(['shown first', 'shown second', 'shown broken']);
    const order: string[] = [];
    while (h.sends.length > 0) {
      order.push(h.sends[0]!.record.clientMessageId);
      await h.answer('ok');
    }
    expect(order).toEqual(['old-first', 'old-second', 'cmid-1']);
    expect(h.outbox.pending().map((r) => r.text)).toEqual(['broken']);
  });

  it('keeps working in memory when storage refuses writes', async () => {
    const broken: OutboxStorage = {
      durable: true,
      load: () => Promise.reject(new Error('InvalidStateError')),
      put: () => Promise.reject(new Error('QuotaExceededError')),
      delete: () => Promise.reject(new Error('InvalidStateError')),
    };
    const h = harness({ storage: broken });
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await h.outbox.start();
      await h.outbox.write('r1', 'a');
      expect(h.events).toEqual(['shown a']);
      await h.answer('ok');
      expect(h.events).toEqual(['shown a', 'delivered a']);
    } finally {
      console.warn = warn;
    }
  });

  it('sends nothing more once stopped (signed out)', async () => {
    const h = harness({ connected: false });
    await h.outbox.start();
    await h.outbox.write('r1', 'a');
    h.outbox.stop();
    h.state.connected = true;
    h.outbox.connected();
    await settle();
    expect(h.sends).toHaveLength(0);
    // Still stored: it goes out at this account's next sign-in.
    expect((await h.storage.load()).map((r) => r.text)).toEqual(['a']);
  });
});

describe('Outbox operations (a pending message can be answered, reacted to, edited or taken back)', () => {
  it('E3: a reaction to a message still in the outbox waits behind it, then names it by the id its ack gave', async () => {
    const h = harness();
    await h.outbox.start();
    const message = await h.outbox.write('r1', 'hello');
    await h.outbox.perform('r1', {
      kind: 'react',
      target: { clientMessageId: message.clientMessageId },
      emoji: '👍',
      on: true,
    });
    expect(h.sends.map((s) => s.record.kind ?? 'send')).toEqual(['send']);
    await h.answer('ok');
    expect(h.sends).toHaveLength(1);
    expect(h.sends[0]!.record).toMatchObject({
      kind: 'react',
      target: { messageId: `id-${message.clientMessageId}` },
      emoji: '👍',
      on: true,
    });
    // Stored resolved, too: a reload would send the right id.
    expect((await h.storage.load())[0]).toMatchObject({ target: { messageId: `id-${message.clientMessageId}` } });
  });

  it('E4: a reply to a message still in the outbox goes out after it, answering its id', async () => {
    const h = harness({ connected: false });
    await h.outbox.start();
    const parent = await h.outbox.write('r1', 'question');
    await h.outbox.write('r1', 'answer', { clientMessageId: parent.clientMessageId });
    h.state.connected = true;
    h.outbox.connected();
    await settle();
    await h.answer('ok');
    expect(h.sends[0]!.record).toMatchObject({
      text: 'answer',
      replyTo: { messageId: `id-${parent.clientMessageId}` },
    });
  });

  it('E1/E2: editing or deleting one of mine that has not gone out changes or takes it back here: nothing reaches the server', async () => {
    const h = harness({ connected: false });
    await h.outbox.start();
    const typo = await h.outbox.write('r1', 'helo');
    const gone = await h.outbox.write('r1', 'oops');
    await h.outbox.perform('r1', {
      kind: 'react',
      target: { clientMessageId: gone.clientMessageId },
      emoji: '🎉',
      on: true,
    });
    await h.outbox.perform('r1', { kind: 'edit', target: { clientMessageId: typo.clientMessageId }, text: 'hello' });
    await h.outbox.perform('r1', { kind: 'delete', target: { clientMessageId: gone.clientMessageId } });
    expect(h.outbox.pending().map((r) => [r.kind ?? 'send', r.text])).toEqual([['send', 'hello']]);
    await settle();
    expect((await h.storage.load()).map((r) => r.text)).toEqual(['hello']);
    h.state.connected = true;
    h.outbox.connected();
    await settle();
    expect(h.sentTexts()).toEqual(['hello']);
  });

  it('E2: deleting a message while it goes out waits for its id, then deletes it on the server', async () => {
    const h = harness();
    await h.outbox.start();
    const flying = await h.outbox.write('r1', 'sent too soon');
    await h.outbox.perform('r1', { kind: 'delete', target: { clientMessageId: flying.clientMessageId } });
    await h.answer('ok');
    expect(h.sends[0]!.record).toMatchObject({ kind: 'delete', target: { messageId: `id-${flying.clientMessageId}` } });
  });

  it('an operation refused for good is dropped and reported; one about a message whose send failed is dropped too', async () => {
    const h = harness();
    await h.outbox.start();
    await h.outbox.perform('r1', { kind: 'edit', target: { messageId: 'someone-elses' }, text: 'mine now' });
    await h.answer({ ok: false, error: 'forbidden' });
    expect(h.events).toContain('refused edit mine now (forbidden)');
    expect(h.outbox.pending()).toEqual([]);

    const doomed = await h.outbox.write('r1', 'doomed');
    await h.outbox.perform('r1', {
      kind: 'react',
      target: { clientMessageId: doomed.clientMessageId },
      emoji: '👍',
      on: true,
    });
    await h.answer({ ok: false, error: 'forbidden' });
    await settle();
    expect(h.events).toContain('refused react  (not_found)');
    expect(h.outbox.pending().map((r) => [r.text, r.status])).toEqual([['doomed', 'failed']]);
    expect(h.sends).toHaveLength(0);
  });
});
