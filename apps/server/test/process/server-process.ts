import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ROUTES, NAMESPACES, type ClientToServerEvents, type ServerToClientEvents } from '@parley/shared-types';
import { io, type Socket } from 'socket.io-client';

/*
 * The real server as a separate process (the built bundle, as production runs it), for
 * tests that kill it: SIGKILL mid-write, SIGTERM with clients connected.
 */

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

let bundle: Promise<string> | undefined;
/**
 * Builds the server once per test file into apps/server/.test-build/<pid>/ (inside the
 * package, so node_modules resolve; a folder per process, since the writer thread's
 * bundle sits next to the server's).
 */
export function buildBundle(): Promise<string> {
  bundle ??= (async () => {
    const { buildServer } = (await import(join(SERVER_DIR, 'build.mjs'))) as {
      buildServer: (outfile: string) => Promise<string>;
    };
    return buildServer(join(SERVER_DIR, '.test-build', String(process.pid), 'server.js'));
  })();
  return bundle;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
};

type Spawned = { child: ChildProcess; output: () => string };

/** Spawns the built server on loopback with `env` over the test defaults, collecting its output. */
async function spawnServer(options: { dataDir: string; port: number; env?: Record<string, string> }): Promise<Spawned> {
  const entry = await buildBundle();
  return spawnCollecting(process.execPath, [entry], {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    WEB_DIST_DIR: '',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
}

/** Spawns `command` with only PATH and `env`, its stdout and stderr gathered into one text. */
function spawnCollecting(command: string, args: string[], env: Record<string, string>): Spawned {
  let output = '';
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

export async function startServerProcess(options: {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const { child, output } = await spawnServer({
    ...options,
    env: { PRESENCE_GRACE_MS: '200', ...options.env },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited at start:\n${output()}`);
    try {
      const res = await fetch(`${url}${API_ROUTES.health}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 15 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, child, exited, output };
}

/**
 * Runs the server where it must refuse to start (S9): resolves with its exit code and
 * output once it exits; kills it and fails if it is still running after `timeoutMs`.
 */
export async function runRefusedServer(options: {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<{ code: number | null; output: string }> {
  const { child, output } = await spawnServer(options);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeout = new Promise<'running'>((resolve) =>
    setTimeout(() => resolve('running'), options.timeoutMs ?? 15_000),
  );
  const outcome = await Promise.race([exited, timeout]);
  if (outcome === 'running') {
    child.kill('SIGKILL');
    throw new Error(`the server started where it should have refused:\n${output()}`);
  }
  return { code: outcome, output: output() };
}

/** The tool beside the built server (e.g. backup.js), run to its end with DATA_DIR set. */
export async function runBundledTool(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const entry = await buildBundle();
  const { child, output } = spawnCollecting(process.execPath, [join(dirname(entry), name), ...args], env);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, output: output() };
}

export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-process-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function registerUser(url: string, username: string): Promise<{ id: string; cookie: string }> {
  const res = await fetch(`${url}${API_ROUTES.register}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, cookie };
}

export type ProcessClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io-client with automatic reconnection, as the web app uses it. */
export function connectClient(url: string, cookie: string): ProcessClient {
  return io(`${url}${NAMESPACES.chat}`, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
    forceNew: true,
  });
}

export function waitConnected(socket: ProcessClient, timeoutMs = 10_000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not connected in time')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
