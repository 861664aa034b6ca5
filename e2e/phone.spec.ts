import type { BrowserContext, Locator, Page } from '@playwright/test';
import {
  test as base,
  exactName,
  expect,
  nameBeginningWith,
  openTab,
  PASSWORD,
  signUp,
  submitCredentials,
  ui,
  uniqueName,
} from './fixtures';

/*
 * Parley on narrow screens: the rooms list and the members are drawers opened from the
 * room header's `Rooms` and `Members` buttons, modal while open (role=dialog named like
 * the button). Phones are Chromium contexts with a phone's viewport, touch and mobile
 * emulation, driven by taps only.
 */

type Device = { viewport: { width: number; height: number }; hasTouch: boolean; isMobile: boolean };

const PHONE: Device = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const SMALL_PHONE: Device = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };
/** A desktop browser made narrow: fine pointer, no touch. */
const NARROW_WINDOW: Device = { viewport: { width: 700, height: 800 }, hasTouch: false, isMobile: false };
const MIDDLE_WINDOW: Device = { viewport: { width: 840, height: 800 }, hasTouch: false, isMobile: false };

/** Apple's and Google's smallest comfortable touch target. */
const TOUCH_PX = 44;

type Phone = { name: string; context: BrowserContext; page: Page };

/** Signs up through the UI on a new context emulating `device`; contexts close after the test. */
const test = base.extend<{ phones: { signUp(prefix: string, device?: Device): Promise<Phone> } }>({
  phones: async ({ browser }, use, testInfo) => {
    const opened: Phone[] = [];
    await use({
      async signUp(prefix, device = PHONE) {
        const name = uniqueName(prefix);
        const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, ...device });
        const page = await openTab(context);
        opened.push({ name, context, page });
        await ui.usernameBox(page).fill(name);
        await ui.passwordBox(page).fill(PASSWORD);
        if (device.hasTouch) await ui.createAccountButton(page).tap();
        else await submitCredentials(page, name, PASSWORD, 'Create account');
        // Signed in: the default room opens (R7), in a header holding the drawer buttons.
        await expect(ui.roomHeading(page, 'general')).toBeVisible();
        return { name, context, page };
      },
    });
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const phone of opened) {
        if (phone.page.isClosed()) continue;
        const path = testInfo.outputPath(`${phone.name}.png`);
        if (
          await phone.page.screenshot({ path }).then(
            () => true,
            () => false,
          )
        )
          await testInfo.attach(`${phone.name}.png`, { path, contentType: 'image/png' });
      }
    }
    await Promise.all(opened.map((phone) => phone.context.close().catch(() => undefined)));
  },
});

const roomsButton = (page: Page) => page.getByRole('button', { name: exactName('Rooms') });
const membersButton = (page: Page) => page.getByRole('button', { name: exactName('Members') });
const roomsDrawer = (page: Page) => page.getByRole('dialog', { name: exactName('Rooms') });
const membersDrawer = (page: Page) => page.getByRole('dialog', { name: exactName('Members') });

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

async function boxOf(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`no box for ${locator.toString()}`);
  return box;
}

async function expectTouchTarget(locator: Locator): Promise<void> {
  const box = await boxOf(locator);
  expect(box.width, `${locator.toString()} is too narrow to tap`).toBeGreaterThanOrEqual(TOUCH_PX);
  expect(box.height, `${locator.toString()} is too short to tap`).toBeGreaterThanOrEqual(TOUCH_PX);
}

/** The element holds the document's focus (toBeFocused also wants the window focused). */
async function expectFocusIn(locator: Locator): Promise<void> {
  await expect
    .poll(() => locator.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)))
    .toBe(true);
}

