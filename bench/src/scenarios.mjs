// Scenarios A–F, each run against a freshly started server process.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adapter,
  clusterAdapter,
  connectPopulation,
  histogram,
  makeText,
  openLoop,
  parseText,
  record,
  settle,
  sleep,
  startGuard,
  summary,
} from './gen/load.mjs';
import { ackOk } from './gen/thin.mjs';
import { cpuOf, freePort, heapAfterGc, killServer, rssOf, startServer, stopServer, waitForPort } from './proc.mjs';
import { engineDelta, startEngines } from './cluster.mjs';
import { seed } from './seed.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
export const REPO = join(here, '..', '..');
export const SERVER_ENTRY = join(REPO, 'apps', 'server', 'dist', 'server.js');
const ENTRIES = {
  s0: join(here, 'servers', 's0-plain.mjs'),
  s1: process.env.BENCH_S1_ENTRY || SERVER_ENTRY,
  s2: join(here, 'servers', 's2-raw.mjs'),
};
export const SERVER_NAMES = {
  s0: "S0 guide's plain Socket.IO",
  s1: 'S1 Parley (production build)',
  s2: 'S2 raw ws ceiling',
  s1x2: 'S1×2 Parley, two nodes on PostgreSQL + Redis (scenario C only)',
};
/** S1×2: how many Parley nodes share PostgreSQL and Redis. */
const CLUSTER_NODES = 2;
const ROOM_SIZE = 20;
const r1 = (x) => Math.round(x * 10) / 10;

/**
 * Starts server `kind` on a free port, pinned to core 0. S1 gets a fresh DATA_DIR holding
 * a copy of the seeded database.
 */
export async function launch(ctx, kind, { env = {}, nodeArgs = [], label = kind, clients } = {}) {
  if (kind === 's1x2') return launchCluster(ctx, { env, nodeArgs, label, clients });
  const port = await freePort();
  const logFile = join(ctx.workDir, `${label}-${port}.log`);
  let dataDir = null;
  let serverEnv = { PORT: String(port) };
  if (kind === 's1') {
    dataDir = mkdtempSync(join(ctx.workDir, 'data-'));
    copyFileSync(ctx.seedDb, join(dataDir, 'parley.sqlite'));
    serverEnv = s1Env(port, dataDir);
  }
  const start = () =>
    startServer({ name: label, args: [ENTRIES[kind]], env: { ...serverEnv, ...env }, logFile, nodeArgs });
  const srv = { kind, port, dataDir, logFile, proc: start() };
  await waitForPort(port);
  srv.restart = async () => {
    srv.proc = start();
    await waitForPort(port, 60_000);
  };
  srv.kill = () => killServer(srv.proc);
  srv.stop = () => stopServer(srv.proc);
  return srv;
}

/** S1's settings in the bench (bench/README.md), for one node on SQLite and each node of S1×2. */
function s1Env(port, dataDir) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WEB_DIST_DIR: '',
    NODE_ENV: 'production',
    // Every load client comes from 127.0.0.1; the per-IP cap (500) is for the public internet.
    MAX_CONNECTIONS_PER_IP: '100000',
    // Likewise the handshake budget (600 a minute): the storms open 10k at once.
    HANDSHAKES_PER_IP_PER_MINUTE: '10000000',
    LOG_LEVEL: 'warn',
    // BENCH_METRICS=1: metrics counted (they are not unless exposed), to measure their cost.
    ...(process.env.BENCH_METRICS === '1' ? { METRICS_TOKEN: 'bench-metrics-0f3a9c5e7b21d4468ac0e9f1b2d3c7a5' } : {}),
  };
}

/**
 * S1×2: PostgreSQL and Redis started in a throwaway folder (cluster.mjs), `clients` grid
 * users seeded into PostgreSQL through the storage layer, then two Parley nodes on them
 * (DATABASE_URL, REDIS_URL, NODE_ID), everything pinned to core 0 like S1 alone. The
 * returned server reads its CPU as the sum of the nodes, PostgreSQL and Redis.
 */
