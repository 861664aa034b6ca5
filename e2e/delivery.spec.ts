import type { Page } from '@playwright/test';
import { gateChatTransport, type TransportGate } from './browser-control';
import {
  createRoom,
  expect,
  expectSignedIn,
  joinRoom,
  openRoom,
  PASSWORD,
  sendMessage,
  SENDING,
  sentMessagesIn,
  signIn,
  submitCredentials,
  test,
  ui,
  uniqueName,
} from './fixtures';

/*
 * Delivery across reconnects and reloads: the resume (S2) brings what was missed, in
 * order and once; the durable outbox (S5) sends what was written, in order and once.
 *
 * After a drop the banner says exactly "Reconnecting…", whether or not the browser
 * reports a network (context.setOffline(true) makes navigator.onLine false).
 */
const DISCONNECTED = 'Reconnecting…';

/** Refuses the chat transport of the loaded `page`: gated open, reloaded, closed (see gateChatTransport). */
async function gatedAfterReload(page: Page): Promise<TransportGate> {
  const gate = await gateChatTransport(page, 'refuse', { open: true });
  await page.reload();
  await expectSignedIn(page);
  await expect(ui.connectionBanner(page)).toHaveCount(0);
  await gate.close();
  return gate;
}
/** "Connecting…" but not "Reconnecting…": never connected since the page loaded. */
const CONNECTING = /(?<!re)connecting…/i;

/**
 * The texts held in the page's durable outbox (IndexedDB, S5), oldest first. Reads
 * every `parley-outbox-*` database of the page's origin with the raw IndexedDB API; it
 * only opens databases that exist, so it never creates one the app would then find
 * without its object store.
 */
async function outboxTexts(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const names = (await indexedDB.databases())
      .map((d) => d.name ?? '')
      .filter((name) => name.startsWith('parley-outbox-'));
    const records: { text: string; queuedAt: number }[] = [];
    for (const name of names) {
      const db = await request(indexedDB.open(name));
      try {
        if (!db.objectStoreNames.contains('outbox')) continue;
        const all = await request(db.transaction('outbox').objectStore('outbox').getAll());
        records.push(...(all as { text: string; queuedAt: number }[]));
      } finally {
        db.close();
      }
    }
    return records.sort((a, b) => a.queuedAt - b.queuedAt).map((r) => r.text);
  });
}

/** `count` unique texts, each naming its place so an order mistake reads plainly. */
const texts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => uniqueName(`${prefix}${i + 1}`));

/** Writes `text` and presses Enter, without waiting for it to be delivered. */
async function write(page: Page, text: string): Promise<void> {
  await ui.composer(page).fill(text);
  await ui.composer(page).press('Enter');
}

/** Every one of `sent` shows exactly once, in the order given, with its author's name. */
async function expectDeliveredInOrder(page: Page, sent: { author: string; text: string }[]): Promise<void> {
  for (const { text } of sent) await expect(ui.message(page, text)).toHaveCount(1);
  expect(await sentMessagesIn(page, sent)).toEqual(sent.map((m) => `${m.author}: ${m.text}`));
}

