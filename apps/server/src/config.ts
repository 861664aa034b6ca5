import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileTrust } from './security/client-address.js';
import { UPLOAD_MAX_BYTES_DEFAULT } from '@parley/shared-types';

/** X1, X2: Socket.IO's own writes, coalesced per turn, or coalesced with direct broadcasts (transport/socket/frame-outbox.ts). */
export const SOCKET_WRITES = ['stock', 'coalesced', 'direct'] as const;
export type SocketWrites = (typeof SOCKET_WRITES)[number];

/** Everything the process can be told from outside. The only module that reads process.env. */
export type Config = {
  port: number;
  host: string;
  dataDir: string;
  /** Built SPA to serve; null to serve none (API-only, tests). */
  webDistDir: string | null;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /**
   * Where SQLite commits run: 'thread' (default) on a writer thread, so the event loop
   * never waits for an fsync; 'main' on the event loop (measured against each other in
   * bench/RESULTS.md).
   */
  sqliteWriter: 'thread' | 'main';
  /** Under concurrent load, at most one commit per this many ms (more writes per commit). */
  sqliteCommitIntervalMs: number;
  /** X1, X2: how frames leave the server (frame-outbox.ts); `direct` unless a bench compares. */
  socketWrites: SocketWrites;
  /**
   * S9: `PRAGMA quick_check` the database at start and refuse a damaged one. It reads the
   * whole file: turn it off (SQLITE_QUICK_CHECK=0) only for very large databases.
   */
  sqliteQuickCheck: boolean;
  /**
   * S8: free space (MiB) the data directory's file system must keep; below it, writes are
   * refused (`storage_full`) until space returns. 0 turns the floor off.
   */
  storageMinFreeMb: number;
  /**
   * A postgres:// or postgresql:// URL: PostgreSQL instead of SQLite, so several nodes can
   * share one database. Null: SQLite under `dataDir`.
   */
  databaseUrl: string | null;
  /** Connections this node's PostgreSQL pool keeps at most (nodes × this < max_connections). */
  databasePoolMax: number;
  /**
   * A redis:// or rediss:// URL: Socket.IO's fan-out goes through Redis, so a broadcast on
   * one node reaches the sockets of every node. Null: one node, no Redis at all.
   */
  redisUrl: string | null;
  /**
   * This node's name behind a load balancer (e.g. `node-1`): every response sets the
   * `parley_node` cookie to it, so the balancer keeps a browser on one node (long-polling
   * needs that) while spreading new browsers. Null: no cookie (one node).
   */
  nodeId: string | null;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  presenceGraceMs: number;
  /** B2: the largest file one upload may carry, in bytes. */
  maxUploadBytes: number;
  /** Enables the /admin namespace when set (at least 128 bits: see `tokenStrengthBits`). */
  adminToken: string | null;
  /**
   * Addresses or CIDRs of the reverse proxies whose X-Forwarded-For/-Proto are believed;
   * empty trusts none. Only the immediate peer's address decides, so a client cannot spoof
   * these headers past a proxy it is not. Never a blanket range by name: a client on the
   * same machine or network would pass for a proxy.
   */
  trustProxy: string[];
  /**
   * Host names this server answers to (lower case, IPv6 in brackets, no port). Any other
   * `Host` is refused before any handler, which defeats DNS rebinding.
   */
  allowedHosts: string[];
  /** Origins allowed besides the page's own (exact `scheme://host[:port]` strings). */
  allowedOrigins: string[];
  /** How often open sockets re-check that their session still exists. */
  sessionRecheckMs: number;
  maxConnectionsPerUser: number;
  maxConnectionsPerIp: number;
  /** Chat handshakes one address may attempt per minute. */
  handshakesPerIpPerMinute: number;
  /** Accounts one IP may create per hour. */
  registrationsPerIpPerHour: number;
  /**
   * S6: how long a stopping server gives commands in flight and connections to finish by
   * themselves; whatever is still open after it is cut (its TCP socket destroyed).
   */
  shutdownGraceMs: number;
  /**
   * S10: bytes a connection may have queued for sending (in Engine.IO and in its socket)
   * before it counts as a slow consumer.
   */
  maxSendBufferBytes: number;
  /** S10: how long a connection may stay over `maxSendBufferBytes` before it is cut. */
  slowConsumerMs: number;
  logLevel: string;
  /**
   * Bearer token every `GET /metrics` must carry (at least 128 bits, like `adminToken`).
   * Null: no token asked, which is only allowed on the separate listener (`metricsPort`).
   */
  metricsToken: string | null;
  /**
   * A listener of its own for `/metrics` (on `metricsHost`), so the public port never
   * serves it. Null: metrics on the main port, and only with `metricsToken`; neither set,
   * no metrics at all (404).
   */
  metricsPort: number | null;
  /** Where the metrics listener binds: this machine only unless told otherwise. */
  metricsHost: string;
};

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULTS = {
  port: 3000,
  sqliteCommitIntervalMs: 5,
  socketWrites: 'direct' as SocketWrites,
  /** Room for what is in flight (a commit, a checkpoint, the WAL) when the floor is hit. */
  storageMinFreeMb: 64,
  databasePoolMax: 10,
  host: '127.0.0.1',
  sessionIdleMs: 7 * DAY_MS,
  sessionAbsoluteMs: 30 * DAY_MS,
  presenceGraceMs: 5000,
  maxUploadBytes: UPLOAD_MAX_BYTES_DEFAULT,
  sessionRecheckMs: 60_000,
  maxConnectionsPerUser: 20,
  maxConnectionsPerIp: 500,
  handshakesPerIpPerMinute: 600,
  registrationsPerIpPerHour: 100,
  shutdownGraceMs: 3000,
  maxSendBufferBytes: 1024 * 1024,
  slowConsumerMs: 5000,
  metricsHost: '127.0.0.1',
} as const;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * A URL of one of `schemes`, or null when unset. Errors name the scheme only: the URL may
 * carry a password, and start-up errors end up in logs.
 */
