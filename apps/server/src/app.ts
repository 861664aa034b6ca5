import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import { API_ROUTES, type Health } from '@parley/shared-types';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { randomId, type IdGenerator } from './domain/ids.js';
import { createServices, type Services } from './domain/services.js';
import { argon2Hasher } from './security/argon2.hasher.js';
import { openPostgresStorage } from './storage/postgres/postgres.storage.js';
import { openSqliteStorage } from './storage/sqlite/sqlite.storage.js';
import { STORAGE_RETRY_AFTER_MS, type Storage } from './storage/storage.js';
import { registerAccountRoutes } from './transport/http/account.routes.js';
import { registerAuthRoutes } from './transport/http/auth.routes.js';
import { registerFileRoutes } from './transport/http/files.routes.js';
import { registerErrorHandling } from './transport/http/errors.js';
import { registerBrowserSecurity } from './transport/http/security.js';
import { compileTrust } from './security/client-address.js';
import { LoginThrottle } from './security/login-throttle.js';
import { memoryLimitStores } from './security/limit-stores.js';
import { COMMAND_BUDGETS, CommandLimits, UploadLimits, type Budget } from './security/rate-limits.js';
import { openRedisLimitStores } from './cluster/redis.limits.js';
import { installServerGate, originAllowRequest } from './transport/server.gate.js';
import { trackConnections } from './transport/connections.js';
import { watchSlowConsumers, type EngineConnection } from './transport/slow-consumers.js';
import {
  OutboxWebSocketServer,
  writeBroadcastsDirectly,
  type DirectWriteConnection,
} from './transport/socket/frame-outbox.js';
import { hostPolicy } from './security/hosts.js';
import { installNodeCookie } from './transport/http/node-cookie.js';
import { sessionTokenFrom } from './transport/http/session-cookie.js';
import { registerStatic } from './transport/http/static.routes.js';
import { createAdminGateway } from './transport/socket/admin.gateway.js';
import { createChatGateway, type ChatGateway } from './transport/socket/chat.gateway.js';
import type { ChatServer } from './transport/socket/chat.handlers.js';
import { openRedisFanOut, type RedisFanOut } from './transport/socket/redis.adapter.js';
import { RedisPresence } from './cluster/redis.presence.js';
import { loggerOptions, type LogStream } from './observability/logging.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { registerMetricsRoute, startMetricsListener, type MetricsListener } from './transport/http/metrics.routes.js';
import { userChannel } from './transport/socket/socket-rooms.js';

export type AppOptions = {
  config: Config;
  /** Defaults to PostgreSQL at `config.databaseUrl` when set, else SQLite under `config.dataDir`. */
  storage?: Storage;
  clock?: Clock;
  newId?: IdGenerator;
  logger?: boolean | { level: string };
  /** Log lines go here instead of stdout, at `config.logLevel`, redacted as in production (tests). */
  logStream?: LogStream;
  /** Per-user command limits, counted where they were built (tests); default: `commandBudgets`. */
  commandLimits?: CommandLimits;
  /** Per-user command budgets (default COMMAND_BUDGETS), counted in Redis with `config.redisUrl`. */
  commandBudgets?: Record<string, Budget>;
  /** B1: the per-user upload budget (default UPLOAD_BUDGET), counted where the command budgets are. */
  uploadBudget?: Budget;
  /**
   * The built SQLite writer thread; the production entry passes the one bundled next to
   * it. Without it (tests from source) the default storage writes on the main thread.
   */
  sqliteWriterThread?: URL;
  /** The default storage can no longer write (its writer thread died). */
  onStorageFailure?: (error: Error) => void;
  /**
   * With `config.redisUrl`: the Redis stream (and pub/sub channel prefix) the nodes fan
   * out through, default `socket.io`. Only nodes on the same one reach each other's sockets.
   */
  redisStreamName?: string;
  /**
   * With `config.redisUrl`: how often this node beats its presence heartbeat and how long
   * after the last beat the others take it for dead (C3); default 5 s and 15 s.
   */
  presenceHeartbeat?: { intervalMs: number; expireMs: number };
};

