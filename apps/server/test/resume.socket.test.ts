import { HISTORY_PAGE_DEFAULT, RESUME_MAX_CHANGES, type Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type Account, type TestServer } from './harness.js';

describe('resume after a (re)connect', () => {
  const h = useHarness();

  async function setup() {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const aliceTab = await h.connect(server, alice, 'alice');
    const general = (await aliceTab.ok('room:list', {}))[0]!.id;
    return { server, alice, bob, aliceTab, general };
  }

  /** Stores `count` messages by `author` through the domain, all at once (one group commit). */
  async function bulk(server: TestServer, author: Account, roomId: string, count: number): Promise<Message[]> {
    const sends = Array.from({ length: count }, (_, i) =>
      server.app.services.messages.send(author.user, { roomId, clientMessageId: newCmid(), text: `bulk ${i}` }),
    );
    return (await Promise.all(sends)).map((s) => s.message);
  }

  it('S2/S4: a client behind its cursor gets every missed change in order, then sync:complete', async () => {
    const { server, bob, aliceTab, general } = await setup();
    const sent: Message[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(await aliceTab.ok('message:send', { roomId: general, clientMessageId: newCmid(), text: `m${i}` }));
    }
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: 2 } } });
    const complete = await tab.waitFor('sync:complete');
    expect(complete).toEqual({ rooms: 1 });
    expect(tab.received('sync:changes')).toEqual([
      {
        roomId: general,
        changes: sent.slice(2).map((m) => ({ seq: m.seq, kind: 'message:created', messageId: m.id })),
        messages: sent.slice(2),
      },
    ]);
    expect(tab.received('sync:reset')).toEqual([]);
  });

  it("S2: a client at the room's newest seq gets no changes", async () => {
    const { server, bob, aliceTab, general } = await setup();
    const last = await aliceTab.ok('message:send', { roomId: general, clientMessageId: newCmid(), text: 'only' });
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: last.seq } } });
    expect(await tab.waitFor('sync:complete')).toEqual({ rooms: 0 });
    expect(tab.received('sync:changes')).toEqual([]);
  });

  it('S2: without cursors the server sends sync:complete and nothing else', async () => {
    const { server, bob } = await setup();
    const tab = await h.connect(server, bob, 'bob');
    expect(await tab.waitFor('sync:complete')).toEqual({ rooms: 0 });
    expect(tab.received('sync:changes')).toEqual([]);
    expect(tab.received('sync:reset')).toEqual([]);
  });

  it(`S3: a gap over ${RESUME_MAX_CHANGES} changes gets a reset, and the newest page is then right`, async () => {
    const { server, alice, bob, general } = await setup();
    const stored = await bulk(server, alice, general, RESUME_MAX_CHANGES + 5);
    const lastSeq = stored.at(-1)!.seq;
    expect(lastSeq).toBe(RESUME_MAX_CHANGES + 5);
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: 4 } } });
    await tab.waitFor('sync:complete');
    expect(tab.received('sync:reset')).toEqual([{ roomId: general, lastSeq }]);
    expect(tab.received('sync:changes')).toEqual([]);
    const page = await tab.ok('message:history', { roomId: general });
    expect(page.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: HISTORY_PAGE_DEFAULT }, (_, i) => lastSeq - HISTORY_PAGE_DEFAULT + 1 + i),
    );
    expect(page.hasMore).toBe(true);
  });

  it(`S3: a gap of exactly ${RESUME_MAX_CHANGES} is still replayed`, async () => {
    const { server, alice, bob, general } = await setup();
    const stored = await bulk(server, alice, general, RESUME_MAX_CHANGES);
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: 0 } } });
    await tab.waitFor('sync:complete');
    const [changes] = tab.received('sync:changes');
    expect(changes?.messages.map((m) => m.seq)).toEqual(stored.map((m) => m.seq));
  });

  it('S3: a cursor ahead of the room (the store was replaced) gets a reset', async () => {
    const { server, bob, general } = await setup();
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: 40 } } });
    await tab.waitFor('sync:complete');
    expect(tab.received('sync:reset')).toEqual([{ roomId: general, lastSeq: 0 }]);
  });

  it('S4: cursors for rooms the user is not in are ignored; nothing of them is sent', async () => {
    const { server, alice, bob, aliceTab } = await setup();
    const secret = await aliceTab.ok('room:create', { name: 'secret', isPrivate: true });
    await bulk(server, alice, secret.id, 3);
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [secret.id]: 0, 'no-such-room': 0 } } });
    expect(await tab.waitFor('sync:complete')).toEqual({ rooms: 0 });
    expect(tab.received('sync:changes')).toEqual([]);
    expect(tab.received('sync:reset')).toEqual([]);
  });

  it('S4: a malformed auth payload refuses the handshake with invalid_payload', async () => {
    const { server, bob } = await setup();
    for (const auth of [{ cursors: 'all' }, { cursors: { general: -1 } }, { cursors: { x: 1.5 } }, { extra: true }]) {
      const error = await h.connectError(server, '/chat', { cookie: bob.cookie, auth });
      expect(error.message, JSON.stringify(auth)).toBe('invalid_payload');
    }
  });

  it('S2/M8: changes made while the handshake is read arrive live or in the replay, never neither', async () => {
    const { server, alice, bob, aliceTab, general } = await setup();
    await bulk(server, alice, general, 10);
    // Sends through the socket (stored, then broadcast) race the reconnect; afterwards
    // bob's view, replay plus live, must be gapless.
    const racing = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        aliceTab.ok('message:send', { roomId: general, clientMessageId: newCmid(), text: `race ${i}` }),
      ),
    );
    const tab = await h.connect(server, bob, 'bob', { auth: { cursors: { [general]: 5 } } });
    await racing;
    await tab.waitFor('sync:complete');
    const last = await aliceTab.ok('message:send', { roomId: general, clientMessageId: newCmid(), text: 'last' });
    await tab.waitFor('message:created', (m) => m.id === last.id);
    const seen = new Set<number>();
    for (const e of tab.received('sync:changes')) for (const m of e.messages) seen.add(m.seq);
    for (const m of tab.received('message:created')) seen.add(m.seq);
    const expected = Array.from({ length: last.seq - 5 }, (_, i) => i + 6);
    expect([...seen].sort((a, b) => a - b)).toEqual(expected);
  });
});
