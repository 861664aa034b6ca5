#!/usr/bin/env bash
# `npm run cluster`: Parley on several nodes on this machine, as in production:
# PostgreSQL (the shared store), Redis (fan-out between nodes) and nginx (one address,
# sticky by cookie) in a throwaway folder, NODES Parley nodes behind nginx on PORT.
#   NODES=2 PORT=3000 bash scripts/cluster.sh
# Each process's PID is in .cluster/<name>.pid (node-1, node-2, …, redis, postgres,
# nginx) so a person or a test can kill or restart one; the others keep running (this
# script restarts nothing). Ctrl-C or SIGTERM stops everything and removes the folder.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$ROOT_DIR/scripts/services.sh"

NODES=${NODES:-2}
PORT=${PORT:-3000}
if ! [[ $NODES =~ ^[1-9][0-9]?$ ]]; then
  echo "NODES must be a number from 1 to 99, got '$NODES'" >&2
  exit 2
fi

cd "$ROOT_DIR"
ensure_packages postgresql redis-server nginx
if [ "${CLUSTER_SKIP_BUILD:-}" != 1 ]; then
  install_deps
  echo "› building the web app and the server"
  pnpm run build
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/parley-cluster.XXXXXX")
chmod 755 "$WORK"
PIDS="$ROOT_DIR/.cluster"
rm -rf "$PIDS"
mkdir -p "$PIDS"
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)

stopping=0
stop_all() {
  [ $stopping -eq 1 ] && return
  stopping=1
  echo "› stopping the cluster"
  local f
  for f in "$PIDS"/node-*.pid; do
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  [ -f "$PIDS/nginx.pid" ] && kill -QUIT "$(cat "$PIDS/nginx.pid")" 2>/dev/null || true
  # Let the nodes drain (they answer SIGTERM within 10 s) before their engines go.
  local i
  for i in $(seq 1 100); do
    local alive=0
    for f in "$PIDS"/node-*.pid; do
      [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
    done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  stop_redis "$WORK" "$REDIS_PORT"
  stop_postgres "$WORK"
  rm -rf "$WORK" "$PIDS"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

echo "› PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (folder $WORK)"
start_postgres "$WORK" "$PG_PORT"
head -n 1 "$WORK/pg/data/postmaster.pid" >"$PIDS/postgres.pid"
start_redis "$WORK" "$REDIS_PORT"
cp "$WORK/redis/redis.pid" "$PIDS/redis.pid"

node_ports=()
for i in $(seq 1 "$NODES"); do
  node_ports+=("$(free_port)")
done

for i in $(seq 1 "$NODES"); do
  port=${node_ports[$((i - 1))]}
  mkdir -p "$WORK/node-$i"
  # The nodes are reached through nginx on this machine: trust its forwarded address.
  PORT=$port HOST=127.0.0.1 NODE_ID="node-$i" \
    DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/parley" \
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    TRUST_PROXY=127.0.0.1 DATA_DIR="$WORK/node-$i" \
    node apps/server/dist/server.js >"$WORK/node-$i/server.log" 2>&1 &
  echo $! >"$PIDS/node-$i.pid"
done
for i in $(seq 1 "$NODES"); do
  port=${node_ports[$((i - 1))]}
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    if ! kill -0 "$(cat "$PIDS/node-$i.pid")" 2>/dev/null; then
      echo "node-$i did not start; its log:" >&2
      tail -n 30 "$WORK/node-$i/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "› node-$i on 127.0.0.1:$port (log $WORK/node-$i/server.log)"
done

mkdir -p "$WORK/nginx"
bash "$ROOT_DIR/scripts/nginx-conf.sh" "$PORT" "$WORK/nginx" "${node_ports[@]}" >"$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx/" -c nginx.conf -e "$WORK/nginx/error.log" &
echo $! >"$PIDS/nginx.pid"
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.1
done

echo "› Parley on http://localhost:$PORT ($NODES nodes behind nginx); Ctrl-C stops it"
# Wait for a signal; a process that dies stays dead and the rest keep serving.
while true; do
  sleep 1 &
  wait $! || true
done
