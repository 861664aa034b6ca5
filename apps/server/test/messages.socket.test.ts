import { DEFAULT_ROOM_NAME, HISTORY_PAGE_DEFAULT, MESSAGE_TEXT_MAX, type Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type TestClient, type TestServer } from './harness.js';

describe('messages over /chat', () => {
  const h = useHarness();

  /** alice (two tabs) and bob in general; carol registered and connected but outside general. */
  async function cast(server: TestServer) {
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const alice1 = await h.connect(server, alice, 'alice1');
    const alice2 = await h.connect(server, alice, 'alice2');
    const bob1 = await h.connect(server, bob, 'bob1');
    const carol1 = await h.connect(server, carol, 'carol1');
    const general = (await alice1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    await carol1.ok('room:leave', { roomId: general.id });
    return { alice, bob, carol, alice1, alice2, bob1, carol1, general };
  }

  const send = (tab: TestClient, roomId: string, text: string, clientMessageId = newCmid()) =>
    tab.request('message:send', { roomId, clientMessageId, text });

  it('M1: message:send acks the stored message, which history then returns', async () => {
    const server = await h.start();
    const c = await cast(server);
    const clientMessageId = newCmid();
    const ack = await send(c.alice1, c.general.id, 'hello world', clientMessageId);
    expect(ack).toEqual({
      ok: true,
      data: {
        id: expect.any(String),
        roomId: c.general.id,
        seq: 1,
        authorId: c.alice.user.id,
        authorName: 'alice',
        clientMessageId,
        text: 'hello world',
        createdAt: expect.any(Number),
      },
    });
    const page = await c.bob1.ok('message:history', { roomId: c.general.id });
    expect(page).toEqual({ roomId: c.general.id, messages: [ack.ok && ack.data], hasMore: false, lastSeq: 1 });
  });

  it('M4: message:created goes to every socket in the room, the sender and its other tabs included, and to no one else', async () => {
    const server = await h.start();
    const c = await cast(server);
    const message = await c.alice1.ok('message:send', {
      roomId: c.general.id,
      clientMessageId: newCmid(),
      text: 'hi all',
    });
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      expect(await tab.waitFor('message:created', (m) => m.id === message.id), tab.label).toEqual(message);
    }
    await c.carol1.sync();
    expect(c.carol1.received('message:created')).toEqual([]);
  });

  it('M2: seq is strictly increasing in the room, and every tab sees messages in seq order', async () => {
    const server = await h.start();
    const c = await cast(server);
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(i % 3 === 0 ? c.bob1 : i % 2 ? c.alice1 : c.alice2, c.general.id, `n${i}`),
      ),
    );
    const seqs = acks.map((a) => (a.ok ? a.data.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      await tab.waitFor('message:created', (m) => m.seq === 30);
      expect(
        tab.received('message:created').map((m) => m.seq),
        tab.label,
      ).toEqual(seqs);
    }
  });

  it('M3: a retried send with the same clientMessageId returns the original and stores nothing', async () => {
    const server = await h.start();
    const c = await cast(server);
    const clientMessageId = newCmid();
    const first = await send(c.alice1, c.general.id, 'once', clientMessageId);
    const retry = await send(c.alice2, c.general.id, 'once', clientMessageId);
    expect(first.ok).toBe(true);
    expect(retry).toEqual(first);
    // One broadcast only: a later message arrives, and the first one was seen exactly once before it.
    const later = await c.alice1.ok('message:send', {
      roomId: c.general.id,
      clientMessageId: newCmid(),
      text: 'later',
    });
    expect(later.seq).toBe(2);
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      await tab.waitFor('message:created', (m) => m.id === later.id);
      expect(
        tab.received('message:created').map((m) => m.text),
        tab.label,
      ).toEqual(['once', 'later']);
    }
    const page = await c.bob1.ok('message:history', { roomId: c.general.id });
    expect(page.messages.map((m) => m.clientMessageId)).toEqual([clientMessageId, later.clientMessageId]);
  });

  it('M3: a retry naming another room is conflict and nothing is stored or broadcast there', async () => {
    const server = await h.start();
    const c = await cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    const clientMessageId = newCmid();
    await c.alice1.ok('message:send', { roomId: c.general.id, clientMessageId, text: 'here' });
    expect(await send(c.alice1, lobby.id, 'here', clientMessageId)).toEqual({ ok: false, error: 'conflict' });
    expect((await c.alice1.ok('message:history', { roomId: lobby.id })).messages).toEqual([]);
    await c.alice2.sync();
    expect(c.alice2.received('message:created').filter((m) => m.roomId === lobby.id)).toEqual([]);
  });

  it('M5: 4000 characters are accepted, counted in code points (4000 emoji too)', async () => {
    const server = await h.start();
    const c = await cast(server);
    const ascii = await c.alice1.ok('message:send', {
      roomId: c.general.id,
      clientMessageId: newCmid(),
      text: 'a'.repeat(MESSAGE_TEXT_MAX),
    });
    expect(ascii.text).toHaveLength(MESSAGE_TEXT_MAX);
    const emoji = '🦜'.repeat(MESSAGE_TEXT_MAX);
    const wide = await c.alice1.ok('message:send', { roomId: c.general.id, clientMessageId: newCmid(), text: emoji });
    expect(wide.text).toBe(emoji);
    expect(await c.bob1.waitFor('message:created', (m) => m.id === wide.id)).toEqual(wide);
  });

  it('M5: over 4000 characters is too_long, blank is empty_message; nothing is stored or broadcast', async () => {
    const server = await h.start();
    const c = await cast(server);
    const refusals: Array<[string, string]> = [
      ['a'.repeat(MESSAGE_TEXT_MAX + 1), 'too_long'],
      ['🦜'.repeat(MESSAGE_TEXT_MAX + 1), 'too_long'],
      ['a'.repeat(MESSAGE_TEXT_MAX * 2 + 1), 'too_long'],
      ['', 'empty_message'],
      [' ', 'empty_message'],
      ['  \n\t ', 'empty_message'],
    ];
    for (const [text, error] of refusals) {
      expect(await send(c.alice1, c.general.id, text), `${text.length} units`).toMatchObject({ ok: false, error });
    }
    const marker = await c.alice1.ok('message:send', {
      roomId: c.general.id,
      clientMessageId: newCmid(),
      text: 'marker',
    });
    expect(marker.seq).toBe(1);
    await c.bob1.waitFor('message:created', (m) => m.id === marker.id);
    expect(c.bob1.received('message:created')).toEqual([marker]);
  });

  it('M6: message:history pages backwards with before and limit, ascending, with hasMore', async () => {
    const server = await h.start();
    const c = await cast(server);
    const sent: Message[] = [];
    for (let i = 1; i <= 7; i++) {
      sent.push(await c.alice1.ok('message:send', { roomId: c.general.id, clientMessageId: newCmid(), text: `m${i}` }));
    }
    const newest = await c.bob1.ok('message:history', { roomId: c.general.id, limit: 3 });
    expect(newest).toEqual({ roomId: c.general.id, messages: sent.slice(4), hasMore: true, lastSeq: sent.length });
    const middle = await c.bob1.ok('message:history', { roomId: c.general.id, limit: 3, before: 5 });
    expect(middle).toEqual({ roomId: c.general.id, messages: sent.slice(1, 4), hasMore: true, lastSeq: sent.length });
    const oldest = await c.bob1.ok('message:history', { roomId: c.general.id, limit: 3, before: 2 });
    expect(oldest).toEqual({ roomId: c.general.id, messages: sent.slice(0, 1), hasMore: false, lastSeq: sent.length });
    const all = await c.bob1.ok('message:history', { roomId: c.general.id, limit: 100 });
    expect(all.messages).toEqual(sent);
    expect(all.hasMore).toBe(false);
  });

  it('M6: without limit the newest 50 come back, and limit is at most 100', async () => {
    const server = await h.start();
    const c = await cast(server);
    await Promise.all(
      Array.from({ length: HISTORY_PAGE_DEFAULT + 5 }, (_, i) =>
        send(i % 2 ? c.alice1 : c.bob1, c.general.id, `m${i}`),
      ),
    );
    const page = await c.alice2.ok('message:history', { roomId: c.general.id });
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: HISTORY_PAGE_DEFAULT }, (_, i) => i + 6));
    expect(page.hasMore).toBe(true);
    expect(await c.alice2.request('message:history', { roomId: c.general.id, limit: 101 })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
  });

  it('M7: only members may send or read history (forbidden)', async () => {
    const server = await h.start();
    const c = await cast(server);
    const secret = await c.alice1.ok('room:create', { name: 'secret', isPrivate: true });
    await c.alice1.ok('message:send', { roomId: secret.id, clientMessageId: newCmid(), text: 'members only' });
    expect(await send(c.bob1, secret.id, 'let me in')).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.bob1.request('message:history', { roomId: secret.id })).toEqual({ ok: false, error: 'forbidden' });
    // carol left general: she may no longer post or read there.
    expect(await send(c.carol1, c.general.id, 'hello?')).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.carol1.request('message:history', { roomId: c.general.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    // Unknown rooms look the same as rooms one is not in.
    expect(await send(c.bob1, 'no-such-room', 'hi')).toEqual({ ok: false, error: 'forbidden' });
    expect((await c.alice1.ok('message:history', { roomId: secret.id })).messages.map((m) => m.text)).toEqual([
      'members only',
    ]);
  });

  it('W4/M1: a message:send without an ack callback is still stored and broadcast', async () => {
    const server = await h.start();
    const c = await cast(server);
    const clientMessageId = newCmid();
    c.alice1.emitNoAck('message:send', { roomId: c.general.id, clientMessageId, text: 'fire and forget' });
    const created = await c.bob1.waitFor('message:created', (m) => m.clientMessageId === clientMessageId);
    expect(created).toMatchObject({ text: 'fire and forget', seq: 1, authorName: 'alice' });
    expect(c.alice1.connected).toBe(true);
    // Retried with an ack, it answers the original.
    expect(await send(c.alice1, c.general.id, 'fire and forget', clientMessageId)).toEqual({ ok: true, data: created });
  });
});
