// Offline floor for the transport stack: fails when pnpm-lock.yaml resolves socket.io,
// engine.io, socket.io-parser, ws or fastify to a version below the first release that
// fixed a published high-severity advisory. It complements `pnpm audit` (run first by
// scripts/audit.sh), which needs a registry that answers the audit endpoint.
import { readFileSync } from 'node:fs';

/** package -> [first safe version, advisories it closes] */
const FLOORS = {
  'socket.io': ['4.6.2', 'CVE-2024-38355 (unhandled error event crashes the server)'],
  'engine.io': ['6.4.2', 'CVE-2022-41940, CVE-2023-31125 (crafted packets crash the server)'],
  'socket.io-parser': ['4.2.3', 'CVE-2022-2421, CVE-2023-32695 (insufficient validation, crash)'],
  ws: ['8.17.1', 'CVE-2024-37890 (DoS through many HTTP headers)'],
  fastify: ['5.3.2', 'CVE-2025-32442 (content-type validation bypass)'],
};

const lock = readFileSync(new URL('../pnpm-lock.yaml', import.meta.url), 'utf8');
const cmp = (a, b) => {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

let bad = 0;
for (const [name, [floor, advisories]] of Object.entries(FLOORS)) {
  const escaped = name.replace(/[.]/g, '\\.');
  const versions = [
    ...new Set([...lock.matchAll(new RegExp(`^  '?${escaped}@(\\d+\\.\\d+\\.\\d+)[^:]*'?:`, 'gm'))].map((m) => m[1])),
  ];
  if (versions.length === 0) {
    console.log(`  ${name}: not in the lockfile`);
    continue;
  }
  for (const version of versions) {
    const ok = cmp(version, floor) >= 0;
    if (!ok) bad++;
    console.log(`  ${name}@${version}: ${ok ? 'ok' : `BELOW ${floor}, which fixed ${advisories}`}`);
  }
}
process.exit(bad === 0 ? 0 : 1);
