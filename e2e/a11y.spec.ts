import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import {
  attachFiles,
  createRoom,
  exactName,
  pngBytes,
  expect,
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
  await closeAll(page);
}

/** Escape until no dialog, drawer or menu is open (a dialog opened from a drawer takes two). */
async function closeAll(page: Page): Promise<void> {
  const open = page.getByRole('dialog').or(page.getByRole('menu'));
  for (let i = 0; i < 3; i++) {
    const count = await open.count();
    if (count === 0) break;
    await page.keyboard.press('Escape');
    await expect(open).not.toHaveCount(count);
  }
  await expect(open).toHaveCount(0);
}

const drawerButton = (page: Page, name: 'Rooms' | 'Members') => page.getByRole('button', { name: exactName(name) });
const drawer = (page: Page, name: 'Rooms' | 'Members') => page.getByRole('dialog', { name: exactName(name) });

/**
 * Makes the rooms list or the members reachable: on a phone their drawer is opened
 * (after it is checked itself, once); at desktop widths they are in place.
 */
async function reveal(page: Page, viewport: Viewport, name: 'Rooms' | 'Members'): Promise<void> {
  if (!viewport.mobile) return;
  await drawerButton(page, name).click();
  await expect(drawer(page, name)).toBeVisible();
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
        await expect(ui.roomHeading(page, 'general')).toBeVisible();
        await expectAccessible(page, label('main screen, general'));

        // A room with a conversation in it: bob joins and talks, with a reply, a mention,
        // a reaction and Markdown.
        const room = uniqueName('look');
        if (viewport.mobile) {
          // The fixture checks the nav, which is in the (now closed) drawer on a phone.
          await reveal(page, viewport, 'Rooms');
          await ui.newRoomButton(page).click();
          await ui
            .dialog(page)
            .getByRole('textbox', { name: exactName('Room name') })
            .fill(room);
          await ui
            .dialog(page)
            .getByRole('checkbox', { name: exactName('Private') })
            .check();
          await ui
            .dialog(page)
            .getByRole('button', { name: exactName('Create') })
            .click();
          await expect(ui.roomHeading(page, room)).toBeVisible();
        } else {
          await createRoom(page, room, { isPrivate: true });
        }
        await inviteUser(page, bob.name);
        await ui.invitationJoinButton(bob.page, room).click();
        await expect(ui.roomHeading(bob.page, room)).toBeVisible();
        await sendMessage(bob.page, `hello @${name}`);
        // Markdown: the log shows the text without its marks.
        await ui.composer(bob.page).fill('this is **bold** and `code`, a [link](https://example.com)');
        await ui.composer(bob.page).press('Enter');
        await expect(ui.message(page, 'this is bold')).toBeVisible();
        await sendMessage(page, 'hi bob');
        // B1, B4: a message with an image and a file, then a file on its way (progress, Cancel).
        await attachFiles(page, [
          { name: 'diagram.png', mimeType: 'image/png', buffer: pngBytes(120, 80) },
          { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') },
        ]);
        await expect(page.getByRole('button', { name: exactName('Remove notes.txt') })).toBeVisible();
        await expect(page.getByRole('button', { name: exactName('Remove diagram.png') })).toBeVisible();
        await ui.sendButton(page).click();
        await expect(ui.messageLog(page).getByRole('img', { name: exactName('diagram.png') })).toBeVisible();
        await expectAccessible(page, label('main screen, a conversation'));
        await page.route('**/api/rooms/*/files', () => undefined);
        await attachFiles(page, [
          { name: 'held.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1000) },
        ]);
        await expect(ui.uploadProgress(page)).toBeVisible();
        await expectAccessible(page, label('composer, a file uploading'));
        await page.getByRole('button', { name: exactName('Cancel upload of held.bin') }).click();
        await expect(ui.uploadProgress(page)).toHaveCount(0);
        await page.unroute('**/api/rooms/*/files');

        if (viewport.mobile) {
          await checkOpened(page, label('Rooms drawer'), () => reveal(page, viewport, 'Rooms'));
          await checkOpened(page, label('Members drawer'), () => reveal(page, viewport, 'Members'));
        }
        await checkOpened(page, label('New room dialog'), async () => {
          await reveal(page, viewport, 'Rooms');
          await ui.newRoomButton(page).click();
        });
        await checkOpened(page, label('Browse rooms dialog'), async () => {
          await reveal(page, viewport, 'Rooms');
          await ui.browseRoomsButton(page).click();
        });
        // G1: New message with the People options open, then with someone picked (a chip).
        await reveal(page, viewport, 'Rooms');
        await page.getByRole('button', { name: exactName('New message') }).click();
        const newMessage = page.getByRole('dialog', { name: exactName('New message') });
        await newMessage.getByRole('combobox', { name: exactName('People') }).fill(bob.name);
        await expect(newMessage.getByRole('listbox')).toBeVisible();
        await expectAccessible(page, label('New message dialog, options open'));
        await newMessage.getByRole('option', { name: exactName(bob.name) }).click();
        await expect(newMessage.getByRole('button', { name: exactName(`Remove ${bob.name}`) })).toBeVisible();
        await expect(newMessage.getByRole('listbox')).toBeHidden();
        await expectAccessible(page, label('New message dialog'));
        await closeAll(page);

        await reveal(page, viewport, 'Rooms');
        await page.getByRole('button', { name: exactName('Account') }).click();
        const accountDialog = page.getByRole('dialog', { name: exactName('Account') });
        await expect(accountDialog).toBeVisible();
        await expectAccessible(page, label('Account dialog'));
        await accountDialog.getByRole('button', { name: exactName('Delete account') }).click();
        await expect(page.getByRole('dialog', { name: exactName('Delete account') })).toBeVisible();
        await expectAccessible(page, label('Delete account dialog'));
        await closeAll(page);

        await checkOpened(page, label('Invite dialog'), () => ui.inviteButton(page).click());
        await checkOpened(page, label('Leave room dialog'), () => ui.leaveRoomButton(page).click());
        await checkOpened(page, label('Notifications menu'), () =>
          page.getByRole('button', { name: /^Notifications/ }).click(),
        );
        await checkOpened(page, label(`Remove dialog`), async () => {
          await reveal(page, viewport, 'Members');
          await expect(ui.member(page, bob.name)).toHaveCount(1);
          await ui.removeMemberButton(page, bob.name).click();
        });
        // A message's actions show on hover, or on a tap on touch screens.
        const mine = ui.message(page, 'hi bob');
        const showActions = () => (viewport.mobile ? mine.tap() : mine.hover());
        await checkOpened(page, label('reaction menu'), async () => {
          await showActions();
          await mine.getByRole('button', { name: exactName('React') }).click();
        });
        await checkOpened(page, label('Delete message dialog'), async () => {
          await showActions();
          await mine.getByRole('button', { name: exactName('Delete') }).click();
        });
        // Search results (F1), a match marked in each.
        const searchBox = page.getByRole('searchbox', { name: exactName('Search messages') });
        await searchBox.fill('bob');
        await searchBox.press('Enter');
        await expect(page.getByRole('list', { name: exactName('Search results') }).getByRole('link')).not.toHaveCount(
          0,
        );
        await expectAccessible(page, label('search results'));
        await searchBox.press('Escape');
      } finally {
        await page.context().close();
      }
    });
  }
}
