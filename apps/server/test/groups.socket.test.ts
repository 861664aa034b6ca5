import { API_ROUTES, GROUP_MAX_MEMBERS } from '@parley/shared-types';
import { COMMAND_BUDGETS } from '../src/security/rate-limits.js';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type TestServer } from './harness.js';

describe('group conversations over /chat', () => {
  const h = useHarness();

  /** Accounts beyond the cast (dave, erin, …), not connected. */
  async function more(server: TestServer, names: readonly string[]) {
    return Promise.all(names.map((name) => h.register(server, name)));
  }

  it('G1, G2: group:create reaches every tab of every member, each seeing the others by name, sorted', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const mine = await c.alice1.ok('group:create', { userIds: [c.carol.user.id, c.bob.user.id] });
    expect(mine).toEqual({
      id: expect.any(String),
      kind: 'group',
      name: 'bob, carol',
      lastSeq: 0,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    for (const tab of [c.alice1, c.alice2]) {
      expect(await tab.waitFor('room:added', (r) => r.id === mine.id), tab.label).toEqual(mine);
    }
    for (const tab of [c.bob1, c.bob2]) {
      expect(await tab.waitFor('room:added', (r) => r.id === mine.id), tab.label).toMatchObject({
        name: 'alice, carol',
      });
    }
    expect(await c.carol1.waitFor('room:added', (r) => r.id === mine.id)).toMatchObject({ name: 'alice, bob' });
    expect((await c.bob1.ok('room:list', {})).find((r) => r.id === mine.id)).toMatchObject({
      kind: 'group',
      name: 'alice, carol',
    });
    expect((await c.carol1.ok('room:members', { roomId: mine.id })).map((m) => m.username)).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
  });

  it('G1, G6: members exchange messages on every tab without reconnecting; mentions count for members', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, c.carol.user.id] });
    const hello = await c.alice1.ok('message:send', {
      roomId: group.id,
      clientMessageId: newCmid(),
      text: 'hi both, @carol look',
    });
    expect(hello.mentions).toEqual([c.carol.user.id]);
    for (const tab of [c.alice2, c.bob1, c.bob2, c.carol1]) {
      expect(await tab.waitFor('message:created', (m) => m.id === hello.id), tab.label).toEqual(hello);
    }
    const reply = await c.carol1.ok('message:send', {
      roomId: group.id,
      clientMessageId: newCmid(),
      text: 'seen',
      replyTo: hello.id,
    });
    await c.bob1.waitFor('message:created', (m) => m.id === reply.id);
    expect(await c.bob1.ok('room:read-state', { roomId: group.id })).toMatchObject({
      unreadCount: 2,
      mentionCount: 0,
    });
    expect(await c.carol1.ok('room:read-state', { roomId: group.id })).toMatchObject({
      unreadCount: 1,
      mentionCount: 1,
    });
    // Nobody owns a group: a member deletes only their own messages.
    expect(await c.bob1.request('message:delete', { messageId: hello.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.bob1.request('room:invite', { roomId: group.id, username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
  });

  it('G1: fewer than 3 people is group_too_small; more than 8 group_full; oneself or a repeat invalid_payload', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    expect(await c.alice1.request('group:create', { userIds: [c.bob.user.id] })).toEqual({
      ok: false,
      error: 'group_too_small',
    });
    const others = await more(server, ['dave', 'erin', 'frank', 'grace', 'heidi', 'ivan']);
    const eight = [c.bob.user.id, c.carol.user.id, ...others.map((a) => a.user.id)];
    expect(eight).toHaveLength(GROUP_MAX_MEMBERS);
    expect(await c.alice1.request('group:create', { userIds: eight })).toEqual({ ok: false, error: 'group_full' });
    expect(await c.alice1.request('group:create', { userIds: [c.alice.user.id, c.bob.user.id] })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    expect(await c.alice1.request('group:create', { userIds: [c.bob.user.id, c.bob.user.id] })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    expect(await c.alice1.request('group:create', { userIds: [] })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    // More ids than a group holds never reach the domain.
    expect(await c.alice1.request('group:create', { userIds: [...eight, 'one-more'] })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    // Exactly eight (seven others) is fine.
    const full = await c.alice1.ok('group:create', { userIds: eight.slice(0, GROUP_MAX_MEMBERS - 1) });
    expect(full.name.split(', ')).toHaveLength(GROUP_MAX_MEMBERS - 1);
    await c.bob1.sync();
    expect(c.bob1.received('room:added').map((r) => r.id)).toEqual([full.id]);
  });

  it('G1: an unknown or deleted user is not_found, and nothing is made', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    expect(await c.alice1.request('group:create', { userIds: [c.bob.user.id, 'no-such-user'] })).toEqual({
      ok: false,
      error: 'not_found',
    });
    const [dave] = await more(server, ['dave']);
    const gone = await h.http(server, API_ROUTES.deleteAccount, {
      body: { password: dave!.password },
      cookie: dave!.cookie,
    });
    expect(gone.status).toBeLessThan(300);
    expect(await c.alice1.request('group:create', { userIds: [c.bob.user.id, dave!.user.id] })).toEqual({
      ok: false,
      error: 'not_found',
    });
    await c.bob1.sync();
    expect(c.bob1.received('room:added')).toEqual([]);
    expect((await c.alice1.ok('room:list', {})).filter((r) => r.kind === 'group')).toEqual([]);
  });

  it('G3, G4: a member adds someone: they get the group and its history, the others its new name and the joiner', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const [dave] = await more(server, ['dave']);
    const dave1 = await h.connect(server, dave!, 'dave1');
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, c.carol.user.id] });
    const before = await c.alice1.ok('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'before' });
    await c.bob1.waitFor('message:created', (m) => m.id === before.id);
    expect(await c.bob1.ok('group:add', { roomId: group.id, userIds: [dave!.user.id] })).toEqual({
      roomId: group.id,
      userIds: [dave!.user.id],
    });
    expect(await dave1.waitFor('room:added', (r) => r.id === group.id)).toMatchObject({
      kind: 'group',
      name: 'alice, bob, carol',
      read: { lastReadSeq: before.seq, unreadCount: 0 },
    });
    expect(await c.alice2.waitFor('room:member-joined', (e) => e.roomId === group.id)).toMatchObject({
      member: { userId: dave!.user.id, username: 'dave', online: true },
    });
    expect(await c.alice2.waitFor('room:added', (r) => r.id === group.id && r.name.includes('dave'))).toMatchObject({
      name: 'bob, carol, dave',
    });
    expect(await c.carol1.waitFor('room:added', (r) => r.name.includes('dave'))).toMatchObject({
      name: 'alice, bob, dave',
    });
    expect(dave1.received('room:member-joined')).toEqual([]);
    // The newcomer reads what came before and gets what comes next without reconnecting.
    expect((await dave1.ok('message:history', { roomId: group.id })).messages.map((m) => m.text)).toEqual(['before']);
    const after = await c.carol1.ok('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'hi dave' });
    expect(await dave1.waitFor('message:created', (m) => m.id === after.id)).toEqual(after);
    const fromDave = await dave1.ok('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'hi all' });
    await c.alice1.waitFor('message:created', (m) => m.id === fromDave.id);
  });

  it('G3: refusals: a non-member, a room or DM, an unknown user, someone already in, past 8 people', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const others = await more(server, ['dave', 'erin', 'frank', 'grace', 'heidi', 'ivan']);
    const [dave, erin, frank, grace, heidi, ivan] = others.map((a) => a.user.id) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, dave] });
    const forbidden = { ok: false, error: 'forbidden' };
    // carol is not in it; neither is anyone in a room they cannot see.
    expect(await c.carol1.request('group:add', { roomId: group.id, userIds: [erin] })).toEqual(forbidden);
    expect(await c.carol1.request('group:add', { roomId: 'no-such-room', userIds: [erin] })).toEqual(forbidden);
    const room = await c.alice1.ok('room:create', { name: 'lobby' });
    expect(await c.alice1.request('group:add', { roomId: room.id, userIds: [erin] })).toEqual(forbidden);
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    expect(await c.alice1.request('group:add', { roomId: dm.id, userIds: [erin] })).toEqual(forbidden);
    expect(await c.alice1.request('group:add', { roomId: group.id, userIds: [erin, 'no-such-user'] })).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(await c.alice1.request('group:add', { roomId: group.id, userIds: [c.bob.user.id] })).toEqual({
      ok: false,
      error: 'already_member',
    });
    expect(await c.alice1.request('group:add', { roomId: group.id, userIds: [erin, c.alice.user.id] })).toEqual({
      ok: false,
      error: 'already_member',
    });
    // 3 in it: 5 more make 8; a sixth would make 9. All or none: nobody was added by the refusal.
    expect(
      await c.alice1.request('group:add', {
        roomId: group.id,
        userIds: [c.carol.user.id, erin, frank, grace, heidi, ivan],
      }),
    ).toEqual({ ok: false, error: 'group_full' });
    expect(await c.alice1.ok('room:members', { roomId: group.id })).toHaveLength(3);
    await c.alice1.ok('group:add', { roomId: group.id, userIds: [c.carol.user.id, erin, frank, grace, heidi] });
    expect(await c.alice1.ok('room:members', { roomId: group.id })).toHaveLength(GROUP_MAX_MEMBERS);
    expect(await c.carol1.request('group:add', { roomId: group.id, userIds: [ivan] })).toEqual({
      ok: false,
      error: 'group_full',
    });
    expect(await c.alice1.request('group:add', { roomId: group.id, userIds: [] })).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
  });

  it('G4: a member who leaves gets nothing more and is refused history, sends and rejoining; the others see the new name', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const [dave] = await more(server, ['dave']);
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, c.carol.user.id, dave!.user.id] });
    await c.carol1.waitFor('room:added', (r) => r.id === group.id);
    expect(await c.carol1.ok('room:leave', { roomId: group.id })).toEqual({ roomId: group.id });
    expect(await c.carol1.waitFor('room:removed', (e) => e.roomId === group.id)).toEqual({
      roomId: group.id,
      reason: 'left',
    });
    for (const tab of [c.alice1, c.bob2]) {
      expect(await tab.waitFor('room:member-left', (e) => e.roomId === group.id), tab.label).toEqual({
        roomId: group.id,
        userId: c.carol.user.id,
      });
    }
    expect(await c.alice1.waitFor('room:added', (r) => r.id === group.id && !r.name.includes('carol'))).toMatchObject({
      name: 'bob, dave',
    });
    expect(await c.bob1.waitFor('room:added', (r) => r.id === group.id && !r.name.includes('carol'))).toMatchObject({
      name: 'alice, dave',
    });
    const secret = await c.alice1.ok('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'after' });
    await c.bob1.waitFor('message:created', (m) => m.id === secret.id);
    await c.carol1.sync();
    expect(c.carol1.received('message:created')).toEqual([]);
    const forbidden = { ok: false, error: 'forbidden' };
    expect(await c.carol1.request('message:history', { roomId: group.id })).toEqual(forbidden);
    expect(
      await c.carol1.request('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'back?' }),
    ).toEqual(forbidden);
    expect(await c.carol1.request('room:join', { roomId: group.id })).toEqual(forbidden);
    expect(await c.carol1.request('group:add', { roomId: group.id, userIds: [c.carol.user.id] })).toEqual(forbidden);
    expect(await c.carol1.request('room:leave', { roomId: group.id })).toEqual(forbidden);
    expect((await c.carol1.ok('room:list', {})).some((r) => r.id === group.id)).toBe(false);
    // Added again by a member, carol is back (and the group is below the minimum no problem).
    await c.bob1.ok('group:add', { roomId: group.id, userIds: [c.carol.user.id] });
    expect(await c.carol1.waitFor('room:added', (r) => r.id === group.id)).toMatchObject({
      name: 'alice, bob, dave',
    });
  });

  it('G2, G4: a group down to one member is named "Only you"', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, c.carol.user.id] });
    await c.bob1.ok('room:leave', { roomId: group.id });
    await c.carol1.ok('room:leave', { roomId: group.id });
    expect((await c.alice1.ok('room:list', {})).find((r) => r.id === group.id)).toMatchObject({ name: 'Only you' });
  });

  it('G2, A13: a member deleting their account leaves the group; the others see its new name', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const [dave] = await more(server, ['dave']);
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, dave!.user.id] });
    const gone = await h.http(server, API_ROUTES.deleteAccount, {
      body: { password: dave!.password },
      cookie: dave!.cookie,
    });
    expect(gone.status).toBeLessThan(300);
    expect(await c.alice1.waitFor('room:member-left', (e) => e.roomId === group.id)).toEqual({
      roomId: group.id,
      userId: dave!.user.id,
    });
    expect(await c.bob2.waitFor('room:added', (r) => r.id === group.id && r.name === 'alice')).toMatchObject({
      kind: 'group',
    });
    expect((await c.alice1.ok('room:list', {})).find((r) => r.id === group.id)).toMatchObject({ name: 'bob' });
  });

  it('G5: in:<username> finds messages of the groups holding that person; hits carry the group name', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const group = await c.alice1.ok('group:create', { userIds: [c.bob.user.id, c.carol.user.id] });
    const sent = await c.bob1.ok('message:send', { roomId: group.id, clientMessageId: newCmid(), text: 'pancakes' });
    const results = await c.alice1.ok('message:search', { query: 'pancakes in:carol' });
    expect(results.hits).toEqual([
      expect.objectContaining({ messageId: sent.id, roomKind: 'group', roomName: 'bob, carol' }),
    ]);
    expect((await c.alice1.ok('message:search', { query: 'pancakes in:general' })).hits).toEqual([]);
    expect((await c.carol1.ok('message:search', { query: 'pancakes in:alice' })).hits).toHaveLength(1);
  });

  it('G7: people:list answers the people I share a conversation with, by username, never me', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    expect(await c.alice1.ok('people:list', {})).toEqual([c.bob.user, c.carol.user]);
    expect(await c.alice1.ok('people:list', { prefix: 'CA' })).toEqual([c.carol.user]);
    expect(await c.alice1.request('people:list', { extra: 1 } as never)).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
  });

  it('G8: group:create spends a budget of its own (10 an hour); past it, rate_limited and nothing made', async () => {
    const server = await h.start({}, { commandBudgets: COMMAND_BUDGETS });
    const c = await h.cast(server);
    const budget = COMMAND_BUDGETS['group:create'];
    const acks = [];
    for (let i = 0; i < budget.points + 1; i++) {
      acks.push(await c.alice1.request('group:create', { userIds: [c.bob.user.id, c.carol.user.id] }));
    }
    expect(acks.filter((a) => a.ok)).toHaveLength(budget.points);
    expect(acks.at(-1)).toMatchObject({ ok: false, error: 'rate_limited' });
    expect((await c.alice1.ok('room:list', {})).filter((r) => r.kind === 'group')).toHaveLength(budget.points);
  });
});
