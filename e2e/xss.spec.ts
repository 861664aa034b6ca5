import type { Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  inviteUser,
  joinRoom,
  openRoom,
  sendMessage,
  test,
  ui,
  uniqueName,
  type User,
} from './fixtures';

/*
 * Markup typed by users is shown as text everywhere it appears — message text, room
 * names in the nav, the heading, Browse rooms and notices — in the author's browser and
 * in another user's, live and from history, and nothing of it ever runs. Usernames cannot
 * carry markup (A2 allows only [A-Za-z0-9_-]), so they are not tried. The page is also
 * served with a Content-Security-Policy that allows only its own scripts.
 */

const VECTORS = [
  '<img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=1">',
  '<a href="javascript:window.__xss=1">click</a>',
] as const;

type Probe = { __xss?: unknown; __cspViolations?: string[] };

/** Records CSP violations from the page's first script on (for the next navigations). */
async function watchCsp(user: User): Promise<void> {
  await user.context.addInitScript(() => {
    const w = window as unknown as Probe;
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

async function expectNothingRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as Probe).__xss)).toBeUndefined();
  // No element born of the vectors anywhere on the page.
  await expect(page.locator('img[src="x"], svg[onload], [onerror], [onload]')).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
}

/** The room's name is shown as text in the nav, the heading and the log shows `texts` as text. */
async function expectShownAsText(page: Page, room: string, texts: readonly string[]): Promise<void> {
  await openRoom(page, room);
  await expect(ui.roomLink(page, room)).toContainText(room);
  await expect(ui.roomHeading(page, room)).toHaveText(room);
  for (const text of texts) {
    const article = ui.message(page, text);
    await expect(article).toHaveCount(1);
    await expect(article).toContainText(text);
  }
  // The link vector is text, not a link: nothing in the log is a link.
  await expect(ui.messageLog(page).getByRole('link')).toHaveCount(0);
  await expectNothingRan(page);
}