async function launchCluster(ctx, { env = {}, nodeArgs = [], label = 's1x2', clients }) {
  const engines = await startEngines(ctx, label);
  const nodes = [];
  try {
    const t = performance.now();
    ctx.clusterSeedOut = await seed({
      dataDir: join(engines.dir, 'seed'),
      databaseUrl: engines.databaseUrl,
      roomSize: ROOM_SIZE,
      grid: clients ?? ctx.cfg.C.clients,
      churners: false,
      broadcast: 0,
      history: { users: 0, messages: 0 },
    });
    ctx.log(
      `  s1x2: PostgreSQL (pid ${engines.pg.pid}) and Redis (pid ${engines.redis.pid}) on core 0; seeded ${ctx.clusterSeedOut.grid.tokens.length} users into PostgreSQL through the storage layer in ${Math.round(performance.now() - t)} ms`,
    );
    for (let i = 1; i <= CLUSTER_NODES; i++) {
      const port = await freePort();
      const dataDir = mkdtempSync(join(ctx.workDir, `data-node-${i}-`));
      const logFile = join(ctx.workDir, `${label}-node-${i}-${port}.log`);
      const nodeEnv = {
        ...s1Env(port, dataDir),
        DATABASE_URL: engines.databaseUrl,
        REDIS_URL: engines.redisUrl,
        NODE_ID: `node-${i}`,
        ...env,
      };
      nodes.push({
        port,
        logFile,
        proc: startServer({ name: `${label}-node-${i}`, args: [ENTRIES.s1], env: nodeEnv, logFile, nodeArgs }),
      });
    }
    await Promise.all(nodes.map((n) => waitForPort(n.port, 60_000)));
  } catch (err) {
    for (const n of nodes) await killServer(n.proc);
    await engines.stop();
    throw err;
  }
  const cpuParts = () => ({ nodes: nodes.reduce((a, n) => a + cpuOf(n.proc.pid), 0), ...engines.cpu() });
  return {
    kind: 's1x2',
    port: nodes[0].port,
    ports: nodes.map((n) => n.port),
    proc: nodes[0].proc,
    nodePids: nodes.map((n) => n.proc.pid),
    engines,
    cpuParts,
    cpu: () => {
      const p = cpuParts();
      return p.nodes + p.postgres + p.redis;
    },
    rss: () => nodes.reduce((a, n) => a + rssOf(n.proc.pid), 0),
    kill: async () => {
      for (const n of nodes) await killServer(n.proc);
    },
    stop: async () => {
      // The nodes first (they drain), then their engines.
      await Promise.all(nodes.map((n) => stopServer(n.proc)));
      await engines.stop();
    },
  };
}

/** CPU seconds of everything the server under test runs (S1×2: nodes, PostgreSQL, Redis). */
const serverCpu = (srv) => (srv.cpu ? srv.cpu() : cpuOf(srv.proc.pid));
const serverRss = (srv) => (srv.rss ? srv.rss() : rssOf(srv.proc.pid));

/** The protocol adapter of a launched server: S1×2's clients are spread over its nodes. */
const adapterOf = (kind, srv) => (kind === 's1x2' ? clusterAdapter(srv.ports) : adapter(kind, srv.port));

/** Keys and tokens of the grid users (rooms of 20), per server kind. */
function grid(ctx, kind, count) {
  const rooms = Math.ceil(count / ROOM_SIZE);
  if (kind === 's1')
    return { tokens: ctx.seedOut.grid.tokens.slice(0, count), roomKeys: ctx.seedOut.grid.roomIds.slice(0, rooms) };
  if (kind === 's1x2')
    return {
      tokens: ctx.clusterSeedOut.grid.tokens.slice(0, count),
      roomKeys: ctx.clusterSeedOut.grid.roomIds.slice(0, rooms),
    };
  return {
    tokens: Array.from({ length: count }, (_, i) => `g${i}`),
    roomKeys: Array.from({ length: rooms }, (_, r) => `grid-${r}`),
  };
}

/** Probe bookkeeping: one latency histogram per step tag. */
function probeSink() {
  const hists = new Map();
  const sink = (text, now) => {
    const { intended, tag } = parseText(text);
    const h = hists.get(tag);
    if (h) record(h, now - intended);
  };
  return { hists, sink };
}

