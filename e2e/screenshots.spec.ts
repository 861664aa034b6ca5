import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  joinRoom,
  messageAction,
  openTab,
  PASSWORD,
  react,
  sendMessage,
  submitCredentials,
  test,
  ui,
} from './fixtures';

/*
 * The README's pictures: the main screen in light and dark, at desktop and phone sizes,
 * from a conversation this test holds through the UI. Every run takes them and checks
 * what they show (the conversation in view, the composer at hand, nothing scrolling
 * sideways); with SCREENSHOTS_DIR set (`pnpm screenshots` sets docs/screenshots) they
 * are written there, to be committed, else into the test's output folder.
 */

const DESKTOP = { viewport: { width: 1440, height: 900 }, hasTouch: false, isMobile: false };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** Names a reader can take in (the database is fresh for every run). */
const PEOPLE = ['maya', 'tomas', 'priya'] as const;
const ROOM = 'launch-plans';

type Person = { name: string; context: BrowserContext; page: Page };

async function person(browser: Browser, name: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, ...DESKTOP });
  const page = await openTab(context);
  await submitCredentials(page, name, PASSWORD, 'Create account');
  await expectSignedIn(page);
  return { name, context, page };
}

/** What every picture must show: the conversation, the composer at hand, no sideways scroll. */
async function expectPictureReady(page: Page, lastText: string): Promise<void> {
  await expect(ui.roomHeading(page, ROOM)).toBeVisible();
  await expect(ui.message(page, lastText)).toBeInViewport();
  await expect(ui.composer(page)).toBeInViewport();
  await expect(ui.sendButton(page)).toBeInViewport();
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(sideways, 'horizontal scroll').toBeLessThanOrEqual(0);
  // Fonts and the lazily loaded Markdown renderer are in; no animation is half-way.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
}

test('README pictures: the main screen in light and dark, desktop and phone', async ({ browser }) => {
  test.setTimeout(120_000);
  const [maya, tomas, priya] = await Promise.all([
    person(browser, PEOPLE[0]),
    person(browser, PEOPLE[1]),
    person(browser, PEOPLE[2]),
  ]);
  const everyone = [maya, tomas, priya];
  try {
    await createRoom(maya.page, ROOM);
    await joinRoom(tomas.page, ROOM);
    await joinRoom(priya.page, ROOM);
    await sendMessage(maya.page, 'Morning! Where are we with the launch checklist?');
    await sendMessage(tomas.page, 'Docs are done. Release notes are in review with @priya');
    await ui.composer(priya.page).fill('Reviewed: **two small fixes**, then it is good to go');
    await ui.composer(priya.page).press('Enter');
    await expect(ui.message(maya.page, 'two small fixes')).toBeVisible();
    await messageAction(maya.page, 'Docs are done', 'Reply');
    await sendMessage(maya.page, 'Great work, both of you. Shipping Thursday?');
    await react(tomas.page, 'Shipping Thursday', '👍');
    await react(priya.page, 'Shipping Thursday', '👍');
    const last = 'Thursday works. I will post the announcement draft here.';
    await sendMessage(tomas.page, last);
    await expect(ui.message(maya.page, last)).toBeVisible();

    const dir = process.env.SCREENSHOTS_DIR ?? test.info().outputPath('screenshots');
    mkdirSync(dir, { recursive: true });
    for (const [size, device] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        // Maya's own view, in a context of that size and scheme, on her session.
        const context = await browser.newContext({
          baseURL: test.info().project.use.baseURL,
          ...device,
          colorScheme: scheme,
          storageState: await maya.context.storageState(),
        });
        try {
          const page = await openTab(context);
          if (device.isMobile) {
            // Signed in: the open room's header holds the Rooms drawer's button.
            await page.getByRole('button', { name: exactName('Rooms') }).tap();
            await ui.roomLink(page, ROOM).tap();
          } else {
            await expectSignedIn(page);
            await ui.roomLink(page, ROOM).click();
          }
          await expectPictureReady(page, last);
          const path = join(dir, `main-${size}-${scheme}.png`);
          const picture = await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
          expect(picture.byteLength, `${path} holds a picture`).toBeGreaterThan(10_000);
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await Promise.all(everyone.map((p) => p.context.close()));
  }
});
