import type { Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  joinRoom,
  messageAction,
  openRoom,
  seedRoom,
  sendMessage,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * Message search between people (SPEC F1–F3), through the accessible names of the UI
 * contract: a searchbox `Search messages`, a list `Search results` of links.
 */

/** A word no other test uses (letters and digits only: search splits words on `_`). */
const uniqueWord = (prefix: string) => uniqueName(prefix).replace('_', '');

const searchBox = (page: Page) => page.getByRole('searchbox', { name: exactName('Search messages') });
const results = (page: Page) => page.getByRole('list', { name: exactName('Search results') });

async function search(page: Page, query: string): Promise<void> {
  await searchBox(page).fill(query);
  await searchBox(page).press('Enter');
}

test.describe('search', () => {
  test('F1/F2: a message is found in a shared room and opened; one in a room I am not in never is', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const shared = uniqueName('shared');
    const secret = uniqueName('secret');
    const word = uniqueWord('kiwi');
    await createRoom(alice.page, shared);
    await joinRoom(bob.page, shared);
    await sendMessage(alice.page, `the ${word} report is ready`);
    await createRoom(alice.page, secret, { isPrivate: true });
    await sendMessage(alice.page, `${word} only for me`);

    await openRoom(bob.page, 'general');
    await search(bob.page, word);
    const hits = results(bob.page).getByRole('link');
    await expect(hits).toHaveCount(1);
    const hit = hits.first();
    await expect(hit).toHaveAccessibleName(new RegExp(`${shared}.*${alice.name}.*the ${word} report is ready`));
    await expect(hit.locator('mark')).toHaveText(word);
    await hit.click();
    await expect(ui.roomHeading(bob.page, shared)).toBeVisible();
    await expect(ui.message(bob.page, `the ${word} report`)).toBeInViewport();
    await expect(results(bob.page)).toHaveCount(0);

    // alice is in both rooms: she finds both; Escape closes the results.
    await search(alice.page, word);
    await expect(results(alice.page).getByRole('link')).toHaveCount(2);
    await searchBox(alice.page).press('Escape');
    await expect(results(alice.page)).toHaveCount(0);
  });

  test('F3: a deleted message is not found', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    const word = uniqueWord('plum');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const text = `${word} goes away`;
    await sendMessage(alice.page, text);
    await search(bob.page, word);
    await expect(results(bob.page).getByRole('link')).toHaveCount(1);

    await messageAction(alice.page, text, 'Delete');
    const dialog = alice.page.getByRole('dialog');
    await dialog.getByRole('button', { name: exactName('Delete') }).click();
    await expect(ui.message(bob.page, text)).toHaveCount(0);
    await search(bob.page, word);
    await expect(bob.page.getByRole('status').filter({ hasText: 'No messages found.' })).toBeVisible();
    await expect(results(bob.page)).toHaveCount(0);
  });

  test('F2: More results pages back, newest first, each hit once, and focus goes to the first new one', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('archive');
    await seedRoom({ room, users: [alice.name, bob.name], count: 45, isPrivate: true });
    await bob.page.reload();
    await search(bob.page, `in:${room} seeded`);
    const hits = results(bob.page).getByRole('link');
    await expect(hits).toHaveCount(20);
    await expect(hits.first()).toHaveAccessibleName(/Seeded message \[45\]/);
    const more = bob.page.getByRole('button', { name: exactName('More results') });
    await more.press('Enter');
    await expect(hits).toHaveCount(40);
    await expect(hits.nth(20)).toBeFocused();
    await expect(hits.nth(20)).toHaveAccessibleName(/Seeded message \[25\]/);
    await more.click();
    await expect(hits).toHaveCount(45);
    await expect(hits.last()).toHaveAccessibleName(/Seeded message \[01\]/);
    // Nothing older matches: no further page is offered.
    await expect(more).toHaveCount(0);
    const names = await hits.evaluateAll((links) => links.map((a) => a.textContent));
    expect(new Set(names).size).toBe(45);
  });
});
