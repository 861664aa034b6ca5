// S1×2's engines: PostgreSQL and Redis from Debian's packages, started by the bench in a
// throwaway folder on loopback ports, pinned to core 0 beside the Parley nodes (the
// generator keeps core 1), tracked like every server so any exit of the bench stops them.
// Their figures are read from the outside: CPU from /proc (PostgreSQL: the postmaster and
// its backends), commits and WAL from pg_stat_database through psql, commands from Redis's
// INFO through redis-cli, so measuring costs the engines almost nothing.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuOf, cpuOfTree, freePort, startProcess, stopServer, waitForPort } from './proc.mjs';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pgBin() {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(PG_ROOT, versions.at(-1), 'bin') : null;
}

function hasRedis() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs PostgreSQL and Redis when missing, as scripts/cluster.sh does (scripts/services.sh). */
export function ensureEngines(repo, log) {
  if (pgBin() && hasRedis()) return;
  log("› installing PostgreSQL and Redis from Debian's packages (scripts/services.sh ensure_packages)");
  execFileSync('bash', ['-c', 'source scripts/services.sh && ensure_packages postgresql redis-server'], {
    cwd: repo,
    stdio: 'inherit',
  });
  if (!pgBin() || !hasRedis()) throw new Error('PostgreSQL or Redis still missing after installing them');
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, its binaries run as the postgres user (setpriv execs). */
function asPostgres(command, args) {
  return isRoot()
    ? { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args] }
    : { command, args };
}

async function retry(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${err.stderr || err.message}`, { cause: err });
      await sleep(100);
    }
  }
}

/**
 * Starts PostgreSQL (a fresh cluster, database `parley`) and Redis in a new folder under
 * the work directory. Returns their URLs and pids, CPU and stats readers, and stop().
 */
export async function startEngines(ctx, label) {
  const bin = pgBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql redis-server)');
  // The postgres user must reach its folder inside the work directory (made 0700 by mkdtemp).
  chmodSync(ctx.workDir, 0o711);
  const dir = mkdtempSync(join(ctx.workDir, `${label}-engines-`));
  chmodSync(dir, 0o711);
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir);
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(pgDir, uid, gid);
  }
  const initdb = asPostgres(join(bin, 'initdb'), [
    '-D',
    join(pgDir, 'data'),
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  execFileSync(initdb.command, initdb.args, { stdio: 'ignore' });
  const pgPort = await freePort();
  // Debian's defaults (shared_buffers 128 MB, fsync on; Parley sets synchronous_commit on
  // for its connections); more connections than two nodes' pools (2 × 10) need.
  const pgCmd = asPostgres(join(bin, 'postgres'), [
    '-D',
    join(pgDir, 'data'),
    '-p',
    String(pgPort),
    '-k',
    pgDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
  ]);
  // SIGQUIT: immediate shutdown, the postmaster takes its backends down with it.
  const pg = startProcess({
    name: `${label}-postgres`,
    command: pgCmd.command,
    args: pgCmd.args,
    env: {},
    logFile: join(dir, 'postgres.log'),
    killSignal: 'SIGQUIT',
  });
  const redisPort = await freePort();
  const redis = startProcess({
    name: `${label}-redis`,
    command: 'redis-server',
    args: [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
    ],
    env: {},
    logFile: join(dir, 'redis.out'),
  });
  const psql = (sql, db = 'parley') =>
    run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', db, '-XAtqc', sql], {
      encoding: 'utf8',
    }).then((r) => r.stdout.trim());
  const redisCli = (...args) =>
    run('redis-cli', ['-p', String(redisPort), ...args], { encoding: 'utf8' }).then((r) => r.stdout);
  const stop = async () => {
    await stopServer(redis, 5000, 'SIGTERM');
    // SIGINT: PostgreSQL's fast shutdown.
    await stopServer(pg, 15_000, 'SIGINT');
  };
  try {
    await waitForPort(pgPort);
    await waitForPort(redisPort);
    await retry('PostgreSQL did not accept connections', () => psql('CREATE DATABASE parley', 'postgres'));
    await retry('Redis did not answer', async () => {
      if (!(await redisCli('ping')).includes('PONG')) throw new Error('no PONG');
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    pg,
    redis,
    databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/parley`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    stop,
    /** CPU seconds so far: the postmaster with its backends, and Redis. */
    cpu: () => ({ postgres: cpuOfTree(pg.pid), redis: cpuOf(redis.pid) }),
    /**
     * Counters to difference over a step. `xids` is the next transaction id: it moves once
     * per transaction that wrote (at once, unlike pg_stat_database, which backends flush
     * at most once a second); `commits` counts every committed transaction, reads
     * included; `walBytes` is the WAL position.
     */
    async stats() {
      const [pgLine, info] = await Promise.all([
        psql(
          "SELECT xact_commit, xact_rollback, pg_snapshot_xmax(pg_current_snapshot())::text, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint FROM pg_stat_database WHERE datname = 'parley'",
        ),
        redisCli('INFO', 'stats', 'commandstats'),
      ]);
      const [commits, rollbacks, xids, walBytes] = pgLine.split('|').map(Number);
      const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
      const commands = {};
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands[m[1]] = Number(m[2]);
      return {
        postgres: { commits, rollbacks, xids, walBytes },
        redis: {
          commands: field('total_commands_processed'),
          netInBytes: field('total_net_input_bytes'),
          netOutBytes: field('total_net_output_bytes'),
          byCommand: commands,
        },
      };
    },
  };
}

/** What the engines did between two `stats()` readings, per second and per message. */
export function engineDelta(a, b, seconds, messages) {
  const per = (x, d) => (d > 0 ? Math.round((x / d) * 100) / 100 : null);
  const pg = {
    commits: b.postgres.commits - a.postgres.commits,
    writeTransactions: b.postgres.xids - a.postgres.xids,
    walBytes: b.postgres.walBytes - a.postgres.walBytes,
  };
  const netInBytes = b.redis.netInBytes - a.redis.netInBytes;
  const netOutBytes = b.redis.netOutBytes - a.redis.netOutBytes;
  const redis = { commands: b.redis.commands - a.redis.commands, netBytes: netInBytes + netOutBytes };
  const byCommand = Object.entries(b.redis.byCommand)
    .map(([cmd, calls]) => [cmd, calls - (a.redis.byCommand[cmd] ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 8)
    .map(([cmd, n]) => ({ command: cmd, calls: n, perMessage: per(n, messages) }));
  return {
    seconds: Math.round(seconds * 100) / 100,
    messages,
    postgres: {
      ...pg,
      commitsPerSec: per(pg.commits, seconds),
      writeTransactionsPerSec: per(pg.writeTransactions, seconds),
      messagesPerWriteTransaction: per(messages, pg.writeTransactions),
      walBytesPerMessage: per(pg.walBytes, messages),
    },
    redis: {
      ...redis,
      commandsPerSec: per(redis.commands, seconds),
      commandsPerMessage: per(redis.commands, messages),
      netBytesPerMessage: per(redis.netBytes, messages),
      // In: what the nodes send (XADD of each broadcast, budgets); out: what they read
      // (every node reads every broadcast from the stream).
      netInBytesPerMessage: per(netInBytes, messages),
      netOutBytesPerMessage: per(netOutBytes, messages),
      byCommand,
    },
  };
}
