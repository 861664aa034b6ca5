// `pnpm bench`: builds Parley, seeds its database, then runs scenarios A–F against S0,
// S1 and S2 (each server pinned to core 0, this generator to core 1) and writes
// results/latest.json, results/latency.svg and RESULTS.md.
//
// Options: --quick (short steps, at most 2k connections), --only=A,C,..., --servers=s0,s1,s2,
// --no-tuning, --no-profile, --keep (keep the work directory), --wait-quiet=SECONDS,
// --c-rates=50,250,... (scenario C's steps). The server `s1x2` (not in the default set:
// --servers=s1,s1x2) is Parley on two nodes over PostgreSQL + Redis, scenario C only.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllChildren } from './proc.mjs';
import { GUARD } from './gen/load.mjs';
import {
  REPO,
  SERVER_ENTRY,
  scenarioA,
  scenarioB,
  scenarioC,
  scenarioD,
  scenarioE,
  scenarioF,
  scenarioG,
} from './scenarios.mjs';
import { seed } from './seed.mjs';
import { ensureEngines } from './cluster.mjs';
import { runProfile, runTuning } from './tuning.mjs';
import { evaluateTargets, writeReport } from './report.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const BENCH = join(here, '..');

export const CONFIGS = {
  // For development and a shared machine: every load phase at most ~15 s and 2k connections.
  quick: {
    A: { levels: [1000, 2000], settleMs: 2000, idleMs: 5000, idleMsTop: 5000 },
    B: {
      clients: 500,
      probeEvery: 50,
      rates: [20, 40, 80, 160],
      stepMs: 3000,
      gapMs: 500,
      settleMs: 1000,
      p99LimitMs: 100,
      minDelivered: 0.999,
    },
    C: { clients: 2000, rates: [50, 250, 500, 1000], stepMs: 3000, gapMs: 500, settleMs: 1000 },
    D: { clients: 2000, stormConcurrency: 1000, connectTimeoutMs: 15_000, settleMs: 1000, reconnectWaitMs: 15_000 },
    E: { clients: 100, waveMs: 250, durationMs: 5000 },
    F: { clients: 2000, rate: 500, typingPerMessage: 0.5, churnEveryMs: 4000, stepMs: 5000, settleMs: 1000 },
    G: { clients: 2000, rate: 1000, editsPerMessage: 0.1, reactionsPerMessage: 0.2, stepMs: 5000, settleMs: 1000 },
    tuning: { rates: [1000], stepMs: 4000, clients: 2000 },
    profile: { rates: [1000], stepMs: 5000, clients: 2000 },
  },
  full: {
    // At 10k the idle window is 60 s: one session re-check (every 60 s) and 2.4 ping intervals (25 s).
    A: { levels: [1000, 5000, 10000], settleMs: 3000, idleMs: 10_000, idleMsTop: 60_000 },
    B: {
      clients: 1000,
      probeEvery: 100,
      rates: [10, 20, 40, 60, 80, 90, 100, 110, 120, 160, 240],
      stepMs: 8000,
      gapMs: 1000,
      settleMs: 3000,
      p99LimitMs: 100,
      minDelivered: 0.999,
    },
    C: { clients: 4000, rates: [50, 250, 500, 1000, 2000, 4000], stepMs: 10_000, gapMs: 1500, settleMs: 3000 },
    D: { clients: 10_000, stormConcurrency: 1000, connectTimeoutMs: 30_000, settleMs: 3000, reconnectWaitMs: 60_000 },
    E: { clients: 100, waveMs: 250, durationMs: 10_000 },
    F: { clients: 4000, rate: 1000, typingPerMessage: 0.5, churnEveryMs: 4000, stepMs: 15_000, settleMs: 3000 },
    // C1's rate with an edit for every ten messages and a reaction for every five.
    G: { clients: 4000, rate: 1000, editsPerMessage: 0.1, reactionsPerMessage: 0.2, stepMs: 15_000, settleMs: 3000 },
    tuning: { rates: [1000, 2000], stepMs: 8000, clients: 4000 },
    profile: { rates: [1000, 2000], stepMs: 10_000, clients: 4000 },
  },
};

function arg(name) {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return undefined;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
}

/** Pins this process (every thread) to core 1; the servers get core 0. */
export function pinSelf(core = 1) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function installCleanup(ctx) {
  const cleanup = () => {
    killAllChildren();
    if (!ctx.keep && ctx.workDir) rmSync(ctx.workDir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error(err);
    cleanup();
    process.exit(1);
  });
}

