import type { Locator, Page } from '@playwright/test';
import { exactName, expect, expectSignedIn, openRoom, seedRoom, sendMessage, test, ui, uniqueName } from './fixtures';

/*
 * A room holding 10,000 messages, written straight into the running server's database
 * through its storage layer (apps/server/bench/seed-room.bench.ts). The Messages log is
 * virtualized: however much history is loaded, at most 150 articles are in the DOM; it
 * opens at the newest message, and loading older pages (by the button or by scrolling
 * to the top) keeps in view the message that was at the top.
 */

const COUNT = 10_000;
/** HISTORY_PAGE_DEFAULT: the app asks for pages of the default size. */
const PAGE = 50;
const MAX_ARTICLES = 150;

/** The seeded texts carry their number, zero-padded: "Seeded message [00042] in …". */
const tag = (n: number) => `[${String(n).padStart(String(COUNT).length, '0')}]`;

/** The article of seeded message `n`. */
const seeded = (page: Page, n: number): Locator => ui.message(page, tag(n));

async function expectFewArticles(page: Page): Promise<void> {
  const count = await ui.messages(page).count();
  expect(count, 'articles in the Messages log').toBeGreaterThan(0);
  expect(count, 'articles in the Messages log').toBeLessThanOrEqual(MAX_ARTICLES);
}

/** The number of the seeded message shown topmost in the log's visible area. */
async function topmostVisible(page: Page): Promise<number> {
  const n = await ui.messageLog(page).evaluate((log) => {
    const top = log.getBoundingClientRect().top;
    for (const article of log.querySelectorAll('article')) {
      const rect = article.getBoundingClientRect();
      if (rect.bottom > top + 4) return /\[(\d+)\]/.exec(article.textContent ?? '')?.[1] ?? null;
    }
    return null;
  });
  if (n === null) throw new Error('no seeded message is visible in the log');
  return Number(n);
}

test.describe('long history', () => {
  test('a room of 10,000 messages: newest in view, at most 150 articles, older pages keep the place', async ({
    users,
  }) => {
    test.setTimeout(120_000);
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('history');
    const result = await seedRoom({ room, users: [alice.name, bob.name], count: COUNT, isPrivate: true });
    expect(result.lastSeq).toBe(COUNT);

    // The room was added behind the server's back: a reload fetches the room list again.
    for (const page of [alice.page, bob.page]) {
      await page.reload();
      await expectSignedIn(page);
    }
    await openRoom(bob.page, room);
    await openRoom(alice.page, room);
    const log = ui.messageLog(alice.page);

    // Opens at the newest message, with only a window of rows in the DOM.
    await expect(seeded(alice.page, COUNT)).toBeInViewport();
    await expectFewArticles(alice.page);

    // Load older pages with the button, from the top of the log: the message that was at
    // the top stays in view while a page is put in front of it.
    let oldest = COUNT - PAGE + 1;
    const loadOlder = alice.page.getByRole('button', { name: exactName('Load older messages') });
    for (let round = 0; round < 4; round++) {
      await log.evaluate((el) => (el.scrollTop = 0));
      await expect(seeded(alice.page, oldest)).toBeInViewport();
      const top = await topmostVisible(alice.page);
      expect(top).toBe(oldest);
      await loadOlder.click();
      // The page is in: the message just before the old top is there…
      await expect(seeded(alice.page, oldest - 1)).toBeAttached();
      oldest -= PAGE;
      // …and the old top has not moved out of view.
      await expect(seeded(alice.page, top)).toBeInViewport();
      await expect(loadOlder).toBeEnabled();
      await expectFewArticles(alice.page);
    }

    // Reaching the top by scrolling (the wheel, as a reader does) loads the next page too.
    for (let round = 0; round < 2; round++) {
      await log.hover();
      // One wheel gesture that reaches the top: more would scroll on into the new page.
      const distance = await log.evaluate((el) => el.scrollTop);
      await alice.page.mouse.wheel(0, -(distance + 400));
      await expect(seeded(alice.page, oldest - 1)).toBeAttached();
      // The message that was at the top when the page came is still in view.
      await expect(seeded(alice.page, oldest)).toBeInViewport();
      oldest -= PAGE;
      await expect(loadOlder).toBeEnabled();
      await expectFewArticles(alice.page);
    }

    // While alice reads history, bob's new message does not pull her view away…
    const reading = await topmostVisible(alice.page);
    const fromBob = uniqueName('live');
    await sendMessage(bob.page, fromBob);
    await expect(ui.message(bob.page, fromBob)).toBeInViewport();
    await expect(seeded(alice.page, reading)).toBeInViewport();
    await expect(ui.message(alice.page, fromBob)).not.toBeInViewport();

    // …and once she is back at the bottom, new messages stay in view as they come.
    const jump = alice.page.getByRole('button', { name: exactName('Jump to newest messages') });
    await jump.click();
    await expect(ui.message(alice.page, fromBob)).toBeInViewport();
    await expect(jump).toHaveCount(0);
    for (let i = 0; i < 3; i++) {
      const next = uniqueName('live');
      await sendMessage(bob.page, next);
      await expect(ui.message(alice.page, next)).toBeInViewport();
    }
    // What alice writes herself is shown too.
    const mine = uniqueName('mine');
    await sendMessage(alice.page, mine);
    await expect(ui.message(alice.page, mine)).toBeInViewport();
    await expectFewArticles(alice.page);
  });
});
