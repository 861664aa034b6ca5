import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@parley/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectClient,
  freePort,
  registerUser,
  runBundledTool,
  startServerProcess,
  tempDataDir,
  waitConnected,
  type ProcessClient,
  type ServerProcess,
} from './server-process.js';

/*
 * Backups (docs/operations.md): `pnpm backup <file>` copies the running server's database
 * through SQLite's online backup API while clients keep sending. Restored into a fresh
 * DATA_DIR, the copy holds every message acked before the backup began, each as acked,
 * with gapless seqs; nothing in it was never acked.
 */

const SENDERS = 8;
/** Acks before the backup starts: a database of a few hundred pages. */
const WARM_UP_ACKS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fullHistory(client: ProcessClient, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const res = await client.timeout(5000).emitWithAck('message:history', {
      roomId,
      limit: 100,
      ...(before === undefined ? {} : { before }),
    });
    if (!res.ok) throw new Error(`history: ${res.error}`);
    all.unshift(...res.data.messages);
    if (!res.data.hasMore || res.data.messages.length === 0) return all;
    before = res.data.messages[0]!.seq;
  }
}

describe('online backup', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const killAtEnd = (server: ServerProcess) => {
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    return server;
  };

  it('a backup taken under write load restores into a fresh DATA_DIR with every message acked before it began', async () => {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const live = join(data.dir, 'live');
    const server = killAtEnd(await startServerProcess({ dataDir: live, port: await freePort() }));
    const users = [];
    for (let i = 0; i < SENDERS; i++) users.push(await registerUser(server.url, `backup${i}`));
    const clients = users.map((u) => connectClient(server.url, u.cookie));
    cleanups.push(() => {
      for (const c of clients) c.disconnect();
    });
    await Promise.all(clients.map((c) => waitConnected(c)));
    const rooms = await clients[0]!.timeout(5000).emitWithAck('room:list', {});
    if (!rooms.ok) throw new Error(rooms.error);
    const general = rooms.data[0]!.id;

    const acked: Message[] = [];
    let running = true;
    const senders = clients.map(async (client, n) => {
      for (let i = 0; running; i++) {
        const res = await client.timeout(10_000).emitWithAck('message:send', {
          roomId: general,
          clientMessageId: `backup-s${n}-${i}`,
          text: `sender ${n} #${i} `.repeat(20),
        });
        if (res.ok) acked.push(res.data);
        else if (res.error === 'rate_limited') await sleep(res.retryAfterMs ?? 200);
        else throw new Error(`send refused: ${res.error}`);
      }
    });
    let failure: unknown = null;
    const sending = Promise.all(senders).catch((error: unknown) => {
      failure = error;
    });
    const deadline = Date.now() + 30_000;
    while (acked.length < WARM_UP_ACKS) {
      if (failure !== null) throw failure;
      if (Date.now() > deadline) throw new Error(`only ${acked.length} acks in 30 s`);
      await sleep(20);
    }

    const file = join(data.dir, 'parley-backup.sqlite');
    const ackedBefore = acked.length;
    const mustHave = acked.slice();
    const { code, output } = await runBundledTool('backup.js', [file], { DATA_DIR: live });
    const ackedDuring = acked.length - ackedBefore;
    running = false;
    await sending;
    if (failure !== null) throw failure;
    expect(output).toContain('backup of');
    expect(code, output).toBe(0);
    // The server went on storing while the backup ran: it never stopped or blocked it.
    expect(ackedDuring).toBeGreaterThan(0);
    expect(existsSync(`${file}.partial`)).toBe(false);

    // Restore: a fresh DATA_DIR holding the copy, a server started on it.
    const restoredDir = join(data.dir, 'restored');
    mkdirSync(restoredDir);
    copyFileSync(file, join(restoredDir, 'parley.sqlite'));
    const restored = killAtEnd(await startServerProcess({ dataDir: restoredDir, port: await freePort() }));
    const reader = connectClient(restored.url, users[0]!.cookie);
    cleanups.push(() => {
      reader.disconnect();
    });
    await waitConnected(reader);
    const stored = await fullHistory(reader, general);
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const m of mustHave) expect(byId.get(m.id), m.clientMessageId).toEqual(m);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const ackedIds = new Set(acked.map((m) => m.id));
    expect(stored.filter((m) => !ackedIds.has(m.id))).toEqual([]);
    console.log(
      `backup under load: ${mustHave.length} acked before, ${ackedDuring} acked while it ran, ${stored.length} in the copy; ${output.trim()}`,
    );
  }, 90_000);
});