export type ParleyApp = {
  http: FastifyInstance;
  io: ChatServer;
  chat: ChatGateway;
  services: Services;
  storage: Storage;
  /** The port `/metrics` is served on when it has a listener of its own (`METRICS_PORT`). */
  metricsPort: number | null;
  /**
   * S6: refuses new work, tells the clients, cuts the connections still open after
   * `config.shutdownGraceMs`, closes storage.
   */
  close(): Promise<void>;
};

/** REST bodies are small JSON documents; anything bigger is refused before parsing. */
const REST_BODY_LIMIT_BYTES = 16 * 1024;
/** B8: how often pending uploads older than an hour are looked for. */
const FILE_SWEEP_INTERVAL_MS = 10 * 60_000;
/** How long a new transport may stay without joining a namespace. */
const CONNECT_TIMEOUT_MS = 10_000;
/** The Socket.IO transport's largest accepted message. */
export const SOCKET_MAX_BUFFER_BYTES = 64 * 1024;

/** PostgreSQL when `DATABASE_URL` is set (several nodes), else SQLite under `dataDir`. */
async function openDefaultStorage(
  options: AppOptions,
  log: FastifyBaseLogger,
  metrics: Metrics | null,
): Promise<Storage> {
  const { config } = options;
  if (config.databaseUrl !== null) {
    return openPostgresStorage({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      // The pool replaces the connection; queries that were using it have failed on their own.
      onPoolError: (error) => log.warn({ err: error }, 'a PostgreSQL connection failed while idle'),
      ...(metrics ? { sendBatching: { onCommitted: metrics.commitObserved } } : {}),
    });
  }
  return openSqliteStorage({
    filename: join(config.dataDir, 'parley.sqlite'),
    lockFile: join(config.dataDir, 'parley.lock'),
    quickCheck: config.sqliteQuickCheck,
    minFreeBytes: config.storageMinFreeMb * 1024 * 1024,
    // S8: one line entering a state, one leaving it.
    onStateChange: ({ state, previous, reason }) => {
      if (state === 'ok') log.info({ storage: state, previous, reason }, 'storage: writes resumed');
      else log.error({ storage: state, previous, reason }, `storage: writes refused (${state.replace('_', ' ')})`);
    },
    synchronous: config.sqliteSynchronous,
    minCommitIntervalMs: config.sqliteCommitIntervalMs,
    ...(options.sqliteWriterThread && config.sqliteWriter === 'thread'
      ? { writerThread: options.sqliteWriterThread }
      : {}),
    ...(options.onStorageFailure ? { onWriterFailure: options.onStorageFailure } : {}),
    ...(metrics ? { onCommit: metrics.commitObserved } : {}),
  });
}

