import type { Page } from '@playwright/test';
import {
  clickLastNotification,
  controlFocus,
  notificationsShown,
  recordNotifications,
  setTabActive,
} from './browser-control';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  joinRoom,
  nameBeginningWith,
  openRoom,
  openTab,
  seedRoom,
  sendMessage,
  test,
  ui,
  uniqueName,
  type User,
  type Users,
} from './fixtures';

/*
 * Read state owned by the server (SPEC U1–U4) and desktop notifications (N2, N3), with
 * several tabs of one person. Playwright's tabs are all "in front", so these tests decide
 * which tab is visible and focused (browser-control.ts); every tab starts in the background.
 */

/** The Rooms link of `room` says exactly this much unread (none: neither word). */
async function expectCounts(page: Page, room: string, unread: number, mentions = 0): Promise<void> {
  const link = ui.roomLink(page, room);
  const parts = [
    room,
    unread > 0 ? `${unread} unread` : null,
    mentions > 0 ? `${mentions} mention${mentions === 1 ? '' : 's'}` : null,
  ];
  await expect(link).toHaveAccessibleName(exactName(parts.filter(Boolean).join(' ')));
}

/**
 * alice and bob in a new room; bob's tabs start in the background and record the desktop
 * notifications they would show (browser-control.ts), his first tab reloaded to take that.
 */
async function mentionedInBackground(users: Users): Promise<{ alice: User; bob: User; room: string }> {
  const [alice, bob] = await users.signUpAll('alice', 'bob');
  const room = uniqueName('room');
  await createRoom(alice.page, room);
  await joinRoom(bob.page, room);
  await controlFocus(bob.context);
  await recordNotifications(bob.context);
  await bob.page.reload();
  await expectSignedIn(bob.page);
  return { alice, bob, room };
}

