import { createRoom, expect, joinRoom, openRoom, sendMessage, test, ui, uniqueName } from './fixtures';

test.describe('direct messages', () => {
  test('D1: alice messages bob from Members; bob gets the DM live; carol sees nothing of it', async ({ users }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await joinRoom(carol.page, room);

    // Every member but me has a "Message <name>" button; not for myself.
    await expect(ui.messageUserButton(alice.page, bob.name)).toBeVisible();
    await expect(ui.messageUserButton(alice.page, carol.name)).toBeVisible();
    await expect(ui.messageUserButton(alice.page, alice.name)).toHaveCount(0);

    await ui.messageUserButton(alice.page, bob.name).click();
    // The DM opens at alice's, named after bob.
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    await expect(ui.roomLink(alice.page, bob.name)).toBeVisible();

    const secret = `psst ${uniqueName('dm')}`;
    await sendMessage(alice.page, secret);

    // bob: the DM shows up in his Rooms nav without a reload, named after alice.
    await expect(ui.roomLink(bob.page, alice.name)).toBeVisible();
    await openRoom(bob.page, alice.name);
    await expect(ui.message(bob.page, secret)).toHaveCount(1);
    await expect(ui.message(bob.page, secret)).toContainText(alice.name);

    // bob answers; alice gets it in the DM.
    const answer = `hi back ${uniqueName('dm')}`;
    await sendMessage(bob.page, answer);
    await expect(ui.message(alice.page, answer)).toHaveCount(1);

    // carol: no DM link and the text nowhere on her page (checked after bob has both
    // messages, so they have had every chance to reach her too).
    await expect(ui.roomLink(carol.page, alice.name)).toHaveCount(0);
    await expect(ui.roomLink(carol.page, bob.name)).toHaveCount(0);
    await expect(carol.page.getByText(secret)).toHaveCount(0);
    await expect(carol.page.getByText(answer)).toHaveCount(0);
    // Nor can she find it in Browse rooms (R2: DMs never appear there).
    await ui.browseRoomsButton(carol.page).click();
    const dialog = ui.dialog(carol.page);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText(alice.name)).toHaveCount(0);
    await expect(dialog.getByText(bob.name)).toHaveCount(0);
  });

  test('D1: opening the same DM again reuses it', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await ui.messageUserButton(alice.page, bob.name).click();
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    const first = uniqueName('dm');
    await sendMessage(alice.page, first);

    // From bob's side, through the room's Members: the same conversation, not a new one.
    await openRoom(bob.page, room);
    await ui.messageUserButton(bob.page, alice.name).click();
    await expect(ui.roomHeading(bob.page, alice.name)).toBeVisible();
    await expect(ui.message(bob.page, first)).toHaveCount(1);

    // And alice again: still one DM link for bob.
    await openRoom(alice.page, room);
    await ui.messageUserButton(alice.page, bob.name).click();
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    await expect(ui.message(alice.page, first)).toHaveCount(1);
    await expect(ui.roomLink(alice.page, bob.name)).toHaveCount(1);
    await expect(ui.roomLink(bob.page, alice.name)).toHaveCount(1);
  });
});