/** Builds the whole server from options, unstarted, so tests can listen on port 0. */
export async function buildApp(options: AppOptions): Promise<ParleyApp> {
  const { config } = options;
  const clock = options.clock ?? systemClock();
  const newId = options.newId ?? randomId;
  const http = Fastify({
    logger: options.logStream
      ? loggerOptions(config.logLevel, options.logStream)
      : (options.logger ?? loggerOptions(config.logLevel)),
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy.join(',') : false,
    bodyLimit: REST_BODY_LIMIT_BYTES,
    // Validate exactly: no coercion of a number into a username, no silent key removal.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  });
  const connections = trackConnections(http.server);
  // Counted only where someone can read them (O1): unexposed, nothing is counted at all.
  const metrics =
    config.metricsToken !== null || config.metricsPort !== null
      ? createMetrics({
          // S8/S9 as the store reports them (read at scrape time, after the store opened).
          storageState: () => storage.state(),
        })
      : null;
  let storage: Storage;
  try {
    storage = options.storage ?? (await openDefaultStorage(options, http.log, metrics));
  } catch (error) {
    await http.close();
    throw error;
  }
  let fanOut: RedisFanOut | null = null;
  if (config.redisUrl !== null) {
    try {
      fanOut = await openRedisFanOut({
        url: config.redisUrl,
        log: http.log,
        ...(options.redisStreamName === undefined ? {} : { streamName: options.redisStreamName }),
      });
    } catch (error) {
      if (!options.storage) await storage.close();
      await http.close();
      throw error;
    }
  }

  const services = createServices({
    storage,
    clock,
    newId,
    hasher: argon2Hasher(),
    sessionPolicy: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs },
    presenceGraceMs: config.presenceGraceMs,
    maxUploadBytes: config.maxUploadBytes,
    // Several nodes: connections are counted across all of them (C3).
    ...(fanOut
      ? {
          presence: await RedisPresence.start({
            client: fanOut.client,
            keyPrefix: fanOut.keyPrefix,
            graceMs: config.presenceGraceMs,
            heartbeatMs: options.presenceHeartbeat?.intervalMs,
            expireMs: options.presenceHeartbeat?.expireMs,
            log: http.log,
          }),
        }
      : {}),
  });
  try {
    await Promise.all([services.rooms.ensureDefaultRoom(), services.auth.warmUp()]);
  } catch (error) {
    await services.presence.dispose();
    // An open Redis client would keep the process alive, reconnecting, after a failed start.
    await fanOut?.close();
    throw error;
  }

  // Budgets and per-user caps: in Redis with several nodes, so they hold whichever node one lands on (C4).
  const stores = fanOut
    ? openRedisLimitStores({ client: fanOut.client, keyPrefix: fanOut.keyPrefix, log: http.log })
    : memoryLimitStores();
  const trust = compileTrust(config.trustProxy);
  const originPolicy = { trust, allowedOrigins: config.allowedOrigins };
  const io: ChatServer = new Server(http.server, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_BUFFER_BYTES,
    // Same rule for long-polling (403) as for upgrades (the gate below).
    allowRequest: originAllowRequest(originPolicy),
    // A transport that has joined no namespace by then is closed: holding one open costs
    // memory and a connection slot, and our client joins /chat at once.
    connectTimeout: CONNECT_TIMEOUT_MS,
    // X1: each connection's frames leave in one write per event-loop turn (frame-outbox.ts).
    ...(config.socketWrites === 'stock' ? {} : { wsEngine: OutboxWebSocketServer }),
    // Several nodes: every broadcast, join, leave and disconnect of a namespace also
    // reaches the other nodes' sockets. One node: the default in-memory adapter.
    ...(fanOut ? { adapter: fanOut.adapter } : {}),
  });
  const gate = installServerGate(http.server, {
    hosts: hostPolicy(config.allowedHosts),
    origins: originPolicy,
    trust,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    // Twice the chat handshake budget, so a browser meets the chat's refusal first, which
    // says when to come back; this one bounds transports that never reach /chat.
    engineHandshakesPerIpPerMinute: 2 * config.handshakesPerIpPerMinute,
    enginePath: '/socket.io/',
    limiters: stores.limiters,
  });
  const slowConsumers = watchSlowConsumers({
    maxBytes: config.maxSendBufferBytes,
    overForMs: config.slowConsumerMs,
    log: http.log,
  });
  // Engine.IO's connection event is untyped; its connections have what both read.
  io.engine.on('connection', (conn: Parameters<typeof gate.adopt>[0] & EngineConnection & DirectWriteConnection) => {
    gate.adopt(conn);
    slowConsumers.add(conn);
    // X2: a room broadcast's one frame goes straight into each member's outbox.
    if (config.socketWrites === 'direct') writeBroadcastsDirectly(conn);
  });
  // Nothing lives on the main namespace; the chat and admin namespaces stand on their own.
  io.use((_socket, next) => next(new Error('not_found')));

  const chat = createChatGateway({
    io,
    services,
    log: http.log,
    commandLimits:
      options.commandLimits ?? new CommandLimits(options.commandBudgets ?? COMMAND_BUDGETS, stores.limiters),
    limiters: stores.limiters,
    slots: stores.slots,
    trust,
    limits: {
      sessionRecheckMs: config.sessionRecheckMs,
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      handshakesPerIpPerMinute: config.handshakesPerIpPerMinute,
    },
    ...(metrics ? { metrics } : {}),
    authenticate: async (cookieHeader) => {
      const token = cookieHeader ? sessionTokenFrom(http.parseCookie(cookieHeader)) : null;
      return token ? services.auth.authenticate(token) : null;
    },
  });
  createAdminGateway({
    io,
    chat: chat.nsp,
    adminToken: config.adminToken,
    clock,
    newId,
    log: http.log,
    trust,
    limiters: stores.limiters,
  });

  const userPrefix = userChannel('');
  metrics?.watch({
    transports: () => io.engine.clientsCount,
    chatSockets: () => chat.nsp.sockets.size,
    usersOnline: () => {
      let users = 0;
      for (const room of chat.nsp.adapter.rooms.keys()) if (room.startsWith(userPrefix)) users++;
      return users;
    },
  });

  await http.register(fastifyCookie);
  if (config.nodeId !== null) installNodeCookie(http, io.engine, config.nodeId);
  registerErrorHandling(http);
  await registerBrowserSecurity(http, originPolicy);
  http.get(API_ROUTES.health, async (): Promise<Health> => ({ status: 'ok' }));
  // S8: a balancer or supervisor sends no traffic that must write to a node that cannot.
  http.get(API_ROUTES.ready, async (_request, reply) => {
    const state = storage.state();
    if (state === 'ok') return { status: 'ok', storage: state };
    return reply
      .code(503)
      .header('retry-after', String(Math.ceil(STORAGE_RETRY_AFTER_MS / 1000)))
      .send({ status: 'unavailable', storage: state });
  });
  // One throttle for every password check, sign-in or account change (A9).
  const throttle = new LoginThrottle(config.registrationsPerIpPerHour, stores.limiters);
  registerAuthRoutes(http, { services, chat: () => chat, throttle });
  registerAccountRoutes(http, { services, chat: () => chat, throttle });
  await registerFileRoutes(http, {
    services,
    maxUploadBytes: config.maxUploadBytes,
    limits: new UploadLimits(options.uploadBudget, stores.limiters),
  });
  // B8: uploads no message took are removed after an hour; every node sweeps (the deletes are idempotent).
  const sweepFiles = setInterval(() => {
    services.files.sweep().catch((error: unknown) => http.log.warn({ err: error }, 'sweeping pending files failed'));
  }, FILE_SWEEP_INTERVAL_MS);
  sweepFiles.unref();
  registerMetricsRoute(http, { metrics, token: config.metricsToken, ownPort: config.metricsPort !== null });
  await registerStatic(http, config.webDistDir);

  let cutAfterGrace: NodeJS.Timeout | undefined;
  /** Started last (below), closed with the rest. */
  let metricsListener: MetricsListener | null = null;
  http.addHook('preClose', async () => {
    // S6: whatever is still open when the grace ends is cut. The HTTP server's close waits
    // for every connection, and a peer that stopped reading (or never answers the
    // WebSocket close) would otherwise hold the storage open until the process is killed.
    cutAfterGrace = setTimeout(() => {
      const cut = connections.destroyAll();
      if (cut > 0) http.log.warn({ connections: cut }, 'cut the connections still open after the shutdown grace');
    }, config.shutdownGraceMs);
    cutAfterGrace.unref();
    slowConsumers.stop();
    clearInterval(sweepFiles);
    // Half the grace for commands in flight, so clients have the other half to hear
    // `server:shutdown` and close by themselves.
    await chat.shutdown({ drainTimeoutMs: Math.floor(config.shutdownGraceMs / 2), expectedBackInMs: 5000 });
  });
  http.addHook('onClose', async () => {
    // Every TCP connection is closed by now (the server's close waited for them).
    clearTimeout(cutAfterGrace);
    // Before the Redis client quits: a node that stops says goodbye to the others' presence.
    await services.presence.dispose();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    // Every socket is gone: this node's share of the per-user caps goes too, before the client quits.
    await stores.close();
    // After io.close: closing the adapters publishes their goodbyes through this client.
    await fanOut?.close();
    await metricsListener?.close();
    await storage.close();
  });

  if (metrics && config.metricsPort !== null) {
    try {
      metricsListener = await startMetricsListener({
        metrics,
        host: config.metricsHost,
        port: config.metricsPort,
        token: config.metricsToken,
        allowedHosts: config.allowedHosts,
        log: http.log,
      });
    } catch (error) {
      // Everything built so far closes with the app; the cause names the port.
      await http.close();
      throw new Error(`METRICS_PORT: cannot listen on ${config.metricsHost}:${config.metricsPort}`, { cause: error });
    }
  }

  return {
    http,
    io,
    chat,
    services,
    storage,
    metricsPort: metricsListener?.port ?? null,
    close: () => http.close(),
  };
}
