// Counts every check of a test run from the runners' own machine-readable output and
// prints one closing line, `N passed, N failed`. Exits non-zero when anything failed
// or a runner left no report (a crashed runner must not look like a clean run).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.test-output';
let passed = 0;
let failed = 0;
const lines = [];

const checks = join(dir, 'checks.txt');
if (existsSync(checks)) {
  const results = readFileSync(checks, 'utf8').trim().split('\n').filter(Boolean);
  const failing = results.filter((l) => !l.startsWith('pass ')).map((l) => l.replace(/^fail /, ''));
  passed += results.length - failing.length;
  failed += failing.length;
  lines.push(
    `checks (type checks, audit, bundle size): ${results.length - failing.length} of ${results.length} clean` +
      (failing.length ? ` — failing: ${failing.join(', ')}` : ''),
  );
} else {
  failed += 1;
  lines.push('checks: no report');
}

const vitest = join(dir, 'vitest.json');
if (existsSync(vitest)) {
  const report = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load has no tests but is still a failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
  failed += brokenFiles;
  lines.push(
    `vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed` +
      (brokenFiles ? `, ${brokenFiles} files failed to load` : '') +
      (report.numPendingTests ? `, ${report.numPendingTests} skipped` : ''),
  );
} else {
  failed += 1;
  lines.push('vitest: no report');
}

// Playwright's reports: the single-node suite and the same app through nginx on two nodes.
for (const [file, name] of [
  ['e2e.json', 'playwright'],
  ['e2e-cluster.json', 'playwright, two nodes'],
]) {
  const path = join(dir, file);
  if (!existsSync(path)) {
    failed += 1;
    lines.push(`${name}: no report`);
    continue;
  }
  const { stats, errors = [] } = JSON.parse(readFileSync(path, 'utf8'));
  const ok = stats.expected + stats.flaky;
  const bad = stats.unexpected + errors.length;
  passed += ok;
  failed += bad;
  lines.push(
    `${name}: ${ok} passed, ${bad} failed` +
      (stats.flaky ? ` (${stats.flaky} flaky)` : '') +
      (stats.skipped ? `, ${stats.skipped} skipped` : ''),
  );
}

// Runners that print their own closing `N passed, N failed` line (the benchmark smoke run).
for (const [file, name] of [['bench-smoke.log', 'bench smoke']]) {
  const path = join(dir, file);
  const counts = existsSync(path)
    ? [...readFileSync(path, 'utf8').matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1)
    : undefined;
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
    lines.push(`${name}: ${counts[1]} passed, ${counts[2]} failed`);
  } else {
    failed += 1;
    lines.push(`${name}: no result line`);
  }
}

for (const line of lines) console.log(`  ${line}`);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync(join(dir, 'summary.txt'), `${lines.join('\n')}\n${summary}\n`);
console.log(summary);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
