import type { Locator, Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  openRoom,
  PASSWORD,
  seedRoom,
  sendMessage,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * Parley with only a keyboard, and what a screen reader hears. Every step is taken with
 * keys (Tab, Enter, the shortcuts), and where the focus lands is checked after each.
 * What is announced is recorded in the page: every node added to a live region (an
 * element with aria-live other than "off", or role log/status/alert without one), with
 * the region that would say it.
 */

/** Whether `locator` is the focused element (the page need not have the window's focus). */
const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

async function expectFocused(locator: Locator, what: string): Promise<void> {
  await expect.poll(() => isFocused(locator), { message: `focus is on ${what}` }).toBe(true);
}

/** Presses Tab (or Shift+Tab) until `locator` has the focus (at most `max` presses); returns how many. */
async function tabTo(page: Page, locator: Locator, what: string, max = 60, key = 'Tab'): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(key);
    if (await isFocused(locator)) return presses;
  }
  throw new Error(`${what} not reached with ${max} Tab presses`);
}

/** Back to the composer the way a keyboard user does: Shift+Tab to the skip link, Enter. */
async function focusComposerBySkipLink(page: Page): Promise<void> {
  await tabTo(
    page,
    page.getByRole('link', { name: exactName('Skip to composer') }),
    'Skip to composer',
    60,
    'Shift+Tab',
  );
  await page.keyboard.press('Enter');
  await expectFocused(ui.composer(page), 'the composer');
}

type Spoken = { region: string; text: string };

/** Starts recording what live regions would announce (see the top of this file). */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.evaluate(() => {
    const spoken: Spoken[] = [];
    (window as unknown as { __spoken: Spoken[] }).__spoken = spoken;
    /** The element that decides whether `node`'s changes are read, and whether they are. */
    const liveness = (node: Node): { live: boolean; region: string } => {
      for (let el: Element | null = node instanceof Element ? node : node.parentElement; el; el = el.parentElement) {
        const live = el.getAttribute('aria-live');
        const role = el.getAttribute('role');
        const name = el.getAttribute('aria-label') ?? role ?? 'live region';
        if (live !== null) return { live: live !== 'off', region: name };
        if (role === 'log' || role === 'status' || role === 'alert') return { live: true, region: name };
      }
      return { live: false, region: '' };
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const { live, region } = liveness(record.target);
        if (!live) continue;
        for (const node of record.addedNodes) {
          const text = node.textContent?.trim() ?? '';
          if (text) spoken.push({ region, text });
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

const announcements = (page: Page) =>
  page.evaluate(() => (window as unknown as { __spoken: Spoken[] }).__spoken.slice());
const clearAnnouncements = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __spoken: Spoken[] }).__spoken.length = 0;
  });