test.describe('unread state and notifications', () => {
  test('U2–U4: three tabs of one person agree on unread counts at every step, a tab opened later and a reload too', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await controlFocus(bob.context);
    await bob.page.reload();
    await expectSignedIn(bob.page);
    const tabs = [bob.page, await openTab(bob.context), await openTab(bob.context)];
    for (const tab of tabs) await expectSignedIn(tab);
    await openRoom(tabs[0]!, room);
    for (const tab of tabs.slice(1)) await openRoom(tab, 'general');

    // Three messages while no tab of bob's is in front: unread everywhere, the open room too.
    await sendMessage(alice.page, uniqueName('one'));
    await sendMessage(alice.page, uniqueName('two'));
    await sendMessage(alice.page, `three @${bob.name}`);
    for (const tab of tabs) await expectCounts(tab, room, 3, 1);
    // The tab title counts what is unread across my rooms.
    for (const tab of tabs) await expect(tab).toHaveTitle('(3) Parley');

    // A tab opened now says the same.
    const later = await openTab(bob.context);
    await expectSignedIn(later);
    await expectCounts(later, room, 3, 1);
    tabs.push(later);

    // The tab showing the room comes to the front: read, in every tab.
    await setTabActive(tabs[0]!, true);
    for (const tab of tabs) await expectCounts(tab, room, 0);
    for (const tab of tabs) await expect(tab).toHaveTitle('Parley');
    await setTabActive(tabs[0]!, false);

    // One more while in the background; then a reload.
    await sendMessage(alice.page, uniqueName('four'));
    for (const tab of tabs) await expectCounts(tab, room, 1);
    await tabs[1]!.reload();
    await expectSignedIn(tabs[1]!);
    await expectCounts(tabs[1]!, room, 1);

    // Read in another tab: open the room there, in front.
    await setTabActive(tabs[2]!, true);
    await openRoom(tabs[2]!, room);
    for (const tab of tabs) await expectCounts(tab, room, 0);
  });

  test('U4: a background tab does not mark a room read; opening a room with unread messages starts at the New messages divider', async ({
    users,
  }) => {
    test.setTimeout(90_000);
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('backlog');
    await seedRoom({ room, users: [alice.name, bob.name], count: 120, unreadFor: [bob.name] });
    await controlFocus(bob.context);
    await bob.page.reload();
    await expectSignedIn(bob.page);
    await expectCounts(bob.page, room, 60);

    // Open in the background: shown, but not read.
    await openRoom(bob.page, room);
    const divider = bob.page.getByRole('separator', { name: exactName('New messages') });
    await expect(divider).toBeVisible();
    // It starts at the first unread message (more than a screen away from the newest), not at the bottom.
    await expect(ui.message(bob.page, 'Seeded message [001]')).toBeInViewport();
    await expect(ui.message(bob.page, 'Seeded message [120]')).not.toBeInViewport();
    await bob.page.waitForTimeout(1000);
    await expectCounts(bob.page, room, 60);

    // In front: what it shows is read (the top of the unread, not all of it).
    await setTabActive(bob.page, true);
    await expect(ui.roomLink(bob.page, room)).not.toHaveAccessibleName(exactName(`${room} 60 unread`));
    await bob.page.getByRole('button', { name: exactName('Jump to newest messages') }).click();
    await expectCounts(bob.page, room, 0);
  });

  test('N3: a mention with three tabs open and none in front shows exactly one notification, tagged with the message', async ({
    users,
  }) => {
    const { alice, bob, room } = await mentionedInBackground(users);
    const tabs = [bob.page, await openTab(bob.context), await openTab(bob.context)];
    for (const tab of tabs) await expectSignedIn(tab);
    const all = async () => (await Promise.all(tabs.map(notificationsShown))).flat();

    // A plain message in a room (default level: Mentions) notifies nobody.
    const plain = uniqueName('plain');
    await sendMessage(alice.page, plain);
    for (const tab of tabs) await expectCounts(tab, room, 1);
    // A mention does, once.
    const mention = `hey @${bob.name} ${uniqueName('look')}`;
    await sendMessage(alice.page, mention);
    await expect.poll(async () => (await all()).length).toBe(1);
    await alice.page.waitForTimeout(1500); // a second one would have come by now
    const [shown] = await all();
    expect(await all()).toHaveLength(1);
    expect(shown).toMatchObject({
      title: `${alice.name} mentioned you in ${room}`,
      body: mention,
      tag: expect.stringMatching(/.+/),
    });

    // With one tab in front, nothing is shown.
    await setTabActive(tabs[1]!, true);
    await sendMessage(alice.page, `again @${bob.name}`);
    for (const tab of tabs) await expectCounts(tab, room, 3, 2);
    await alice.page.waitForTimeout(1000);
    expect(await all()).toHaveLength(1);
    await setTabActive(tabs[1]!, false);

    // N2: the room set to All messages notifies for a plain message; Nothing for nothing.
    await openRoom(tabs[0]!, room);
    await tabs[0]!.getByRole('button', { name: exactName('Notifications') }).click();
    await expect(tabs[0]!.getByRole('menuitemradio', { name: exactName('Mentions') })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await tabs[0]!.getByRole('menuitemradio', { name: exactName('All messages') }).click();
    // The leader, whichever tab it is, knows the new level: every tab heard it.
    const everything = uniqueName('everything');
    await sendMessage(alice.page, everything);
    await expect.poll(async () => (await all()).map((n) => n.body)).toContain(everything);
    expect((await all()).filter((n) => n.body === everything)).toHaveLength(1);
    await tabs[0]!.getByRole('button', { name: exactName('Notifications') }).click();
    await tabs[0]!.getByRole('menuitemradio', { name: exactName('Nothing') }).click();
    await sendMessage(alice.page, `quiet @${bob.name}`);
    await alice.page.waitForTimeout(1500);
    expect((await all()).filter((n) => n.body.startsWith('quiet'))).toEqual([]);
  });

  test('N3: clicking a notification opens its room in that tab with the message in view and focused', async ({
    users,
  }) => {
    const { alice, bob, room } = await mentionedInBackground(users);
    // Bob is reading another room: the mentioned one is not even loaded in his tab.
    await openRoom(bob.page, 'general');
    const mention = `over here @${bob.name} ${uniqueName('look')}`;
    await sendMessage(alice.page, mention);
    await expect.poll(async () => (await notificationsShown(bob.page)).map((n) => n.body)).toEqual([mention]);
    await clickLastNotification(bob.page);
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    const article = ui.message(bob.page, mention);
    await expect(article).toBeInViewport();
    // The tab's window focus is simulated (still "in the background"), so ask the document
    // which element holds focus rather than expect the tab to have it.
    await expect.poll(() => article.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  test('N3: Enable notifications asks for permission on the click, never on load', async ({ users }) => {
    const [bob] = await users.signUpAll('bob');
    await bob.context.addInitScript(() => {
      const calls: string[] = [];
      (window as unknown as { __asked: string[] }).__asked = calls;
      class AskingNotification {
        static permission: NotificationPermission = 'default';
        static async requestPermission() {
          calls.push('asked');
          AskingNotification.permission = 'granted';
          return 'granted' as const;
        }
      }
      Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: AskingNotification });
    });
    await bob.page.reload();
    await expectSignedIn(bob.page);
    const asked = () => bob.page.evaluate(() => (window as unknown as { __asked: string[] }).__asked.length);
    expect(await asked()).toBe(0);
    await bob.page.getByRole('button', { name: exactName('Enable notifications') }).click();
    expect(await asked()).toBe(1);
    await expect(bob.page.getByRole('button', { name: nameBeginningWith('Enable notifications') })).toHaveCount(0);
  });
});