test.describe('delivery', () => {
  test('S2: messages sent while I was offline arrive once each and in order, without a reload', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    // Bob holds the room's history, so his next handshake carries a cursor for it.
    const before = uniqueName('before');
    await sendMessage(alice.page, before);
    await expect(ui.message(bob.page, before)).toHaveCount(1);

    await bob.context.setOffline(true);
    await expect(ui.connectionBanner(bob.page)).toHaveText(DISCONNECTED);
    const missed = texts('missed', 5).map((text) => ({ author: alice.name, text }));
    for (const { text } of missed) await sendMessage(alice.page, text);

    await bob.context.setOffline(false);
    await expect(ui.connectionBanner(bob.page)).toHaveCount(0);
    // A held room's history is not fetched again on reconnect: these come from the replay.
    await expectDeliveredInOrder(bob.page, [{ author: alice.name, text: before }, ...missed]);

    // And the live stream goes on after them.
    const after = uniqueName('after');
    await sendMessage(alice.page, after);
    await expectDeliveredInOrder(bob.page, [...missed, { author: alice.name, text: after }]);
  });

  test('S2: a room I had open earlier catches up too, while another room is open', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const before = uniqueName('before');
    await sendMessage(alice.page, before);
    await expect(ui.message(bob.page, before)).toHaveCount(1);
    await openRoom(bob.page, 'general');

    await bob.context.setOffline(true);
    await expect(ui.connectionBanner(bob.page)).toHaveText(DISCONNECTED);
    const missed = texts('missed', 3).map((text) => ({ author: alice.name, text }));
    for (const { text } of missed) await sendMessage(alice.page, text);
    await bob.context.setOffline(false);
    await expect(ui.connectionBanner(bob.page)).toHaveCount(0);

    await openRoom(bob.page, room);
    await expectDeliveredInOrder(bob.page, [{ author: alice.name, text: before }, ...missed]);
  });

  test('S5: messages written offline show as sending, then go out once each in the order written', async ({
    users,
  }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await bob.context.setOffline(true);
    await expect(ui.connectionBanner(bob.page)).toHaveText(DISCONNECTED);
    const queued = texts('queued', 3).map((text) => ({ author: bob.name, text }));
    for (const { text } of queued) {
      await write(bob.page, text);
      await expect(ui.message(bob.page, text)).toHaveCount(1);
      await expect(ui.message(bob.page, text)).toContainText(SENDING);
    }
    // The outbox is durable: all three are in IndexedDB, in the order written.
    expect(await outboxTexts(bob.page)).toEqual(queued.map((m) => m.text));

    await bob.context.setOffline(false);
    await expect(ui.connectionBanner(bob.page)).toHaveCount(0);
    await expectDeliveredInOrder(alice.page, queued);
    await expectDeliveredInOrder(bob.page, queued);
    await expect(ui.messageLog(bob.page).getByText(SENDING)).toHaveCount(0);
    await expect.poll(() => outboxTexts(bob.page)).toEqual([]);
  });

  test('S5: a message still in the outbox survives a reload and is delivered exactly once', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    // Keep the chat connection from coming back while plain HTTP (the reload, the
    // session check) works: its WebSocket and polling attempts are refused. The gate
    // covers WebSockets of pages loaded after it: open, reload, close. Going offline
    // drops the open WebSocket.
    const transport = await gatedAfterReload(bob.page);
    await bob.context.setOffline(true);
    await expect(ui.connectionBanner(bob.page)).toHaveText(DISCONNECTED);

    const survivor = uniqueName('survivor');
    await write(bob.page, survivor);
    await expect(ui.message(bob.page, survivor)).toContainText(SENDING);
    expect(await outboxTexts(bob.page)).toEqual([survivor]);

    // Back online for HTTP only, and reload while the message cannot have gone out.
    await bob.context.setOffline(false);
    await bob.page.reload();
    await expect(ui.signOutButton(bob.page)).toBeVisible();
    await expect(ui.connectionBanner(bob.page)).toHaveText(CONNECTING);
    expect(await outboxTexts(bob.page)).toEqual([survivor]);
    await expect(ui.message(alice.page, survivor)).toHaveCount(0);

    // Let the chat connect: the restored message goes out, once.
    await transport.open();
    await expect(ui.connectionBanner(bob.page)).toHaveCount(0);
    await expect(ui.roomHeading(bob.page, room)).toBeVisible();
    await expectDeliveredInOrder(alice.page, [{ author: bob.name, text: survivor }]);
    await expectDeliveredInOrder(bob.page, [{ author: bob.name, text: survivor }]);
    await expect(ui.messageLog(bob.page).getByText(SENDING)).toHaveCount(0);
    await expect.poll(() => outboxTexts(bob.page)).toEqual([]);

    // Nothing doubles later either: the next message lands after it, and it stays single.
    const next = uniqueName('next');
    await sendMessage(bob.page, next);
    const both = [survivor, next].map((text) => ({ author: bob.name, text }));
    await expectDeliveredInOrder(alice.page, both);
    await expectDeliveredInOrder(bob.page, both);
  });

  test('S5: a pending message stays with its author: another account on this browser never sends it', async ({
    users,
  }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await joinRoom(carol.page, room);
    await carol.context.close(); // carol signs in on bob's browser below

    const transport = await gatedAfterReload(bob.page);
    await bob.context.setOffline(true);
    await expect(ui.connectionBanner(bob.page)).toHaveText(DISCONNECTED);
    const bobs = uniqueName('bobs');
    await write(bob.page, bobs);
    await expect(ui.message(bob.page, bobs)).toContainText(SENDING);
    await bob.context.setOffline(false);

    // Bob signs out; carol signs in on the same browser, and her chat connects.
    await ui.signOutButton(bob.page).click();
    await expect(ui.usernameBox(bob.page)).toBeVisible();
    await transport.open();
    await signIn(bob.page, carol.name, PASSWORD);
    await openRoom(bob.page, room);
    await expect(ui.connectionBanner(bob.page)).toHaveCount(0);
    await expect(ui.message(bob.page, bobs)).toHaveCount(0);
    // Proof that carol's connection works, and that bob's message is not ahead of hers.
    const carols = uniqueName('carols');
    await sendMessage(bob.page, carols);
    await expect(ui.message(alice.page, carols)).toHaveCount(1);
    await expect(ui.message(alice.page, bobs)).toHaveCount(0);

    // Bob again: his message goes out now, under his name, once.
    await ui.signOutButton(bob.page).click();
    await submitCredentials(bob.page, bob.name, PASSWORD, 'Sign in');
    await expectSignedIn(bob.page);
    await expectDeliveredInOrder(alice.page, [
      { author: carol.name, text: carols },
      { author: bob.name, text: bobs },
    ]);
  });
});
