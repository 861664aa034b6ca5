// Socket.IO's performance-tuning list applied to S1, each measured, and a CPU profile of
// S1 under scenario C summarized by self time.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { launch, scenarioC } from './scenarios.mjs';

/**
 * C steps on S1 with each way of writing frames (SOCKET_WRITES), and with SQLite's commits
 * on the event loop against the writer thread, with 2, 5 and 10 ms commit pacing under load
 * (Parley's default is the writer thread with 5 ms). ws's native add-ons were
 * compared here until the 2026-11-26 run (no effect: RESULTS.md's notes).
 */
export async function runTuning(ctx) {
  const cfg = ctx.cfg.tuning;
  const comparisons = {
    // X1, X2 (frame-outbox.ts): Socket.IO's write per frame, against every frame of a turn
    // in one write per connection, and that plus room broadcasts written directly.
    socketWrites: [
      { name: "Socket.IO's own writes, one per frame (SOCKET_WRITES=stock)", env: { SOCKET_WRITES: 'stock' } },
      { name: 'one write per connection per turn (SOCKET_WRITES=coalesced)', env: { SOCKET_WRITES: 'coalesced' } },
      {
        name: 'one write per connection per turn, broadcasts written directly (shipped)',
        env: {},
        shipped: true,
      },
    ],
    sqliteWriter: [
      { name: 'SQLite commits on the event loop (SQLITE_WRITER=main)', env: { SQLITE_WRITER: 'main' } },
      {
        name: 'writer thread, under load at most one commit per 2 ms (SQLITE_COMMIT_INTERVAL_MS=2)',
        env: { SQLITE_COMMIT_INTERVAL_MS: '2' },
      },
      {
        name: 'writer thread, under load at most one commit per 10 ms (SQLITE_COMMIT_INTERVAL_MS=10)',
        env: { SQLITE_COMMIT_INTERVAL_MS: '10' },
      },
      { name: 'writer thread, under load at most one commit per 5 ms (shipped)', env: {}, shipped: true },
    ],
  };
  const out = { socketWrites: [], sqliteWriter: [], perMessageDeflate: null };
  for (const [key, variants] of Object.entries(comparisons)) {
    ctx.log(`› tuning (${key}): ${variants.map((v) => v.name).join(' / ')}, scenario C steps`);
    // Interleaved twice (A B A B) so drift of the machine hits both alike.
    for (let round = 0; round < 2; round++) {
      for (const v of variants) {
        const r = await scenarioC(ctx, 's1', {
          env: v.env,
          label: `tuning-${key}-${round}`,
          rates: cfg.rates,
          stepMs: cfg.stepMs,
          clients: cfg.clients,
        });
        out[key].push({ variant: v.name, round, shipped: Boolean(v.shipped), steps: r.steps });
      }
    }
  }
  out.perMessageDeflate = await deflateNegotiated(ctx);
  ctx.log(`  permessage-deflate negotiated by S1 when a client offers it: ${JSON.stringify(out.perMessageDeflate)}`);
  return out;
}

/** Whether S1 accepts permessage-deflate when a client offers it (Engine.IO's default is off). */
async function deflateNegotiated(ctx) {
  const srv = await launch(ctx, 's1', { label: 'deflate-check' });
  try {
    const token = ctx.seedOut.grid.tokens[0];
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: true,
      headers: { cookie: `parley_sid=${token}` },
    });
    const ext = await new Promise((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-extensions'] ?? null));
      ws.once('error', reject);
    });
    ws.terminate();
    return { offered: 'permessage-deflate', accepted: ext };
  } finally {
    await srv.stop();
  }
}

export async function runProfile(ctx) {
  const cfg = ctx.cfg.profile;
  const dir = join(ctx.workDir, 'profile');
  mkdirSync(dir, { recursive: true });
  ctx.log('› profile: S1 under scenario C with node --cpu-prof');
  const run = await scenarioC(ctx, 's1', {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    label: 'profile',
    rates: cfg.rates,
    stepMs: cfg.stepMs,
    clients: cfg.clients,
  });
  // One file per thread: CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile; thread 0 is
  // the event loop, the other the SQLite writer thread.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return { error: 'no .cpuprofile written', steps: run.steps };
  const threadOf = (f) => Number(f.split('.').at(-3));
  const newest = (list) => list.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const mainFile = newest(files.filter((f) => threadOf(f) === 0)) ?? newest(files);
  const writerFile = newest(files.filter((f) => threadOf(f) !== 0));
  const summary = summarizeProfile(JSON.parse(readFileSync(mainFile, 'utf8')));
  const writer = writerFile ? summarizeProfile(JSON.parse(readFileSync(writerFile, 'utf8'))) : null;
  ctx.log(
    `  profile: ${summary.busyMs} ms busy of ${summary.totalMs} ms; top: ${summary.functions
      .slice(0, 5)
      .map((f) => `${f.name} ${f.pctBusy}%`)
      .join(', ')}`,
  );
  if (writer) ctx.log(`  writer thread: ${writer.busyMs} ms busy of ${writer.totalMs} ms`);
  return {
    steps: run.steps.map((s) => ({
      tag: s.tag,
      targetRate: s.targetRate,
      latencyMs: s.latencyMs,
      serverCpuPct: s.serverCpuPct,
    })),
    ...summary,
    ...(writer
      ? { writerThread: { busyMs: writer.busyMs, totalMs: writer.totalMs, functions: writer.functions.slice(0, 5) } }
      : {}),
  };
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const i = url.indexOf('apps/server/');
  if (i >= 0) return url.slice(i);
  return url.replace(/^file:\/\//, '');
}

/** Where a function lives: an npm package, Parley's own bundle, Node's internals, or V8. */
function categoryOf(callFrame) {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('apps/server/dist')) return 'parley (server bundle)';
  return url;
}

/** Self time per function and per package from a .cpuprofile (samples × timeDeltas). */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const fn = new Map();
  const cat = new Map();
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const key = `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const c = categoryOf(cf);
    cat.set(c, (cat.get(c) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us) => Math.round((us / busy) * 1000) / 10;
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), pctBusy: pct(us) }));
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    functions: top(fn, 20),
    packages: top(cat, 12),
  };
}