test.describe('XSS', () => {
  test('the page is served with a Content-Security-Policy allowing only its own scripts', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.ok()).toBe(true);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  test('markup in message text and room names is shown as text in both browsers and never runs', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    for (const user of [alice, bob]) {
      await watchCsp(user);
      await user.page.reload();
      await expectSignedIn(user.page);
    }

    // One room per vector, named with it; in each, every vector as a message.
    const rooms = VECTORS.map((vector) => `${vector} ${uniqueName('x')}`);
    const texts = (room: string) => VECTORS.map((vector) => `${vector} in ${room.slice(-10)}`);
    for (const room of rooms) {
      await createRoom(alice.page, room);
      await expectNothingRan(alice.page);
      // bob finds it by its literal name in Browse rooms.
      await joinRoom(bob.page, room);
      await expectNothingRan(bob.page);
      for (const text of texts(room)) await sendMessage(alice.page, text);
    }

    for (const user of [alice, bob]) {
      for (const room of rooms) await expectShownAsText(user.page, room, texts(room));
    }

    // Clicking the text of the link vector (in the log and in the nav) does nothing either.
    const linkRoom = rooms[2]!;
    await openRoom(bob.page, linkRoom);
    await ui.message(bob.page, texts(linkRoom)[2]!).getByText('click', { exact: false }).click();
    await ui.roomLink(bob.page, linkRoom).click();
    await ui.roomHeading(bob.page, linkRoom).click();
    await expectNothingRan(bob.page);

    // From history after a reload, too.
    await bob.page.reload();
    await expectSignedIn(bob.page);
    for (const room of rooms) await expectShownAsText(bob.page, room, texts(room));

    // And in an invitation notice: a private room named with a vector.
    const secret = `${VECTORS[1]} ${uniqueName('p')}`;
    await createRoom(alice.page, secret, { isPrivate: true });
    await inviteUser(alice.page, bob.name);
    await expect(ui.notices(bob.page)).toContainText(`${alice.name} invited you to ${secret}`);
    await expect(ui.invitationJoinButton(bob.page, secret)).toBeVisible();
    await expectNothingRan(bob.page);
    await ui.invitationJoinButton(bob.page, secret).click();
    await expect(ui.roomHeading(bob.page, secret)).toHaveText(secret);
    await expectNothingRan(bob.page);

    // The CSP never had to block anything: nothing tried to run or inject.
    for (const user of [alice, bob]) {
      const violations = await user.page.evaluate(() => (window as unknown as Probe).__cspViolations ?? []);
      expect(violations, `${user.name}: CSP violations`).toEqual([]);
    }
  });

  test('a room name with markup is text in Browse rooms', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = `${VECTORS[0]} ${uniqueName('b')}`;
    await createRoom(alice.page, room);
    await ui.browseRoomsButton(bob.page).click();
    const dialog = ui.dialog(bob.page);
    await expect(dialog.getByRole('button', { name: exactName(`Join ${room}`) })).toBeVisible();
    await expect(dialog.getByText(room, { exact: true })).toBeVisible();
    await expectNothingRan(bob.page);
  });

  test('bidi controls: a room name holding one is refused; in a message they stay inside its own isolated text', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    await ui.newRoomButton(alice.page).click();
    const dialog = ui.dialog(alice.page);
    await dialog.getByRole('textbox', { name: exactName('Room name') }).fill('pay\u202Egnp.exe');
    await dialog.getByRole('button', { name: exactName('Create') }).click();
    await expect(dialog.getByRole('alert')).toContainText(/invisible formatting/i);
    await dialog.getByRole('button', { name: exactName('Cancel') }).click();

    const text = `\u202Eevil ${uniqueName('rlo')}`;
    await sendMessage(alice.page, text);
    const article = ui.message(bob.page, text.slice(1));
    await expect(article).toHaveCount(1);
    // The text is a paragraph of its own direction, isolated (dir=auto): an override in it
    // ends with it and cannot reorder the author, the time or anything else on the page.
    const paragraph = article.locator('[dir="auto"]');
    await expect(paragraph).toHaveCount(1);
    expect(await paragraph.evaluate((el) => getComputedStyle(el).unicodeBidi)).toMatch(/isolate|plaintext/);
    expect(
      await article
        .locator('bdi')
        .first()
        .evaluate((el) => getComputedStyle(el).unicodeBidi),
    ).toBe('isolate');
  });

  test('F1: Markdown XSS vectors (raw HTML, javascript: links, images, entity tricks) run nothing; the subset formats and links safely', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    for (const user of [alice, bob]) {
      await watchCsp(user);
      await user.page.reload();
      await expectSignedIn(user.page);
    }
    const room = uniqueName('md');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const marker = uniqueName('m');
    const vectors = [
      `${marker} 1 <script>window.__xss=1</script>`,
      `${marker} 2 <img src=x onerror="window.__xss=1">`,
      `${marker} 3 [click](javascript:window.__xss=1)`,
      `${marker} 4 [click](JaVaScRiPt:window.__xss=1)`,
      `${marker} 5 [click](&#106;avascript:window.__xss=1)`,
      `${marker} 6 ![pic](javascript:window.__xss=1)`,
      `${marker} 7 ![pic](https://example.com/x.png)`,
      `${marker} 8 &lt;img src=x onerror=window.__xss=1&gt;`,
      `${marker} 9 [x](data:text/html,<script>window.__xss=1</script>)`,
      `${marker} 10 <a href="javascript:window.__xss=1">raw link</a>`,
    ];
    // The rendered text is not the typed one (entities decode, Markdown formats): wait for each by its number.
    for (const [i, vector] of vectors.entries()) {
      await ui.composer(alice.page).fill(vector);
      await ui.composer(alice.page).press('Enter');
      await expect(ui.message(alice.page, `${marker} ${i + 1} `)).toHaveCount(1);
    }
    await ui
      .composer(alice.page)
      .fill(`${marker} ok **bold** _it_ \`code\` [docs](https://example.com/docs) https://example.com/bare`);
    await ui.composer(alice.page).press('Enter');
    for (const page of [alice.page, bob.page]) {
      await expect(ui.message(page, `${marker} ok`)).toHaveCount(1);
      // Formatting, without markup from the text.
      const ok = ui.message(page, `${marker} ok`);
      await expect(ok.locator('strong')).toHaveText('bold');
      await expect(ok.locator('em')).toHaveText('it');
      await expect(ok.locator('code')).toHaveText('code');
      const links = ok.getByRole('link');
      await expect(links).toHaveCount(2);
      for (const link of await links.all()) {
        await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
        await expect(link).toHaveAttribute('target', '_blank');
        await expect(link).toHaveAttribute('href', /^https:\/\/example\.com\//);
      }
      // Raw HTML is text.
      await expect(ui.message(page, `${marker} 2`)).toContainText('<img src=x onerror="window.__xss=1">');
      await expect(ui.message(page, `${marker} 10`)).toContainText('<a href=');
      // Nothing but https links anywhere in the log, no images, nothing ran.
      await expect(
        ui.messageLog(page).locator('a:not([href^="https:"]):not([href^="http:"]):not([href^="mailto:"])'),
      ).toHaveCount(0);
      await expect(ui.messageLog(page).locator('img, script, svg, iframe')).toHaveCount(0);
      await expectNothingRan(page);
      // Clicking the refused links does nothing either.
      await ui.message(page, `${marker} 3`).getByText('click').click();
      await expectNothingRan(page);
    }
    for (const user of [alice, bob]) {
      const violations = await user.page.evaluate(() => (window as unknown as Probe).__cspViolations ?? []);
      expect(violations, `${user.name}: CSP violations`).toEqual([]);
    }
  });
});
