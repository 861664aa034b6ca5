import { DEFAULT_ROOM_NAME, PRESENCE_GRACE_MS } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { until, useHarness, type Account, type TestClient, type TestServer } from './harness.js';

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
    });
    // One online and one offline: the second tab and the first close changed nothing.
    expect(observer.received('presence:changed').filter((e) => e.userId === alice.user.id)).toEqual([
      { userId: alice.user.id, online: true },
      { userId: alice.user.id, online: false },
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
      { userId: alice.user.id, online: true },
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
    expect(others).toEqual([{ userId: carol.user.id, online: false }]);
  });
});
