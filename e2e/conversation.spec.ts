import {
  createRoom,
  exactName,
  expect,
  joinRoom,
  messageAction,
  nameBeginningWith,
  openRoom,
  react,
  reactionButton,
  seedRoom,
  sendMessage,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * Edits, deletions, reactions, replies and mentions between people (SPEC E1–E6), through
 * the accessible names of the UI contract: each person is a browser context.
 */

test.describe('conversations', () => {
  test('E1/E2: an edit and a deletion are seen live by the others', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const original = uniqueName('helo');
    await sendMessage(alice.page, original);
    await expect(ui.message(bob.page, original)).toHaveCount(1);

    // Edit → the textbox holds the current text; Enter saves.
    await messageAction(alice.page, original, 'Edit');
    const box = alice.page.getByRole('textbox', { name: exactName('Edit message') });
    await expect(box).toHaveValue(original);
    const fixed = `${original} hello`;
    await box.fill(fixed);
    await box.press('Enter');
    await expect(box).toHaveCount(0);
    for (const page of [alice.page, bob.page]) {
      await expect(ui.message(page, fixed)).toContainText('edited');
    }
    // Escape cancels an edit.
    await messageAction(alice.page, fixed, 'Edit');
    await alice.page.getByRole('textbox', { name: exactName('Edit message') }).fill('never saved');
    await alice.page.getByRole('textbox', { name: exactName('Edit message') }).press('Escape');
    await expect(ui.message(bob.page, 'never saved')).toHaveCount(0);
    // Only my own messages offer Edit; bob sees Reply and React on alice's.
    await ui.message(bob.page, fixed).hover();
    await expect(ui.message(bob.page, fixed).getByRole('button', { name: exactName('Edit') })).toHaveCount(0);
    await expect(ui.message(bob.page, fixed).getByRole('button', { name: exactName('Reply') })).toBeVisible();

    // Delete asks first, in a dialog.
    await messageAction(alice.page, fixed, 'Delete');
    const dialog = alice.page.getByRole('dialog');
    await dialog.getByRole('button', { name: exactName('Delete') }).click();
    await expect(dialog).toHaveCount(0);
    for (const page of [alice.page, bob.page]) {
      await expect(ui.message(page, fixed)).toHaveCount(0);
      await expect(ui.messages(page).filter({ hasText: 'This message was deleted' })).toHaveCount(1);
    }
    // A tombstone offers nothing more.
    const tombstone = ui.messages(bob.page).filter({ hasText: 'This message was deleted' });
    await tombstone.hover();
    await expect(tombstone.getByRole('button')).toHaveCount(0);
  });

  test('E3: reactions are toggled and counted across people', async ({ users }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await joinRoom(carol.page, room);
    const text = uniqueName('react');
    await sendMessage(alice.page, text);

    await react(bob.page, text, '👍');
    for (const page of [alice.page, bob.page, carol.page])
      await expect(reactionButton(page, text, '👍', 1)).toBeVisible();
    await expect(reactionButton(bob.page, text, '👍', 1)).toHaveAttribute('aria-pressed', 'true');
    await expect(reactionButton(alice.page, text, '👍', 1)).toHaveAttribute('aria-pressed', 'false');
    // Who reacted shows on hover or focus (the button's description).
    await expect(reactionButton(alice.page, text, '👍', 1)).toHaveAccessibleDescription(new RegExp(bob.name));

    // Pressing a reaction adds mine; the count follows everywhere.
    await reactionButton(carol.page, text, '👍', 1).click();
    for (const page of [alice.page, bob.page, carol.page])
      await expect(reactionButton(page, text, '👍', 2)).toBeVisible();
    await expect(reactionButton(carol.page, text, '👍', 2)).toHaveAttribute('aria-pressed', 'true');
    // Choosing it again from the menu takes mine away (a toggle, never a second one).
    await react(bob.page, text, '👍');
    for (const page of [alice.page, bob.page, carol.page])
      await expect(reactionButton(page, text, '👍', 1)).toBeVisible();
    await expect(reactionButton(bob.page, text, '👍', 1)).toHaveAttribute('aria-pressed', 'false');
    // Another emoji is its own count; the last one of an emoji takes it away.
    await react(alice.page, text, '🎉');
    await expect(reactionButton(carol.page, text, '🎉', 1)).toBeVisible();
    await reactionButton(carol.page, text, '👍', 1).click();
    for (const page of [alice.page, bob.page, carol.page]) {
      await expect(ui.message(page, text).getByRole('button', { name: nameBeginningWith('👍') })).toHaveCount(0);
    }
    // The React menu is keyboard-operable: arrows move, Enter picks.
    await messageAction(bob.page, text, 'React');
    await expect(bob.page.getByRole('menuitem').first()).toBeFocused();
    await bob.page.keyboard.press('ArrowRight');
    await bob.page.keyboard.press('Enter');
    await expect(reactionButton(alice.page, text, '❤️', 1)).toBeVisible();
  });

  test('E4: a reply quotes its original, jumps to it in a long room, and shows when it was deleted', async ({
    users,
  }) => {
    test.setTimeout(90_000);
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('long');
    await seedRoom({ room, users: [alice.name, bob.name], count: 400, replyFirst: true });
    await alice.page.reload();
    await openRoom(alice.page, room);
    // The original itself (not the reply that quotes it): far above, not loaded.
    const first = ui
      .message(alice.page, 'Seeded message [001]')
      .filter({ hasNot: alice.page.getByRole('button', { name: /^In reply to/ }) });
    await expect(first).toHaveCount(0);
    const quote = ui
      .message(alice.page, 'Seeded message [400]')
      .getByRole('button', { name: nameBeginningWith(`In reply to ${alice.name}`) });
    await expect(quote).toContainText('Seeded message [001]');
    await quote.click();
    await expect(first).toBeInViewport();
    await expect(first).toBeFocused();

    // A reply written here: Reply shows what is answered, and Cancel reply takes it back.
    await bob.page.reload();
    await openRoom(bob.page, room);
    const target = uniqueName('question');
    await sendMessage(alice.page, target);
    await messageAction(bob.page, target, 'Reply');
    await expect(bob.page.getByText(`Replying to ${alice.name}`)).toBeVisible();
    await bob.page.getByRole('button', { name: exactName('Cancel reply') }).click();
    await expect(bob.page.getByText(`Replying to ${alice.name}`)).toHaveCount(0);
    await messageAction(bob.page, target, 'Reply');
    const answer = uniqueName('answer');
    await sendMessage(bob.page, answer);
    await expect(bob.page.getByText(`Replying to ${alice.name}`)).toHaveCount(0);
    const replyQuote = ui
      .message(alice.page, answer)
      .getByRole('button', { name: nameBeginningWith(`In reply to ${alice.name}`) });
    await expect(replyQuote).toContainText(target);
    // The original is deleted later: the reply says so. (The reply quotes it: take the first.)
    await messageAction(alice.page, ui.message(alice.page, target).first(), 'Delete');
    await alice.page
      .getByRole('dialog')
      .getByRole('button', { name: exactName('Delete') })
      .click();
    await expect(replyQuote).toContainText('deleted');
    await expect(replyQuote).not.toContainText(target);
  });

  test('E6: @ offers the room’s members; picking one inserts it; the mentioned person sees it highlighted and counted', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await openRoom(bob.page, 'general');
    await alice.page.reload();
    await openRoom(alice.page, room);
    await expect(ui.messageUserButton(alice.page, bob.name)).toBeVisible();

    const composer = ui.composer(alice.page);
    await composer.fill('hello @');
    await composer.pressSequentially(bob.name.slice(0, 2));
    const list = alice.page.getByRole('listbox', { name: exactName('Mention suggestions') });
    await expect(list.getByRole('option', { name: exactName(bob.name) })).toBeVisible();
    await expect(list.getByRole('option', { name: exactName(alice.name) })).toHaveCount(0);
    await composer.press('Enter');
    await expect(list).toHaveCount(0);
    await expect(composer).toHaveValue(`hello @${bob.name} `);
    await composer.pressSequentially('are you there?');
    await composer.press('Escape'); // nothing open: Escape does nothing to the text
    await expect(composer).toHaveValue(`hello @${bob.name} are you there?`);
    await composer.press('Enter');

    // bob, in another room, sees the mention counted on the room's link, then highlighted.
    await expect(ui.roomLink(bob.page, room)).toHaveAccessibleName(new RegExp(`${room}.*1 unread.*1 mention\\b`));
    await openRoom(bob.page, room);
    await expect(ui.message(bob.page, 'are you there?').locator('.mention-me')).toHaveText(`@${bob.name}`);
  });
});
