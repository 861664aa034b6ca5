// CI smoke benchmark: `pnpm --filter @parley/bench run smoke`. About two minutes.
// 1,000 clients in rooms of 20, scenario C at 200 msg/s for 20 s against S1 (Parley's
// production build) and S2 (the raw ws ceiling), each twice, interleaved, in this job. Asserts
// ratios and delivery, never absolute speed: 100 % delivered, p99 < 200 ms, and S1's
// deliveries per CPU-second of its server process at least 0.3 of S2's. Prints one JSON
// line of results, then `N passed, N failed`; exits non-zero when any assertion fails.
import { buildServer, installCleanup, pinSelf, prepare } from './main.mjs';
import { scenarioC } from './scenarios.mjs';

const CLIENTS = Number(process.env.SMOKE_CLIENTS ?? 1000);
const RATE = Number(process.env.SMOKE_RATE ?? 200);
const SECONDS = Number(process.env.SMOKE_SECONDS ?? 20);
const P99_LIMIT_MS = 200;
const MIN_EFFICIENCY_RATIO = 0.3;

const started = performance.now();
const ctx = {
  mode: 'smoke',
  cfg: { C: { clients: CLIENTS, rates: [RATE], stepMs: SECONDS * 1000, gapMs: 0, settleMs: 2000 } },
  log: (m) => console.log(m),
};
installCleanup(ctx);
const checks = [];
const check = (name, ok, detail) => {
  checks.push({ name, ok: Boolean(ok), detail });
  console.log(`${ok ? 'pass' : 'FAIL'} ${name}: ${detail}`);
};

try {
  pinSelf(1);
  if (!process.argv.includes('--no-build')) buildServer(ctx.log);
  await prepare(ctx, { grid: CLIENTS, churners: false, broadcast: 0, history: { users: 0, messages: 0 } });
  // The raw ceiling is measured before and after Parley and its two figures averaged: one
  // run of it at a few % of a core swings by up to 1.7× between runs (clock and scheduling),
  // which alone could move the ratio across its floor.
  // Parley too is measured twice, after each run of the ceiling, and its two figures
  // averaged: one run of it swings by ±15 % on this machine (0.29–0.40 of the ceiling
  // over recent CI runs of one build), as much as a real regression would move it.
  const order = [
    ['s2', 's2'],
    ['s1', 's1'],
    ['s2b', 's2'],
    ['s1b', 's1'],
  ];
  const runs = {};
  for (const [name, kind] of order) {
    ctx.log(`› smoke: ${name}, ${CLIENTS} clients, ${RATE} msg/s for ${SECONDS} s`);
    runs[name] = await scenarioC(ctx, kind, { label: `smoke-${name}` });
  }
  const summary = {};
  for (const [kind] of order) {
    const r = runs[kind];
    const s = r.steps[0];
    summary[kind] = {
      clients: r.clients,
      sent: s.sent,
      expected: s.expected,
      delivered: s.delivered,
      deliveredRatio: s.deliveredRatio,
      errors: s.ackErrors,
      latencyMs: s.latencyMs,
      serverCpuPct: s.serverCpuPct,
      deliveriesPerCpuSec: s.deliveriesPerCpuSec,
      generator: s.generator,
      conformance: r.conformance.ok,
    };
    check(
      `${kind} all clients connected`,
      r.clients === CLIENTS && r.connectErrors === 0,
      `${r.clients}/${CLIENTS}, ${r.connectErrors} errors`,
    );
    check(
      `${kind} 100% delivered`,
      s.deliveredRatio === 1 && s.ackErrors === 0 && s.sent > 0,
      `${s.delivered}/${s.expected}, ${s.ackErrors} errors`,
    );
    check(
      `${kind} p99 < ${P99_LIMIT_MS} ms`,
      s.latencyMs.p99 !== null && s.latencyMs.p99 < P99_LIMIT_MS,
      `p99 ${s.latencyMs.p99} ms (p50 ${s.latencyMs.p50})${s.generator.valid ? '' : ` [guard: gen cpu ${s.generator.cpuPct}%, eld p99 ${s.generator.eldP99Ms} ms, others ${s.generator.foreignCpuPct}%]`}`,
    );
    check(
      `${kind} socket.io-client probes got what thin probes got`,
      r.conformance.ok,
      JSON.stringify(r.conformance.rooms.map((x) => `${x.sio}/${x.thin}`)),
    );
  }
  const e1 =
    summary.s1.deliveriesPerCpuSec && summary.s1b.deliveriesPerCpuSec
      ? Math.round((summary.s1.deliveriesPerCpuSec + summary.s1b.deliveriesPerCpuSec) / 2)
      : null;
  const e2 =
    summary.s2.deliveriesPerCpuSec && summary.s2b.deliveriesPerCpuSec
      ? Math.round((summary.s2.deliveriesPerCpuSec + summary.s2b.deliveriesPerCpuSec) / 2)
      : null;
  const ratio = e1 && e2 ? Math.round((e1 / e2) * 1000) / 1000 : null;
  summary.efficiencyRatio = ratio;
  check(
    `S1/S2 deliveries per server CPU-second >= ${MIN_EFFICIENCY_RATIO}`,
    ratio !== null && ratio >= MIN_EFFICIENCY_RATIO,
    `${e1} / ${e2} = ${ratio}`,
  );
  summary.seconds = Math.round((performance.now() - started) / 1000);
  console.log(JSON.stringify({ smoke: summary }));
} catch (err) {
  check('smoke ran to the end', false, String(err?.stack ?? err));
}
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