/** A cookie value and an nginx map key: letters, digits, `-` and `_`, at most 32. */
function parseNodeId(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(raw)) {
    throw new Error(`NODE_ID must be 1 to 32 letters, digits, "-" or "_", got "${raw}"`);
  }
  return raw;
}

function parseServiceUrl(name: string, raw: string | undefined, schemes: readonly [string, string]): string | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const expected = `${name} must be a ${schemes[0]}:// or ${schemes[1]}:// URL`;
  // Without "scheme://", what precedes a colon may be a user name: name nothing.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme === undefined || !URL.canParse(value)) throw new Error(`${expected} (it is not a URL)`);
  if (!schemes.includes(scheme.toLowerCase())) throw new Error(`${expected}, not ${scheme}://`);
  return value;
}

/** The SPA built next to this server: apps/web/dist seen from apps/server/dist. */
function defaultWebDist(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../web/dist');
}

/** The host names served when ALLOWED_HOSTS is not set: this machine only. */
export const DEFAULT_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

const IP_OR_CIDR = /^(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:\/\d{1,3})?$/;

/**
 * `TRUST_PROXY`: the proxies' addresses or CIDRs, comma-separated. `1`, `true` and the
 * names `loopback`/`linklocal`/`uniquelocal` are refused: they trust every process on this
 * machine or network, and any of them could then forge X-Forwarded-For.
 */
