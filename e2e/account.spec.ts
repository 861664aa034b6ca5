import type { Page } from '@playwright/test';
import {
  PASSWORD,
  exactName,
  expect,
  expectSignedIn,
  expectSignedOut,
  openTab,
  sendMessage,
  signIn,
  signInElsewhere,
  submitCredentials,
  test,
  ui,
} from './fixtures';

/*
 * The Account dialog (SPEC A11–A14): password, sessions, deleting the account, and the
 * theme kept by this browser. Only accessible names, as everywhere in e2e.
 */

const NEW_PASSWORD = 'a much newer passphrase';
const DELETED_USER = 'Deleted user';

const account = {
  button: (page: Page) => page.getByRole('button', { name: exactName('Account') }),
  dialog: (page: Page) => page.getByRole('dialog', { name: exactName('Account') }),
  confirmDialog: (page: Page) => page.getByRole('dialog', { name: exactName('Delete account') }),
  currentPassword: (page: Page) => account.dialog(page).getByLabel(exactName('Current password')),
  newPassword: (page: Page) => account.dialog(page).getByLabel(exactName('New password')),
  changePassword: (page: Page) => account.dialog(page).getByRole('button', { name: exactName('Change password') }),
  signOutEverywhere: (page: Page) =>
    account.dialog(page).getByRole('button', { name: exactName('Sign out everywhere') }),
  deleteAccount: (page: Page) => account.dialog(page).getByRole('button', { name: exactName('Delete account') }),
  themes: (page: Page) => account.dialog(page).getByRole('radiogroup', { name: exactName('Theme') }),
  theme: (page: Page, name: 'Light' | 'Dark' | 'System') =>
    account.themes(page).getByRole('radio', { name: exactName(name) }),
};

async function openAccount(page: Page): Promise<void> {
  await account.button(page).click();
  await expect(account.dialog(page)).toBeVisible();
}

async function deleteMyAccount(page: Page, password: string): Promise<void> {
  await openAccount(page);
  await account.deleteAccount(page).click();
  const confirm = account.confirmDialog(page);
  await expect(confirm).toBeVisible();
  await confirm.getByLabel(exactName('Password')).fill(password);
  await confirm.getByRole('button', { name: exactName('Delete account') }).click();
}

/** The page's background as computed: tells which theme is in effect, whatever set it. */
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const LIGHT_BG = 'rgb(246, 247, 249)';
const DARK_BG = 'rgb(20, 23, 29)';
const themeAttribute = (page: Page) => page.evaluate(() => document.documentElement.getAttribute('data-theme'));

