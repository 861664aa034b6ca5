# Sourced by the other scripts: puts a pnpm of the pinned version on PATH and sets what
# native add-ons need to build on a machine without internet access beyond npm.
set -euo pipefail

PNPM_VERSION=12.4.2
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# better-sqlite3 compiles from source here (its prebuilt download is unreachable);
# node-gyp must use the headers of the running Node instead of downloading them.
# pnpm reads this only from the environment, not from .npmrc.
if [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir
  npm_config_nodedir=$(node -p "require('node:path').resolve(process.execPath, '..', '..')")
fi

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    return
  fi
  echo "› installing pnpm $PNPM_VERSION with npm"
  # corepack refuses this registry's unsigned metadata, so npm installs pnpm itself.
  if ! npm install --global --allow-scripts=pnpm "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    # Without write access to npm's global prefix, fall back to a user-owned prefix.
    local prefix="$HOME/.local/share/parley-pnpm"
    npm install --global --prefix "$prefix" --allow-scripts=pnpm "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$prefix/bin:$PATH"
  fi
  hash -r
}

install_deps() {
  ensure_pnpm
  echo "› pnpm install"
  (cd "$ROOT_DIR" && pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 5)
}
