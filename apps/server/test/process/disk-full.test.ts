import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_ROUTES, type Message } from '@parley/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  freePort,
  registerUser,
  startServerProcess,
  waitConnected,
  type ProcessClient,
  type ServerProcess,
} from './server-process.js';

/*
 * S8 with a real full disk: the server's DATA_DIR is a small tmpfs this test mounts (it
 * needs root; without, it says why and skips). Writes are refused with `storage_full`,
 * sign-in and sign-up answer 503, /readyz is red, reads go on; once space is freed the
 * server takes writes again by itself, and every acked message is there.
 */

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'correct horse battery';

let root: string | null = null;
let skipReason: string | null = null;

function mountTmpfs(sizeMb: number): string {
  const dir = mkdtempSync(join(root!, 'fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-disk-'));
  if (process.platform !== 'linux') skipReason = 'tmpfs mounts need Linux';
  else if (process.getuid?.() !== 0) skipReason = 'mounting a tmpfs needs root';
  else {
    try {
      const probe = mountTmpfs(1);
      execFileSync('umount', [probe]);
    } catch (error) {
      skipReason = `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`;
    }
  }
  if (skipReason) console.warn(`disk-full tests skipped: ${skipReason}`);
});

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', ['-l', dir]);
    } catch {
      // already gone
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Fills the file system of `dir` until `leaveBytes` are left (0: until it refuses). */
function fill(dir: string, leaveBytes: number): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      const free = statfsSync(dir).bavail * statfsSync(dir).bsize;
      if (free <= leaveBytes) break;
      const n = Math.min(chunk.length, free - leaveBytes);
      writeSync(fd, chunk, 0, n);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

async function post(url: string, route: string, body: unknown) {
  const res = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: string; message?: string; retryAfterMs?: number },
  };
}

const ready = async (url: string) => (await fetch(`${url}${API_ROUTES.ready}`)).status;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
  return Date.now() - t0;
}

/** `m1`, `m2`…: each sent as clientMessageId `disk-full-m1`… (at least 8 characters). */
const send = (client: ProcessClient, roomId: string, name: string) =>
  client
    .timeout(10_000)
    .emitWithAck('message:send', { roomId, clientMessageId: `disk-full-${name}`, text: `text of ${name}` });

async function history(client: ProcessClient, roomId: string): Promise<Message[]> {
  const res = await client.timeout(5000).emitWithAck('message:history', { roomId, limit: 100 });
  if (!res.ok) throw new Error(`history: ${res.error}`);
  return res.data.messages;
}

/** The server on a fresh tmpfs of `sizeMb`, alice signed up and connected, and general's id. */
async function serverOnTmpfs(sizeMb: number, env: Record<string, string>) {
  const dir = mountTmpfs(sizeMb);
  mounts.push(dir);
  const server = await startServerProcess({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    env: { LOG_LEVEL: 'info', ...env },
  });
  const alice = await registerUser(server.url, 'alice');
  const client = connectClient(server.url, alice.cookie);
  await waitConnected(client);
  const rooms = await client.timeout(5000).emitWithAck('room:list', {});
  if (!rooms.ok) throw new Error(rooms.error);
  return { dir, server, alice, client, general: rooms.data[0]!.id };
}