test.describe('the Account dialog', () => {
  test('A11: changing the password ends my other session (it lands on sign-in), keeps this one; the old password stops working', async ({
    users,
    browser,
  }) => {
    const alice = await users.signUp('alice');
    const elsewhere = await signInElsewhere(browser, alice);
    try {
      await openAccount(alice.page);
      await account.currentPassword(alice.page).fill(alice.password);
      await account.newPassword(alice.page).fill(NEW_PASSWORD);
      await account.changePassword(alice.page).click();
      await expect(account.dialog(alice.page).getByRole('status')).toHaveText(/password changed/i);

      await expectSignedOut(elsewhere.page);
      // This tab stays signed in, a reload included.
      await alice.page.keyboard.press('Escape');
      await expect(account.dialog(alice.page)).toHaveCount(0);
      await alice.page.reload();
      await expectSignedIn(alice.page);

      // The old password is refused; the new one signs in.
      await submitCredentials(elsewhere.page, alice.name, alice.password, 'Sign in');
      await expect(ui.alert(elsewhere.page)).toBeVisible();
      await expectSignedOut(elsewhere.page);
      await signIn(elsewhere.page, alice.name, NEW_PASSWORD);
    } finally {
      await elsewhere.context.close();
    }
  });

  test('A11: a wrong current password is refused in the dialog and changes nothing', async ({ users }) => {
    const alice = await users.signUp('alice');
    await openAccount(alice.page);
    await account.currentPassword(alice.page).fill(`${alice.password}!`);
    await account.newPassword(alice.page).fill(NEW_PASSWORD);
    await account.changePassword(alice.page).click();
    await expect(account.dialog(alice.page).getByRole('alert')).toHaveText(/not right/i);
    await expect(account.dialog(alice.page).getByRole('status')).toHaveText('');
    await expectSignedIn(alice.page);
  });

  test('A12: Sign out everywhere sends every tab and device of mine to sign-in', async ({ users, browser }) => {
    const alice = await users.signUp('alice');
    const otherTab = await openTab(alice.context);
    await expectSignedIn(otherTab);
    const elsewhere = await signInElsewhere(browser, alice);
    try {
      await openAccount(alice.page);
      await account.signOutEverywhere(alice.page).click();
      for (const page of [alice.page, otherTab, elsewhere.page]) await expectSignedOut(page);
      await alice.page.reload();
      await expectSignedOut(alice.page);
    } finally {
      await elsewhere.context.close();
    }
  });

  test('A13: deleting my account leaves my messages by Deleted user in the other person’s log, and my name can be registered again', async ({
    users,
    browser,
  }) => {
    const alice = await users.signUp('alice');
    const bob = await users.signUp('bob');
    // Not containing her name, so the author line alone can show it.
    const text = `last words ${Date.now().toString(36)}`;
    await sendMessage(alice.page, text);
    const seen = ui.message(bob.page, text);
    await expect(seen).toContainText(alice.name);
    await expect(ui.member(bob.page, alice.name)).toHaveCount(1);

    // A wrong password first: refused in the confirmation, nothing happens.
    await deleteMyAccount(alice.page, `${alice.password}!`);
    await expect(account.confirmDialog(alice.page).getByRole('alert')).toHaveText(/not right/i);
    await expect(seen).toContainText(alice.name);
    await account
      .confirmDialog(alice.page)
      .getByRole('button', { name: exactName('Cancel') })
      .click();
    await alice.page.keyboard.press('Escape');

    await deleteMyAccount(alice.page, alice.password);
    await expectSignedOut(alice.page);

    // Live, in bob's open log: the message stays, by Deleted user; alice leaves the members list.
    await expect(seen).toContainText(DELETED_USER);
    await expect(seen).not.toContainText(alice.name);
    await expect(ui.member(bob.page, alice.name)).toHaveCount(0);
    // And from history after a reload.
    await bob.page.reload();
    await expectSignedIn(bob.page);
    await expect(ui.message(bob.page, text)).toContainText(DELETED_USER);

    // The name is free: a new account takes it, and inherits nothing.
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const page = await openTab(context);
      await submitCredentials(page, alice.name, PASSWORD, 'Create account');
      await expectSignedIn(page);
      await expect(ui.message(page, text)).toContainText(DELETED_USER);
      await expect(ui.message(page, text)).not.toContainText(alice.name);
    } finally {
      await context.close();
    }
  });

  test('Theme: Light, Dark or System, kept across a reload; System follows the device setting', async ({ users }) => {
    const alice = await users.signUp('alice');
    const page = alice.page;
    await page.emulateMedia({ colorScheme: 'dark' });
    await openAccount(page);
    // System is the default and follows prefers-color-scheme.
    await expect(account.theme(page, 'System')).toBeChecked();
    expect(await themeAttribute(page)).toBeNull();
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => background(page)).toBe(LIGHT_BG);

    // An explicit choice overrides the device, and survives a reload.
    await account.theme(page, 'Dark').check();
    expect(await themeAttribute(page)).toBe('dark');
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await page.reload();
    await expectSignedIn(page);
    expect(await themeAttribute(page)).toBe('dark');
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await openAccount(page);
    await expect(account.theme(page, 'Dark')).toBeChecked();

    await page.emulateMedia({ colorScheme: 'dark' });
    await account.theme(page, 'Light').check();
    await expect.poll(() => background(page)).toBe(LIGHT_BG);
    await page.reload();
    await expectSignedIn(page);
    await expect.poll(() => background(page)).toBe(LIGHT_BG);

    // Back to System: the device decides again.
    await openAccount(page);
    await account.theme(page, 'System').check();
    expect(await themeAttribute(page)).toBeNull();
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await page.reload();
    await expectSignedIn(page);
    await expect.poll(() => background(page)).toBe(DARK_BG);
  });

  test('the dialog and its confirmation fit a phone (390×844): no horizontal scroll', async ({ browser }) => {
    const context = await browser.newContext({
      baseURL: test.info().project.use.baseURL,
      viewport: { width: 390, height: 844 },
    });
    try {
      const page = await openTab(context);
      await submitCredentials(page, `phone_${Date.now().toString(36)}`, PASSWORD, 'Create account');
      // On a phone the account bar is in the Rooms drawer.
      await expect(ui.roomHeading(page, 'general')).toBeVisible();
      await page.getByRole('button', { name: exactName('Rooms') }).click();
      await expect(page.getByRole('dialog', { name: exactName('Rooms') })).toBeVisible();
      // The dialog is measured itself: it sits in the top layer, above the chat's columns.
      const fits = async (dialog: ReturnType<typeof account.dialog>) => {
        const box = await dialog.boundingBox();
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
        // Nothing in it is wider than it: no sideways scrolling inside.
        expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      };
      await openAccount(page);
      await fits(account.dialog(page));
      // Every control can be reached (the dialog scrolls vertically when it must).
      await account.deleteAccount(page).scrollIntoViewIfNeeded();
      await expect(account.deleteAccount(page)).toBeInViewport();
      await account.deleteAccount(page).click();
      await expect(account.confirmDialog(page)).toBeVisible();
      await fits(account.confirmDialog(page));
    } finally {
      await context.close();
    }
  });
});
