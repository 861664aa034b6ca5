import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { alive, freePort } from './processes.js';
import { afterAll, beforeAll } from 'vitest';

/*
 * A throwaway Redis for tests: its own folder and loopback port, nothing saved to disk,
 * stopped and deleted afterwards. As root, Debian's redis-server package is installed when
 * the binary is missing (CI machines start without it). kill() and restart() let a test
 * take Redis away mid-conversation and bring it back on the same address.
 */

export type RedisServer = {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** The running server's PID (a new one after restart()). */
  readonly pid: number;
  /** Shuts the server down and removes its folder. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: the data in memory is gone. Resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (killing it first if it still runs); resolves once it answers. */
  restart(): Promise<void>;
};

const run = promisify(execFile);
/** Folders of servers started by this module: `parley-redis-<pid of the starting process>-<random>`. */
const FOLDER_PREFIX = 'parley-redis-';
const PID_FILE = 'server.pid';
const START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5000;

const isRoot = (): boolean => process.getuid?.() === 0;

function findBinary(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/sbin')) {
    const candidate = join(dir, 'redis-server');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

async function installRedis(): Promise<void> {
  // Without a policy, installing would start the packaged server on port 6379 as a service.
  if (!existsSync('/usr/sbin/policy-rc.d')) {
    await writeFile('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another install may hold dpkg's lock for a while: wait for it instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=120'];
  const install = () =>
    run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'redis-server'], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  try {
    await install();
  } catch {
    // A machine that never fetched the package lists cannot find the package.
    await run('apt-get', [...lock, 'update'], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
}

async function binary(): Promise<string> {
  const found = findBinary();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      "redis-server not found. Install Debian's redis-server package (apt-get install redis-server), " +
        'or run the tests as root so they install it.',
    );
  }
  await installRedis();
  const installed = findBinary();
  if (!installed) throw new Error('installed the redis-server package, but found no redis-server');
  return installed;
}

/** Whether `pid` is still a redis-server (a PID from an old file may belong to another process by now). */
async function isRedis(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('redis-server');
}

/**
 * Servers whose starting process died without stopping them (a killed test run) are
 * killed and their folders removed, so they do not pile up run after run.
 */
async function removeOrphans(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const owner = new RegExp(`^${FOLDER_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || alive(Number(owner))) continue;
    const folder = join(tmpdir(), name);
    const pid = Number(await readFile(join(folder, PID_FILE), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(pid) && pid > 0 && (await isRedis(pid))) process.kill(pid, 'SIGKILL');
    await rm(folder, { recursive: true, force: true });
  }
}

/** Resolves when Redis at `port` answers PING; false if it did not within the deadline. */
async function answers(port: number, deadline: number, exited: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && !exited()) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      let reply = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        reply += chunk.toString('latin1');
        if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
      });
    });
    if (pong) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(): Promise<RedisServer> {
  const bin = await binary();
  await removeOrphans();
  const folder = await mkdtemp(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  let child: ChildProcess | null = null;

  /** Starts redis-server on `port`; false when it exited or did not answer (most likely the port was taken). */
  async function launch(port: number): Promise<boolean> {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      folder,
      '--logfile',
      join(folder, 'redis.log'),
    ];
    const started = spawn(bin, args, { stdio: 'ignore' });
    let exited = false;
    started.once('exit', () => (exited = true));
    started.once('error', () => (exited = true));
    if (await answers(port, Date.now() + START_TIMEOUT_MS, () => exited)) {
      child = started;
      await writeFile(join(folder, PID_FILE), String(started.pid));
      return true;
    }
    started.kill('SIGKILL');
    await exitOf(started);
    return false;
  }

  async function kill(): Promise<void> {
    const running = child;
    child = null;
    if (!running) return;
    running.kill('SIGKILL');
    await exitOf(running);
  }

  try {
    let port = 0;
    for (let attempt = 1; attempt <= START_ATTEMPTS && child === null; attempt++) {
      port = await freePort();
      await launch(port);
    }
    if (child === null) {
      const log = await readFile(join(folder, 'redis.log'), 'utf8').catch(() => '');
      throw new Error(`Redis did not start after ${START_ATTEMPTS} attempts\n${log}`);
    }
    let stopped: Promise<void> | null = null;
    return {
      url: `redis://127.0.0.1:${port}`,
      get pid() {
        return child?.pid ?? -1;
      },
      kill,
      async restart() {
        await kill();
        if (!(await launch(port))) throw new Error(`Redis did not start again on port ${port}`);
      },
      stop() {
        stopped ??= (async () => {
          const running = child;
          child = null;
          if (running) {
            // SIGTERM is Redis's own clean shutdown (nothing is saved: --save '').
            running.kill('SIGTERM');
            const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
            await exitOf(running);
            clearTimeout(timer);
          }
          await rm(folder, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (error) {
    await kill();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A Redis of the calling describe block's own (for tests that kill or restart it, which
 * the run's shared one must survive), started before its tests and stopped after them.
 * Call at the top of the block; the getter answers it inside the tests.
 */
export function useOwnRedis(): () => RedisServer {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('useOwnRedis: the Redis of this block did not start');
    return redis;
  };
}
