import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import {
  createRoom,
  exactName,
  expect,
  expectSignedIn,
  inviteUser,
  PASSWORD,
  sendMessage,
  submitCredentials,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * axe-core, through @axe-core/playwright, over every screen a person meets: sign-in, the
 * main screen, each dialog and menu, in light and dark, at desktop and phone widths. No
 * critical, serious or moderate violation is allowed; minor ones are listed in the output.
 * Every rule axe has runs (WCAG 2.0–2.2 A and AA, and its best practices).
 */

type Scheme = 'light' | 'dark';
type Viewport = { name: string; width: number; height: number; mobile: boolean };

const VIEWPORTS: Viewport[] = [
  { name: 'desktop', width: 1280, height: 800, mobile: false },
  { name: 'phone', width: 390, height: 844, mobile: true },
];
const BLOCKING = new Set(['critical', 'serious', 'moderate']);

/** Runs axe on what `page` shows now; fails on a blocking violation, naming each one. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  // Animations (a dialog fading in) finished: colours are measured as they end up.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const result = await new AxeBuilder({ page }).analyze();
  const blocking = result.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const minor = result.violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  console.log(
    `axe ${what}: ${result.passes.length} rules passed, ${blocking.length} blocking, ${minor.length} minor` +
      (minor.length ? ` (${minor.map((v) => v.id).join(', ')})` : ''),
  );
  const described = blocking.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`)
        .join('\n'),
  );
  expect(described, `axe on ${what}`).toEqual([]);
}

async function newPage(browser: Browser, viewport: Viewport, scheme: Scheme): Promise<Page> {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: viewport.mobile,
    hasTouch: viewport.mobile,
    colorScheme: scheme,
  });
  return context.newPage();
}

/** Opens a dialog or menu with `open`, checks it, and closes it with Escape. */
async function checkOpened(page: Page, what: string, open: () => Promise<void>): Promise<void> {
  await open();
  await expectAccessible(page, what);
  await page.keyboard.press('Escape');
}

for (const viewport of VIEWPORTS) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`axe: sign-in, the main screen and every dialog, ${scheme}, ${viewport.name} (${viewport.width} px)`, async ({
      browser,
      users,
    }) => {
      test.setTimeout(120_000);
      const label = (what: string) => `${what} [${scheme}, ${viewport.name}]`;
      const bob = await users.signUp('bob');
      const page = await newPage(browser, viewport, scheme);
      try {
        await page.goto('/');
        await expect(ui.usernameBox(page)).toBeVisible();
        await expectAccessible(page, label('sign-in'));

        // A refused sign-in shows its alert.
        await submitCredentials(page, uniqueName('nobody'), PASSWORD, 'Sign in');
        await expect(ui.alert(page)).toBeVisible();
        await expectAccessible(page, label('sign-in with an error'));

        const name = uniqueName('axe');
        await submitCredentials(page, name, PASSWORD, 'Create account');
        await expectSignedIn(page);
        await expectAccessible(page, label('main screen, general'));

        // A room with a conversation in it: bob joins and talks, with a reply, a mention,
        // a reaction and Markdown.
        const room = uniqueName('look');
        await createRoom(page, room, { isPrivate: true });
        await inviteUser(page, bob.name);
        await ui.invitationJoinButton(bob.page, room).click();
        await expect(ui.roomHeading(bob.page, room)).toBeVisible();
        await sendMessage(bob.page, `hello @${name}`);
        // Markdown: the log shows the text without its marks.
        await ui.composer(bob.page).fill('this is **bold** and `code`, a [link](https://example.com)');
        await ui.composer(bob.page).press('Enter');
        await expect(ui.message(page, 'this is bold')).toBeVisible();
        await sendMessage(page, 'hi bob');
        await expectAccessible(page, label('main screen, a conversation'));

        await checkOpened(page, label('New room dialog'), () => ui.newRoomButton(page).click());
        await checkOpened(page, label('Browse rooms dialog'), () => ui.browseRoomsButton(page).click());
        await checkOpened(page, label('Invite dialog'), () => ui.inviteButton(page).click());
        await checkOpened(page, label('Leave room dialog'), () => ui.leaveRoomButton(page).click());
        await checkOpened(page, label('Notifications menu'), () =>
          page.getByRole('button', { name: /^Notifications/ }).click(),
        );
        await expect(ui.member(page, bob.name)).toHaveCount(1);
        await checkOpened(page, label(`Remove dialog`), () => ui.removeMemberButton(page, bob.name).click());
        const mine = ui.message(page, 'hi bob');
        await mine.hover();
        await checkOpened(page, label('reaction menu'), () =>
          mine.getByRole('button', { name: exactName('React') }).click(),
        );
        await mine.hover();
        await checkOpened(page, label('Delete message dialog'), () =>
          mine.getByRole('button', { name: exactName('Delete') }).click(),
        );
      } finally {
        await page.context().close();
      }
    });
  }
}