/** Fully inside the viewport's width (a dialog, a drawer). */
async function expectWithinWidth(page: Page, locator: Locator): Promise<void> {
  const box = await boxOf(locator);
  const width = page.viewportSize()!.width;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

/**
 * The room screen is usable: nothing scrolls sideways; the log is as wide as the screen;
 * the composer and Send are fully on screen and big enough to tap, and so are the drawer
 * buttons.
 */
async function expectUsable(page: Page): Promise<void> {
  await expectNoHorizontalScroll(page);
  const width = page.viewportSize()!.width;
  await expect(ui.composer(page)).toBeInViewport({ ratio: 1 });
  await expect(ui.sendButton(page)).toBeInViewport({ ratio: 1 });
  await expectTouchTarget(ui.sendButton(page));
  const composer = await boxOf(ui.composer(page));
  expect(composer.height).toBeGreaterThanOrEqual(TOUCH_PX);
  expect(composer.width, 'the composer takes most of the width').toBeGreaterThan(width * 0.55);
  const log = await boxOf(ui.messageLog(page));
  expect(log.width, 'the log takes the width').toBeGreaterThan(width * 0.9);
  await expectTouchTarget(roomsButton(page));
  await expectTouchTarget(membersButton(page));
}

async function openDrawer(page: Page, which: 'Rooms' | 'Members'): Promise<Locator> {
  const button = which === 'Rooms' ? roomsButton(page) : membersButton(page);
  const drawer = which === 'Rooms' ? roomsDrawer(page) : membersDrawer(page);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await button.tap();
  await expect(drawer).toBeVisible();
  await expect(drawer).toHaveAttribute('aria-modal', 'true');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(drawer).toHaveAttribute('id', (await button.getAttribute('aria-controls')) ?? '(none)');
  // The focus moved into the drawer.
  await expectFocusIn(drawer);
  // Measured once it has slid in.
  await drawer.evaluate((el) => Promise.all(el.getAnimations().map((animation) => animation.finished)));
  await expectWithinWidth(page, drawer);
  await expectNoHorizontalScroll(page);
  return drawer;
}

/** Types into the composer and taps Send; the sender's log shows the message. */
async function tapSend(page: Page, text: string): Promise<void> {
  await ui.composer(page).tap();
  await ui.composer(page).fill(text);
  await ui.sendButton(page).tap();
  await expect(ui.message(page, text)).toHaveCount(1);
  await expect(ui.composer(page)).toHaveValue('');
}

async function openRoomFromDrawer(page: Page, room: string): Promise<void> {
  await openDrawer(page, 'Rooms');
  const link = ui.roomLink(page, room);
  await expectTouchTarget(link);
  await link.tap();
  // A choice closes the drawer.
  await expect(roomsDrawer(page)).toHaveCount(0);
  await expect(ui.roomHeading(page, room)).toBeVisible();
}

test.describe('phone (390 × 844, touch)', () => {
  test('a whole conversation by taps: a room through the drawers, messages both ways, a DM from Members', async ({
    phones,
  }) => {
    const alice = await phones.signUp('alice');
    const bob = await phones.signUp('bob');
    await expectUsable(alice.page);
    await expectUsable(bob.page);
    // The panels are drawers, closed: no room list nor member list on the screen.
    await expect(ui.roomsNav(alice.page)).toBeHidden();
    await expect(ui.members(alice.page)).toBeHidden();

    // alice creates a room from the Rooms drawer; opening the dialog closes the drawer.
    const room = uniqueName('room');
    const drawer = await openDrawer(alice.page, 'Rooms');
    await expectTouchTarget(drawer.getByRole('button', { name: exactName('New room') }));
    await drawer.getByRole('button', { name: exactName('New room') }).tap();
    await expect(roomsDrawer(alice.page)).toHaveCount(0);
    const newRoom = alice.page.getByRole('dialog', { name: exactName('New room') });
    await expect(newRoom).toBeVisible();
    await expectWithinWidth(alice.page, newRoom);
    await expectNoHorizontalScroll(alice.page);
    await newRoom.getByRole('textbox', { name: exactName('Room name') }).fill(room);
    await expectTouchTarget(newRoom.getByRole('button', { name: exactName('Create') }));
    await newRoom.getByRole('button', { name: exactName('Create') }).tap();
    await expect(ui.roomHeading(alice.page, room)).toBeVisible();
    await expectUsable(alice.page);

    // bob joins it through Browse rooms, from his drawer.
    await openDrawer(bob.page, 'Rooms');
    await roomsDrawer(bob.page)
      .getByRole('button', { name: exactName('Browse rooms') })
      .tap();
    await expect(roomsDrawer(bob.page)).toHaveCount(0);
    const browse = bob.page.getByRole('dialog', { name: exactName('Browse rooms') });
    await expect(browse).toBeVisible();
    await expectWithinWidth(bob.page, browse);
    await expectNoHorizontalScroll(bob.page);
    const join = browse.getByRole('button', { name: exactName(`Join ${room}`) });
    await expectTouchTarget(join);
    await join.tap();
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    await expectUsable(bob.page);

    // Messages both ways, each seen at the other end.
    const hello = `hello from the phone ${uniqueName('m')}`;
    await tapSend(alice.page, hello);
    await expect(ui.message(bob.page, hello)).toContainText(alice.name);
    const answer = `and back from mine ${uniqueName('m')}`;
    await tapSend(bob.page, answer);
    await expect(ui.message(alice.page, answer)).toContainText(bob.name);
    await expectUsable(alice.page);
    await expectUsable(bob.page);
    // Messages wrap across the screen, not one character per line.
    expect((await boxOf(ui.message(alice.page, hello))).width).toBeGreaterThan(390 * 0.8);
    // A short conversation sits at the bottom of the log, next to the composer.
    const newest = await boxOf(ui.message(alice.page, answer));
    const composer = await boxOf(ui.composer(alice.page));
    expect(composer.y - (newest.y + newest.height), 'gap between the newest message and the composer').toBeLessThan(80);

    // bob switches to general and back through the drawer; the conversation is still there.
    await openRoomFromDrawer(bob.page, 'general');
    await expectUsable(bob.page);
    // While bob is in general, alice writes in the room: his closed drawer's button says so.
    const meanwhile = `meanwhile ${uniqueName('m')}`;
    await tapSend(alice.page, meanwhile);
    await expect(roomsButton(bob.page)).toHaveAccessibleDescription(exactName('1 unread message in other rooms'));
    await expect(roomsButton(bob.page)).toContainText('1');
    await expect(roomsButton(bob.page)).toHaveAccessibleName(exactName('Rooms'));
    await openRoomFromDrawer(bob.page, room);
    await expect(ui.message(bob.page, meanwhile)).toHaveCount(1);
    await expect(ui.message(bob.page, hello)).toHaveCount(1);
    await expectUsable(bob.page);

    // alice opens Members and starts a DM with bob: the drawer closes on that choice.
    const members = await openDrawer(alice.page, 'Members');
    await expect(ui.member(alice.page, bob.name)).toBeVisible();
    await expectTouchTarget(ui.messageUserButton(alice.page, bob.name));
    await ui.messageUserButton(alice.page, bob.name).tap();
    await expect(members).toHaveCount(0);
    await expect(ui.roomHeading(alice.page, bob.name)).toBeVisible();
    await expectUsable(alice.page);
    const secret = `a direct word ${uniqueName('dm')}`;
    await tapSend(alice.page, secret);

    // bob finds the DM in his drawer and answers.
    await openRoomFromDrawer(bob.page, alice.name);
    await expect(ui.message(bob.page, secret)).toContainText(alice.name);
    const reply = `got it ${uniqueName('dm')}`;
    await tapSend(bob.page, reply);
    await expect(ui.message(alice.page, reply)).toContainText(bob.name);
    await expectUsable(alice.page);
    await expectUsable(bob.page);
  });

  test('drawers close on Escape (focus back on their button), on a tap outside and on a choice; Tab stays inside', async ({
    phones,
  }) => {
    const alice = await phones.signUp('alice');
    const { page } = alice;

    // Escape: closed, and the focus is back on the Rooms button.
    const drawer = await openDrawer(page, 'Rooms');
    // Tab and Shift+Tab go round inside the drawer (the rest of the screen is inert).
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      await expectFocusIn(drawer);
    }
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      await expectFocusIn(drawer);
    }
    await page.keyboard.press('Escape');
    await expect(roomsDrawer(page)).toHaveCount(0);
    await expect(ui.roomsNav(page)).toBeHidden();
    await expectFocusIn(roomsButton(page));
    await expect(roomsButton(page)).toHaveAttribute('aria-expanded', 'false');

    // A tap on the backdrop, right of the drawer.
    await openDrawer(page, 'Rooms');
    const { width, height } = page.viewportSize()!;
    await page.touchscreen.tap(width - 12, height / 2);
    await expect(roomsDrawer(page)).toHaveCount(0);
    await expect(ui.roomsNav(page)).toBeHidden();

    // Members from the right: Escape gives the focus back to its button; a tap left of it closes it.
    await openDrawer(page, 'Members');
    await page.keyboard.press('Escape');
    await expect(membersDrawer(page)).toHaveCount(0);
    await expectFocusIn(membersButton(page));
    await openDrawer(page, 'Members');
    await page.touchscreen.tap(12, height / 2);
    await expect(membersDrawer(page)).toHaveCount(0);

    // A choice: the room opened from the drawer (also when it is the open one).
    await openRoomFromDrawer(page, 'general');
    await expect(ui.roomsNav(page)).toBeHidden();
    await expectUsable(page);
  });

  test('G1: New message from the Rooms drawer: people picked by taps in the People combobox, a group started, messages both ways', async ({
    phones,
  }) => {
    const alice = await phones.signUp('alice');
    const bob = await phones.signUp('bob');
    const carol = await phones.signUp('carol');
    const drawer = await openDrawer(alice.page, 'Rooms');
    const newMessage = drawer.getByRole('button', { name: exactName('New message') });
    await expectTouchTarget(newMessage);
    await newMessage.tap();
    // Opening the dialog closes the drawer.
    await expect(roomsDrawer(alice.page)).toHaveCount(0);
    const dialog = alice.page.getByRole('dialog', { name: exactName('New message') });
    await expect(dialog).toBeVisible();
    await expectWithinWidth(alice.page, dialog);
    const people = dialog.getByRole('combobox', { name: exactName('People') });
    for (const person of [bob, carol]) {
      await people.tap();
      await people.fill(person.name.slice(0, -2));
      const option = dialog.getByRole('option', { name: exactName(person.name) });
      await expectWithinWidth(alice.page, option);
      await option.tap();
      const chip = dialog.getByRole('button', { name: exactName(`Remove ${person.name}`) });
      await expect(chip).toBeVisible();
      await expectWithinWidth(alice.page, chip);
    }
    await expectNoHorizontalScroll(alice.page);
    const start = dialog.getByRole('button', { name: exactName('Start') });
    await expectTouchTarget(start);
    await expect(start).toBeInViewport({ ratio: 1 });
    await start.tap();
    await expect(dialog).toHaveCount(0);
    const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
    const name = [bob.name, carol.name].sort(byName).join(', ');
    await expect(ui.roomHeading(alice.page, name)).toBeVisible();
    await expectUsable(alice.page);
    await tapSend(alice.page, 'hello from a phone');

    // bob finds it in his drawer, named by the two others, and answers.
    await openRoomFromDrawer(bob.page, [alice.name, carol.name].sort(byName).join(', '));
    await expect(ui.message(bob.page, 'hello from a phone')).toHaveCount(1);
    await expectUsable(bob.page);
    await tapSend(bob.page, 'hello back');
    await expect(ui.message(alice.page, 'hello back')).toHaveCount(1);
  });
});

