import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { PRESENCE_GRACE_MS } from './constants';
import {
  createRoom,
  expect,
  expectPresence,
  expectSignedIn,
  joinRoom,
  SENDING,
  sendMessage,
  signUp,
  test,
  ui,
  uniqueName,
  type User,
} from './fixtures';

/*
 * Server restarts (S6) and crashes, seen from the browser. The suite's own server is
 * shared by every test and must stay up, so each test here runs a server process of its
 * own (the same built bundle, its own port and data folder) and stops it itself.
 */

const SERVER_ENTRY = fileURLToPath(new URL('../apps/server/dist/server.js', import.meta.url));
/** socket.io-client retries at most every 5 s (reconnectionDelayMax); S6 asks for 10 s. */
const BACK_WITHIN_MS = 10_000;
const RECONNECTING = /reconnecting…/i;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A server process that can be stopped and started again on the same port and data. */
class OwnServer {
  private child: ChildProcess | null = null;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  private log = '';

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async create(): Promise<OwnServer> {
    return new OwnServer(await freePort(), await mkdtemp(join(tmpdir(), 'parley-e2e-restart-')));
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until /healthz answers. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited at start:\n${this.log}`);
      const healthy = await fetch(`${this.baseURL}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the server did not answer /healthz within 20 s:\n${this.log}`);
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const { child, exited } = this;
    if (!child || !exited) throw new Error('not running');
    child.kill(signal);
    const result = await exited;
    this.child = null;
    this.exited = null;
    return result;
  }

  async dispose(): Promise<void> {
    if (this.child) await this.stop('SIGKILL');
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs `body` with a fresh server of its own and closes every context it opened. */
async function withOwnServer(body: (server: OwnServer, contexts: BrowserContext[]) => Promise<void>): Promise<void> {
  const server = await OwnServer.create();
  const contexts: BrowserContext[] = [];
  try {
    await server.start();
    await body(server, contexts);
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await server.dispose();
  }
}

/** alice and bob, signed up on `server`, both in a new room that each has open. */
async function twoInARoom(
  browser: Parameters<typeof signUp>[0],
  server: OwnServer,
  contexts: BrowserContext[],
): Promise<[User, User, string]> {
  const alice = await signUp(browser, 'alice', { baseURL: server.baseURL });
  contexts.push(alice.context);
  const bob = await signUp(browser, 'bob', { baseURL: server.baseURL });
  contexts.push(bob.context);
  const room = uniqueName('room');
  await createRoom(alice.page, room);
  await joinRoom(bob.page, room);
  return [alice, bob, room];
}

async function expectStillSignedInAndWaiting(page: Page): Promise<void> {
  await expect(ui.connectionBanner(page)).toHaveText(RECONNECTING);
  await expect(ui.signOutButton(page)).toBeVisible();
  await expect(ui.usernameBox(page)).toHaveCount(0);
}

test.describe('server restarts', () => {
  test('S6: a graceful restart shows Reconnecting…, is no sign-out, and loses nothing', async ({ browser }) => {
    await withOwnServer(async (server, contexts) => {
      const [alice, bob] = await twoInARoom(browser, server, contexts);
      const before = uniqueName('before');
      await sendMessage(alice.page, before);
      await expect(ui.message(bob.page, before)).toHaveCount(1);

      const exit = await server.stop('SIGTERM');
      expect(exit.code, 'S6: the server exits 0 on SIGTERM').toBe(0);
      await expectStillSignedInAndWaiting(alice.page);
      await expectStillSignedInAndWaiting(bob.page);

      // Written while the server is away: kept in the outbox.
      const during = uniqueName('during');
      await ui.composer(bob.page).fill(during);
      await ui.composer(bob.page).press('Enter');
      await expect(ui.message(bob.page, during)).toContainText(SENDING);

      await server.start();
      for (const page of [alice.page, bob.page]) {
        await expect(ui.connectionBanner(page)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
        await expectSignedIn(page);
      }
      for (const page of [alice.page, bob.page]) {
        await expect(ui.message(page, during)).toHaveCount(1);
        await expect(ui.message(page, during)).toContainText(bob.name);
        await expect(ui.message(page, before)).toHaveCount(1);
      }
      await expect(ui.messageLog(bob.page).getByText(SENDING)).toHaveCount(0);

      // The live stream works again after the restart.
      const after = uniqueName('after');
      await sendMessage(alice.page, after);
      await expect(ui.message(bob.page, after)).toHaveCount(1);
    });
  });

  test('P1/S6: after a crash and restart, nobody who left meanwhile stays shown online', async ({ browser }) => {
    await withOwnServer(async (server, contexts) => {
      const [alice, bob] = await twoInARoom(browser, server, contexts);
      await expectPresence(alice.page, bob.name, 'online');

      await server.stop('SIGKILL');
      await expectStillSignedInAndWaiting(alice.page);
      // Bob leaves while the server is down: no presence:changed will ever tell alice.
      await bob.context.close();

      await server.start();
      await expect(ui.connectionBanner(alice.page)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
      await expectPresence(alice.page, bob.name, 'offline');
      await expectPresence(alice.page, alice.name, 'online');
    });
  });
});
