// Experiment (not part of pnpm bench): S1 under scenario C at 250 msg/s for 75 s with a session re-check at 70 s
// (every session was touched at connect, so the re-check touches all of them again).
// Usage: node src/experiments/session-recheck.mjs  (RECHECK=ms sets SESSION_RECHECK_MS; default 70000)
import { installCleanup, pinSelf, prepare } from '../main.mjs';
import { scenarioC } from '../scenarios.mjs';
const ctx = {
  mode: 'exp',
  busyRetries: 0,
  cfg: { C: { clients: 4000, rates: [250], stepMs: 75000, gapMs: 0, settleMs: 1000 } },
  log: (m) => console.log(m),
};
installCleanup(ctx);
pinSelf(1);
await prepare(ctx, { grid: 4000, churners: false, broadcast: 0, history: { users: 0, messages: 0 } });
const r = await scenarioC(ctx, 's1', { env: { SESSION_RECHECK_MS: process.env.RECHECK ?? '70000' }, label: 'recheck' });
console.log(
  JSON.stringify(r.steps[0].latencyMs),
  'ack',
  JSON.stringify(r.steps[0].ackLatencyMs),
  'cpu',
  r.steps[0].serverCpuPct,
);
process.exit(0);
