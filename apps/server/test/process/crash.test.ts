import type { Member, Message } from '@parley/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
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
 * S5 under fire: a real server process is SIGKILLed in the middle of a burst of acked,
 * retried sends and restarted on the same data. Every acked message must be stored
 * exactly once, each room's seq must have no holes, and each sender's messages must be
 * in the order they were sent.
 */

const CLIENTS = 10;
const PER_CLIENT = 100;
const KILL_AFTER_ACKS = 250;
const ACK_TIMEOUT_MS = 2000;
const RUN_DEADLINE_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sent = { clientMessageId: string; text: string; ack: Message };

/** Sends each text in order, one at a time, retrying with the same clientMessageId until acked. */
async function sendInOrder(
  client: ProcessClient,
  roomId: string,
  tag: string,
  onAck: () => void,
  deadline: number,
): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let i = 0; i < PER_CLIENT; i++) {
    const clientMessageId = `${tag}-msg-${String(i).padStart(4, '0')}`;
    const text = `${tag} #${i}`;
    let backoff = 50;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${tag} gave up at message ${i}`);
      try {
        const res = await client.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { roomId, clientMessageId, text });
        if (res.ok) {
          sent.push({ clientMessageId, text, ack: res.data });
          onAck();
          break;
        }
        if (res.error === 'rate_limited') {
          // The real budget (5 per second, bursts of 10) applies: wait as told, like the web app.
          await sleep(res.retryAfterMs ?? 200);
          continue;
        }
        if (res.error !== 'unavailable' && res.error !== 'internal')
          throw new Error(`${tag}: refused with ${res.error}`);
      } catch (error) {
        if (error instanceof Error && error.message.includes('refused with')) throw error;
        // Timed out (the server is down or restarting): retry the same message.
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1000);
    }
  }
  return sent;
}

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

describe('crash and restart of a real server process', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function boot() {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const port = await freePort();
    const servers: ServerProcess[] = [];
    const start = async () => {
      const server = await startServerProcess({ dataDir: data.dir, port });
      servers.push(server);
      return server;
    };
    cleanups.push(async () => {
      for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    });
    return { start, port };
  }

  function track(client: ProcessClient): ProcessClient {
    cleanups.push(() => {
      client.disconnect();
    });
    return client;
  }

  /**
   * A first server process with alice and bob on one reconnecting tab each, both in
   * general: the start of the presence and SIGTERM tests, which then stop `first` in
   * their own way and `start` it again on the same data and port.
   */
  async function aliceAndBobInGeneral() {
    const { start } = await boot();
    const first = await start();
    const alice = await registerUser(first.url, 'alice');
    const bob = await registerUser(first.url, 'bob');
    const aliceTab = track(connectClient(first.url, alice.cookie));
    const bobTab = track(connectClient(first.url, bob.cookie));
    await Promise.all([waitConnected(aliceTab), waitConnected(bobTab)]);
    const rooms = await aliceTab.timeout(5000).emitWithAck('room:list', {});
    if (!rooms.ok) throw new Error(rooms.error);
    const general = rooms.data[0]!.id;
    return { start, first, alice, bob, aliceTab, bobTab, general };
  }

  it('S5: after SIGKILL mid-burst and a restart, every acked message is stored once, seqs are gapless, senders keep their order', async () => {
    const { start } = await boot();
    let server = await start();
    const users = [];
    for (let i = 0; i < CLIENTS; i++) users.push(await registerUser(server.url, `crash${i}`));
    const clients = users.map((u) => track(connectClient(server.url, u.cookie)));
    await Promise.all(clients.map((c) => waitConnected(c)));

    const rooms = await clients[0]!.timeout(5000).emitWithAck('room:list', {});
    if (!rooms.ok) throw new Error(rooms.error);
    const general = rooms.data[0]!.id;
    const created = await clients[0]!.timeout(5000).emitWithAck('room:create', { name: 'crash-b' });
    if (!created.ok) throw new Error(created.error);
    const roomB = created.data.id;
    for (const c of clients.slice(CLIENTS / 2)) {
      const joined = await c.timeout(5000).emitWithAck('room:join', { roomId: roomB });
      expect(joined.ok).toBe(true);
    }

    let acks = 0;
    let killed: Promise<void> | undefined;
    const onAck = () => {
      acks++;
      if (acks === KILL_AFTER_ACKS) {
        const victim = server;
        killed = (async () => {
          victim.child.kill('SIGKILL');
          const { signal } = await victim.exited;
          expect(signal).toBe('SIGKILL');
          server = await start();
        })();
      }
    };
    const deadline = Date.now() + RUN_DEADLINE_MS;
    const results = await Promise.all(
      clients.map((c, i) => sendInOrder(c, i < CLIENTS / 2 ? general : roomB, `u${i}`, onAck, deadline)),
    );
    await killed;
    expect(killed, 'the server was killed mid-burst').toBeDefined();

    const reader = track(connectClient(server.url, users[0]!.cookie));
    await waitConnected(reader);
    const stored = new Map<string, Message[]>();
    for (const roomId of [general, roomB]) stored.set(roomId, await fullHistory(reader, roomId));

    const sent = results.flat();
    expect(sent).toHaveLength(CLIENTS * PER_CLIENT);
    const all = [...stored.values()].flat();
    // Nothing stored twice, nothing stored that was never acked, every ack stored as acked.
    const byClientId = new Map<string, Message[]>();
    for (const m of all)
      byClientId.set(`${m.authorId}/${m.clientMessageId}`, [
        ...(byClientId.get(`${m.authorId}/${m.clientMessageId}`) ?? []),
        m,
      ]);
    expect([...byClientId.values()].filter((copies) => copies.length > 1)).toEqual([]);
    expect(all).toHaveLength(CLIENTS * PER_CLIENT);
    const storedById = new Map(all.map((m) => [m.id, m]));
    for (const s of sent) expect(storedById.get(s.ack.id), s.clientMessageId).toEqual(s.ack);
    // Gapless seq per room.
    for (const messages of stored.values()) {
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    }
    // Each sender's messages in the order sent.
    results.forEach((mine) => {
      const seqs = mine.map((s) => s.ack.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });
  }, 120_000);

  it('presence after a crash: nobody who did not come back is shown online after the restart', async () => {
    const { start, first, alice, bob, aliceTab, bobTab, general } = await aliceAndBobInGeneral();
    const before = await aliceTab.timeout(5000).emitWithAck('room:members', { roomId: general });
    expect(before.ok && before.data.find((m: Member) => m.userId === bob.id)?.online).toBe(true);

    // bob's tab will not come back: stop it from reconnecting, then kill the server.
    bobTab.io.reconnection(false);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await start();
    await waitConnected(aliceTab, 15_000);
    expect(second.child.exitCode).toBeNull();
    const after = await aliceTab.timeout(5000).emitWithAck('room:members', { roomId: general });
    if (!after.ok) throw new Error(after.error);
    expect(after.data.find((m: Member) => m.userId === bob.id)?.online).toBe(false);
    expect(after.data.find((m: Member) => m.userId === alice.id)?.online).toBe(true);
  }, 60_000);

  it('S6: SIGTERM with clients connected exits 0 within 10 s; after a restart the clients reconnect by themselves and go on', async () => {
    const { start, first, aliceTab, bobTab, general } = await aliceAndBobInGeneral();
    const sent = await aliceTab.timeout(5000).emitWithAck('message:send', {
      roomId: general,
      clientMessageId: 'before-restart-1',
      text: 'before the restart',
    });
    expect(sent.ok).toBe(true);

    const notified = new Promise<void>((resolve) => bobTab.once('server:shutdown', () => resolve()));
    const dropped = new Promise<string>((resolve) => bobTab.once('disconnect', (reason) => resolve(reason)));
    const t0 = Date.now();
    first.child.kill('SIGTERM');
    const { code } = await first.exited;
    const stopMs = Date.now() - t0;
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(10_000);
    await notified;
    // A transport close, not a namespace disconnect: socket.io-client reconnects by itself.
    expect(await dropped).toBe('transport close');

    await start();
    const t1 = Date.now();
    await Promise.all([waitConnected(aliceTab, 10_000), waitConnected(bobTab, 10_000)]);
    expect(Date.now() - t1).toBeLessThan(10_000);
    const next = await bobTab.timeout(5000).emitWithAck('message:send', {
      roomId: general,
      clientMessageId: 'after-restart-1',
      text: 'after the restart',
    });
    expect(next.ok && next.data.seq).toBe(2);
  }, 60_000);
});