function shuffled(xs, seed = 7) {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * One open-loop step at `rate` messages/s; returns latency, delivery and CPU figures.
 * `recipients(message)` is how many clients should receive each message.
 */
async function rateStep(ctx, { srv, ad, pop, sink, senders, rate, durationMs, tag, recipients, extraTick, onSent }) {
  const hist = histogram();
  sink.hists.set(tag, hist);
  const created0 = pop.counters.created;
  // S1×2: the engines' counters (read through psql and redis-cli, outside the CPU window).
  const engines0 = srv.engines ? await srv.engines.stats() : null;
  const parts0 = srv.cpuParts?.();
  const cpu0 = serverCpu(srv);
  const t0 = performance.now();
  const guard = startGuard(srv.cpu ?? srv.proc.pid);
  const { st, ackHist, total } = await openLoop({ ad, senders, rate, durationMs, tag, extraTick, onSent });
  const sendMs = performance.now() - t0;
  const gen = guard();
  const cpuSend = serverCpu(srv) - cpu0;
  const partsSend = srv.cpuParts?.();
  await settle(() => pop.counters.created + st.acked * 1e9, { quietMs: 500, maxMs: 10_000 });
  const cpuAll = serverCpu(srv) - cpu0;
  const partsAll = srv.cpuParts?.();
  const delivered = pop.counters.created - created0;
  let cluster;
  if (srv.engines) {
    const engines1 = await srv.engines.stats();
    const diff = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));
    const all = diff(parts0, partsAll);
    const send = diff(parts0, partsSend);
    const us = (x) => (delivered > 0 ? Math.round((x / delivered) * 1e7) / 10 : null);
    cluster = {
      nodes: srv.ports.length,
      cpuSeconds: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      cpuPct: Object.fromEntries(Object.entries(send).map(([k, v]) => [k, r1((v / (sendMs / 1000)) * 100)])),
      cpuUsPerDelivery: { ...Object.fromEntries(Object.entries(all).map(([k, v]) => [k, us(v)])), total: us(cpuAll) },
      ...engineDelta(engines0, engines1, sendMs / 1000, st.ackOk),
    };
  }
  // Every message sent should reach its room, except those the server refused with an
  // error ack; a message still unacked after the drain counts as expected (and missing).
  const good = ad.hasAck ? st.sent - st.ackErr : st.sent;
  const expected = good * recipients;
  const lat = summary(hist);
  return {
    tag,
    targetRate: rate,
    scheduled: total,
    sent: st.sent,
    achievedRate: r1(st.sent / (sendMs / 1000)),
    acked: ad.hasAck ? st.ackOk : null,
    unacked: ad.hasAck ? st.sent - st.acked : null,
    ackErrors: st.ackErr + st.ackLost + st.notConnected,
    errorSample: st.errSample,
    expected,
    delivered,
    deliveredRatio: expected > 0 ? Math.round((delivered / expected) * 1e5) / 1e5 : null,
    deliveriesPerSec: Math.round(delivered / (sendMs / 1000)),
    latencyMs: lat,
    ackLatencyMs: ad.hasAck ? summary(ackHist) : null,
    serverCpuPct: r1((cpuSend / (sendMs / 1000)) * 100),
    deliveriesPerCpuSec: cpuAll > 0 ? Math.round(delivered / cpuAll) : null,
    cpuUsPerDelivery: delivered > 0 ? Math.round((cpuAll / delivered) * 1e7) / 10 : null,
    serverRssMB: r1(serverRss(srv) / 2 ** 20),
    generator: gen,
    ...(cluster ? { cluster } : {}),
  };
}

/**
 * A step taken while other processes loaded the machine (another job's tests, say) is
 * run again, up to `ctx.busyRetries` times after a pause: the bench shares its machine.
 */
async function guardedStep(ctx, kind, args) {
  const retries = ctx.busyRetries ?? 2;
  let s;
  for (let attempt = 0; attempt <= retries; attempt++) {
    s = await rateStep(ctx, { ...args, tag: attempt ? `${args.tag}r${attempt}` : args.tag });
    args.sink.hists.delete(s.tag);
    s.tag = args.tag;
    s.attempts = attempt + 1;
    if (s.generator.quiet !== false || attempt === retries) break;
    ctx.log(
      `  ${kind} ${args.tag}: machine busy (others ${s.generator.foreignCpuPct}% of a core), running the step again`,
    );
    await sleep(ctx.busyPauseMs ?? 5000);
  }
  return s;
}

/** CPU and engine counters over `ms` with every client connected and nobody sending. */
async function idleWindow(srv, ms) {
  const e0 = await srv.engines.stats();
  const p0 = srv.cpuParts();
  const t0 = performance.now();
  await sleep(ms);
  const p1 = srv.cpuParts();
  const seconds = (performance.now() - t0) / 1000;
  const e1 = await srv.engines.stats();
  const cpuPct = Object.fromEntries(Object.keys(p0).map((k) => [k, r1(((p1[k] - p0[k]) / seconds) * 100)]));
  return { cpuPct, ...engineDelta(e0, e1, seconds, 0) };
}

function logCluster(ctx, kind, s) {
  const c = s.cluster;
  ctx.log(
    `  ${kind} ${s.tag}: cpu nodes ${c.cpuPct.nodes}% postgres ${c.cpuPct.postgres}% redis ${c.cpuPct.redis}%; µs/delivery ${c.cpuUsPerDelivery.total} (nodes ${c.cpuUsPerDelivery.nodes}, pg ${c.cpuUsPerDelivery.postgres}, redis ${c.cpuUsPerDelivery.redis}); ` +
      `pg ${c.postgres.commitsPerSec} commits/s, ${c.postgres.writeTransactionsPerSec} write tx/s, ${c.postgres.messagesPerWriteTransaction} msg/write tx; redis ${c.redis.commandsPerMessage} commands/msg (${c.redis.byCommand
        .slice(0, 4)
        .map((x) => `${x.command} ${x.perMessage}`)
        .join(', ')})`,
  );
}

