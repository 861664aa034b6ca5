import type { Locator, Page } from '@playwright/test';
import { controlFocus, notificationsShown, recordNotifications } from './browser-control';
import { exactName, expect, expectSignedIn, openRoom, sendMessage, test, ui, type User } from './fixtures';

/*
 * Group conversations (SPEC G1–G7) through the UI: New message → People → Start, with
 * several people in their own browser contexts. A group is named, for each member, by
 * the others' usernames sorted ignoring case, comma-separated (G2).
 */

const newMessageButton = (page: Page) => page.getByRole('button', { name: exactName('New message') });
const peopleBox = (dialog: Locator) => dialog.getByRole('combobox', { name: exactName('People') });

/** G2: the name `me` sees for a group of these people. */
function groupName(me: User, members: readonly User[]): string {
  return members
    .filter((m) => m.name !== me.name)
    .map((m) => m.name)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
    .join(', ');
}

/** Types the start of a username in the People combobox and picks it from the options: by keyboard or by click. */
async function pick(dialog: Locator, username: string, how: 'keyboard' | 'click'): Promise<void> {
  const box = peopleBox(dialog);
  await box.fill(username.slice(0, -2));
  const option = dialog.getByRole('option', { name: exactName(username) });
  await expect(option).toBeVisible();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  if (how === 'click') await option.click();
  else {
    // The typed text is unique to this user: theirs is the only option, and the first.
    await expect(dialog.getByRole('option')).toHaveCount(1);
    await box.press('ArrowDown');
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await box.press('Enter');
  }
  await expect(dialog.getByRole('button', { name: exactName(`Remove ${username}`) })).toBeVisible();
  await expect(box).toHaveValue('');
  await expect(box).toBeFocused();
}

