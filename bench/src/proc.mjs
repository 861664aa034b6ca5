// Server processes: start pinned to core 0 with taskset, wait until they listen, read
// their RSS and CPU time from /proc, stop them by pid. Every child is tracked so the
// generator can kill what it started on any exit.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

const CLK_TCK = 100;
const children = new Set();

export function killAllChildren() {
  for (const child of children) {
    try {
      // An engine may name a gentler signal (PostgreSQL's postmaster: SIGQUIT, which takes
      // its backends down with it); a Parley node or reference server gets SIGKILL.
      process.kill(child.pid, child.benchKillSignal ?? 'SIGKILL');
    } catch {
      // gone already: nothing to do
    }
  }
  children.clear();
}

/** Starts `node args...` on core 0; stdout/stderr go to `logFile`. */
export function startServer({ name, args, env, logFile, nodeArgs = [] }) {
  return startProcess({ name, command: process.execPath, args: [...nodeArgs, ...args], env, logFile });
}

/**
 * Starts `command args...` pinned to core 0 (taskset execs it: the pid is the command's),
 * tracked like every server so the bench kills it on any exit (with `killSignal`).
 */
export function startProcess({ name, command, args, env, logFile, killSignal }) {
  const fd = openSync(logFile, 'a');
  const child = spawn('taskset', ['-c', '0', command, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (killSignal) child.benchKillSignal = killSignal;
  children.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { name, pid: child.pid, child, exited };
}

export function waitForPort(port, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} not listening after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Stops a server: SIGTERM (or `signal`), then SIGKILL after `graceMs`. */
export async function stopServer(server, graceMs = 8000, signal = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  try {
    process.kill(server.pid, signal);
  } catch {
    // gone already: nothing to do
  }
  const timer = setTimeout(() => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // gone already: nothing to do
    }
  }, graceMs);
  await server.exited;
  clearTimeout(timer);
}

export async function killServer(server) {
  try {
    process.kill(server.pid, 'SIGKILL');
  } catch {
    // gone already: nothing to do
  }
  await server.exited;
}

/** Resident set size in bytes. */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU seconds (user + system) used so far by the process. */
export function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * CPU seconds of a process tree one level deep: the process with the time of the children
 * it has already reaped (cutime, cstime), plus every live child's. PostgreSQL's work is
 * done in the postmaster's children (one backend per connection, the WAL writer, the
 * checkpointer…); a backend that exits moves its time into the postmaster's cutime.
 */
export function cpuOfTree(pid) {
  const fieldsOf = (p) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const withReaped = (f) => (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
  let total = withReaped(fieldsOf(pid));
  const parent = String(pid);
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    try {
      const f = fieldsOf(entry);
      if (f[1] === parent) total += withReaped(f);
    } catch {
      // exited while we looked: its time is in the parent's cutime from now on
    }
  }
  return total;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createServer }) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });
  });
}

/** CPU seconds spent in user, nice and system mode by the whole machine (all cores). */
export function machineBusy() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2]) / CLK_TCK;
}

/**
 * V8 heap in use after a full GC, through the inspector protocol of a server started
 * with --inspect=127.0.0.1:0 (its address is read from the server's log).
 */
export async function heapAfterGc(logFile) {
  const { default: WebSocket } = await import('ws');
  const m = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
  if (!m) return null;
  const ws = new WebSocket(m[1]);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const my = ++id;
      const onMsg = (data) => {
        const msg = JSON.parse(data.toString());
        if (msg.id === my) {
          ws.off('message', onMsg);
          resolve(msg.result);
        }
      };
      ws.on('message', onMsg);
      ws.send(JSON.stringify({ id: my, method, params }));
    });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.getHeapUsage');
  ws.close();
  return usage.usedSize;
}
