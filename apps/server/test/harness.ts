import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API_ROUTES,
  NAMESPACES,
  type Ack,
  type ChatCommand,
  type ChatCommandPayload,
  type ChatCommandResults,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type User,
} from '@parley/shared-types';
import { io, type Socket } from 'socket.io-client';
import { afterEach, expect } from 'vitest';
import { buildApp, type AppOptions, type ParleyApp } from '../src/app.js';
import { DEFAULT_ALLOWED_HOSTS, DEFAULTS, type Config } from '../src/config.js';
import type { Clock } from '../src/domain/clock.js';
import type { Storage } from '../src/storage/storage.js';
import { COMMAND_BUDGETS, CommandLimits, type Budget } from '../src/security/rate-limits.js';
import { builtWriterThread } from './writer-thread.js';

/** Budgets no test reaches, for every command. */
export const UNLIMITED_BUDGETS: Record<string, Budget> = Object.fromEntries(
  Object.keys(COMMAND_BUDGETS).map((command) => [command, { points: 1_000_000, perSeconds: 1 }]),
);

/*
 * Integration harness: the real app (buildApp) on 127.0.0.1:0 with a temp data dir,
 * real HTTP through fetch, real socket.io-client connections over WebSocket. Waiting is
 * always "until X or fail after a timeout", never a fixed sleep.
 */

/** How long a test waits for something that should happen before it fails. */
export const WAIT_MS = 3000;
export const DEFAULT_PASSWORD = 'correct horse battery';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

export type TestServer = {
  app: ParleyApp;
  url: string;
  config: Config;
};

export type Account = { user: User; cookie: string; password: string };

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type EventName = keyof ServerToClientEvents;
export type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];
export type RecordedEvent = { name: string; payload: unknown };

export type HttpResult = { status: number; headers: Headers; text: string; json: unknown };

/** Resolves when `predicate` holds; polls, and fails with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits for something a connection receives: each wait re-checks its probe whenever the
 * owner calls `wake()` (new input arrived), so nothing polls and a value that is already
 * there resolves at once. Shared by TestClient and the security suites' raw WebSocket
 * client; `seen` describes what did arrive, for the timeout message.
 */
export class Waiters {
  private readonly wakers = new Set<() => void>();

  constructor(private readonly seen: () => string) {}

