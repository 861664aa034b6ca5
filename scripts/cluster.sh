#!/usr/bin/env bash
# `npm run cluster`: Parley on several nodes on this machine, as in production:
# PostgreSQL (the shared store), Redis (fan-out between nodes) and nginx (one address,
# sticky by cookie) in a throwaway folder, NODES Parley nodes behind nginx on PORT.
#   NODES=2 PORT=3000 bash scripts/cluster.sh   (PG_PORT, REDIS_PORT: fixed engine ports)
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
PG_PORT=${PG_PORT:-$(free_port)}
REDIS_PORT=${REDIS_PORT:-$(free_port)}

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

# Each node is started by its own launcher, .cluster/node-N.start, so a person or a test
# can start a node again after killing it: `bash .cluster/node-1.start` (it waits until
# the node answers, and replaces the PID file).
for i in $(seq 1 "$NODES"); do
  port=${node_ports[$((i - 1))]}
  mkdir -p "$WORK/node-$i"
  {
    echo '#!/usr/bin/env bash'
    echo "# Starts node-$i of the cluster in $WORK (written by scripts/cluster.sh)."
    export -p
    echo 'set -euo pipefail'
    echo "cd '$ROOT_DIR'"
    # The nodes are reached through nginx on this machine: trust its forwarded address.
    echo "export PORT=$port HOST=127.0.0.1 NODE_ID=node-$i TRUST_PROXY=127.0.0.1 DATA_DIR='$WORK/node-$i'"
    echo "export DATABASE_URL='postgres://postgres@127.0.0.1:$PG_PORT/parley' REDIS_URL='redis://127.0.0.1:$REDIS_PORT'"
    echo "node apps/server/dist/server.js >>'$WORK/node-$i/server.log' 2>&1 &"
    echo "echo \$! >'$PIDS/node-$i.pid'"
    echo 'for _ in $(seq 1 300); do'
    echo "  curl -fs -o /dev/null 'http://127.0.0.1:$port/healthz' 2>/dev/null && exit 0"
    echo "  kill -0 \$(cat '$PIDS/node-$i.pid') 2>/dev/null || break"
    echo '  sleep 0.1'
    echo 'done'
    echo "echo 'node-$i did not start; its log:' >&2"
    echo "tail -n 30 '$WORK/node-$i/server.log' >&2"
    echo 'exit 1'
  } >"$PIDS/node-$i.start"
done
# Started side by side (migrations run once, under a lock), then awaited.
launchers=()
for i in $(seq 1 "$NODES"); do
  bash "$PIDS/node-$i.start" &
  launchers+=($!)
done
for i in $(seq 1 "$NODES"); do
  wait "${launchers[$((i - 1))]}" || exit 1
  echo "› node-$i on 127.0.0.1:${node_ports[$((i - 1))]} (log $WORK/node-$i/server.log)"
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
