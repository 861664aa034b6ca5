// Experiment (not part of pnpm bench): scenario E (history) with `node --cpu-prof` on S1,
// summarized by self time, to see what one `message:history` costs.
// Usage: node src/experiments/history-profile.mjs
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installCleanup, pinSelf, prepare } from '../main.mjs';
import { scenarioE } from '../scenarios.mjs';
import { summarizeProfile } from '../tuning.mjs';

const ctx = { mode: 'exp', cfg: { E: { clients: 100, waveMs: 250, durationMs: 10_000 } }, log: (m) => console.log(m) };
installCleanup(ctx);
pinSelf(1);
await prepare(ctx, { grid: 0, churners: false, broadcast: 0, history: { users: 100, messages: 10_000 } });
const dir = join(ctx.workDir, 'profile');
mkdirSync(dir, { recursive: true });
ctx.launchOptions = { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] };
const r = await scenarioE(ctx);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const p = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
console.log(JSON.stringify({ latencyMs: r.latencyMs, fetchesPerSec: r.fetchesPerSec, serverCpuPct: r.serverCpuPct }));
console.log(JSON.stringify(p.packages));
for (const f of p.functions.slice(0, 15)) console.log(`${f.pctBusy}%\t${f.selfMs} ms\t${f.name}`);
process.exit(0);