  /** The first defined result of `probe`, now or after a later `wake()`; fails after `timeoutMs`. */
  until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wakers.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.seen()}`));
      }, timeoutMs);
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve(value);
      };
      this.wakers.add(check);
    });
  }

  /** New input arrived: re-check every pending wait. */
  wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

/**
 * One connected chat tab. Records every server event from the moment it is created, so
 * a test can wait for an event that may already have arrived, and can later assert that
 * some event never came (after a positive signal that arrived later on this connection).
 */
export class TestClient {
  readonly events: RecordedEvent[] = [];
  // A timeout names the events that did come, so a failure shows what happened instead.
  private readonly waiters = new Waiters(
    () => `it received: ${this.events.map((e) => e.name).join(', ') || 'nothing'}`,
  );
  disconnectReason: string | null = null;

  constructor(
    readonly socket: ChatSocket,
    readonly label: string,
  ) {
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name, payload });
      this.waiters.wake();
    });
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      this.waiters.wake();
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Every payload of `name` received so far, in order. */
  received<E extends EventName>(name: E): EventPayload<E>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);
  }

  /** The first received (or future) `name` event matching `predicate`. */
  waitFor<E extends EventName>(
    name: E,
    predicate: (payload: EventPayload<E>) => boolean = () => true,
    timeoutMs = WAIT_MS,
  ): Promise<EventPayload<E>> {
    const find = () => this.received(name).find(predicate);
    return this.waiters.until(find, `${this.label} to receive ${name}`, timeoutMs);
  }

  /** Resolves with the disconnect reason once the socket is disconnected. */
  waitForDisconnect(timeoutMs = WAIT_MS): Promise<string> {
    return this.waiters.until(() => this.disconnectReason ?? undefined, `${this.label} to be disconnected`, timeoutMs);
  }

  /** Sends a command and resolves with its ack; fails if no ack comes in time. */
  request<C extends ChatCommand>(
    command: C,
    payload: ChatCommandPayload<C>,
    timeoutMs = WAIT_MS,
  ): Promise<Ack<ChatCommandResults[C]>> {
    return this.raw(command, [payload], timeoutMs) as Promise<Ack<ChatCommandResults[C]>>;
  }

  /** Sends a command and returns its data, failing the test on an error ack. */
  async ok<C extends ChatCommand>(command: C, payload: ChatCommandPayload<C>): Promise<ChatCommandResults[C]> {
    const ack = await this.request(command, payload);
    if (!ack.ok) throw new Error(`${this.label}: ${command} failed with ${JSON.stringify(ack)}`);
    return ack.data;
  }

  /** Emits anything (wrong types, no payload, extra args) with an ack callback last; resolves with the ack. */
  raw(event: string, args: unknown[], timeoutMs = WAIT_MS): Promise<unknown> {
    const loose = this.socket as unknown as Socket;
    return loose.timeout(timeoutMs).emitWithAck(event, ...args);
  }

  /** Emits without an ack callback. */
  emitNoAck(event: string, ...args: unknown[]): void {
    (this.socket as unknown as Socket).emit(event, ...args);
  }

  /**
   * A round trip on this connection: everything the server emitted to this socket
   * before handling this request has arrived once it resolves (one connection keeps
   * order). The positive signal before asserting that something did not arrive.
   */
  async sync(): Promise<void> {
    const ack = await this.request('room:list', {});
    expect(ack.ok, `${this.label} round trip`).toBe(true);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * Starts servers and clients for one test and cleans everything up after it. Call
 * `useHarness()` once per file (or describe block); it registers the afterEach.
 */
export class Harness {
  private readonly servers: TestServer[] = [];
  private readonly sockets: Socket[] = [];
  private readonly dirs: string[] = [];

  async makeTempDir(prefix = 'parley-test-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** The real app on an ephemeral port, with a fresh SQLite file in a temp dir (or the given storage). */
  async start(
    overrides: Partial<Config> = {},
    options: {
      clock?: Clock;
      commandLimits?: CommandLimits;
      /** Budgets the app counts in its own store (Redis with `redisUrl`); replaces the lifted limits. */
      commandBudgets?: Record<string, Budget>;
      storage?: Storage;
      redisStreamName?: string;
      presenceHeartbeat?: AppOptions['presenceHeartbeat'];
      /** Log lines at `config.logLevel` go here (the app logs nothing otherwise). */
      logStream?: AppOptions['logStream'];
    } = {},
  ): Promise<TestServer> {
    const dataDir = await this.makeTempDir();
    const config: Config = {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      webDistDir: null,
      sqliteSynchronous: 'NORMAL',
      sqliteWriter: 'thread',
      sqliteCommitIntervalMs: DEFAULTS.sqliteCommitIntervalMs,
      socketWrites: DEFAULTS.socketWrites,
      sqliteQuickCheck: true,
      // The free-space floor has its own tests (test/process/disk-full.test.ts); here the
      // machine's free space must not decide whether unrelated tests pass.
      storageMinFreeMb: 0,
      databaseUrl: null,
      databasePoolMax: DEFAULTS.databasePoolMax,
      redisUrl: null,
      nodeId: null,
      sessionIdleMs: DEFAULTS.sessionIdleMs,
      sessionAbsoluteMs: DEFAULTS.sessionAbsoluteMs,
      presenceGraceMs: 200,
      maxUploadBytes: DEFAULTS.maxUploadBytes,
      adminToken: null,
      trustProxy: [],
      allowedHosts: [...DEFAULT_ALLOWED_HOSTS],
      allowedOrigins: [],
      sessionRecheckMs: DEFAULTS.sessionRecheckMs,
      maxConnectionsPerUser: DEFAULTS.maxConnectionsPerUser,
      maxConnectionsPerIp: DEFAULTS.maxConnectionsPerIp,
      // Every test client comes from 127.0.0.1; the tests of this budget set their own.
      handshakesPerIpPerMinute: 1_000_000,
      registrationsPerIpPerHour: 10_000,
      shutdownGraceMs: DEFAULTS.shutdownGraceMs,
      maxSendBufferBytes: DEFAULTS.maxSendBufferBytes,
      slowConsumerMs: DEFAULTS.slowConsumerMs,
      logLevel: 'silent',
      metricsToken: null,
      metricsPort: null,
      metricsHost: DEFAULTS.metricsHost,
      ...overrides,
    };
    const app = await buildApp({
      config,
      // The production path: every write on the bundled writer thread.
      sqliteWriterThread: await builtWriterThread(),
      logger: false,
      ...(options.logStream ? { logStream: options.logStream } : {}),
      // Tests that are not about rate limits must not trip them; those that are pass the real budgets.
      ...(options.commandBudgets
        ? { commandBudgets: options.commandBudgets }
        : { commandLimits: options.commandLimits ?? new CommandLimits(UNLIMITED_BUDGETS) }),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.storage ? { storage: options.storage } : {}),
      ...(options.redisStreamName ? { redisStreamName: options.redisStreamName } : {}),
      ...(options.presenceHeartbeat ? { presenceHeartbeat: options.presenceHeartbeat } : {}),
    });
    const server: TestServer = { app, config, url: '' };
    this.servers.push(server);
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.http.server.address() as AddressInfo;
    server.url = `http://127.0.0.1:${port}`;
    return server;
  }

  /** Real HTTP. `body` is sent as JSON unless `rawBody` is given. */
  async http(
    server: TestServer,
    path: string,
    init: { method?: string; body?: unknown; rawBody?: string; cookie?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.rawBody !== undefined) body = init.rawBody;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    if (init.cookie) headers.cookie = init.cookie;
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Registers through the REST API and returns the user with its session cookie (name=value). */
  async register(server: TestServer, username: string, password = DEFAULT_PASSWORD): Promise<Account> {
    const res = await this.http(server, API_ROUTES.register, { body: { username, password } });
    if (res.status !== 201) throw new Error(`register ${username} answered ${res.status} ${res.text}`);
    return { user: (res.json as { user: User }).user, cookie: cookieFrom(res.headers), password };
  }

  /**
   * The cast of the room and DM suites, registered and connected in this order: alice
   * with two tabs, bob with two, carol with one; all in general, where every new account
   * starts. Two tabs each show that events reach every tab of a user, carol one who is not
   * involved.
   */
  async cast(server: TestServer) {
    const alice = await this.register(server, 'alice');
    const bob = await this.register(server, 'bob');
    const carol = await this.register(server, 'carol');
    return {
      alice,
      bob,
      carol,
      alice1: await this.connect(server, alice, 'alice1'),
      alice2: await this.connect(server, alice, 'alice2'),
      bob1: await this.connect(server, bob, 'bob1'),
      bob2: await this.connect(server, bob, 'bob2'),
      carol1: await this.connect(server, carol, 'carol1'),
    };
  }

  async login(server: TestServer, username: string, password = DEFAULT_PASSWORD): Promise<Account> {
    const res = await this.http(server, API_ROUTES.login, { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} answered ${res.status} ${res.text}`);
    return { user: (res.json as { user: User }).user, cookie: cookieFrom(res.headers), password };
  }

  /** A new tab: its own connection (forceNew), authenticated by the cookie. */
  async connect(
    server: TestServer,
    account: Account | string,
    label?: string,
    options: {
      auth?: Record<string, unknown>;
      headers?: Record<string, string>;
      /** WebSocket only unless given (`['polling']`: long-polling only). */
      transports?: ('websocket' | 'polling')[];
    } = {},
  ): Promise<TestClient> {
    const cookie = typeof account === 'string' ? account : account.cookie;
    const socket = this.socketFor(server, NAMESPACES.chat, {
      extraHeaders: { ...options.headers, cookie },
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.transports ? { transports: options.transports } : {}),
    }) as ChatSocket;
    const client = new TestClient(socket, label ?? (typeof account === 'string' ? 'client' : account.user.username));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${client.label} did not connect in ${WAIT_MS} ms`)), WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${client.label} was refused: ${error.message}`));
      });
      socket.connect();
    });
    return client;
  }

  /** Connects expecting a refusal; resolves with the connect_error. */
  async connectError(
    server: TestServer,
    namespace: string,
    options: { cookie?: string; auth?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ): Promise<Error> {
    const socket = this.socketFor(server, namespace, {
      extraHeaders: { ...options.headers, ...(options.cookie ? { cookie: options.cookie } : {}) },
      ...(options.auth ? { auth: options.auth } : {}),
    });
    return new Promise<Error>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connect_error on ${namespace} in ${WAIT_MS} ms`)), WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        reject(new Error(`connected to ${namespace} but expected a refusal`));
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        resolve(error);
      });
      socket.connect();
    });
  }

  /** An operator's socket on /admin. */
  async connectAdmin(server: TestServer, token: string): Promise<Socket> {
    const socket = this.socketFor(server, NAMESPACES.admin, { auth: { token } });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`admin did not connect in ${WAIT_MS} ms`)), WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new Error(`admin was refused: ${error.message}`));
      });
      socket.connect();
    });
    return socket;
  }

  async cleanup(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.disconnect();
    for (const server of this.servers.splice(0)) await server.app.close();
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }

  private socketFor(
    server: TestServer,
    namespace: string,
    options: {
      extraHeaders?: Record<string, string>;
      auth?: Record<string, unknown>;
      transports?: ('websocket' | 'polling')[];
    },
  ): Socket {
    const socket = io(`${server.url}${namespace}`, {
      transports: ['websocket'],
      // One connection per tab: never share a Manager between sockets of a test.
      forceNew: true,
      reconnection: false,
      autoConnect: false,
      timeout: WAIT_MS,
      ...options,
    });
    this.sockets.push(socket);
    return socket;
  }
}

/** `name=value` of the session cookie from a response. */
export function cookieFrom(headers: Headers): string {
  const setCookie = headers.getSetCookie();
  const first = setCookie[0];
  if (!first) throw new Error('no Set-Cookie in the response');
  return first.split(';')[0]!;
}

export function useHarness(): Harness {
  const harness = new Harness();
  afterEach(() => harness.cleanup());
  return harness;
}

/** A client message id the schema accepts, unique enough for one test. */
let cmidCounter = 0;
export function newCmid(): string {
  cmidCounter += 1;
  return `cmid-${process.pid}-${cmidCounter}-${Math.random().toString(36).slice(2, 10)}`;
}
