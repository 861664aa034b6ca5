import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import {
  createRoom,
  expect,
  expectPresence,
  expectSignedIn,
  joinRoom,
  sendMessage,
  sentMessagesIn,
  test,
  ui,
  uniqueName,
  type User,
} from './fixtures';

/*
 * Several nodes behind nginx (playwright.cluster.config.ts starts scripts/cluster.sh):
 * browsers are spread over the nodes and kept on theirs by the node cookie (SPEC C5);
 * people on different nodes talk as if there were one (C1); a node killed mid-conversation
 * costs its users a reconnect through nginx to another node, nothing else (S2, S5).
 * Only in the cluster run: the single-node config does not match this file.
 */

const CLUSTER_DIR = fileURLToPath(new URL('../.cluster/', import.meta.url));

/** The node the balancer keeps this browser on (the cookie its node set). */
async function nodeOf(user: User): Promise<string> {
  const cookies = await user.context.cookies();
  return cookies.find((c) => c.name === 'parley_node')?.value ?? '';
}

async function killNode(node: string): Promise<void> {
  const pid = Number((await readFile(`${CLUSTER_DIR}${node}.pid`, 'utf8')).trim());
  process.kill(pid, 'SIGKILL');
}

/** Starts a killed node again with the launcher scripts/cluster.sh wrote; resolves once it answers. */
async function restartNode(node: string): Promise<void> {
  await promisify(execFile)('bash', [`${CLUSTER_DIR}${node}.start`], { timeout: 60_000 });
}

/** Every one of `sent` shows exactly once, in the order given, with its author's name. */
async function expectDeliveredInOrder(page: Page, sent: { author: string; text: string }[]): Promise<void> {
  for (const { text } of sent) await expect(ui.message(page, text)).toHaveCount(1);
  expect(await sentMessagesIn(page, sent)).toEqual(sent.map((m) => `${m.author}: ${m.text}`));
}

/** Two users the balancer put on different nodes (new browsers alternate between them). */
async function onTwoNodes(users: { signUp(prefix: string): Promise<User> }): Promise<[User, User]> {
  const alice = await users.signUp('alice');
  for (let attempt = 0; attempt < 4; attempt++) {
    const bob = await users.signUp('bob');
    if ((await nodeOf(bob)) !== (await nodeOf(alice))) return [alice, bob];
  }
  throw new Error('four browsers in a row landed on the same node as the first: the balancer does not spread');
}

test.describe('several nodes behind nginx', () => {
  test('C5: new browsers are spread over both nodes, and each stays on its own', async ({ users }) => {
    const people = await users.signUpAll('a', 'b', 'c', 'd');
    const nodes = await Promise.all(people.map(nodeOf));
    expect(new Set(nodes)).toEqual(new Set(['node-1', 'node-2']));
    // A reload and a second tab stay where the browser is.
    const first = people[0]!;
    await first.page.reload();
    await expectSignedIn(first.page);
    expect(await nodeOf(first)).toBe(nodes[0]);
  });

  test('C1: people on different nodes talk in one room: everything live, once each, in one order', async ({
    users,
  }) => {
    const [alice, bob] = await onTwoNodes(users);
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    await expectPresence(alice.page, bob.name, 'online');
    await expectPresence(bob.page, alice.name, 'online');
    const sent: { author: string; text: string }[] = [];
    for (let i = 0; i < 3; i++) {
      for (const person of [alice, bob]) {
        const text = uniqueName(`${person === alice ? 'a' : 'b'}${i}`);
        await sendMessage(person.page, text);
        sent.push({ author: person.name, text });
      }
    }
    await expectDeliveredInOrder(alice.page, sent);
    await expectDeliveredInOrder(bob.page, sent);
  });

  test('C1/S2/S5: a node killed mid-conversation: its users come back through nginx on the other node and miss nothing', async ({
    users,
  }) => {
    test.setTimeout(120_000);
    const [alice, bob] = await onTwoNodes(users);
    const bobNode = await nodeOf(bob);
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);
    const before = [
      { author: alice.name, text: uniqueName('before-a') },
      { author: bob.name, text: uniqueName('before-b') },
    ];
    for (const m of before) await sendMessage(m.author === alice.name ? alice.page : bob.page, m.text);
    await expectDeliveredInOrder(bob.page, before);

    await killNode(bobNode);
    try {
      // While bob is cut off: alice (on the surviving node) goes on; bob writes too.
      const whileDown = { author: alice.name, text: uniqueName('while-down') };
      await sendMessage(alice.page, whileDown.text);
      const fromBob = { author: bob.name, text: uniqueName('from-bob') };
      await sendMessage(bob.page, fromBob.text);

      // bob is back, on the other node, with what he missed and what he wrote, once each.
      await expect(ui.connectionBanner(bob.page)).toHaveCount(0, { timeout: 30_000 });
      expect(await nodeOf(bob)).not.toBe(bobNode);
      await expect(ui.message(bob.page, whileDown.text)).toHaveCount(1, { timeout: 20_000 });
      await expect(ui.message(alice.page, fromBob.text)).toHaveCount(1, { timeout: 20_000 });
      await expectDeliveredInOrder(bob.page, [...before, whileDown]);
      await expectDeliveredInOrder(alice.page, [...before, whileDown]);
      await expect(ui.message(bob.page, fromBob.text)).toHaveCount(1);
      // He came back: nobody sees him offline.
      await expectPresence(alice.page, bob.name, 'online');

      // And the conversation goes on, live, both ways.
      const after = [
        { author: alice.name, text: uniqueName('after-a') },
        { author: bob.name, text: uniqueName('after-b') },
      ];
      for (const m of after) await sendMessage(m.author === alice.name ? alice.page : bob.page, m.text);
      for (const m of after) {
        await expect(ui.message(alice.page, m.text)).toHaveCount(1);
        await expect(ui.message(bob.page, m.text)).toHaveCount(1);
      }
    } finally {
      // The next tests want both nodes again.
      await restartNode(bobNode);
    }
  });
});