test.describe('group conversations', () => {
  test('G1–G6: alice starts a group with bob and carol; messages, unread, a mention, dave added, carol leaves', async ({
    users,
  }) => {
    const [alice, bob, carol, dave] = await users.signUpAll('alice', 'bob', 'carol', 'dave');
    // carol's tab is in the background and records the desktop notifications it would show.
    await controlFocus(carol.context);
    await recordNotifications(carol.context);
    await carol.page.reload();
    await expectSignedIn(carol.page);

    // New message → the People combobox: bob by keyboard, carol by a click; then Start.
    await newMessageButton(alice.page).click();
    const dialog = ui.namedDialog(alice.page, 'New message');
    await expect(dialog).toBeVisible();
    await expect(peopleBox(dialog)).toBeFocused();
    await pick(dialog, bob.name, 'keyboard');
    await pick(dialog, carol.name, 'click');
    // Escape closes the options, not the dialog; a chosen person can be taken back and picked again.
    await peopleBox(dialog).fill(dave.name.slice(0, -2));
    await expect(dialog.getByRole('option', { name: exactName(dave.name) })).toBeVisible();
    await peopleBox(dialog).press('Escape');
    await expect(dialog.getByRole('option')).toHaveCount(0);
    await expect(dialog).toBeVisible();
    await peopleBox(dialog).fill('');
    await dialog.getByRole('button', { name: exactName(`Remove ${carol.name}`) }).click();
    await expect(dialog.getByRole('button', { name: exactName(`Remove ${carol.name}`) })).toHaveCount(0);
    await pick(dialog, carol.name, 'click');
    await dialog.getByRole('button', { name: exactName('Start') }).click();
    await expect(dialog).toHaveCount(0);

    const three = [alice, bob, carol];
    const aliceSees = groupName(alice, three);
    await expect(ui.roomHeading(alice.page, aliceSees)).toBeVisible();
    await expect(ui.roomLink(alice.page, aliceSees)).toBeVisible();
    // It appears at once for the others, named by the rest of them.
    await expect(ui.roomLink(bob.page, groupName(bob, three))).toBeVisible();
    await expect(ui.roomLink(carol.page, groupName(carol, three))).toBeVisible();

    // alice writes; the others, elsewhere, see it counted; carol is mentioned next.
    await sendMessage(alice.page, 'hello group');
    await expect(ui.roomLink(bob.page, groupName(bob, three))).toHaveAccessibleName(
      exactName(`${groupName(bob, three)} 1 unread`),
    );
    await sendMessage(alice.page, `look @${carol.name} here`);
    await expect(ui.roomLink(carol.page, groupName(carol, three))).toHaveAccessibleName(
      exactName(`${groupName(carol, three)} 2 unread 1 mention`),
    );
    await expect(ui.roomLink(bob.page, groupName(bob, three))).toHaveAccessibleName(
      exactName(`${groupName(bob, three)} 2 unread`),
    );
    // G6: a group notifies every message by default, like a DM; the mention says so.
    await expect
      .poll(async () => (await notificationsShown(carol.page)).map((n) => [n.title, n.body]))
      .toEqual([
        [`${alice.name} in ${groupName(carol, three)}`, 'hello group'],
        [`${alice.name} mentioned you in ${groupName(carol, three)}`, `look @${carol.name} here`],
      ]);

    // bob and carol open it and answer; all three see every message.
    await openRoom(bob.page, groupName(bob, three));
    await expect(ui.message(bob.page, 'hello group')).toHaveCount(1);
    await sendMessage(bob.page, 'hi from bob');
    await openRoom(carol.page, groupName(carol, three));
    await expect(ui.message(carol.page, `look @${carol.name} here`)).toHaveCount(1);
    await sendMessage(carol.page, 'hi from carol');
    for (const { page } of three) {
      await expect(ui.message(page, 'hi from bob')).toHaveCount(1);
      await expect(ui.message(page, 'hi from carol')).toHaveCount(1);
    }

    // G3: bob adds dave, who gets the group with its history; the names follow everywhere.
    await bob.page.getByRole('button', { name: exactName('Add people') }).click();
    const add = ui.namedDialog(bob.page, 'Add people');
    await expect(add).toBeVisible();
    // Members are not offered.
    await peopleBox(add).fill(carol.name);
    await expect(add.getByRole('option')).toHaveCount(0);
    await pick(add, dave.name, 'click');
    await add.getByRole('button', { name: exactName('Add') }).click();
    await expect(add).toHaveCount(0);
    const four = [...three, dave];
    await expect(ui.roomHeading(bob.page, groupName(bob, four))).toBeVisible();
    await expect(ui.roomHeading(alice.page, groupName(alice, four))).toBeVisible();
    await expect(ui.member(alice.page, dave.name)).toBeVisible();
    await openRoom(dave.page, groupName(dave, four));
    await expect(ui.message(dave.page, 'hello group')).toHaveCount(1);
    await sendMessage(alice.page, 'welcome dave');
    await expect(ui.message(dave.page, 'welcome dave')).toHaveCount(1);

    // G4: carol leaves; she gets nothing more, the others see the group without her.
    await carol.page.getByRole('button', { name: exactName('Leave conversation') }).click();
    const confirm = ui.namedDialog(carol.page, 'Leave conversation');
    await confirm.getByRole('button', { name: exactName('Leave conversation') }).click();
    await expect(ui.roomLink(carol.page, groupName(carol, four))).toHaveCount(0);
    await expect(ui.roomHeading(carol.page, 'general')).toBeVisible();
    const withoutCarol = [alice, bob, dave];
    await expect(ui.roomHeading(alice.page, groupName(alice, withoutCarol))).toBeVisible();
    await expect(ui.member(alice.page, carol.name)).toHaveCount(0);
    await sendMessage(alice.page, 'after carol left');
    await expect(ui.message(dave.page, 'after carol left')).toHaveCount(1);
    await expect(ui.message(bob.page, 'after carol left')).toHaveCount(1);
    await expect(carol.page.getByText('after carol left')).toHaveCount(0);
  });

  test('G1: picking one person opens our DM; an existing group of the same people opens instead of a second', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const start = async (people: User[]) => {
      await newMessageButton(alice.page).click();
      const dialog = ui.namedDialog(alice.page, 'New message');
      // Start with nobody picked says so and sends nothing.
      await dialog.getByRole('button', { name: exactName('Start') }).click();
      await expect(dialog.getByRole('alert')).toHaveText('Pick at least one person.');
      for (const person of people) await pick(dialog, person.name, 'keyboard');
      await dialog.getByRole('button', { name: exactName('Start') }).click();
      await expect(dialog).toHaveCount(0);
    };
    await start([bob]);
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    await expect(alice.page.getByText('Direct message', { exact: true })).toBeVisible();
    await start([bob, carol]);
    const name = groupName(alice, [alice, bob, carol]);
    await expect(ui.roomHeading(alice.page, name)).toBeVisible();
    await sendMessage(alice.page, 'first of the group');
    await openRoom(alice.page, 'general');
    await start([carol, bob]);
    await expect(ui.roomHeading(alice.page, name)).toBeVisible();
    await expect(ui.message(alice.page, 'first of the group')).toHaveCount(1);
    await expect(ui.roomLink(alice.page, name)).toHaveCount(1);
  });
});