test.describe('small phone (360 × 740, touch)', () => {
  test('long room names and usernames: cut with an ellipsis, whole in the title and the name; nothing scrolls sideways', async ({
    phones,
  }) => {
    // 22 + 1 + 9 = 32 characters, the longest username allowed.
    const owner = await phones.signUp('longusername_for_phone', SMALL_PHONE);
    const guest = await phones.signUp('anotherlongname_to_dm_', SMALL_PHONE);
    const room = `${uniqueName('room')}_quarterlyplanningandbudgetreviewxx`;

    await openDrawer(owner.page, 'Rooms');
    await roomsDrawer(owner.page)
      .getByRole('button', { name: exactName('New room') })
      .tap();
    const dialog = owner.page.getByRole('dialog', { name: exactName('New room') });
    await dialog.getByRole('textbox', { name: exactName('Room name') }).fill(room);
    await dialog.getByRole('button', { name: exactName('Create') }).tap();
    const heading = ui.roomHeading(owner.page, room);
    await expect(heading).toBeVisible();
    await openDrawer(guest.page, 'Rooms');
    await roomsDrawer(guest.page)
      .getByRole('button', { name: exactName('Browse rooms') })
      .tap();
    await guest.page.getByRole('button', { name: exactName(`Join ${room}`) }).tap();
    await expect(ui.roomHeading(guest.page, room)).toBeVisible();

    // The header: the heading's accessible name is whole (matched above), its tooltip too,
    // and what shows is cut with an ellipsis.
    await expect(heading).toHaveAttribute('title', room);
    expect(await heading.evaluate((el) => getComputedStyle(el).textOverflow)).toBe('ellipsis');
    expect(await heading.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await expectWithinWidth(owner.page, heading);
    await expectUsable(owner.page);

    // The Rooms drawer: the link's name begins with the whole room name; its text is cut.
    const drawer = await openDrawer(owner.page, 'Rooms');
    const link = ui.roomLink(owner.page, room);
    await expect(link).toBeVisible();
    await expectWithinWidth(owner.page, link);
    await expect(link.getByTitle(room, { exact: true })).toBeVisible();
    // The account's name at the foot of the drawer stays inside it too.
    await expect(drawer.getByText(owner.name, { exact: true })).toBeVisible();
    await expectWithinWidth(owner.page, drawer.getByText(owner.name, { exact: true }));
    await expectNoHorizontalScroll(owner.page);
    await owner.page.keyboard.press('Escape');

    // Members: both long usernames cut inside the drawer, whole in their titles and names.
    await openDrawer(owner.page, 'Members');
    const entry = ui.member(owner.page, guest.name);
    await expect(entry).toBeVisible();
    await expectWithinWidth(owner.page, entry);
    const name = entry.getByTitle(guest.name, { exact: true });
    await expect(name).toBeVisible();
    expect(await name.evaluate((el) => getComputedStyle(el).textOverflow)).toBe('ellipsis');
    const message = ui.messageUserButton(owner.page, guest.name);
    await expectWithinWidth(owner.page, message);
    await expect(message).toHaveAttribute('title', `Message ${guest.name}`);
    await expect(ui.removeMemberButton(owner.page, guest.name)).toBeVisible();
    await expectWithinWidth(owner.page, ui.removeMemberButton(owner.page, guest.name));
    await expectNoHorizontalScroll(owner.page);
    await owner.page.keyboard.press('Escape');

    // A message under a long name wraps inside the screen.
    await tapSend(guest.page, `a long word: ${'x'.repeat(120)} ${uniqueName('m')}`);
    await expectUsable(guest.page);
    await expectUsable(owner.page);
    await expect(ui.messages(owner.page).filter({ hasText: guest.name })).toHaveCount(1);
    await expectNoHorizontalScroll(owner.page);
  });
});

test.describe('other widths', () => {
  test('desktop (1280 × 800): no Rooms or Members buttons; the rooms list and the members are in place', async ({
    browser,
  }) => {
    const alice = await signUp(browser, 'alice');
    try {
      await alice.page.setViewportSize({ width: 1280, height: 800 });
      await expect(ui.roomHeading(alice.page, 'general')).toBeVisible();
      await expect(roomsButton(alice.page)).toHaveCount(0);
      await expect(membersButton(alice.page)).toHaveCount(0);
      await expect(ui.roomsNav(alice.page)).toBeVisible();
      await expect(ui.members(alice.page)).toBeVisible();
      await expect(ui.member(alice.page, alice.name)).toBeVisible();
      await expect(ui.newRoomButton(alice.page)).toBeVisible();
      await expect(alice.page.getByRole('dialog')).toHaveCount(0);
      await expectNoHorizontalScroll(alice.page);
    } finally {
      await alice.context.close();
    }
  });

  test('a middle width (840 px): the rooms list stays in place, Members is a drawer', async ({ phones }) => {
    const alice = await phones.signUp('alice', MIDDLE_WINDOW);
    const { page } = alice;
    await expect(roomsButton(page)).toHaveCount(0);
    await expect(ui.roomsNav(page)).toBeVisible();
    await expect(ui.members(page)).toBeHidden();
    await membersButton(page).click();
    await expect(membersDrawer(page)).toBeVisible();
    await expect(ui.member(page, alice.name)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(membersDrawer(page)).toHaveCount(0);
    await expectFocusIn(membersButton(page));
    await expectNoHorizontalScroll(page);
  });

  test('a narrow window with a mouse: a room opened from the drawer puts the caret in the composer', async ({
    phones,
  }) => {
    const alice = await phones.signUp('alice', NARROW_WINDOW);
    const { page } = alice;
    const room = uniqueName('room');
    await roomsButton(page).click();
    await roomsDrawer(page)
      .getByRole('button', { name: exactName('New room') })
      .click();
    const dialog = page.getByRole('dialog', { name: exactName('New room') });
    await dialog.getByRole('textbox', { name: exactName('Room name') }).fill(room);
    await dialog.getByRole('button', { name: exactName('Create') }).click();
    await expect(ui.roomHeading(page, room)).toBeVisible();
    await expectFocusIn(ui.composer(page));

    await roomsButton(page).click();
    await expect(roomsDrawer(page)).toBeVisible();
    await roomsDrawer(page)
      .getByRole('link', { name: nameBeginningWith('general') })
      .click();
    await expect(roomsDrawer(page)).toHaveCount(0);
    await expect(ui.roomHeading(page, 'general')).toBeVisible();
    await expectFocusIn(ui.composer(page));

    // A dialog opened from the drawer and cancelled: the focus comes back to Rooms.
    await roomsButton(page).click();
    await roomsDrawer(page)
      .getByRole('button', { name: exactName('Browse rooms') })
      .click();
    await page
      .getByRole('dialog', { name: exactName('Browse rooms') })
      .getByRole('button', { name: exactName('Close') })
      .click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expectFocusIn(roomsButton(page));
  });
});