test.describe('keyboard and screen reader', () => {
  test('a conversation with only the keyboard: focus lands where the next step is, every time', async ({
    browser,
    users,
  }) => {
    const bob = await users.signUp('bob');
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    try {
      await page.goto('/');
      const name = uniqueName('kim');
      // Sign up: fields and the button reached with Tab.
      await tabTo(page, ui.usernameBox(page), 'Username');
      await page.keyboard.type(name);
      await tabTo(page, ui.passwordBox(page), 'Password');
      await page.keyboard.type(PASSWORD);
      await tabTo(page, ui.createAccountButton(page), 'Create account');
      await page.keyboard.press('Enter');
      await expectSignedIn(page);
      // After sign-in the caret is in the open room's composer.
      await expectFocused(ui.composer(page), 'the composer after sign-in');
      await expect(ui.roomHeading(page, 'general')).toBeVisible();

      // The skip link is the first stop of the Tab order and leads to the composer.
      const skip = page.getByRole('link', { name: exactName('Skip to composer') });
      const firstStop = await page.evaluate(() => {
        const candidates = document.querySelectorAll<HTMLElement>(
          'a[href], button, input, textarea, select, [tabindex]',
        );
        const first = [...candidates].find((el) => el.tabIndex >= 0 && !el.hasAttribute('disabled'));
        return first?.textContent ?? null;
      });
      expect(firstStop).toBe('Skip to composer');
      await tabTo(page, skip, 'Skip to composer', 60, 'Shift+Tab');
      await expect(skip).toBeInViewport();
      await page.keyboard.press('Enter');
      await expectFocused(ui.composer(page), 'the composer after the skip link');

      // Create a room: the dialog takes the focus, then the new room's composer has it.
      const room = uniqueName('keys');
      // Backwards from the composer: the sidebar comes before the conversation, and forwards
      // would walk the whole member list of general (every account of the run is in it).
      await tabTo(page, ui.newRoomButton(page), 'New room', 60, 'Shift+Tab');
      await page.keyboard.press('Enter');
      const roomName = ui.dialog(page).getByRole('textbox', { name: exactName('Room name') });
      await expectFocused(roomName, 'Room name in the New room dialog');
      await page.keyboard.type(room);
      await page.keyboard.press('Enter');
      await expect(ui.roomHeading(page, room)).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer of the new room');
      await page.keyboard.type('made with keys');
      await page.keyboard.press('Enter');
      await expect(ui.message(page, 'made with keys')).toBeVisible();

      // Opening a room by its link (Tab to it, Enter): the composer again.
      await tabTo(page, ui.roomLink(page, 'general'), 'the general link', 60, 'Shift+Tab');
      await page.keyboard.press('Enter');
      await expect(ui.roomHeading(page, 'general')).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer after opening general by its link');

      // Alt+ArrowDown / Alt+ArrowUp move through the sidebar's list (rooms by name).
      const order = ['general', room].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
      const other = (n: string) => (n === 'general' ? room : 'general');
      await page.keyboard.press(order[0] === 'general' ? 'Alt+ArrowDown' : 'Alt+ArrowUp');
      await expect(ui.roomHeading(page, room)).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer after Alt+Arrow');
      await page.keyboard.press(order[0] === 'general' ? 'Alt+ArrowUp' : 'Alt+ArrowDown');
      await expect(ui.roomHeading(page, other(room))).toBeVisible();

      // Bob joins the room and writes: Alt+Shift+Arrow goes to it as the unread room.
      const { page: bobPage } = bob;
      await ui.browseRoomsButton(bobPage).click();
      await ui
        .dialog(bobPage)
        .getByRole('button', { name: exactName(`Join ${room}`) })
        .click();
      await expect(ui.roomHeading(bobPage, room)).toBeVisible();
      await sendMessage(bobPage, 'unread for kim');
      await expect(ui.roomLink(page, room)).toHaveAccessibleName(/1 unread/);
      await page.keyboard.press(order[0] === 'general' ? 'Alt+Shift+ArrowDown' : 'Alt+Shift+ArrowUp');
      await expect(ui.roomHeading(page, room)).toBeVisible();
      await expect(ui.message(page, 'unread for kim')).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer after Alt+Shift+Arrow');

      // A reply started from the keyboard; Escape in the composer closes it.
      const article = ui.message(page, 'unread for kim');
      await article.focus();
      await tabTo(page, article.getByRole('button', { name: exactName('Reply') }), 'Reply', 10);
      await page.keyboard.press('Enter');
      await expectFocused(ui.composer(page), 'the composer after Reply');
      await expect(page.getByText(/Replying to/)).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByText(/Replying to/)).toHaveCount(0);

      // The log is reachable and shows where the focus is (a ring of at least 2 px).
      const log = ui.messageLog(page);
      await log.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      await expectFocused(log, 'the Messages log');
      const ring = await log.evaluate((el) => {
        const style = getComputedStyle(el);
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      expect(ring.style).not.toBe('none');
      expect(ring.width).toBeGreaterThanOrEqual(2);

      // Joining a room with the keyboard: Browse rooms, Join <room>, then its composer.
      const bobsRoom = uniqueName('bobs');
      await createRoom(bobPage, bobsRoom);
      await focusComposerBySkipLink(page);
      await tabTo(page, ui.browseRoomsButton(page), 'Browse rooms', 60, 'Shift+Tab');
      await page.keyboard.press('Enter');
      // (Every public room of the run that kim is not in is listed: the walk may be long.)
      const join = ui.dialog(page).getByRole('button', { name: exactName(`Join ${bobsRoom}`) });
      await expect(join).toBeVisible();
      await tabTo(page, join, `Join ${bobsRoom}`, 400);
      await page.keyboard.press('Enter');
      await expect(ui.roomHeading(page, bobsRoom)).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer after joining');

      // A DM with bob from the Members panel, by keyboard: Message bob, then the DM's composer.
      await tabTo(page, ui.messageUserButton(page, bob.name), `Message ${bob.name}`, 20);
      await page.keyboard.press('Enter');
      await expect(ui.roomHeading(page, bob.name)).toBeVisible();
      await expectFocused(ui.composer(page), 'the composer of the DM');
      await page.keyboard.type('a word in private');
      await page.keyboard.press('Enter');
      await openRoom(bobPage, name);
      await expect(ui.message(bobPage, 'a word in private')).toBeVisible();
    } finally {
      await context.close();
    }
  });

  test('history loaded by paging back is never announced; each new message from others once; a room switch once', async ({
    users,
  }) => {
    test.setTimeout(90_000);
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('quiet');
    await seedRoom({ room, users: [alice.name, bob.name], count: 400, isPrivate: true });
    for (const page of [alice.page, bob.page]) {
      await page.reload();
      await expectSignedIn(page);
    }
    const page = alice.page;
    await recordAnnouncements(page);

    // Opening the room by its link: its name is said once.
    await ui.roomLink(page, room).click();
    await expect(ui.roomHeading(page, room)).toBeVisible();
    await expect(ui.messages(page).last()).toBeVisible();
    await expect
      .poll(async () => (await announcements(page)).filter((a) => a.text.startsWith(`${room},`)).length)
      .toBe(1);

    // Paging back with the keyboard: Home in the focused log, again and again.
    await clearAnnouncements(page);
    const log = ui.messageLog(page);
    await log.focus();
    const loadOlder = page.getByRole('button', { name: exactName('Load older messages') });
    for (let round = 0; round < 4; round++) {
      await log.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('PageUp');
      await expect(loadOlder).not.toHaveAttribute('aria-busy', 'true');
      // Scrolled to the top, an older page is put in front.
      await expect
        .poll(() => log.evaluate((el) => Number(el.querySelector<HTMLElement>('[data-seq]')?.dataset.seq ?? Infinity)))
        .toBeLessThan(400 - 50 * (round + 1) + 1);
    }
    expect(await announcements(page), 'nothing said while paging back').toEqual([]);

    // Bob writes three messages: each is said once, by the arrivals region, not the log.
    await ui.roomLink(bob.page, room).click();
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    const texts = ['first news', 'second news', 'third news'];
    // (Alice is up in the history: the news reaches her ears, not her screen.)
    for (const [i, text] of texts.entries()) {
      await sendMessage(bob.page, text);
      await expect
        .poll(async () => (await announcements(page)).filter((a) => texts.some((t) => a.text.includes(t))).length)
        .toBe(i + 1);
    }
    const said = await announcements(page);
    for (const text of texts) {
      const mentions = said.filter((a) => a.text.includes(text));
      expect(mentions, `"${text}" said once`).toHaveLength(1);
      expect(mentions[0]!.text).toBe(`${bob.name}: ${text}`);
    }
    expect(said.filter((a) => a.region === 'log' || a.region === 'Messages')).toEqual([]);
    // My own messages are not read back to me.
    await clearAnnouncements(page);
    await sendMessage(page, 'my own words');
    await expect(ui.message(bob.page, 'my own words')).toBeVisible();
    expect((await announcements(page)).filter((a) => a.text.includes('my own words'))).toEqual([]);
  });
});