function stop(server: ServerProcess, client: ProcessClient) {
  client.disconnect();
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

const lines = (output: string, text: string) => output.split('\n').filter((l) => l.includes(text)).length;

describe('a full disk (S8)', () => {
  it('S8: SQLITE_FULL refuses writes with storage_full, 503 for sign-in and sign-up, /readyz red, reads on; freed space is used again without a restart and every ack is kept', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    // The floor off: SQLite itself meets the full disk.
    const { dir, server, alice, client, general } = await serverOnTmpfs(8, { STORAGE_MIN_FREE_MB: '0' });
    try {
      const acked: Message[] = [];
      const first = await send(client, general, 'm1');
      if (!first.ok) throw new Error(first.error);
      acked.push(first.data);
      // The idle checkpoint empties the WAL (a second after the last write): the next write
      // must then grow it on a full disk.
      const wal = join(dir, 'data', 'parley.sqlite-wal');
      await waitFor('the WAL truncated when idle', async () => !existsSync(wal) || statSync(wal).size === 0);
      const filler = fill(dir, 0);

      const refused = await send(client, general, 'm2');
      expect(refused).toMatchObject({ ok: false, error: 'storage_full' });
      expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(0);
      expect(await ready(server.url)).toBe(503);
      const signIn = await post(server.url, API_ROUTES.login, { username: 'alice', password: PASSWORD });
      expect(signIn.status).toBe(503);
      expect(signIn.body.error).toBe('storage_full');
      expect(signIn.body.message).toMatch(/can't save/);
      const signUp = await post(server.url, API_ROUTES.register, { username: 'bob', password: PASSWORD });
      expect(signUp.status).toBe(503);
      expect(signUp.body.error).toBe('storage_full');
      // Reads go on, and so does a new connection (its session touch waits).
      expect((await history(client, general)).map((m) => m.clientMessageId)).toEqual(['disk-full-m1']);
      const secondTab = connectClient(server.url, alice.cookie);
      try {
        await waitConnected(secondTab);
        expect((await history(secondTab, general)).map((m) => m.clientMessageId)).toEqual(['disk-full-m1']);
      } finally {
        secondTab.disconnect();
      }
      const again = await send(client, general, 'm2');
      expect(again).toMatchObject({ ok: false, error: 'storage_full' });
      expect((await fetch(`${server.url}${API_ROUTES.health}`)).status).toBe(200);

      rmSync(filler);
      // Retried as the web app's outbox does, with the same clientMessageId.
      let m2: Message | null = null;
      const recoveryMs = await waitFor('a send after space was freed', async () => {
        const res = await send(client, general, 'm2');
        if (res.ok) m2 = res.data;
        // The real send budget (5 a second) applies: wait as told, like the web app.
        else if (res.error === 'rate_limited') await sleep(res.retryAfterMs ?? 200);
        else expect(res.error).toBe('storage_full');
        return res.ok;
      });
      acked.push(m2!);
      expect(await ready(server.url)).toBe(200);
      const m3 = await send(client, general, 'm3');
      if (!m3.ok) throw new Error(m3.error);
      acked.push(m3.data);
      expect((await post(server.url, API_ROUTES.register, { username: 'bob', password: PASSWORD })).status).toBe(201);

      const stored = await history(client, general);
      expect(stored).toEqual(acked);
      expect(stored.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(lines(server.output(), 'storage: writes refused')).toBe(1);
      expect(lines(server.output(), 'storage: writes resumed')).toBe(1);
      console.log(`disk full: writes resumed ${recoveryMs} ms after space was freed`);
    } finally {
      stop(server, client);
    }
  }, 90_000);

  it('S8: the STORAGE_MIN_FREE_MB floor refuses writes before SQLite fails, and lifts when space returns', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const { dir, server, client, general } = await serverOnTmpfs(24, { STORAGE_MIN_FREE_MB: '8' });
    try {
      const first = await send(client, general, 'm1');
      if (!first.ok) throw new Error(first.error);
      const filler = fill(dir, 4 * MB);
      const enteredMs = await waitFor('/readyz red below the floor', async () => (await ready(server.url)) === 503);
      const refused = await send(client, general, 'm2');
      expect(refused).toMatchObject({ ok: false, error: 'storage_full' });
      expect((await post(server.url, API_ROUTES.login, { username: 'alice', password: PASSWORD })).status).toBe(503);

      rmSync(filler);
      const leftMs = await waitFor('/readyz green above the floor', async () => (await ready(server.url)) === 200);
      const m2 = await send(client, general, 'm2');
      expect(m2.ok).toBe(true);
      expect((await history(client, general)).map((m) => m.clientMessageId)).toEqual(['disk-full-m1', 'disk-full-m2']);
      // The floor decided, not a failed write.
      expect(server.output()).toContain('below STORAGE_MIN_FREE_MB');
      expect(server.output()).not.toContain('a write failed');
      expect(lines(server.output(), 'storage: writes refused')).toBe(1);
      expect(lines(server.output(), 'storage: writes resumed')).toBe(1);
      console.log(`disk floor: entered in ${enteredMs} ms, left ${leftMs} ms after space was freed`);
    } finally {
      stop(server, client);
    }
  }, 90_000);
});
