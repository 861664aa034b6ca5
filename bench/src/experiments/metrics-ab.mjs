// Experiment (not part of pnpm bench): what counting metrics costs on the send path. S1
// under scenario C without metrics (the default: nothing is counted unless exposed)
// against S1 with METRICS_TOKEN set (every command counted and its ack latency observed,
// every commit observed), A B A B. Scrapes are not part of it: they run once per scrape
// interval, off the send path (one render of every metric, measured separately).
// Usage: node src/experiments/metrics-ab.mjs [rates, default 200,1000] [rounds, default 2]
import { installCleanup, pinSelf, prepare } from '../main.mjs';
import { scenarioC } from '../scenarios.mjs';

const TOKEN = 'bench-metrics-0f3a9c5e7b21d4468ac0e9f1b2d3c7a5';
const rates = (process.argv[2] ?? '200,1000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 2);
const ctx = {
  mode: 'exp',
  busyRetries: 1,
  cfg: { C: { clients: 1000, rates, stepMs: 8000, gapMs: 1500, settleMs: 2000 } },
  log: (m) => console.log(m),
};
installCleanup(ctx);
pinSelf(1);
await prepare(ctx, { grid: 1000, churners: false, broadcast: 0, history: { users: 0, messages: 0 } });
for (let round = 0; round < rounds; round++) {
  for (const variant of ['off', 'on']) {
    const env = variant === 'on' ? { METRICS_TOKEN: TOKEN } : {};
    const r = await scenarioC(ctx, 's1', { env, label: `metrics-${variant}-${round}` });
    for (const s of r.steps)
      console.log(
        `RESULT metrics=${variant} round=${round} rate=${s.targetRate} p50=${s.latencyMs.p50} p99=${s.latencyMs.p99} max=${s.latencyMs.max} cpu=${s.serverCpuPct} perCpuSec=${s.deliveriesPerCpuSec} valid=${s.generator.valid}`,
      );
  }
}
process.exit(0);