function logStep(ctx, kind, s) {
  const l = s.latencyMs;
  ctx.log(
    `  ${kind} ${s.tag}: ${s.targetRate}/s sent ${s.achievedRate}/s delivered ${s.delivered}/${s.expected} (${s.deliveredRatio}) ` +
      `p50 ${l.p50} p99 ${l.p99} max ${l.max} ms, server cpu ${s.serverCpuPct}%, gen cpu ${s.generator.cpuPct}% eld99 ${s.generator.eldP99Ms} ms, others ${s.generator.foreignCpuPct}%` +
      `${s.generator.valid ? '' : ' INVALID'}${s.ackErrors ? ` errors ${s.ackErrors} ${s.errorSample ?? ''}` : ''}`,
  );
}

// ------------------------------------------------------------------ A: idle

export async function scenarioA(ctx, kind) {
  const cfg = ctx.cfg.A;
  // The inspector lets the bench force a GC and read the V8 heap (a finer measure than RSS).
  const srv = await launch(ctx, kind, { label: `A-${kind}`, nodeArgs: ['--inspect=127.0.0.1:0'] });
  const ad = adapter(kind, srv.port);
  const pops = [];
  try {
    await sleep(2000);
    const rss0 = rssOf(srv.proc.pid);
    const heap0 = await heapAfterGc(srv.logFile);
    const levels = [];
    let have = 0;
    for (const n of cfg.levels) {
      const g = grid(ctx, kind, n);
      const pop = await connectPopulation({
        ad,
        count: n - have,
        roomSize: ROOM_SIZE,
        roomKeys: g.roomKeys.slice(have / ROOM_SIZE),
        tokens: g.tokens.slice(have),
        conformanceRooms: 0,
        concurrency: 500,
      });
      pops.push(pop);
      have = n;
      const connected = pops.reduce((a, p) => a + p.connected(), 0);
      await sleep(cfg.settleMs);
      const window = n === cfg.levels.at(-1) ? cfg.idleMsTop : cfg.idleMs;
      const c0 = cpuOf(srv.proc.pid);
      const t0 = performance.now();
      await sleep(window);
      const cpuPct = ((cpuOf(srv.proc.pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
      const rss = rssOf(srv.proc.pid);
      const heap = await heapAfterGc(srv.logFile);
      await sleep(500);
      const rssGc = rssOf(srv.proc.pid);
      const level = {
        connections: n,
        connected,
        errors: pops.reduce((a, p) => a + p.errors.length, 0),
        rssMB: r1(rss / 2 ** 20),
        rssPerConnKB: r1((rss - rss0) / 1024 / n),
        rssAfterGcMB: r1(rssGc / 2 ** 20),
        rssAfterGcPerConnKB: r1((rssGc - rss0) / 1024 / n),
        heapAfterGcMB: heap === null ? null : r1(heap / 2 ** 20),
        heapPerConnKB: heap === null || heap0 === null ? null : r1((heap - heap0) / 1024 / n),
        idleCpuPct: r1(cpuPct),
        idleWindowS: window / 1000,
      };
      levels.push(level);
      ctx.log(
        `  ${kind} A ${n}: connected ${connected}, rss ${level.rssMB} MB (${level.rssPerConnKB} KB/conn; after GC ${level.rssAfterGcPerConnKB} KB/conn), heap after GC ${level.heapPerConnKB} KB/conn, idle cpu ${level.idleCpuPct}% over ${window / 1000}s`,
      );
    }
    return { baselineRssMB: r1(rss0 / 2 ** 20), baselineHeapMB: heap0 === null ? null : r1(heap0 / 2 ** 20), levels };
  } finally {
    for (const p of pops) p.close();
    await srv.stop();
  }
}

// ------------------------------------------------------------------ B: broadcast to everyone

export async function scenarioB(ctx, kind) {
  const cfg = ctx.cfg.B;
  const srv = await launch(ctx, kind, { label: `B-${kind}` });
  const ad = adapter(kind, srv.port);
  const { hists, sink } = probeSink();
  // S0: the guide's io.emit to everyone (no room). S1: one room holding every user. S2: one room.
  const roomKey = kind === 's0' ? null : kind === 's1' ? ctx.seedOut.broadcast.roomId : 'everyone';
  const tokens =
    kind === 's1'
      ? ctx.seedOut.broadcast.tokens.slice(0, cfg.clients)
      : Array.from({ length: cfg.clients }, (_, i) => `b${i}`);
  // Probes: every `probeEvery`-th client parses and times (room size = probeEvery).
  const pop = await connectPopulation({
    ad: { ...ad, join: (c) => (roomKey ? ad.join(c, roomKey) : undefined) },
    count: cfg.clients,
    roomSize: cfg.probeEvery,
    roomKeys: Array.from({ length: Math.ceil(cfg.clients / cfg.probeEvery) }, () => roomKey),
    tokens,
    conformanceRooms: 3,
    onProbe: sink,
  });
  try {
    await sleep(cfg.settleMs);
    const senders = shuffled(pop.members.filter((m) => m.client && m.client.connected));
    const recipients = pop.connected();
    ctx.log(`  ${kind} B: ${recipients} connected in ${Math.round(pop.connectMs)} ms`);
    const steps = [];
    let knee = null;
    for (const rate of cfg.rates) {
      const s = await guardedStep(ctx, kind, {
        srv,
        ad,
        pop,
        sink: { hists },
        senders,
        rate,
        durationMs: cfg.stepMs,
        tag: `B${rate}`,
        recipients,
      });
      logStep(ctx, kind, s);
      s.ok =
        s.latencyMs.p99 !== null &&
        s.latencyMs.p99 <= cfg.p99LimitMs &&
        s.deliveredRatio >= cfg.minDelivered &&
        s.achievedRate >= 0.95 * rate;
      steps.push(s);
      // Only a step the guards accept can end the search; a failed step taken while the
      // machine was busy says nothing about the server, so the search goes on.
      if (!s.ok && s.generator.valid) break;
      if (!s.ok && !s.generator.generatorOk) break; // the generator itself is the limit now
      if (s.ok) knee = s;
      await sleep(cfg.gapMs);
    }
    const broke = steps.findLast((x) => !x.ok) ?? null;
    return {
      clients: recipients,
      steps,
      kneeDeliveriesPerSec: knee ? knee.deliveriesPerSec : 0,
      kneeRate: knee ? knee.targetRate : 0,
      kneeValid: knee ? knee.generator.valid : false,
      brokeAt: broke ? broke.targetRate : null,
      // A break the generator itself caused says nothing about the server.
      breakValid: broke ? broke.generator.valid : null,
      lowerBound: !broke || !broke.generator.valid,
      conformance: pop.conformance(),
    };
  } finally {
    pop.close();
    await srv.stop();
  }
}

// ------------------------------------------------------------------ C (and F): rooms of 20

async function roomsPopulation(ctx, kind, ad, count, sink, extra = {}) {
  const g = grid(ctx, kind, count);
  return connectPopulation({
    ad,
    count,
    roomSize: ROOM_SIZE,
    roomKeys: g.roomKeys,
    tokens: g.tokens,
    onProbe: sink,
    ...extra,
  });
}

export async function scenarioC(
  ctx,
  kind,
  { env = {}, nodeArgs = [], label = `C-${kind}`, rates, stepMs, clients } = {},
) {
  const cfg = ctx.cfg.C;
  const srv = await launch(ctx, kind, { env, nodeArgs, label, clients: clients ?? cfg.clients });
  const ad = adapterOf(kind, srv);
  const { hists, sink } = probeSink();
  let pop;
  try {
    pop = await roomsPopulation(ctx, kind, ad, clients ?? cfg.clients, sink);
  } catch (err) {
    await srv.stop();
    throw err;
  }
  try {
    await sleep(cfg.settleMs);
    ctx.log(
      `  ${kind} C: ${pop.connected()} connected in ${Math.round(pop.connectMs)} ms${pop.errors.length ? `, errors: ${pop.errors.length} ${pop.errors[0]}` : ''}`,
    );
    // S1×2: what the cluster costs with every client connected and nobody sending
    // (presence heartbeats, the adapter's stream reads, pings), the baseline of each step.
    const idle = srv.engines ? await idleWindow(srv, cfg.idleMs ?? 5000) : undefined;
    if (idle)
      ctx.log(
        `  ${kind} C idle ${idle.seconds} s: cpu nodes ${idle.cpuPct.nodes}% postgres ${idle.cpuPct.postgres}% redis ${idle.cpuPct.redis}%, ${idle.redis.commandsPerSec} redis commands/s, ${idle.postgres.commitsPerSec} pg commits/s`,
      );
    const senders = shuffled(pop.members.filter((m) => m.client));
    const steps = [];
    for (const rate of rates ?? cfg.rates) {
      const s = await guardedStep(ctx, kind, {
        srv,
        ad,
        pop,
        sink: { hists },
        senders,
        rate,
        durationMs: stepMs ?? cfg.stepMs,
        tag: `C${rate}`,
        recipients: ROOM_SIZE,
      });
      logStep(ctx, kind, s);
      if (s.cluster) logCluster(ctx, kind, s);
      steps.push(s);
      await sleep(cfg.gapMs);
    }
    return {
      clients: pop.connected(),
      connectErrors: pop.errors.length,
      steps,
      conformance: pop.conformance(),
      serverPid: srv.proc.pid,
      ...(srv.engines
        ? {
            cluster: {
              nodes: srv.ports.length,
              nodePids: srv.nodePids,
              postgresPid: srv.engines.pg.pid,
              redisPid: srv.engines.redis.pid,
              spread: 'client i connects to node i mod 2 directly (no balancer): 10 members of every room on each node',
              idle,
            },
          }
        : {}),
    };
  } finally {
    pop.close();
    await srv.stop();
  }
}

/** F: scenario C's load plus typing and room join/leave churn. */
export async function scenarioF(ctx, kind) {
  const cfg = ctx.cfg.F;
  const srv = await launch(ctx, kind, { label: `F-${kind}` });
  const ad = adapter(kind, srv.port);
  const { hists, sink } = probeSink();
  const pop = await roomsPopulation(ctx, kind, ad, cfg.clients, sink);
  // One churner per room: not a member at first; joins, then leaves, then joins again...
  const rooms = pop.rooms.length;
  const churnTokens =
    kind === 's1' ? ctx.seedOut.grid.churnerTokens.slice(0, rooms) : Array.from({ length: rooms }, (_, r) => `c${r}`);
  const churn = await connectPopulation({
    ad: { ...ad, join: () => {} },
    count: rooms,
    roomSize: 1,
    roomKeys: pop.rooms.map((r) => r.key),
    tokens: churnTokens,
    conformanceRooms: 0,
  });
  try {
    await sleep(cfg.settleMs);
    const senders = shuffled(pop.members.filter((m) => m.client));
    const typers = shuffled(senders, 11);
    const churners = churn.members.filter((m) => m.client.connected);
    const typingInterval = 1000 / (cfg.rate * cfg.typingPerMessage);
    const churnInterval = cfg.churnEveryMs / churners.length;
    const joined = new Set();
    const churnHist = histogram();
    const churnSt = { ops: 0, ok: 0, err: 0, errSample: null };
    const typingSt = { sent: 0 };
    let nextTyping = performance.now();
    let nextChurn = performance.now();
    let ti = 0;
    let ci = 0;
    const extraTick = (now) => {
      while (nextTyping <= now) {
        const t = typers[ti++ % typers.length];
        ad.typing(t.client, t.room.key);
        typingSt.sent++;
        nextTyping += typingInterval;
      }
      while (nextChurn <= now) {
        const c = churners[ci++ % churners.length];
        const intended = nextChurn;
        const op = joined.has(c) ? 'leave' : 'rejoin';
        if (op === 'leave') joined.delete(c);
        else joined.add(c);
        churnSt.ops++;
        ad[op](c.client, c.room.key, (ok, buf) => {
          if (ok) {
            churnSt.ok++;
            record(churnHist, performance.now() - intended);
          } else {
            churnSt.err++;
            churnSt.errSample ??= buf ? buf.toString().slice(0, 160) : 'connection closed';
          }
        });
        nextChurn += churnInterval;
      }
    };
    const typing0 = pop.counters.typing;
    const s = await rateStep(ctx, {
      srv,
      ad,
      pop,
      sink: { hists },
      senders,
      rate: cfg.rate,
      durationMs: cfg.stepMs,
      tag: `F${cfg.rate}`,
      recipients: ROOM_SIZE,
      extraTick,
    });
    logStep(ctx, kind, s);
    const typingDelivered = pop.counters.typing - typing0;
    const result = {
      ...s,
      typing: {
        sent: typingSt.sent,
        delivered: typingDelivered,
        // Typing goes to the room but the typer: 19 of 20 (volatile in S1: it may drop).
        deliveredRatio: typingSt.sent
          ? Math.round((typingDelivered / (typingSt.sent * (ROOM_SIZE - 1))) * 1e4) / 1e4
          : null,
      },
      churn: {
        ops: churnSt.ops,
        ok: churnSt.ok,
        errors: churnSt.err,
        errorSample: churnSt.errSample,
        ackLatencyMs: ad.hasAck ? summary(churnHist) : null,
      },
    };
    ctx.log(
      `  ${kind} F: typing ${typingSt.sent} sent, ${typingDelivered} delivered (${result.typing.deliveredRatio}); churn ${churnSt.ops} ops, ${churnSt.err} errors, ack p99 ${result.churn.ackLatencyMs?.p99 ?? 'n/a'} ms`,
    );
    return result;
  } finally {
    churn.close();
    pop.close();
    await srv.stop();
  }
}

// ------------------------------------------------------------------ G: C with edits and reactions

/**
 * G: scenario C's traffic (rooms of 20, open loop) with edits and reactions of recent
 * messages mixed in: every edit and reaction takes the room's next seq in the same
 * transaction as it is stored (S1) and goes to the 20 members as message:changed. Only
 * Parley has them, so S0 and S2 sit this one out; C beside it in the same run is the
 * baseline. Edits are sent by each message's author, reactions by other members.
 */
export async function scenarioG(ctx, kind) {
  if (kind !== 's1') return { na: 'no edits or reactions: only Parley has them' };
  const cfg = ctx.cfg.G;
  const srv = await launch(ctx, kind, { label: `G-${kind}` });
  const ad = adapter(kind, srv.port);
  const { hists, sink } = probeSink();
  /** Sent texts → who sent them, until a probe sees the message (and its id). */
  const senderOf = new Map();
  /** Recent messages: their id, their author's client, their room. */
  const recent = [];
  const onProbe = (text, now, frame) => {
    sink(text, now);
    const sender = senderOf.get(text);
    if (!sender) return;
    senderOf.delete(text);
    const id = /"id":"([^"]+)"/.exec(frame)?.[1];
    if (id) {
      recent.push({ id, sender });
      if (recent.length > 500) recent.shift();
    }
  };
  const pop = await roomsPopulation(ctx, kind, ad, cfg.clients, onProbe);
  try {
    await sleep(cfg.settleMs);
    ctx.log(`  ${kind} G: ${pop.connected()} connected in ${Math.round(pop.connectMs)} ms`);
    const senders = shuffled(pop.members.filter((m) => m.client));
    const changes = { edits: 0, reactions: 0, acked: 0, ok: 0, unchanged: 0, errors: 0, errorSample: null };
    const changeHist = histogram();
    const emoji = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];
    const editEvery = 1000 / (cfg.rate * cfg.editsPerMessage);
    const reactEvery = 1000 / (cfg.rate * cfg.reactionsPerMessage);
    let nextEdit = performance.now();
    let nextReact = performance.now();
    let k = 0;
    const ack = (intended) => (buf, off) => {
      changes.acked++;
      if (buf && ackOk(buf, off)) {
        changes.ok++;
        record(changeHist, performance.now() - intended);
      } else {
        changes.errors++;
        changes.errorSample ??= buf ? buf.toString().slice(0, 160) : 'connection closed';
      }
    };
    const extraTick = (now) => {
      while (nextEdit <= now) {
        const intended = nextEdit;
        nextEdit += editEvery;
        const target = recent[recent.length - 1 - (k++ % Math.min(50, recent.length || 1))];
        if (!target) continue;
        changes.edits++;
        target.sender.client.emit(
          'message:edit',
          { messageId: target.id, text: makeText(intended, 'edit') },
          ack(intended),
        );
      }
      while (nextReact <= now) {
        const intended = nextReact;
        nextReact += reactEvery;
        const target = recent[recent.length - 1 - (k++ % Math.min(50, recent.length || 1))];
        if (!target) continue;
        const members = target.sender.room.members;
        const who = members[(k * 7) % members.length];
        changes.reactions++;
        who.client.emit('reaction:add', { messageId: target.id, emoji: emoji[k % emoji.length] }, ack(intended));
      }
    };
    const other0 = pop.counters.otherEvents;
    const s = await rateStep(ctx, {
      srv,
      ad,
      pop,
      sink: { hists },
      senders,
      rate: cfg.rate,
      durationMs: cfg.stepMs,
      tag: `G${cfg.rate}`,
      recipients: ROOM_SIZE,
      extraTick,
      onSent: (sender, text) => senderOf.set(text, sender),
    });
    await settle(() => pop.counters.otherEvents + changes.acked * 1e9, { quietMs: 500, maxMs: 10_000 });
    const changedDelivered = pop.counters.otherEvents - other0;
    const result = {
      ...s,
      changes: {
        edits: changes.edits,
        reactions: changes.reactions,
        ok: changes.ok,
        errors: changes.errors,
        errorSample: changes.errorSample,
        ackLatencyMs: summary(changeHist),
        delivered: changedDelivered,
        // At most every change reaches 20 members; an idempotent repeat reaches none.
        deliveredPerChange: changes.ok ? Math.round((changedDelivered / changes.ok) * 100) / 100 : null,
      },
    };
    ctx.log(
      `  ${kind} G: ${changes.edits} edits and ${changes.reactions} reactions, ${changes.ok} ok, ${changes.errors} errors; ack p50 ${result.changes.ackLatencyMs.p50} p99 ${result.changes.ackLatencyMs.p99} ms; ${changedDelivered} message:changed delivered (${result.changes.deliveredPerChange} per change)`,
    );
    logStep(ctx, kind, s);
    return result;
  } finally {
    pop.close();
    await srv.stop();
  }
}

