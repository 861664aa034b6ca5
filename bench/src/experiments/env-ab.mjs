// Experiment (not part of pnpm bench): scenario C on S1 under several environments, or on
// S0/S2, interleaved (A B A B) so drift of the machine hits each alike.
// Usage: VARIANTS='SOCKET_WRITES=stock|SOCKET_WRITES=direct|s0' node src/experiments/env-ab.mjs [rates, default 1000,2000] [rounds, default 2]
// A variant is `s0`, `s2`, or S1's environment as NAME=VALUE pairs joined by `,`.
// PROFILE=<dir>: S1 runs under `node --cpu-prof` and each thread's self time is printed.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installCleanup, pinSelf, prepare } from '../main.mjs';
import { scenarioC } from '../scenarios.mjs';
import { summarizeProfile } from '../tuning.mjs';
const rates = (process.argv[2] ?? '1000,2000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 2);
const stepMs = Number(process.env.STEP_MS ?? 8000);
const ctx = {
  mode: 'exp',
  busyRetries: 1,
  cfg: { C: { clients: 4000, rates, stepMs, gapMs: 1500, settleMs: 3000 } },
  log: (m) => console.log(m),
};
installCleanup(ctx);
pinSelf(1);
await prepare(ctx, { grid: 4000, churners: false, broadcast: 0, history: { users: 0, messages: 0 } });
const variants = (process.env.VARIANTS ?? 'SOCKET_WRITES=stock|SOCKET_WRITES=direct').split('|');
for (let round = 0; round < rounds; round++) {
  for (const [i, variant] of variants.entries()) {
    const server = variant === 's0' || variant === 's2' ? variant : 's1';
    const env =
      server === 's1'
        ? Object.fromEntries(
            variant
              .split(',')
              .filter(Boolean)
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          )
        : {};
    const profileDir = process.env.PROFILE ? join(process.env.PROFILE, `ab-${i}-${round}`) : null;
    if (profileDir) {
      rmSync(profileDir, { recursive: true, force: true });
      mkdirSync(profileDir, { recursive: true });
    }
    const r = await scenarioC(ctx, server, {
      env,
      label: `ab-${i}-${round}`,
      ...(profileDir && server === 's1' ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    if (profileDir && server === 's1') {
      for (const f of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'))) {
        const sum = summarizeProfile(JSON.parse(readFileSync(join(profileDir, f), 'utf8')));
        console.log(`PROFILE ${variant} ${f}: ${sum.busyMs} ms busy of ${sum.totalMs}`);
        for (const x of sum.functions.slice(0, 25)) console.log(`  ${x.pctBusy}% ${x.selfMs} ms ${x.name}`);
        for (const x of sum.packages) console.log(`  [${x.name}] ${x.pctBusy}%`);
      }
    }
    for (const s of r.steps)
      console.log(
        `RESULT ${variant} round=${round} rate=${s.targetRate} p50=${s.latencyMs.p50} p99=${s.latencyMs.p99} max=${s.latencyMs.max} cpu=${s.serverCpuPct} perCpuS=${s.deliveriesPerCpuSec} delivered=${s.deliveredRatio} quiet=${s.generator.quiet}`,
      );
  }
}
process.exit(0);
