# Sourced by scripts that run Parley's engines on this machine (cluster.sh): install
# Debian's PostgreSQL, Redis and nginx when missing, and start each one on a loopback
# port inside a folder of ours, never as the packaged system service.

PG_ROOT=/usr/lib/postgresql

# Installs the Debian packages named, as root (or through sudo), without starting them.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    case $pkg in
      postgresql) compgen -G "$PG_ROOT/*/bin/initdb" >/dev/null || missing+=(postgresql) ;;
      redis-server) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
      nginx) [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx) ;;
      *) missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
      echo "missing: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "› installing ${missing[*]} from Debian's packages"
  # Without a policy, installing would start each packaged service on its default port.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# A free TCP port on 127.0.0.1 (bound once by the kernel's choice, then released).
free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

pg_bin() {
  local dir
  dir=$(ls -d "$PG_ROOT"/*/bin 2>/dev/null | sort -V | tail -n 1)
  echo "$dir"
}

# Runs a PostgreSQL binary as the postgres user (it refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT: a fresh cluster in DIR/pg with a database `parley`; prints nothing.
start_postgres() {
  local dir=$1/pg port=$2 bin
  bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres parley
}

stop_postgres() {
  local dir=$1/pg
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# start_redis DIR PORT: Redis in the background, no persistence (the adapter's stream and
# shared counters are ephemeral by design); its PID in DIR/redis/redis.pid.
start_redis() {
  local dir=$1/redis port=$2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$dir" --logfile "$dir/redis.log" &
  echo $! >"$dir/redis.pid"
  local i
  for i in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Redis did not answer on port $port" >&2
  return 1
}

stop_redis() {
  local dir=$1/redis port=$2
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}
