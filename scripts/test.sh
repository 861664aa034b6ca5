#!/usr/bin/env bash
# `npm test`: install what the tests need (pnpm, dependencies, Chromium), then run every
# check: type checks, unit and integration tests (Vitest), end-to-end tests (Playwright).
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

echo "› type checks"
: > "$OUT/typecheck.txt"
for pkg in packages/shared-types apps/server apps/web e2e; do
  if (cd "$pkg" && pnpm exec tsc -p tsconfig.json); then
    echo "pass $pkg" >> "$OUT/typecheck.txt"
  else
    echo "fail $pkg" >> "$OUT/typecheck.txt"
  fi
done

echo "› unit and integration tests (vitest)"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$OUT/vitest.json" || true

echo "› end-to-end tests (playwright, chromium)"
E2E_JSON_REPORT="$OUT/e2e.json" pnpm exec playwright test || true

node scripts/summarize-results.mjs "$OUT"