function parseTrustProxy(raw: string): string[] {
  const value = raw.trim();
  if (value === '' || value === '0' || value === 'false') return [];
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((entry) => !IP_OR_CIDR.test(entry));
  if (bad !== undefined) {
    throw new Error(
      `TRUST_PROXY takes the addresses or CIDRs of your proxies (e.g. 127.0.0.1 or 10.0.0.5), not "${bad}": ` +
        'a blanket value would let any client on this machine or network forge X-Forwarded-For',
    );
  }
  try {
    compileTrust(list);
  } catch {
    throw new Error(`TRUST_PROXY: "${raw}" is not a list of addresses or CIDRs`);
  }
  return list;
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;

/** `ALLOWED_HOSTS`: comma-separated host names without scheme or port. */
function parseAllowedHosts(raw: string): string[] {
  const hosts = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (hosts.length === 0) return [...DEFAULT_ALLOWED_HOSTS];
  for (const host of hosts) {
    if (!HOST_NAME.test(host)) {
      throw new Error(
        `ALLOWED_HOSTS: "${host}" is not a host name (write chat.example.com or [::1], without scheme or port)`,
      );
    }
  }
  return hosts;
}

/**
 * Bits an attacker must guess, estimated from the token's length and its alphabet (hex,
 * base64url, or the character classes it uses). A token with few distinct characters
 * (`aaaa…`, a short pattern repeated) scores nothing, whatever its length.
 */
export function tokenStrengthBits(token: string): number {
  const distinct = new Set(token).size;
  let pool: number;
  if (/^[0-9a-f]+$/i.test(token)) pool = 16;
  else if (/^[A-Za-z0-9_-]+$/.test(token)) pool = 64;
  else {
    const classes: Array<[RegExp, number]> = [
      [/[a-z]/, 26],
      [/[A-Z]/, 26],
      [/[0-9]/, 10],
      [/[^a-zA-Z0-9]/, 33],
    ];
    pool = classes.reduce((sum, [re, size]) => (re.test(token) ? sum + size : sum), 0);
  }
  if (distinct < Math.min(pool, token.length) / 2) return 0;
  return token.length * Math.log2(pool);
}
export const ADMIN_TOKEN_MIN_BITS = 128;

/** A secret token from `name`: null when unset, refused when it is guessable. */
function parseToken(env: NodeJS.ProcessEnv, name: string): string | null {
  const token = env[name] ?? '';
  if (token === '') return null;
  if (tokenStrengthBits(token) < ADMIN_TOKEN_MIN_BITS) {
    throw new Error(
      `${name} must carry at least ${ADMIN_TOKEN_MIN_BITS} bits of randomness: use, for example, the output of \`openssl rand -hex 32\``,
    );
  }
  return token;
}

/** `ALLOWED_ORIGINS`: comma-separated exact origins; anything else is a configuration error. */
function parseOrigins(raw: string): string[] {
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin`);
    }
    if (parsed.origin !== origin) throw new Error(`ALLOWED_ORIGINS: "${origin}" should be written "${parsed.origin}"`);
  }
  return origins;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const synchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new Error(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${env.SQLITE_SYNCHRONOUS}"`);
  }
  const writer = (env.SQLITE_WRITER ?? 'thread').toLowerCase();
  if (writer !== 'thread' && writer !== 'main') {
    throw new Error(`SQLITE_WRITER must be thread or main, got "${env.SQLITE_WRITER}"`);
  }
  const socketWrites = (env.SOCKET_WRITES ?? DEFAULTS.socketWrites).toLowerCase();
  if (!SOCKET_WRITES.includes(socketWrites as SocketWrites)) {
    throw new Error(`SOCKET_WRITES must be one of ${SOCKET_WRITES.join(', ')}, got "${env.SOCKET_WRITES}"`);
  }
  const quickCheck = env.SQLITE_QUICK_CHECK ?? '1';
  if (quickCheck !== '0' && quickCheck !== '1') {
    throw new Error(`SQLITE_QUICK_CHECK must be 1 or 0, got "${quickCheck}"`);
  }
  const port = int(env, 'PORT', DEFAULTS.port, 0, 65535);
  const metricsPort = env.METRICS_PORT ? int(env, 'METRICS_PORT', 0, 1, 65535) : null;
  if (metricsPort !== null && metricsPort === port) {
    throw new Error(`METRICS_PORT must differ from PORT (${port}): metrics get a listener of their own`);
  }
  return {
    port,
    host: env.HOST || DEFAULTS.host,
    dataDir: resolve(env.DATA_DIR || './data'),
    webDistDir: env.WEB_DIST_DIR === '' ? null : resolve(env.WEB_DIST_DIR ?? defaultWebDist()),
    sqliteSynchronous: synchronous,
    sqliteWriter: writer,
    sqliteCommitIntervalMs: int(env, 'SQLITE_COMMIT_INTERVAL_MS', DEFAULTS.sqliteCommitIntervalMs, 0, 50),
    socketWrites: socketWrites as SocketWrites,
    sqliteQuickCheck: quickCheck === '1',
    storageMinFreeMb: int(env, 'STORAGE_MIN_FREE_MB', DEFAULTS.storageMinFreeMb, 0, 1024 * 1024),
    databaseUrl: parseServiceUrl('DATABASE_URL', env.DATABASE_URL, ['postgres', 'postgresql']),
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', DEFAULTS.databasePoolMax, 1, 100),
    redisUrl: parseServiceUrl('REDIS_URL', env.REDIS_URL, ['redis', 'rediss']),
    nodeId: parseNodeId(env.NODE_ID),
    sessionIdleMs: int(env, 'SESSION_IDLE_MS', DEFAULTS.sessionIdleMs, 60_000, 365 * DAY_MS),
    sessionAbsoluteMs: int(env, 'SESSION_ABSOLUTE_MS', DEFAULTS.sessionAbsoluteMs, 60_000, 365 * DAY_MS),
    presenceGraceMs: int(env, 'PRESENCE_GRACE_MS', DEFAULTS.presenceGraceMs, 0, 10_000),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', DEFAULTS.maxUploadBytes, 1, 1024 * 1024 * 1024),
    adminToken: parseToken(env, 'ADMIN_TOKEN'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY ?? ''),
    allowedHosts: parseAllowedHosts(env.ALLOWED_HOSTS ?? ''),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS ?? ''),
    sessionRecheckMs: int(env, 'SESSION_RECHECK_MS', DEFAULTS.sessionRecheckMs, 1000, 5 * 60_000),
    maxConnectionsPerUser: int(env, 'MAX_CONNECTIONS_PER_USER', DEFAULTS.maxConnectionsPerUser, 1, 10_000),
    maxConnectionsPerIp: int(env, 'MAX_CONNECTIONS_PER_IP', DEFAULTS.maxConnectionsPerIp, 1, 1_000_000),
    handshakesPerIpPerMinute: int(
      env,
      'HANDSHAKES_PER_IP_PER_MINUTE',
      DEFAULTS.handshakesPerIpPerMinute,
      1,
      10_000_000,
    ),
    registrationsPerIpPerHour: int(
      env,
      'REGISTRATIONS_PER_IP_PER_HOUR',
      DEFAULTS.registrationsPerIpPerHour,
      1,
      1_000_000,
    ),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', DEFAULTS.shutdownGraceMs, 0, 60_000),
    // Below 64 KiB one large answer (a history page) would already count as slow.
    maxSendBufferBytes: int(env, 'MAX_SEND_BUFFER_BYTES', DEFAULTS.maxSendBufferBytes, 64 * 1024, 1024 * 1024 * 1024),
    slowConsumerMs: int(env, 'SLOW_CONSUMER_MS', DEFAULTS.slowConsumerMs, 100, 10 * 60_000),
    logLevel: env.LOG_LEVEL || 'info',
    metricsToken: parseToken(env, 'METRICS_TOKEN'),
    metricsPort,
    metricsHost: env.METRICS_HOST || DEFAULTS.metricsHost,
  };
}
