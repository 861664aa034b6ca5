import { describe, expect, it } from 'vitest';
import { newCmid, useHarness } from './harness.js';

describe('direct messages over /chat', () => {
  const h = useHarness();

  it('D1: dm:open reaches every tab of both users via room:added, each seeing the other as the name', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const mine = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    expect(mine).toEqual({
      id: expect.any(String),
      kind: 'dm',
      name: 'bob',
      peer: c.bob.user,
      lastSeq: 0,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    for (const tab of [c.alice1, c.alice2]) {
      expect(await tab.waitFor('room:added', (r) => r.id === mine.id), tab.label).toEqual(mine);
    }
    const theirs = { ...mine, name: 'alice', peer: c.alice.user };
    for (const tab of [c.bob1, c.bob2]) {
      expect(await tab.waitFor('room:added', (r) => r.id === mine.id), tab.label).toEqual(theirs);
    }
    await c.carol1.sync();
    expect(c.carol1.received('room:added')).toEqual([]);
  });

  it('D1: the other user receives messages in a new DM on every tab without reconnecting, and can answer', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    const hello = await c.alice1.ok('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'hi bob' });
    for (const tab of [c.alice1, c.alice2, c.bob1, c.bob2]) {
      expect(await tab.waitFor('message:created', (m) => m.id === hello.id), tab.label).toEqual(hello);
    }
    const reply = await c.bob2.ok('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'hi alice' });
    expect(reply.seq).toBe(hello.seq + 1);
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      expect(await tab.waitFor('message:created', (m) => m.id === reply.id), tab.label).toEqual(reply);
    }
    const page = await c.bob1.ok('message:history', { roomId: dm.id });
    expect(page.messages.map((m) => m.text)).toEqual(['hi bob', 'hi alice']);
    // A tab connected later is in the DM from the start.
    const bob3 = await h.connect(server, c.bob, 'bob3');
    const later = await c.alice2.ok('message:send', {
      roomId: dm.id,
      clientMessageId: newCmid(),
      text: 'still there?',
    });
    expect(await bob3.waitFor('message:created', (m) => m.id === later.id)).toEqual(later);
  });

  it('D1: opening the DM again, from either side, returns the same room and re-announces it only to the opener', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const first = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    await c.bob2.waitFor('room:added', (r) => r.id === first.id);
    const fromBob = await c.bob1.ok('dm:open', { userId: c.alice.user.id });
    expect(fromBob).toEqual({ ...first, name: 'alice', peer: c.alice.user });
    const again = await c.alice2.ok('dm:open', { userId: c.bob.user.id });
    expect(again).toEqual(first);
    await c.alice1.sync();
    await c.bob2.sync();
    // alice's tabs: one announcement for the creation and one for her second open; none for bob's.
    expect(c.alice1.received('room:added').filter((r) => r.id === first.id)).toHaveLength(2);
    // bob's tabs: one for the creation, one for his own open; none for alice's second open.
    expect(c.bob2.received('room:added').filter((r) => r.id === first.id)).toHaveLength(2);
    expect((await c.alice1.ok('room:list', {})).filter((r) => r.kind === 'dm')).toHaveLength(1);
  });

  it('D1: a third user cannot read, send to, join, list or type in the DM, and receives nothing from it', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    const secret = await c.alice1.ok('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'just us' });
    await c.bob1.waitFor('message:created', (m) => m.id === secret.id);
    const forbidden = { ok: false, error: 'forbidden' };
    expect(await c.carol1.request('message:history', { roomId: dm.id })).toEqual(forbidden);
    expect(
      await c.carol1.request('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'me too' }),
    ).toEqual(forbidden);
    expect(await c.carol1.request('room:join', { roomId: dm.id })).toEqual(forbidden);
    expect(await c.carol1.request('room:members', { roomId: dm.id })).toEqual(forbidden);
    expect(await c.carol1.request('typing:start', { roomId: dm.id })).toEqual(forbidden);
    // Alice keeps talking; carol gets none of it.
    const more = await c.alice1.ok('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'still us' });
    await c.bob2.waitFor('message:created', (m) => m.id === more.id);
    await c.carol1.sync();
    expect(c.carol1.received('message:created')).toEqual([]);
    expect(c.carol1.received('typing:started')).toEqual([]);
    expect(c.carol1.received('room:added')).toEqual([]);
    expect((await c.bob1.ok('message:history', { roomId: dm.id })).messages.map((m) => m.text)).toEqual([
      'just us',
      'still us',
    ]);
  });

  it('D1: a DM with oneself is invalid_payload; with an unknown user not_found', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    expect(await c.alice1.request('dm:open', { userId: c.alice.user.id })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    expect(await c.alice1.request('dm:open', { userId: 'no-such-user' })).toEqual({ ok: false, error: 'not_found' });
    await c.alice2.sync();
    expect(c.alice2.received('room:added')).toEqual([]);
  });
});
