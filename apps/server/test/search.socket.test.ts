import { SEARCH_QUERY_MAX } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { COMMAND_BUDGETS } from '../src/security/rate-limits.js';
import { newCmid, useHarness, type TestClient } from './harness.js';

/* message:search over /chat (SPEC F1–F4), with real socket.io-client connections. */

describe('message search over /chat', () => {
  const h = useHarness();

  async function cast() {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const alice1 = await h.connect(server, alice, 'alice1');
    const bob1 = await h.connect(server, bob, 'bob1');
    const shared = await alice1.ok('room:create', { name: 'Shared' });
    await bob1.ok('room:join', { roomId: shared.id });
    const alone = await alice1.ok('room:create', { name: 'Alone', isPrivate: true });
    return { server, alice, bob, alice1, bob1, shared, alone };
  }
  const say = (tab: TestClient, roomId: string, text: string) =>
    tab.ok('message:send', { roomId, clientMessageId: newCmid(), text });

  it('F1, F2: each finds what was said in rooms they share, never in a room only the other is in', async () => {
    const c = await cast();
    const hello = await say(c.alice1, c.shared.id, 'the launch checklist is ready');
    await say(c.alice1, c.alone.id, 'launch codes: only for me');
    const dm = await c.bob1.ok('dm:open', { userId: c.alice.user.id });
    const inDm = await say(c.bob1, dm.id, 'launch party tonight?');

    const bobs = await c.bob1.ok('message:search', { query: 'launch' });
    expect(bobs.hits.map((x) => x.messageId)).toEqual([inDm.id, hello.id]);
    expect(bobs.hits[1]).toMatchObject({
      roomId: c.shared.id,
      roomName: 'Shared',
      authorName: 'alice',
      seq: hello.seq,
      snippet: { text: 'the launch checklist is ready', ranges: [[4, 10]] },
    });
    expect(bobs.hits[0]).toMatchObject({ roomKind: 'dm', roomName: 'alice' });
    expect(bobs.next).toBeNull();
    expect((await c.bob1.ok('message:search', { query: 'codes' })).hits).toEqual([]);
    expect((await c.bob1.ok('message:search', { query: 'in:Alone' })).hits).toEqual([]);

    const alices = await c.alice1.ok('message:search', { query: 'launch' });
    expect(alices.hits.map((x) => x.roomName)).toEqual(['bob', 'Alone', 'Shared']);
    expect((await c.alice1.ok('message:search', { query: '"launch codes" from:alice' })).hits).toHaveLength(1);
  });

  it('F3: an edit is found by its new words only; a deletion is found no more', async () => {
    const c = await cast();
    const m = await say(c.alice1, c.shared.id, 'budget draft v1');
    await c.alice1.ok('message:edit', { messageId: m.id, text: 'forecast draft v2' });
    expect((await c.bob1.ok('message:search', { query: 'budget' })).hits).toEqual([]);
    expect((await c.bob1.ok('message:search', { query: 'forecast' })).hits.map((x) => x.messageId)).toEqual([m.id]);
    await c.alice1.ok('message:delete', { messageId: m.id });
    expect((await c.bob1.ok('message:search', { query: 'forecast' })).hits).toEqual([]);
    expect((await c.bob1.ok('message:search', { query: 'draft' })).hits).toEqual([]);
  });

  it('F2: pages follow the next cursor', async () => {
    const c = await cast();
    for (let i = 0; i < 5; i++) await say(c.alice1, c.shared.id, `note ${i}`);
    const first = await c.bob1.ok('message:search', { query: 'note', limit: 3 });
    expect(first.hits).toHaveLength(3);
    expect(first.next).toEqual(expect.any(String));
    const second = await c.bob1.ok('message:search', { query: 'note', limit: 3, before: first.next! });
    expect(second.hits).toHaveLength(2);
    const texts = [...first.hits, ...second.hits].map((x) => x.snippet.text);
    expect(texts).toEqual(['note 4', 'note 3', 'note 2', 'note 1', 'note 0']);
  });

  it('F4: a query too long, an empty one, a bad cursor or limit are refused with clear codes', async () => {
    const c = await cast();
    expect(await c.bob1.request('message:search', { query: 'x'.repeat(SEARCH_QUERY_MAX + 1) })).toMatchObject({
      ok: false,
      error: 'too_long',
    });
    for (const query of ['', '   ', '"" ?!', 'from:']) {
      expect(await c.bob1.request('message:search', { query }), query).toMatchObject({
        ok: false,
        error: 'empty_query',
      });
    }
    expect(await c.bob1.request('message:search', { query: 'a', before: 'nope' })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    expect(await c.bob1.request('message:search', { query: 'a', limit: 51 })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    expect(await c.bob1.raw('message:search', [{ query: 7 }])).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    // Refusals change nothing: the connection still searches.
    expect((await c.bob1.ok('message:search', { query: 'anything' })).hits).toEqual([]);
  });

  it('F4: searches spend a budget of their own; past it, rate_limited', async () => {
    const server = await h.start({}, { commandBudgets: COMMAND_BUDGETS });
    const bob = await h.register(server, 'bob');
    const tab = await h.connect(server, bob, 'bob1');
    const budget = COMMAND_BUDGETS['message:search'];
    const allowed = budget.points + (budget.burst?.points ?? 0);
    const acks = await Promise.all(
      Array.from({ length: allowed + 3 }, () => tab.request('message:search', { query: 'hello' })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(allowed);
    expect(acks.filter((a) => !a.ok)[0]).toMatchObject({ error: 'rate_limited' });
  });
});
