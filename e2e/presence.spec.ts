import { controlFocus, setTabActive } from './browser-control';
import { PRESENCE_GRACE_MS } from './constants';
import {
  createRoom,
  exactName,
  expect,
  expectPresence,
  expectSignedIn,
  joinRoom,
  openTab,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * The server runs with PRESENCE_GRACE_MS = 1000 (playwright.config.ts). To show that
 * something does NOT happen after the grace delay (alice must stay online while one tab
 * is open), the test has to let that delay pass: the one deliberate sleep of the suite.
 */
const PAST_GRACE_MS = PRESENCE_GRACE_MS * 2 + 500;

test.describe('presence', () => {
  test('P1/P2: a user with two tabs stays online when one closes and goes offline when both do', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    // alice's second tab, signed in through the shared cookie jar.
    const firstTab = alice.page;
    const secondTab = await openTab(alice.context);
    await expectSignedIn(secondTab);
    await expect(ui.connectionBanner(secondTab)).toHaveCount(0);

    await expectPresence(bob.page, alice.name, 'online');
    // bob is online to alice too, and alice sees herself online.
    await expectPresence(alice.page, bob.name, 'online');

    await firstTab.close();
    // Deliberate wait: alice must still be online AFTER the grace delay has run out.
    await bob.page.waitForTimeout(PAST_GRACE_MS);
    const stillThere = ui.member(bob.page, alice.name);
    await expect(stillThere).toHaveCount(1);
    // Read once, no retrying: a retrying assertion could wait out a wrong "offline".
    expect(await stillThere.innerText(), 'alice with one tab left, after the grace delay').toMatch(/\bonline\b/i);

    await secondTab.close();
    await expectPresence(bob.page, alice.name, 'offline');

    // Coming back brings her online again.
    const thirdTab = await openTab(alice.context);
    await expectSignedIn(thirdTab);
    await expectPresence(bob.page, alice.name, 'online');
  });

  test('P2: a reload within the grace delay does not show the user offline', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await expectPresence(bob.page, alice.name, 'online');

    // Sample alice's member entry at bob's while she reloads and for the grace delay
    // after: it must never say offline. (Sampling is the deliberate wait here.)
    const entry = ui.member(bob.page, alice.name);
    const samples: string[] = [];
    const watching = (async () => {
      const until = Date.now() + PAST_GRACE_MS + 1000;
      while (Date.now() < until) {
        samples.push(await entry.innerText({ timeout: 1000 }).catch(() => '(no entry)'));
        await bob.page.waitForTimeout(50);
      }
    })();
    await alice.page.reload();
    await expectSignedIn(alice.page);
    await watching;

    expect(samples.length).toBeGreaterThan(10);
    expect(
      samples.filter((text) => !/\bonline\b/i.test(text)),
      'alice not shown online during her reload',
    ).toEqual([]);
    await expectPresence(bob.page, alice.name, 'online');
  });

  test("P4: when alice's only tab goes to the background bob sees her away, and online when it comes back", async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    // alice's tabs report whether they are shown; the control starts them in the background.
    await controlFocus(alice.context);
    await alice.page.reload();
    await expectSignedIn(alice.page);
    await setTabActive(alice.page, true);
    await expectPresence(bob.page, alice.name, 'online');

    await setTabActive(alice.page, false);
    await expectPresence(bob.page, alice.name, 'away');
    // The amber dot and word: away is not shown as online.
    await expect(ui.member(bob.page, alice.name)).not.toContainText(/\bonline\b/i);

    await setTabActive(alice.page, true);
    await expectPresence(bob.page, alice.name, 'online');
  });

  test('P5, P6: appearing offline shows alice offline with a last seen to bob while she keeps chatting', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await expectPresence(bob.page, alice.name, 'online');

    await alice.page.getByRole('button', { name: exactName('Account') }).click();
    const dialog = alice.page.getByRole('dialog', { name: exactName('Account') });
    const appearOffline = dialog.getByRole('checkbox', { name: exactName('Appear offline') });
    await expect(appearOffline).toBeEnabled();
    await appearOffline.check();
    await expect(appearOffline).toBeChecked();
    await expectPresence(bob.page, alice.name, 'offline');
    await expect(ui.member(bob.page, alice.name)).toContainText(/last seen just now/i);

    await appearOffline.uncheck();
    await expectPresence(bob.page, alice.name, 'online');
  });
});
