import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alive, freePort } from './processes.js';

/*
 * A throwaway PostgreSQL server for tests: its own folder, its own loopback port, trust
 * authentication, stopped and deleted afterwards. PostgreSQL refuses to run as root, so
 * as root every binary runs as the `postgres` user (`runuser`) in a folder that user
 * owns; as anyone else it runs as that user. As root, Debian's package is installed when
 * the binaries are missing (CI machines start without it).
 */

export type PostgresServer = {
  /** postgres://postgres@127.0.0.1:<port>/postgres, the superuser on the default database. */
  url: string;
  /** The postmaster's PID (a new one after `restart`). */
  pid: number;
  /** Stops the server (fast: connections are cut), keeps it down `downMs`, starts it again on the same port. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
};

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
/** Folders of servers started by this module: `parley-pg-<pid of the starting process>-<random>`. */
const FOLDER_PREFIX = 'parley-pg-';
const START_ATTEMPTS = 3;
const START_TIMEOUT_S = 30;
/** Small and quick; fsync stays on so commits cost what they cost in production. */
const SERVER_SETTINGS = ['max_connections=200', 'shared_buffers=32MB', 'fsync=on', 'synchronous_commit=on'];

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root, as ourselves otherwise. */
async function pgRun(bin: string, args: string[]): Promise<string> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const { stdout } = await run(file, argv, { maxBuffer: 4 * 1024 * 1024 });
  return stdout;
}

/** The bin folder of the newest installed major version, or null. */
async function findBinDir(): Promise<string | null> {
  let versions: string[];
  try {
    versions = await readdir(PG_ROOT);
  } catch {
    return null;
  }
  const installed = versions
    .filter((v) => /^\d+$/.test(v) && existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return installed[0] ? join(PG_ROOT, installed[0], 'bin') : null;
}

async function installPostgres(): Promise<void> {
  // Without a policy, installing would start the packaged cluster on port 5432 as a service.
  if (!existsSync('/usr/sbin/policy-rc.d')) {
    await writeFile('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A machine that never fetched the package lists cannot find the package.
    await run('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
}

async function binDir(): Promise<string> {
  const found = await findBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      `PostgreSQL server binaries not found under ${PG_ROOT}/*/bin. Install Debian's postgresql package ` +
        '(apt-get install postgresql), or run the tests as root so they install it.',
    );
  }
  await installPostgres();
  const installed = await findBinDir();
  if (!installed) throw new Error(`installed the postgresql package, but no initdb under ${PG_ROOT}/*/bin`);
  return installed;
}

/**
 * Servers whose starting process died without stopping them (a killed test run) are
 * stopped and their folders removed, so they do not pile up run after run.
 */
async function removeOrphans(bin: string): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const owner = new RegExp(`^${FOLDER_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || alive(Number(owner))) continue;
    const folder = join(tmpdir(), name);
    await pgRun(join(bin, 'pg_ctl'), ['-D', join(folder, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(folder, { recursive: true, force: true });
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = await binDir();
  await removeOrphans(bin);
  const folder = await mkdtemp(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  const data = join(folder, 'data');
  const pgCtl = join(bin, 'pg_ctl');
  try {
    if (isRoot()) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(folder, Number(stdout.trim()), Number(gid.trim()));
    }
    await pgRun(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '-U', 'postgres']);
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        `-k ${folder}`,
        '-c listen_addresses=127.0.0.1',
        ...SERVER_SETTINGS.map((s) => `-c ${s}`),
      ].join(' ');
      try {
        await pgRun(pgCtl, [
          '-D',
          data,
          '-l',
          join(folder, 'server.log'),
          '-w',
          '-t',
          String(START_TIMEOUT_S),
          '-o',
          serverOptions,
          'start',
        ]);
      } catch (error) {
        // Most likely the port was taken between finding it and binding it.
        lastError = error;
        continue;
      }
      const readPid = async () => Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      let stopped: Promise<void> | null = null;
      const server: PostgresServer = {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        pid: await readPid(),
        async restart(downMs) {
          await pgRun(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
          await new Promise((resolve) => setTimeout(resolve, downMs));
          await pgRun(pgCtl, ['-D', data, '-l', join(folder, 'server.log'), '-w', '-o', serverOptions, 'start']);
          server.pid = await readPid();
        },
        stop() {
          stopped ??= (async () => {
            await pgRun(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
            await rm(folder, { recursive: true, force: true });
          })();
          return stopped;
        },
      };
      return server;
    }
    const log = await readFile(join(folder, 'server.log'), 'utf8').catch(() => '');
    throw new Error(`PostgreSQL did not start after ${START_ATTEMPTS} attempts: ${String(lastError)}\n${log}`);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}
