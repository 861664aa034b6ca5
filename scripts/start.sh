#!/usr/bin/env bash
# `npm start`: install, build and run Parley on http://localhost:3000 with SQLite under
# ./data. PORT, HOST and DATA_DIR are optional overrides.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

install_deps
echo "› building the web app and the server"
cd "$ROOT_DIR"
pnpm run build
echo "› starting Parley on http://${HOST:-localhost}:${PORT:-3000}"
exec node apps/server/dist/server.js
