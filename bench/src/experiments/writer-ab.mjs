// Experiment (not part of pnpm bench): S1 under scenario C with SQLite commits on the
// event loop (SQLITE_WRITER=main) against the writer thread (the default), A B A B.
// Usage: [VARIANTS=main,thread:0,thread:2] node src/experiments/writer-ab.mjs [rates, default 1000,2000] [rounds, default 2]
// (a variant is SQLITE_WRITER[:SQLITE_COMMIT_INTERVAL_MS]).
import { installCleanup, pinSelf, prepare } from '../main.mjs';
import { scenarioC } from '../scenarios.mjs';
const rates = (process.argv[2] ?? '1000,2000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 2);
const ctx = {
  mode: 'exp',
  busyRetries: 1,
  cfg: { C: { clients: 4000, rates, stepMs: 8000, gapMs: 1500, settleMs: 3000 } },
  log: (m) => console.log(m),
};
installCleanup(ctx);
pinSelf(1);
await prepare(ctx, { grid: 4000, churners: false, broadcast: 0, history: { users: 0, messages: 0 } });
for (let round = 0; round < rounds; round++) {
  for (const writer of (process.env.VARIANTS ?? 'main,thread').split(',')) {
    const [w, interval] = writer.split(':');
    const r = await scenarioC(ctx, 's1', {
      env: { SQLITE_WRITER: w, SQLITE_COMMIT_INTERVAL_MS: interval ?? '2' },
      label: `writer-${writer}-${round}`,
    });
    for (const s of r.steps)
      console.log(
        `RESULT writer=${writer} round=${round} rate=${s.targetRate} p50=${s.latencyMs.p50} p99=${s.latencyMs.p99} max=${s.latencyMs.max} cpu=${s.serverCpuPct}`,
      );
  }
}
process.exit(0);
