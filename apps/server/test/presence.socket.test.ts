import {
  DEFAULT_ROOM_NAME,
  PRESENCE_GRACE_MS,
  type PresenceChangedEvent,
  type PresenceState,
} from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { newCmid, until, useHarness, type Account, type TestClient, type TestServer } from './harness.js';

describe('presence over /chat', () => {
  const h = useHarness();

  const aboutUser = (userId: string, online: boolean) => (e: { userId: string; online: boolean }) =>
    e.userId === userId && e.online === online;

  /** Waits until the server has seen `user` down to `count` open connections. */
  const serverSees = (server: TestServer, user: Account, count: number) =>
    until(
      () => server.app.services.presence.connectionCount(user.user.id) === count,
      `${user.user.username} has ${count} connections`,
    );

  async function generalOf(tab: TestClient): Promise<string> {
    return (await tab.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
  }

  it('P1: closing one of two tabs keeps the user online; closing both sends presence:changed offline after the grace delay', async () => {
    const server = await h.start({ presenceGraceMs: 200 });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const tab1 = await h.connect(server, alice, 'alice1');
    expect(await observer.waitFor('presence:changed', aboutUser(alice.user.id, true))).toEqual({
      userId: alice.user.id,
      online: true,
      state: 'active',
    });
    const tab2 = await h.connect(server, alice, 'alice2');
    const generalId = await generalOf(observer);

    tab1.close();
    await serverSees(server, alice, 1);
    const members = await observer.ok('room:members', { roomId: generalId });
    expect(members.find((m) => m.userId === alice.user.id)?.online).toBe(true);

    tab2.close();
    await serverSees(server, alice, 0);
    expect(await observer.waitFor('presence:changed', aboutUser(alice.user.id, false))).toEqual({
      userId: alice.user.id,
      online: false,
      state: 'offline',
      lastSeenAt: expect.any(Number),
    });
    // One online and one offline: the second tab and the first close changed nothing.
    expect(observer.received('presence:changed').filter((e) => e.userId === alice.user.id)).toEqual([
      { userId: alice.user.id, online: true, state: 'active' },
      { userId: alice.user.id, online: false, state: 'offline', lastSeenAt: expect.any(Number) },
    ]);
    const after = await observer.ok('room:members', { roomId: generalId });
    expect(after.find((m) => m.userId === alice.user.id)?.online).toBe(false);
  });

  it('P2: the user goes offline only once the grace delay has passed after the last connection closes', async () => {
    const clock = new ManualClock();
    const server = await h.start({ presenceGraceMs: PRESENCE_GRACE_MS }, { clock });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const tab = await h.connect(server, alice, 'alice');
    await observer.waitFor('presence:changed', aboutUser(alice.user.id, true));
    const generalId = await generalOf(observer);

    tab.close();
    await serverSees(server, alice, 0);
    clock.advance(PRESENCE_GRACE_MS - 1);
    await observer.sync();
    expect(observer.received('presence:changed').filter(aboutUser(alice.user.id, false))).toEqual([]);
    const members = await observer.ok('room:members', { roomId: generalId });
    expect(members.find((m) => m.userId === alice.user.id)?.online).toBe(true);

    clock.advance(1);
    expect(await observer.waitFor('presence:changed', aboutUser(alice.user.id, false))).toEqual({
      userId: alice.user.id,
      online: false,
      state: 'offline',
      lastSeenAt: clock.now(),
    });
  });

  it('P2: reconnecting within the grace delay changes nothing for the others', async () => {
    const clock = new ManualClock();
    const server = await h.start({ presenceGraceMs: PRESENCE_GRACE_MS }, { clock });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const first = await h.connect(server, alice, 'alice-before-reload');
    await observer.waitFor('presence:changed', aboutUser(alice.user.id, true));

    first.close();
    await serverSees(server, alice, 0);
    clock.advance(PRESENCE_GRACE_MS - 1);
    const reloaded = await h.connect(server, alice, 'alice-after-reload');
    expect(reloaded.connected).toBe(true);
    clock.advance(PRESENCE_GRACE_MS * 2);
    await observer.sync();
    expect(observer.received('presence:changed').filter((e) => e.userId === alice.user.id)).toEqual([
      { userId: alice.user.id, online: true, state: 'active' },
    ]);
    expect(server.app.services.presence.isOnline(alice.user.id)).toBe(true);
  });

  it('P3: presence:changed goes only to users who share a room or DM with that user', async () => {
    const server = await h.start({ presenceGraceMs: 200 });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const dave = await h.register(server, 'dave');

    // alice leaves general for a private room of her own: she shares nothing with anyone.
    const aliceTab = await h.connect(server, alice, 'alice');
    await aliceTab.ok('room:leave', { roomId: await generalOf(aliceTab) });
    await aliceTab.ok('room:create', { name: 'hideout', isPrivate: true });

    const bobTab = await h.connect(server, bob, 'bob');
    const carolTab = await h.connect(server, carol, 'carol');
    const daveTab = await h.connect(server, dave, 'dave');
    // Then she opens a DM with carol only.
    await aliceTab.ok('dm:open', { userId: carol.user.id });
    await carolTab.waitFor('room:added');

    aliceTab.close();
    expect(await carolTab.waitFor('presence:changed', aboutUser(alice.user.id, false))).toEqual({
      userId: alice.user.id,
      online: false,
      state: 'offline',
      lastSeenAt: expect.any(Number),
    });
    for (const tab of [bobTab, daveTab]) {
      await tab.sync();
      expect(
        tab.received('presence:changed').filter((e) => e.userId === alice.user.id),
        tab.label,
      ).toEqual([]);
    }

    // Coming back: carol hears it, bob and dave do not.
    const aliceAgain = await h.connect(server, alice, 'alice-again');
    await carolTab.waitFor('presence:changed', aboutUser(alice.user.id, true));
    for (const tab of [bobTab, daveTab]) {
      await tab.sync();
      expect(
        tab.received('presence:changed').filter((e) => e.userId === alice.user.id),
        tab.label,
      ).toEqual([]);
    }

    // And alice hears only about carol, with whom she shares the DM: dave leaving is not her business.
    daveTab.close();
    await bobTab.waitFor('presence:changed', aboutUser(dave.user.id, false));
    carolTab.close();
    await aliceAgain.waitFor('presence:changed', aboutUser(carol.user.id, false));
    // (Her own reconnect is announced to her own rooms, so she may hear about herself.)
    const others = aliceAgain.received('presence:changed').filter((e) => e.userId !== alice.user.id);
    expect(others).toEqual([
      { userId: carol.user.id, online: false, state: 'offline', lastSeenAt: expect.any(Number) },
    ]);
  });

  const aboutState = (userId: string, state: PresenceState) => (e: PresenceChangedEvent) =>
    e.userId === userId && e.state === state;

  /** What `tab` heard of `user`'s state, in order. */
  const statesHeard = (tab: TestClient, user: Account) =>
    tab
      .received('presence:changed')
      .filter((e) => e.userId === user.user.id)
      .map((e) => e.state);

  async function memberIn(tab: TestClient, roomId: string, user: Account) {
    return (await tab.ok('room:members', { roomId })).find((m) => m.userId === user.user.id);
  }

  it('P4: a user is away once every connection says so, active again when one says active, and away again', async () => {
    const server = await h.start({ presenceGraceMs: 200 });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const tab1 = await h.connect(server, alice, 'alice1');
    const tab2 = await h.connect(server, alice, 'alice2');
    await observer.waitFor('presence:changed', aboutState(alice.user.id, 'active'));
    const generalId = await generalOf(observer);

    // One tab away: the other still counts, nobody hears anything.
    expect(await tab1.ok('presence:set', { state: 'away' })).toEqual({ appearOffline: false });
    await observer.sync();
    expect(statesHeard(observer, alice)).toEqual(['active']);
    expect((await memberIn(observer, generalId, alice))?.state).toBe('active');

    await tab2.ok('presence:set', { state: 'away' });
    expect(await observer.waitFor('presence:changed', aboutState(alice.user.id, 'away'))).toEqual({
      userId: alice.user.id,
      online: true,
      state: 'away',
    });
    expect(await memberIn(observer, generalId, alice)).toEqual({
      userId: alice.user.id,
      username: 'alice',
      online: true,
      state: 'away',
    });

    await tab1.ok('presence:set', { state: 'active' });
    await until(() => statesHeard(observer, alice).length === 3, 'alice is active again');
    expect(statesHeard(observer, alice)).toEqual(['active', 'away', 'active']);

    // The active tab closes: the one left is away, so she is.
    tab1.close();
    await observer.waitFor(
      'presence:changed',
      (e) => e.userId === alice.user.id && statesHeard(observer, alice).length === 4,
    );
    expect(statesHeard(observer, alice)).toEqual(['active', 'away', 'active', 'away']);
  });

  it('P4: presence:set with anything but active or away is refused and changes nothing', async () => {
    const server = await h.start({ presenceGraceMs: 200 });
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice, 'alice');
    for (const payload of [
      { state: 'busy' },
      { state: 'offline' },
      { state: 'away', extra: 1 },
      { appearOffline: 'yes' },
    ]) {
      expect(await tab.raw('presence:set', [payload]), JSON.stringify(payload)).toMatchObject({
        ok: false,
        error: 'invalid_payload',
      });
    }
    expect(await server.app.services.presence.stateOf(alice.user.id)).toBe('active');
  });

  it('P2, P5: offline after the grace delay carries when the user was last seen; members lists carry it too', async () => {
    const clock = new ManualClock();
    const server = await h.start({ presenceGraceMs: PRESENCE_GRACE_MS }, { clock });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const generalId = await generalOf(observer);
    // Never connected: offline, and never seen.
    expect(await memberIn(observer, generalId, alice)).toEqual({
      userId: alice.user.id,
      username: 'alice',
      online: false,
      state: 'offline',
    });

    const tab = await h.connect(server, alice, 'alice');
    await observer.waitFor('presence:changed', aboutState(alice.user.id, 'active'));
    await tab.ok('presence:set', { state: 'away' });
    await observer.waitFor('presence:changed', aboutState(alice.user.id, 'away'));
    tab.close();
    await serverSees(server, alice, 0);
    clock.advance(PRESENCE_GRACE_MS);
    const leftAt = clock.now();
    expect(await observer.waitFor('presence:changed', aboutState(alice.user.id, 'offline'))).toEqual({
      userId: alice.user.id,
      online: false,
      state: 'offline',
      lastSeenAt: leftAt,
    });
    clock.advance(60_000);
    expect(await memberIn(observer, generalId, alice)).toEqual({
      userId: alice.user.id,
      username: 'alice',
      online: false,
      state: 'offline',
      lastSeenAt: leftAt,
    });
    // Online people carry no last seen.
    expect(await memberIn(observer, generalId, bob)).toEqual({
      userId: bob.user.id,
      username: 'bob',
      online: true,
      state: 'active',
    });
  });

  it('P6: appearing offline shows me offline to others, with the moment I chose it, while I keep using Parley', async () => {
    const clock = new ManualClock();
    const server = await h.start({ presenceGraceMs: PRESENCE_GRACE_MS }, { clock });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const observer = await h.connect(server, bob, 'bob');
    const tab1 = await h.connect(server, alice, 'alice1');
    const tab2 = await h.connect(server, alice, 'alice2');
    await observer.waitFor('presence:changed', aboutState(alice.user.id, 'active'));
    const generalId = await generalOf(observer);

    clock.advance(1000);
    const choseAt = clock.now();
    expect(await tab1.ok('presence:set', { appearOffline: true })).toEqual({ appearOffline: true });
    expect(await observer.waitFor('presence:changed', aboutState(alice.user.id, 'offline'))).toEqual({
      userId: alice.user.id,
      online: false,
      state: 'offline',
      lastSeenAt: choseAt,
    });
    // Every tab of mine learns the choice; a later connection asks for it.
    expect(await tab2.waitFor('presence:self')).toEqual({ appearOffline: true });
    const tab3 = await h.connect(server, alice, 'alice3');
    expect(await tab3.ok('presence:set', { state: 'active' })).toEqual({ appearOffline: true });

    // I keep using Parley: a message goes out as usual.
    const sent = await tab1.ok('message:send', { roomId: generalId, text: 'still here', clientMessageId: newCmid() });
    await observer.waitFor('message:created', (m) => m.id === sent.id);
    // Away, back, and every tab closing: none of it is announced, and the list keeps the choice.
    await tab1.ok('presence:set', { state: 'away' });
    await tab2.ok('presence:set', { state: 'away' });
    await tab3.ok('presence:set', { state: 'away' });
    await tab1.ok('presence:set', { state: 'active' });
    expect(await memberIn(observer, generalId, alice)).toEqual({
      userId: alice.user.id,
      username: 'alice',
      online: false,
      state: 'offline',
      lastSeenAt: choseAt,
    });
    for (const tab of [tab1, tab2, tab3]) tab.close();
    await serverSees(server, alice, 0);
    clock.advance(PRESENCE_GRACE_MS * 2);
    const back = await h.connect(server, alice, 'alice-back');
    await observer.sync();
    expect(statesHeard(observer, alice)).toEqual(['active', 'offline']);
    expect((await memberIn(observer, generalId, alice))?.lastSeenAt).toBe(choseAt);

    // Showing my real state again: others see me as I am.
    clock.advance(1000);
    expect(await back.ok('presence:set', { appearOffline: false })).toEqual({ appearOffline: false });
    expect(
      await observer.waitFor(
        'presence:changed',
        (e) => e.userId === alice.user.id && statesHeard(observer, alice).length === 3,
      ),
    ).toEqual({
      userId: alice.user.id,
      online: true,
      state: 'active',
    });
  });
});