// ------------------------------------------------------------------ D: connect and reconnect storms

export async function scenarioD(ctx, kind) {
  const cfg = ctx.cfg.D;
  const srv = await launch(ctx, kind, { label: `D-${kind}` });
  const ad = adapter(kind, srv.port);
  const g = grid(ctx, kind, cfg.clients);
  let pop;
  try {
    await sleep(1000);
    pop = await connectPopulation({
      ad,
      count: cfg.clients,
      roomSize: ROOM_SIZE,
      roomKeys: g.roomKeys,
      tokens: g.tokens,
      conformanceRooms: 0,
      concurrency: cfg.stormConcurrency,
      reconnect: true,
      connectTimeoutMs: cfg.connectTimeoutMs,
    });
    const connect = {
      clients: cfg.clients,
      connected: pop.connected(),
      errors: pop.errors.length,
      errorSample: pop.errors[0] ?? null,
      seconds: Math.round(pop.connectMs) / 1000,
    };
    ctx.log(
      `  ${kind} D connect storm: ${connect.connected}/${cfg.clients} in ${connect.seconds} s, errors ${connect.errors}`,
    );
    await sleep(cfg.settleMs);
    const thin = pop.members.filter((m) => m.client && m.client.connected).map((m) => m.client);
    // kill -9, then start again at once (as a supervisor would), and watch the clients come back.
    const tKill = performance.now();
    await srv.kill();
    const connects0 = pop.counters.connects;
    await srv.restart();
    const restartMs = performance.now() - tKill;
    let t99 = null;
    let t100 = null;
    const deadline = tKill + cfg.reconnectWaitMs;
    while (performance.now() < deadline) {
      const back = thin.filter((c) => c.connected && c.connectedAt > tKill).length;
      const el = performance.now() - tKill;
      if (t99 === null && back >= 0.99 * thin.length) t99 = el;
      if (back === thin.length) {
        t100 = el;
        break;
      }
      await sleep(50);
    }
    const back = thin.filter((c) => c.connected && c.connectedAt > tKill).length;
    const reconnect = {
      clients: thin.length,
      back,
      restartSeconds: Math.round(restartMs) / 1000,
      secondsTo99: t99 === null ? null : Math.round(t99) / 1000,
      secondsTo100: t100 === null ? null : Math.round(t100) / 1000,
      failedAttempts: pop.counters.connectErrors,
      namespaceConnects: pop.counters.connects - connects0,
    };
    ctx.log(
      `  ${kind} D reconnect after kill -9: ${back}/${thin.length} back; 99% in ${reconnect.secondsTo99} s, 100% in ${reconnect.secondsTo100} s (restart ${reconnect.restartSeconds} s)`,
    );
    return { connect, reconnect };
  } finally {
    pop?.close();
    await srv.stop();
  }
}

