import {
  PASSWORD,
  expect,
  expectSignedIn,
  expectSignedOut,
  openTab,
  signIn,
  submitCredentials,
  test,
  ui,
  uniqueName,
} from './fixtures';

test.describe('accounts and sessions', () => {
  test('A7: Sign out returns to the sign-in screen, a reload stays signed out, signing in works again', async ({
    users,
  }) => {
    const alice = await users.signUp('alice');

    await ui.signOutButton(alice.page).click();
    await expectSignedOut(alice.page);

    await alice.page.reload();
    await expectSignedOut(alice.page);

    await signIn(alice.page, alice.name, alice.password);
    await alice.page.reload();
    await expectSignedIn(alice.page);
  });

  test('A7: signing out in one tab signs out the other tabs of that session', async ({ users }) => {
    const alice = await users.signUp('alice');
    const otherTab = await openTab(alice.context);
    await expectSignedIn(otherTab);

    await ui.signOutButton(alice.page).click();
    await expectSignedOut(alice.page);
    await expectSignedOut(otherTab);
  });

  test('A4: a wrong password and an unknown username are refused alike', async ({ users, browser }) => {
    const alice = await users.signUp('alice');
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const page = await openTab(context);
      /** Signs in on a fresh sign-in screen (no earlier alert) and returns the alert's text. */
      const refusal = async (username: string, password: string) => {
        await page.reload();
        await expectSignedOut(page);
        await expect(ui.alert(page)).toHaveCount(0);
        await submitCredentials(page, username, password, 'Sign in');
        await expect(ui.alert(page)).toBeVisible();
        await expectSignedOut(page);
        return (await ui.alert(page).innerText()).trim();
      };

      const wrongPassword = await refusal(alice.name, `${alice.password}!`);
      expect(wrongPassword).not.toBe('');
      // Same sentence for an unknown user: the screen must not tell which usernames exist.
      expect(await refusal(uniqueName('nobody'), PASSWORD)).toBe(wrongPassword);
      // A3: compared in full, never trimmed: the right password plus a space fails.
      expect(await refusal(alice.name, `${alice.password} `)).toBe(wrongPassword);

      // The right password still works after the failures.
      await page.reload();
      await signIn(page, alice.name, alice.password);
    } finally {
      await context.close();
    }
  });

  test('A2: creating an account with a taken username shows an error', async ({ users, browser }) => {
    const alice = await users.signUp('alice');
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const page = await openTab(context);
      // Taken regardless of case.
      await submitCredentials(page, alice.name.toUpperCase(), PASSWORD, 'Create account');
      await expect(ui.alert(page)).toBeVisible();
      await expect(ui.alert(page)).not.toHaveText(/^\s*$/);
      await expectSignedOut(page);
    } finally {
      await context.close();
    }
  });

  test('A2/A3: an invalid username or a short password shows an error', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const page = await openTab(context);
      await submitCredentials(page, 'no spaces allowed', PASSWORD, 'Create account');
      await expect(ui.alert(page)).toBeVisible();
      await expectSignedOut(page);

      await submitCredentials(page, uniqueName('carol'), 'short', 'Create account');
      await expect(ui.alert(page)).toBeVisible();
      await expectSignedOut(page);
    } finally {
      await context.close();
    }
  });
});
