import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SlowPeer } from '../slow-peer.js';
import {
  connectClient,
  freePort,
  registerUser,
  startServerProcess,
  tempDataDir,
  waitConnected,
  type ProcessClient,
  type ServerProcess,
} from './server-process.js';

/*
 * S6 against peers that do not cooperate: a real server process gets SIGTERM (or SIGINT)
 * while chat clients that stopped reading their sockets, and a request that never ends,
 * are connected. It must still stop within the grace, close the database and exit 0;
 * a second signal ends it at once.
 */

const GRACE_MS = 3000;
/** Each message is 4,000 four-byte characters, about 16 KB on the wire. */
const BIG_TEXT = '😀'.repeat(3990);

describe('S6: shutdown with peers that do not cooperate', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function boot(env: Record<string, string> = {}): Promise<{ server: ServerProcess; dataDir: string }> {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const server = await startServerProcess({ dataDir: data.dir, port: await freePort(), env });
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    return { server, dataDir: data.dir };
  }

  function track<T>(peer: T, close: (peer: T) => void): T {
    cleanups.push(() => close(peer));
    return peer;
  }

  /** Three frozen chat connections in general, with messages queued for them that they never read. */
  async function frozenPeersWithTraffic(server: ServerProcess) {
    const frozen = await registerUser(server.url, 'frozen');
    const peers = [];
    for (let i = 0; i < 3; i++) peers.push(track(await SlowPeer.connect(server, frozen.cookie), (p) => p.destroy()));
    for (const peer of peers) peer.stopReading({ answerPings: false });
    const alice = await registerUser(server.url, 'alice');
    const tab: ProcessClient = track(connectClient(server.url, alice.cookie), (t) => t.disconnect());
    await waitConnected(tab);
    const rooms = await tab.timeout(5000).emitWithAck('room:list', {});
    if (!rooms.ok) throw new Error(rooms.error);
    const general = rooms.data[0]!.id;
    // Within the send budget (5 per second): enough to fill what the kernel holds for each peer.
    for (let i = 0; i < 5; i++) {
      const sent = await tab
        .timeout(5000)
        .emitWithAck('message:send', { roomId: general, clientMessageId: `big-message-${i}`, text: BIG_TEXT });
      expect(sent.ok).toBe(true);
    }
    return { tab, general };
  }

  /** A request whose headers never end (slowloris): the HTTP server waits for it, never idle. */
  async function hangingRequest(server: ServerProcess): Promise<Socket> {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    return track(socket, (s) => s.destroy());
  }

  it('S6: SIGTERM with frozen peers and a hanging request exits 0 within the grace plus a second, the database closed (no -wal left)', async () => {
    const { server, dataDir } = await boot();
    const { tab } = await frozenPeersWithTraffic(server);
    await hangingRequest(server);
    const notified = new Promise<void>((resolve) => tab.once('server:shutdown', () => resolve()));
    const dropped = new Promise<string>((resolve) => tab.once('disconnect', (reason) => resolve(reason)));

    const t0 = Date.now();
    server.child.kill('SIGTERM');
    const { code, signal } = await server.exited;
    const stopMs = Date.now() - t0;
    console.log('shutdown figures', JSON.stringify({ stopMs, code, graceMs: GRACE_MS }));
    expect({ code, signal }, server.output()).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(GRACE_MS + 1000);
    // A client that reads still hears why and reconnects by itself.
    await notified;
    expect(await dropped).toBe('transport close');
    expect(server.output()).toMatch(/cut the connections still open after the shutdown grace/);

    // Checkpointed and closed: the last connection's close folds the WAL into the file and removes it.
    expect(existsSync(join(dataDir, 'parley.sqlite-wal'))).toBe(false);
    const db = new Database(join(dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(5);
    } finally {
      db.close();
    }
  }, 60_000);

  it('S6: a second SIGINT exits at once with 130, whatever the grace', async () => {
    const { server } = await boot({ SHUTDOWN_GRACE_MS: '30000' });
    await frozenPeersWithTraffic(server);
    server.child.kill('SIGINT');
    // Time for the first signal to be taken (the stop has begun, and would last the grace).
    await new Promise((r) => setTimeout(r, 500));
    expect(server.child.exitCode).toBeNull();
    const t1 = Date.now();
    server.child.kill('SIGINT');
    const { code } = await server.exited;
    expect(code).toBe(130);
    expect(Date.now() - t1).toBeLessThan(2000);
  }, 60_000);

  it('S6: a second SIGTERM exits at once with 143', async () => {
    const { server } = await boot({ SHUTDOWN_GRACE_MS: '30000' });
    await frozenPeersWithTraffic(server);
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.child.exitCode).toBeNull();
    const t1 = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(143);
    expect(Date.now() - t1).toBeLessThan(2000);
  }, 60_000);
});