// ------------------------------------------------------------------ E: history (S1 only)

export async function scenarioE(ctx) {
  const cfg = ctx.cfg.E;
  const srv = await launch(ctx, 's1', { label: 'E-s1', ...(ctx.launchOptions ?? {}) });
  const ad = adapter('s1', srv.port);
  const roomId = ctx.seedOut.history.roomId;
  const pop = await connectPopulation({
    ad,
    count: cfg.clients,
    roomSize: cfg.clients,
    roomKeys: [roomId],
    tokens: ctx.seedOut.history.tokens.slice(0, cfg.clients),
    conformanceRooms: 0,
  });
  try {
    await sleep(1000);
    const clients = pop.members.map((m) => m.client).filter((c) => c.connected);
    const hist = histogram();
    const st = { sent: 0, ok: 0, err: 0, errSample: null, wrongSize: 0 };
    let checked = false;
    const guard = startGuard(srv.proc.pid);
    const cpu0 = cpuOf(srv.proc.pid);
    const t0 = performance.now();
    const waves = Math.round(cfg.durationMs / cfg.waveMs);
    for (let w = 0; w < waves; w++) {
      const intended = t0 + w * cfg.waveMs;
      const wait = intended - performance.now();
      if (wait > 0) await sleep(wait);
      for (const c of clients) {
        st.sent++;
        c.emit('message:history', { roomId }, (buf, off) => {
          const now = performance.now();
          if (!ackOk(buf, off)) {
            st.err++;
            st.errSample ??= buf ? buf.toString().slice(0, 160) : 'closed';
            return;
          }
          st.ok++;
          record(hist, now - intended);
          if (!checked) {
            checked = true;
            const page = JSON.parse(buf.toString().slice(off))[0].data;
            if (page.messages.length !== 50 || !page.hasMore) st.wrongSize++;
            st.firstPage = {
              messages: page.messages.length,
              hasMore: page.hasMore,
              newestSeq: page.messages.at(-1)?.seq,
            };
          }
        });
      }
    }
    await settle(() => st.ok + st.err, { quietMs: 300, maxMs: 10_000 });
    const sec = (performance.now() - t0) / 1000;
    const gen = guard();
    const result = {
      clients: clients.length,
      messagesInRoom: ctx.seedOut.history.messages,
      fetches: st.sent,
      ok: st.ok,
      errors: st.err,
      errorSample: st.errSample,
      fetchesPerSec: Math.round(st.ok / sec),
      page: st.firstPage,
      latencyMs: summary(hist),
      serverCpuPct: r1(((cpuOf(srv.proc.pid) - cpu0) / sec) * 100),
      generator: gen,
    };
    ctx.log(
      `  s1 E: ${st.ok}/${st.sent} fetches, p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} max ${result.latencyMs.max} ms, page ${JSON.stringify(st.firstPage)}`,
    );
    return result;
  } finally {
    pop.close();
    await srv.stop();
  }
}

export { mkdirSync, tmpdir };
