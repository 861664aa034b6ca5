import type { Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  inviteUser,
  leaveRoom,
  openBrowseRooms,
  openRoom,
  openTab,
  removeMember,
  sendMessage,
  signInElsewhere,
  test,
  ui,
  uniqueName,
  type User,
} from './fixtures';

/*
 * Private rooms and moderation (I1–I3), through the UI: an invitation reaches the
 * invitee as a notice with a Join button and in Browse rooms; the owner removes a member
 * from the Members list, and the removed person loses the room at once and for good.
 */

/** Every text the page's chat socket receives from now on (frames of WebSockets opened later). */
function recordSocketFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload))));
  return frames;
}

/** alice's private room with bob in it, by invitation; both have it open. */
async function privateRoomWithBob(alice: User, bob: User): Promise<string> {
  const room = uniqueName('secret');
  await createRoom(alice.page, room, { isPrivate: true });
  await inviteUser(alice.page, bob.name);
  await ui.invitationJoinButton(bob.page, room).click();
  await expect(ui.roomHeading(bob.page, room)).toBeVisible();
  await expect(ui.member(alice.page, bob.name)).toHaveCount(1);
  return room;
}

test.describe('invitations and removal', () => {
  test('I1/I2: a private room is invisible to others; an invited user sees the invitation, joins and talks', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('secret');
    const open = uniqueName('public');
    await createRoom(alice.page, open);
    await createRoom(alice.page, room, { isPrivate: true });

    // I2: carol's Browse rooms lists the public room (so it has loaded), not the private one.
    const carolBrowse = await openBrowseRooms(carol.page, open);
    await expect(carolBrowse.getByText(room)).toHaveCount(0);
    await carolBrowse.getByRole('button', { name: exactName('Close') }).click();
    await expect(ui.dialog(carol.page)).toHaveCount(0);

    // I1: alice invites bob; the dialog closes.
    await inviteUser(alice.page, bob.name);

    // bob gets a notice naming alice and the room, and the room in Browse rooms as an invitation.
    await expect(ui.notices(bob.page)).toContainText(`${alice.name} invited you to ${room}`);
    await expect(ui.invitationJoinButton(bob.page, room)).toBeVisible();
    const bobBrowse = await openBrowseRooms(bob.page, room);
    await expect(bobBrowse.getByText(/invitation/i)).not.toHaveCount(0);
    await bobBrowse.getByRole('button', { name: exactName('Close') }).click();
    // Still nothing for carol.
    const carolAgain = await openBrowseRooms(carol.page, open);
    await expect(carolAgain.getByText(room)).toHaveCount(0);
    await carolAgain.getByRole('button', { name: exactName('Close') }).click();

    // bob joins from the notice: the room opens, and the notice goes.
    await ui.invitationJoinButton(bob.page, room).click();
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    await expect(ui.roomLink(bob.page, room)).toBeVisible();
    await expect(ui.invitationJoinButton(bob.page, room)).toHaveCount(0);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);
    await expect(ui.member(bob.page, alice.name)).toHaveCount(1);

    // Messages flow both ways.
    const fromAlice = uniqueName('from-alice');
    await sendMessage(alice.page, fromAlice);
    await expect(ui.message(bob.page, fromAlice)).toContainText(alice.name);
    const fromBob = uniqueName('from-bob');
    await sendMessage(bob.page, fromBob);
    await expect(ui.message(alice.page, fromBob)).toContainText(bob.name);

    // carol still cannot see the room, its messages or its members.
    await expect(ui.roomLink(carol.page, room)).toHaveCount(0);
    await expect(ui.message(carol.page, fromAlice)).toHaveCount(0);
  });

  test('I1: inviting an unknown user or a member shows an alert in the dialog', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = await privateRoomWithBob(alice, bob);

    const dialog = await inviteUser(alice.page, uniqueName('nobody'), { expectError: true });
    await expect(dialog.getByRole('alert')).toContainText(/no such user/i);
    // The dialog stays open with the alert; a second try with a member says so.
    await dialog.getByRole('textbox', { name: exactName('Username') }).fill(bob.name);
    await dialog.getByRole('button', { name: exactName('Send invitation') }).click();
    await expect(dialog.getByRole('alert')).toContainText(/already a member/i);
    await dialog.getByRole('button', { name: exactName('Cancel') }).click();
    await expect(ui.dialog(alice.page)).toHaveCount(0);
    await expect(ui.roomHeading(alice.page, room)).toBeVisible();
  });

  test('I5: the owner sees pending invitations in the Invite dialog and withdraws one; the invitee loses the Join button and cannot join', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('secret');
    await createRoom(alice.page, room, { isPrivate: true });
    await inviteUser(alice.page, bob.name);
    await inviteUser(alice.page, carol.name);
    await expect(ui.invitationJoinButton(bob.page, room)).toBeVisible();

    await ui.inviteButton(alice.page).click();
    const dialog = ui.dialog(alice.page);
    const pending = dialog.getByRole('region', { name: exactName('Invitations') });
    await expect(pending.getByRole('listitem')).toHaveCount(2);
    await expect(pending.getByRole('listitem').filter({ hasText: bob.name })).toContainText(`invited by ${alice.name}`);
    await pending.getByRole('button', { name: exactName(`Withdraw invitation to ${bob.name}`) }).click();
    await expect(pending.getByRole('listitem')).toHaveCount(1);
    await expect(
      pending.getByRole('button', { name: exactName(`Withdraw invitation to ${carol.name}`) }),
    ).toBeVisible();
    await dialog.getByRole('button', { name: exactName('Cancel') }).click();

    // bob's notice goes at once, and the room is not in his Browse rooms any more.
    await expect(ui.invitationJoinButton(bob.page, room)).toHaveCount(0);
    const open = uniqueName('public');
    await createRoom(carol.page, open);
    const browse = await openBrowseRooms(bob.page, open);
    await expect(browse.getByText(room)).toHaveCount(0);
    await browse.getByRole('button', { name: exactName('Close') }).click();
    // carol's invitation still stands.
    await ui.invitationJoinButton(carol.page, room).click();
    await expect(ui.roomHeading(carol.page, room)).toBeVisible();
  });

  test('I4: an invitation sent by a member who is then removed is withdrawn: the invitee cannot join', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = await privateRoomWithBob(alice, bob);
    await inviteUser(bob.page, carol.name);
    await expect(ui.invitationJoinButton(carol.page, room)).toBeVisible();
    await openRoom(alice.page, room);
    await removeMember(alice.page, bob.name);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(0);
    await expect(ui.invitationJoinButton(carol.page, room)).toHaveCount(0);
    await expect(ui.roomLink(carol.page, room)).toHaveCount(0);
  });

  test('I3: the owner removes bob: he loses the room at once, gets nothing sent after, and cannot rejoin', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    // Watch what bob's browser receives: reload so his chat socket opens under watch.
    const bobFrames = recordSocketFrames(bob.page);
    await bob.page.reload();
    await expectSignedIn(bob.page);
    const open = uniqueName('public');
    await createRoom(alice.page, open);
    const room = await privateRoomWithBob(alice, bob);
    await createRoom(carol.page, uniqueName('carols'));

    // Only the owner gets Remove buttons, never for themselves.
    await openRoom(alice.page, room);
    await expect(ui.removeMemberButton(alice.page, alice.name)).toHaveCount(0);
    await expect(ui.removeMemberButton(bob.page, alice.name)).toHaveCount(0);
    const before = uniqueName('before-removal');
    await sendMessage(alice.page, before);
    await expect(ui.message(bob.page, before)).toHaveCount(1);

    await removeMember(alice.page, bob.name);
    // alice's Members list drops bob (room:member-left).
    await expect(ui.member(alice.page, bob.name)).toHaveCount(0);
    // bob's nav loses the room; he had it open, so he lands in general with a notice.
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, room)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, 'general')).toBeVisible();
    await expect(ui.notices(bob.page)).toContainText(`You were removed from ${room}`);

    // A message alice sends afterwards never reaches bob: not shown, and not even received.
    const after = uniqueName('after-removal');
    await sendMessage(alice.page, after);
    // A later message in a room bob is still in: once he has it, the first would have come.
    await openRoom(alice.page, 'general');
    const sentinel = uniqueName('sentinel');
    await sendMessage(alice.page, sentinel);
    await expect(ui.message(bob.page, sentinel)).toHaveCount(1);
    expect(
      bobFrames.some((frame) => frame.includes(sentinel)),
      "bob's socket frames are recorded",
    ).toBe(true);
    expect(bobFrames.filter((frame) => frame.includes(after))).toEqual([]);
    await expect(ui.message(bob.page, after)).toHaveCount(0);
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);

    // bob cannot come back: the room is not in his Browse rooms (which has loaded: the public room is there).
    const browse = await openBrowseRooms(bob.page, open);
    await expect(browse.getByText(room)).toHaveCount(0);
    await browse.getByRole('button', { name: exactName('Close') }).click();
    // Nor after a reload (the room list comes from the server again).
    await bob.page.reload();
    await expectSignedIn(bob.page);
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
  });

  test('I3: leaving a room in one tab or on another device is no "removed" notice elsewhere; a removal reaches every tab and device', async ({
    users,
    browser,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const bobTab2 = await openTab(bob.context);
    await expectSignedIn(bobTab2);
    const phone = await signInElsewhere(browser, bob);
    try {
      const bobPages = [bob.page, bobTab2, phone.page];

      // bob leaves one room himself in his first tab, and another on his other device.
      const leftHere = await privateRoomWithBob(alice, bob);
      for (const page of bobPages) await expect(ui.roomLink(page, leftHere)).toBeVisible();
      await leaveRoom(bob.page);
      for (const page of bobPages) await expect(ui.roomLink(page, leftHere)).toHaveCount(0);

      const leftOnPhone = await privateRoomWithBob(alice, bob);
      await openRoom(phone.page, leftOnPhone);
      await leaveRoom(phone.page);
      for (const page of bobPages) await expect(ui.roomLink(page, leftOnPhone)).toHaveCount(0);

      // alice removes him from a third: every tab and device says so.
      const removed = await privateRoomWithBob(alice, bob);
      for (const page of bobPages) await expect(ui.roomLink(page, removed)).toBeVisible();
      await openRoom(alice.page, removed);
      await removeMember(alice.page, bob.name);
      for (const page of bobPages) {
        await expect(ui.roomLink(page, removed)).toHaveCount(0);
        await expect(ui.notices(page)).toContainText(`You were removed from ${removed}`);
        // The rooms bob left on his own are no news anywhere.
        await expect(ui.notices(page)).not.toContainText(`removed from ${leftHere}`);
        await expect(ui.notices(page)).not.toContainText(`removed from ${leftOnPhone}`);
      }
    } finally {
      await phone.context.close();
    }
  });
});
