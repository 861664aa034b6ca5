import type { Locator } from '@playwright/test';
import {
  createRoom,
  expect,
  exactName,
  expectSignedIn,
  joinRoom,
  leaveRoom,
  openRoom,
  sendMessage,
  sentMessagesIn,
  test,
  ui,
  uniqueName,
} from './fixtures';

/**
 * The element holds the document's focus. (Playwright's toBeFocused also wants the window
 * focused, and of several users' windows only one is.)
 */
async function expectCaretIn(locator: Locator): Promise<void> {
  await expect.poll(() => locator.evaluate((el) => el === document.activeElement)).toBe(true);
}

test.describe('rooms and messages', () => {
  test('M2/M4: three users in a room created by alice see every message in the same order', async ({ users }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('room');

    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await joinRoom(carol.page, room);

    // Three rounds; within a round the three send at the same moment, so the server
    // decides the order and every client has to show that same order.
    const sent: { author: string; text: string }[] = [];
    for (let round = 1; round <= 3; round++) {
      const batch = [alice, bob, carol].map((user) => ({
        user,
        text: `round ${round} from ${user.name} ${uniqueName('m')}`,
      }));
      await Promise.all(batch.map(({ user, text }) => sendMessage(user.page, text)));
      sent.push(...batch.map(({ user, text }) => ({ author: user.name, text })));
    }

    const pages = [alice.page, bob.page, carol.page];
    await expect(async () => {
      const [a, b, c] = await Promise.all(pages.map((page) => sentMessagesIn(page, sent)));
      expect(a, "alice's log holds all 9 messages, each with its author").toHaveLength(sent.length);
      expect(
        a!.filter((line) => line.startsWith('?:')),
        'messages shown without their author',
      ).toEqual([]);
      expect(b, "bob's log is in alice's order").toEqual(a);
      expect(c, "carol's log is in alice's order").toEqual(a);
    }).toPass({ timeout: 10_000 });

    // Each person's own messages keep the order they were sent in.
    const shown = await sentMessagesIn(alice.page, sent);
    for (const user of [alice, bob, carol]) {
      const mine = sent.filter((m) => m.author === user.name).map((m) => `${m.author}: ${m.text}`);
      expect(shown.filter((line) => line.startsWith(`${user.name}: `))).toEqual(mine);
    }
  });

  test('the composer: Enter sends, Shift+Enter adds a line, the Send button sends', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    const composer = ui.composer(alice.page);
    const first = uniqueName('line-one');
    const second = uniqueName('line-two');
    await composer.fill(first);
    await composer.press('Shift+Enter');
    await composer.pressSequentially(second);
    // Shift+Enter added a line and sent nothing.
    await expect(composer).toHaveValue(`${first}\n${second}`);
    await expect(ui.message(alice.page, first)).toHaveCount(0);
    await composer.press('Enter');
    await expect(composer).toHaveValue('');

    for (const page of [alice.page, bob.page]) {
      const article = ui.message(page, first);
      await expect(article).toHaveCount(1);
      await expect(article).toContainText(second);
      await expect(article).toContainText(alice.name);
    }

    const viaButton = uniqueName('via-button');
    await composer.fill(viaButton);
    await ui.sendButton(alice.page).click();
    await expect(composer).toHaveValue('');
    await expect(ui.message(bob.page, viaButton)).toHaveCount(1);
    await expect(ui.message(alice.page, viaButton)).toHaveCount(1);
  });

  test('reloading keeps me signed in and shows the room history', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    const sent = [
      { author: alice.name, text: uniqueName('before-reload') },
      { author: bob.name, text: uniqueName('before-reload') },
      { author: alice.name, text: uniqueName('before-reload') },
    ];
    for (const m of sent) await sendMessage(m.author === alice.name ? alice.page : bob.page, m.text);
    await expect(ui.message(alice.page, sent[1]!.text)).toHaveCount(1);

    await alice.page.reload();
    await expectSignedIn(alice.page);
    // The contract does not say which room a reload shows: open ours from the nav.
    await openRoom(alice.page, room);
    await expect.poll(() => sentMessagesIn(alice.page, sent)).toEqual(sent.map((m) => `${m.author}: ${m.text}`));

    // And the reloaded page is live again.
    const after = uniqueName('after-reload');
    await sendMessage(bob.page, after);
    await expect(ui.message(alice.page, after)).toHaveCount(1);
  });

  test('XSS: message text is shown as text, never run as HTML', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    const payload = `<img src=x onerror="window.__xss=1"> ${uniqueName('xss')}`;
    await sendMessage(alice.page, payload);

    for (const page of [alice.page, bob.page]) {
      const article = ui.message(page, payload);
      await expect(article).toHaveCount(1);
      await expect(article).toContainText(payload);
      await expect(ui.messageLog(page).locator('img[src="x"]')).toHaveCount(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    }

    // Also after a reload, when the message comes from history instead of a live event.
    await bob.page.reload();
    await expectSignedIn(bob.page);
    await openRoom(bob.page, room);
    await expect(ui.message(bob.page, payload)).toContainText(payload);
    await expect(ui.messageLog(bob.page).locator('img[src="x"]')).toHaveCount(0);
    expect(await bob.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  });

  test('R2: a private room is not listed in Browse rooms for others', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const secret = uniqueName('private');
    const open = uniqueName('public');
    await createRoom(alice.page, secret, { isPrivate: true });
    await createRoom(alice.page, open);

    await ui.browseRoomsButton(bob.page).click();
    const dialog = ui.dialog(bob.page);
    // The public room is listed (so the list has loaded) and the private one is not.
    await expect(dialog.getByRole('button', { name: exactName(`Join ${open}`) })).toBeVisible();
    await expect(dialog.getByText(secret)).toHaveCount(0);
    await expect(ui.roomLink(bob.page, secret)).toHaveCount(0);
  });

  test('R4: leaving a room removes it from the nav and lists it in Browse rooms again', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await expect(ui.member(alice.page, bob.name)).toHaveCount(1);

    await leaveRoom(bob.page);
    await expect(ui.roomLink(bob.page, room)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, room)).toHaveCount(0);
    // The other members see bob go.
    await expect(ui.member(alice.page, bob.name)).toHaveCount(0);

    await ui.browseRoomsButton(bob.page).click();
    await expect(ui.dialog(bob.page).getByRole('button', { name: exactName(`Join ${room}`) })).toBeVisible();
  });

  test('M4: a message shows only in its own room', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const first = uniqueName('room');
    const second = uniqueName('room');
    await createRoom(alice.page, first);
    await createRoom(alice.page, second);
    await joinRoom(bob.page, first);
    await joinRoom(bob.page, second);

    // bob sends in `second`, then in `first`; alice has `first` open.
    await openRoom(alice.page, first);
    const wrongRoom = uniqueName('in-second');
    const rightRoom = uniqueName('in-first');
    await sendMessage(bob.page, wrongRoom);
    await openRoom(bob.page, first);
    await sendMessage(bob.page, rightRoom);

    await expect(ui.message(alice.page, rightRoom)).toHaveCount(1);
    await expect(ui.message(alice.page, wrongRoom)).toHaveCount(0);
    await openRoom(alice.page, second);
    await expect(ui.message(alice.page, wrongRoom)).toHaveCount(1);
    await expect(ui.message(alice.page, rightRoom)).toHaveCount(0);
  });

  test('time you can read: a day separator names Today; a message’s time gives the full date on hover and on focus', async ({
    users,
  }) => {
    const [alice] = await users.signUpAll('alice');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    const text = uniqueName('hello');
    await sendMessage(alice.page, text);
    await expect(ui.messageLog(alice.page).getByRole('separator', { name: exactName('Today') })).toHaveCount(1);

    const article = ui.message(alice.page, text);
    const time = article.locator('time');
    const full = await time.evaluate((el) =>
      new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(
        new Date(el.getAttribute('datetime') ?? ''),
      ),
    );
    // On hover: the title. Shown: the time alone, without a leading zero in a 12-hour locale.
    await expect(time).toHaveAttribute('title', full);
    expect(await time.innerText()).not.toMatch(/^0\d:\d\d [AP]M$/);
    const fullText = article.getByText(full, { exact: true });
    await expect(fullText).toBeHidden();
    // Keyboard focus on the message shows it too.
    await article.focus();
    await expect(fullText).toBeVisible();
  });

  test('keyboard: after sign-in, opening, creating and joining a room, the caret is in the composer', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    await expectCaretIn(ui.composer(alice.page));
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await expectCaretIn(ui.composer(alice.page));
    await joinRoom(bob.page, room);
    await expectCaretIn(ui.composer(bob.page));
    await openRoom(bob.page, 'general');
    await expectCaretIn(ui.composer(bob.page));
    // Typing goes straight into it.
    await bob.page.keyboard.type('straight in');
    await expect(ui.composer(bob.page)).toHaveValue('straight in');
  });
});
