import { gateChatTransport, refuseChatWebSockets } from './browser-control';
import { createRoom, expect, expectSignedIn, joinRoom, sendMessage, test, ui, uniqueName } from './fixtures';

/*
 * The connection banner (role=status: Connecting… / Reconnecting… / Offline) and what a
 * dropped connection means for messages. `context.setOffline(true)` fires the page's
 * `offline` event, on which socket.io-client closes its transport (the app is served on
 * 127.0.0.1 for that; see playwright.config.ts).
 */

/** "Connecting…" but not "Reconnecting…". */
const CONNECTING = /(?<!re)connecting…/i;
/** What the banner may say while the network is gone. */
const DISCONNECTED = /reconnecting…|\boffline\b/i;

test.describe('connection', () => {
  test('the banner says Connecting… until the chat connection is up, then disappears', async ({ users }) => {
    const alice = await users.signUp('alice');

    // A second tab whose chat transport is held back until the banner was seen.
    const tab = await alice.context.newPage();
    const gate = await gateChatTransport(tab, 'hold');
    await tab.goto('/');

    await expect(ui.connectionBanner(tab)).toHaveText(CONNECTING);
    expect(gate.attempts(), 'the app asked for its chat connection').toBeGreaterThan(0);
    await gate.open();
    await expect(ui.connectionBanner(tab)).toHaveCount(0);
    await expectSignedIn(tab);
  });

  test('W8: the chat connects over WebSocket first, without a long-polling round trip', async ({ users }) => {
    const alice = await users.signUp('alice');
    const tab = await alice.context.newPage();
    const transports: string[] = [];
    tab.on('websocket', (ws) => {
      if (ws.url().includes('/socket.io/')) transports.push('websocket');
    });
    tab.on('request', (request) => {
      if (request.url().includes('/socket.io/')) transports.push('polling');
    });
    await tab.goto('/');
    await expectSignedIn(tab);
    await expect(ui.connectionBanner(tab)).toHaveCount(0);
    expect(transports).toEqual(['websocket']);
  });

  test('W8: where WebSockets are refused, the chat falls back to long-polling and works', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const tab = await bob.context.newPage();
    await refuseChatWebSockets(tab);
    let polls = 0;
    tab.on('request', (request) => {
      if (request.url().includes('transport=polling')) polls += 1;
    });
    await tab.goto('/');
    await expectSignedIn(tab);
    await expect(ui.connectionBanner(tab)).toHaveCount(0);
    await ui.roomLink(tab, room).click();
    await expect(ui.roomHeading(tab, room)).toBeVisible();
    const text = uniqueName('over-polling');
    await sendMessage(tab, text);
    await expect(ui.message(alice.page, text)).toHaveCount(1);
    const reply = uniqueName('back');
    await sendMessage(alice.page, reply);
    await expect(ui.message(tab, reply)).toHaveCount(1);
    expect(polls, 'long-polling requests').toBeGreaterThan(0);
  });

  test('going offline shows the banner; coming back online clears it', async ({ users }) => {
    const alice = await users.signUp('alice');
    await expect(ui.connectionBanner(alice.page)).toHaveCount(0);

    await alice.context.setOffline(true);
    await expect(ui.connectionBanner(alice.page)).toHaveText(DISCONNECTED);

    await alice.context.setOffline(false);
    await expect(ui.connectionBanner(alice.page)).toHaveCount(0);
    // Still signed in: a network failure is not a sign-out.
    await expectSignedIn(alice.page);
  });

  test('messages sent while I was offline show up once I am back', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await alice.context.setOffline(true);
    await expect(ui.connectionBanner(alice.page)).toHaveText(DISCONNECTED);
    const missed = uniqueName('while-away');
    await sendMessage(bob.page, missed);

    await alice.context.setOffline(false);
    await expect(ui.connectionBanner(alice.page)).toHaveCount(0);
    await expect(ui.message(alice.page, missed)).toHaveCount(1);
    await expect(ui.message(alice.page, missed)).toContainText(bob.name);

    // And the live stream works again.
    const live = uniqueName('live');
    await sendMessage(bob.page, live);
    await expect(ui.message(alice.page, live)).toHaveCount(1);
  });

  test('M3: a message written while offline is delivered exactly once after reconnecting', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await alice.context.setOffline(true);
    await expect(ui.connectionBanner(alice.page)).toHaveText(DISCONNECTED);
    const queued = uniqueName('queued');
    await ui.composer(alice.page).fill(queued);
    await ui.composer(alice.page).press('Enter');

    await alice.context.setOffline(false);
    await expect(ui.connectionBanner(alice.page)).toHaveCount(0);
    await expect(ui.message(bob.page, queued)).toHaveCount(1);
    await expect(ui.message(alice.page, queued)).toHaveCount(1);

    // A message after it lands after it, at both ends, and nothing was doubled.
    const next = uniqueName('next');
    await sendMessage(bob.page, next);
    for (const page of [alice.page, bob.page]) {
      await expect(ui.message(page, next)).toHaveCount(1);
      await expect(ui.message(page, queued)).toHaveCount(1);
      const texts = await ui.messages(page).allInnerTexts();
      const order = texts.flatMap((t) => (t.includes(queued) ? ['queued'] : t.includes(next) ? ['next'] : []));
      expect(order).toEqual(['queued', 'next']);
    }
  });
});