export function buildServer(log) {
  log('› building the server: pnpm --filter @parley/server build');
  const pnpm = spawnSync('pnpm', ['--filter', '@parley/server', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (pnpm.status !== 0) {
    // Outside pnpm (no pnpm on PATH): the same build script directly.
    execFileSync(process.execPath, ['build.mjs'], { cwd: join(REPO, 'apps', 'server'), stdio: 'inherit' });
  }
  if (!existsSync(SERVER_ENTRY)) throw new Error(`no ${SERVER_ENTRY} after the build`);
}

export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown';
  return {
    cpuModel: model,
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    date: new Date().toISOString(),
  };
}

export async function prepare(ctx, seedSpec) {
  ctx.workDir = mkdtempSync(join(ctx.tmpRoot ?? '/tmp', 'parley-bench-'));
  const seedDir = join(ctx.workDir, 'seed');
  mkdirSync(seedDir, { recursive: true });
  const t = performance.now();
  ctx.seedOut = await seed({ dataDir: seedDir, roomSize: 20, ...seedSpec });
  ctx.seedDb = join(seedDir, 'parley.sqlite');
  ctx.log(
    `› seeded ${ctx.seedOut.grid.tokens.length + ctx.seedOut.broadcast.tokens.length + ctx.seedOut.history.tokens.length} users, ${ctx.seedOut.history.messages} history messages through the storage layer in ${Math.round(performance.now() - t)} ms`,
  );
}

/**
 * On a shared machine: waits (at most `maxSeconds`) until other processes have used less
 * than a quarter of a core for `quietSeconds` in a row.
 */
async function waitForQuiet(log, maxSeconds, quietSeconds = 30) {
  const { machineBusy } = await import('./proc.mjs');
  const end = Date.now() + maxSeconds * 1000;
  let quietSince = Date.now();
  let prev = machineBusy();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 5000));
    const now = machineBusy();
    const pct = ((now - prev) / 5) * 100;
    prev = now;
    if (pct > 25) quietSince = Date.now();
    if (Date.now() - quietSince >= quietSeconds * 1000) return true;
  }
  log(`  the machine stayed busy for ${maxSeconds} s; running anyway (steps will be flagged)`);
  return false;
}

async function main() {
  const quick = Boolean(arg('quick'));
  const only = String(arg('only') ?? 'A,B,C,D,E,F,G').split(',');
  const servers = String(arg('servers') ?? 's0,s1,s2').split(',');
  const cfgBase = CONFIGS[quick ? 'quick' : 'full'];
  const ctx = {
    cfg: arg('c-rates')
      ? { ...cfgBase, C: { ...cfgBase.C, rates: String(arg('c-rates')).split(',').map(Number) } }
      : cfgBase,
    mode: quick ? 'quick' : 'full',
    keep: Boolean(arg('keep')),
    log: (m) => console.log(m),
  };
  installCleanup(ctx);
  if (arg('wait-quiet')) {
    ctx.log(`› waiting (at most ${arg('wait-quiet')} s) for the machine to be quiet`);
    await waitForQuiet(ctx.log, Number(arg('wait-quiet')));
  }
  const pinned = pinSelf(1);
  ctx.log(
    `› parley bench (${ctx.mode}); generator pid ${process.pid} ${pinned ? 'pinned to core 1' : 'NOT pinned (taskset failed)'}`,
  );
  if (servers.includes('s1x2')) ensureEngines(REPO, ctx.log);
  if (!arg('no-build')) buildServer(ctx.log);
  const cfg = ctx.cfg;
  await prepare(ctx, {
    grid: Math.max(cfg.A.levels.at(-1), cfg.C.clients, cfg.D.clients, cfg.F.clients, cfg.G.clients),
    churners: true,
    broadcast: cfg.B.clients,
    history: { users: cfg.E.clients, messages: 10_000 },
  });
  const results = { mode: ctx.mode, machine: machine(), config: cfg, guard: GUARD, scenarios: {} };
  const started = performance.now();
  const run = async (name, fn) => {
    if (!only.includes(name)) return;
    ctx.log(`› scenario ${name}`);
    results.scenarios[name] = {};
    for (const kind of servers) {
      // S1×2 (two nodes on PostgreSQL + Redis) is measured in scenario C only.
      if (kind === 's1x2' && name !== 'C') continue;
      if (name === 'E' && kind !== 's1') {
        results.scenarios[name][kind] = {
          na: kind === 's0' ? 'no storage: the guide keeps no history' : 'no storage: the ceiling keeps no history',
        };
        continue;
      }
      // With --wait-quiet, each server's part of a scenario also waits (briefly) for quiet.
      if (arg('wait-quiet')) await waitForQuiet(ctx.log, 120, 10);
      try {
        results.scenarios[name][kind] = await fn(kind);
      } catch (err) {
        ctx.log(`  ${kind} ${name} FAILED: ${err.stack ?? err}`);
        results.scenarios[name][kind] = { error: String(err.message ?? err) };
      }
    }
  };
  await run('A', (k) => scenarioA(ctx, k));
  await run('B', (k) => scenarioB(ctx, k));
  await run('C', (k) => scenarioC(ctx, k));
  await run('D', (k) => scenarioD(ctx, k));
  await run('E', () => scenarioE(ctx));
  await run('F', (k) => scenarioF(ctx, k));
  await run('G', (k) => scenarioG(ctx, k));
  if (!arg('no-tuning') && servers.includes('s1')) results.tuning = await runTuning(ctx);
  if (!arg('no-profile') && servers.includes('s1')) results.profile = await runProfile(ctx);
  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  results.targets = evaluateTargets(results);
  const outDir = join(BENCH, 'results');
  mkdirSync(outDir, { recursive: true });
  const jsonName = arg('out') ? String(arg('out')) : quick ? 'quick.json' : 'latest.json';
  writeFileSync(join(outDir, jsonName), `${JSON.stringify(results, null, 2)}\n`);
  if (!quick && !arg('only') && !arg('servers')) writeReport(results, BENCH);
  else
    writeReport(results, BENCH, {
      resultsName: `RESULTS.${jsonName.replace('.json', '')}.md`,
      svgName: `latency.${jsonName.replace('.json', '')}.svg`,
    });
  ctx.log(`› done in ${results.durationSeconds} s; results/${jsonName}`);
  for (const t of results.targets)
    ctx.log(`  ${t.met === true ? 'MET   ' : t.met === false ? 'MISSED' : 'n/a   '} ${t.id}: ${t.text} — ${t.value}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main()
    .then(() => process.exit(0))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
