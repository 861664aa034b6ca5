import type { Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedOut,
  inviteUser,
  joinRoom,
  leaveRoom,
  openBrowseRooms,
  openRoom,
  removeMember,
  sendMessage,
  signIn,
  test,
  ui,
  uniqueName,
  type User,
} from './fixtures';

/*
 * Actions that used to happen at the first click now ask first (R4, I3); an invitation
 * sent while the invitee was away reaches them at their next sign-in (I6), and pending
 * invitations show as a count on Browse rooms; the Members panel offers no DM button
 * inside that very DM (D1).
 */

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

/** The description Browse rooms carries while invitations wait ("1 pending invitation"). */
async function expectPendingInvitations(page: Page, count: number): Promise<void> {
  const button = ui.browseRoomsButton(page);
  if (count === 0) {
    await expect(button).not.toHaveAttribute('aria-describedby');
    return;
  }
  await expect(button).toHaveAccessibleDescription(
    exactName(count === 1 ? '1 pending invitation' : `${count} pending invitations`),
  );
  // The visible badge shows the number; the name stays "Browse rooms".
  await expect(button).toContainText(String(count));
  await expect(button).toHaveAccessibleName(exactName('Browse rooms'));
}

test.describe('confirmations, invitations while away, the DM button', () => {
  test('R4: Leave room asks first; Cancel and Escape keep me in the room and give focus back; confirming leaves', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = await privateRoomWithBob(alice, bob);

    await ui.leaveRoomButton(bob.page).click();
    const dialog = ui.namedDialog(bob.page, 'Leave room');
    await expect(dialog).toBeVisible();
    // It says what leaving a private room costs, and starts on the safe choice.
    await expect(dialog).toContainText(room);
    await expect(dialog).toContainText(/private room: you can only come back if a member invites you again/i);
    const cancel = dialog.getByRole('button', { name: exactName('Cancel') });
    await expect(cancel).toBeFocused();
    await expect(dialog.getByRole('button', { name: exactName('Leave room') })).toBeVisible();

    await cancel.click();
    await expect(ui.dialog(bob.page)).toHaveCount(0);
    await expect(ui.leaveRoomButton(bob.page)).toBeFocused();
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();

    // Escape is a Cancel too.
    await ui.leaveRoomButton(bob.page).click();
    await expect(dialog).toBeVisible();
    await bob.page.keyboard.press('Escape');
    await expect(ui.dialog(bob.page)).toHaveCount(0);
    await expect(ui.leaveRoomButton(bob.page)).toBeFocused();

    // Nothing happened: bob is still a member and still gets the room's messages.
    const stillHere = uniqueName('still-here');
    await sendMessage(alice.page, stillHere);
    await expect(ui.message(bob.page, stillHere)).toHaveCount(1);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);

    await leaveRoom(bob.page);
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, room)).toHaveCount(0);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(0);
  });

  test('R4: for a public room the confirmation says it can be joined again', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('public');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await ui.leaveRoomButton(bob.page).click();
    const dialog = ui.namedDialog(bob.page, 'Leave room');
    await expect(dialog).toContainText(/join it again from Browse rooms/i);
    await dialog.getByRole('button', { name: exactName('Leave room') }).click();
    await expect(ui.dialog(bob.page)).toHaveCount(0);
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
  });

  test('I3: Remove <user> asks the owner first; Cancel keeps them; confirming removes them and their client reacts', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = await privateRoomWithBob(alice, bob);
    await openRoom(alice.page, room);

    await ui.removeMemberButton(alice.page, bob.name).click();
    const dialog = ui.namedDialog(alice.page, `Remove ${bob.name}`);
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`${bob.name} will be removed from ${room}`);
    await expect(dialog).toContainText(/only come back if someone invites them again/i);
    const cancel = dialog.getByRole('button', { name: exactName('Cancel') });
    await expect(cancel).toBeFocused();
    await cancel.click();
    await expect(ui.dialog(alice.page)).toHaveCount(0);
    await expect(ui.removeMemberButton(alice.page, bob.name)).toBeFocused();

    // Nothing happened: bob is listed, keeps the room and gets what is sent there.
    const kept = uniqueName('kept');
    await sendMessage(alice.page, kept);
    await expect(ui.message(bob.page, kept)).toHaveCount(1);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);
    await expect(ui.roomLink(bob.page, room)).toBeVisible();
    await expect(ui.notices(bob.page)).not.toContainText('You were removed');

    await removeMember(alice.page, bob.name);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(0);
    // Their row (and the button that asked) is gone: focus goes to the Members heading,
    // not to the page's body.
    await expect(alice.page.getByRole('heading', { name: exactName('Members') })).toBeFocused();
    // bob's client reacts as to any removal: the room goes and a notice says why.
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, 'general')).toBeVisible();
    await expect(ui.notices(bob.page)).toContainText(`You were removed from ${room}`);
  });

  test('I6: an invitation sent while bob is signed out shows at his next sign-in, as a notice and on Browse rooms; he accepts it', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    await expectPendingInvitations(bob.page, 0);
    await ui.signOutButton(bob.page).click();
    await expectSignedOut(bob.page);

    const room = uniqueName('secret');
    await createRoom(alice.page, room, { isPrivate: true });
    await inviteUser(alice.page, bob.name);

    await signIn(bob.page, bob.name, bob.password);
    await expect(ui.notices(bob.page)).toContainText(`${alice.name} invited you to ${room}`);
    await expectPendingInvitations(bob.page, 1);
    // Browse rooms (still found by its name) lists it as an invitation.
    const browse = await openBrowseRooms(bob.page, room);
    await browse.getByRole('button', { name: exactName('Close') }).click();

    await ui.invitationJoinButton(bob.page, room).click();
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    await expect(ui.invitationJoinButton(bob.page, room)).toHaveCount(0);
    await expectPendingInvitations(bob.page, 0);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);
  });

  test('I1: an invitation arriving while bob is online puts the count on Browse rooms; joining from there clears it', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const first = uniqueName('secret');
    const second = uniqueName('secret');
    await createRoom(alice.page, first, { isPrivate: true });
    await inviteUser(alice.page, bob.name);
    await expectPendingInvitations(bob.page, 1);
    await createRoom(alice.page, second, { isPrivate: true });
    await inviteUser(alice.page, bob.name);
    await expectPendingInvitations(bob.page, 2);

    // Dismissing the notice leaves the invitation standing: the count stays.
    await ui
      .notices(bob.page)
      .getByRole('button', { name: exactName(`Dismiss invitation to ${first}`) })
      .click();
    await expect(ui.invitationJoinButton(bob.page, first)).toHaveCount(0);
    await expectPendingInvitations(bob.page, 2);

    await joinRoom(bob.page, first);
    await expectPendingInvitations(bob.page, 1);
    await ui.invitationJoinButton(bob.page, second).click();
    await expect(ui.roomHeading(bob.page, second)).toBeVisible();
    await expectPendingInvitations(bob.page, 0);
  });

  test('D1: Message <user> is not offered in our DM, and is in a room we share', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await expect(ui.messageUserButton(alice.page, bob.name)).toBeVisible();
    await expect(ui.messageUserButton(alice.page, alice.name)).toHaveCount(0);

    await ui.messageUserButton(alice.page, bob.name).click();
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    // The DM's Members list has loaded (both of us), and offers no way to open the DM again.
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);
    await expect(ui.member(alice.page, alice.name)).toHaveCount(1);
    await expect(ui.messageUserButton(alice.page, bob.name)).toHaveCount(0);
    await expect(ui.messageUserButton(alice.page, alice.name)).toHaveCount(0);

    // bob's side of the DM too.
    await openRoom(bob.page, alice.name);
    await expect(ui.member(bob.page, alice.name)).toHaveCount(1);
    await expect(ui.messageUserButton(bob.page, alice.name)).toHaveCount(0);

    // Back in the shared room, the button is there again.
    await openRoom(alice.page, room);
    await expect(ui.messageUserButton(alice.page, bob.name)).toBeVisible();
  });
});
