#!/usr/bin/env bash
# `npm test`: install what the tests need (pnpm, dependencies, Chromium), then run every
# check: type checks, lint and format, unit and integration tests (Vitest), end-to-end
# tests (Playwright), alone and through nginx on two nodes.
# Every runner runs even if an earlier one failed; the last line counts them all.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

cd "$ROOT_DIR"
OUT="$ROOT_DIR/.test-output"
rm -rf "$OUT"
mkdir -p "$OUT"

install_deps
bash scripts/ensure-chromium.sh

echo "› building"
pnpm run build

# checks.txt: one line per check that is not a test runner ("pass name" / "fail name").
check() {
  local name=$1; shift
  if "$@"; then echo "pass $name" >> "$OUT/checks.txt"; else echo "fail $name" >> "$OUT/checks.txt"; fi
}
: > "$OUT/checks.txt"

echo "› type checks"
for pkg in packages/shared-types apps/server apps/web e2e; do
  check "typecheck $pkg" bash -c "cd '$pkg' && pnpm exec tsc -p tsconfig.json"
done

echo "› lint (eslint: typescript-eslint, react-hooks) and format (prettier)"
check "eslint" pnpm --filter @parley/lint run lint
check "prettier" pnpm --filter @parley/lint run format:check

echo "› dependency audit"
check "dependency audit" bash scripts/audit.sh

echo "› web bundle size"
check "initial JS at most 150 KB gzipped" node scripts/check-bundle-size.mjs

echo "› unit and integration tests (vitest)"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$OUT/vitest.json" || true

echo "› end-to-end tests (playwright, chromium)"
E2E_JSON_REPORT="$OUT/e2e.json" pnpm exec playwright test || true

echo "› end-to-end tests through nginx on two nodes (PostgreSQL, Redis; playwright.cluster.config.ts)"
E2E_CLUSTER_JSON_REPORT="$OUT/e2e-cluster.json" pnpm exec playwright test -c playwright.cluster.config.ts || true

echo "› benchmark smoke run (bench/, Parley against the raw ceiling, ratios only)"
pnpm --filter @parley/bench run smoke 2>&1 | tee "$OUT/bench-smoke.log" || true

node scripts/summarize-results.mjs "$OUT"
