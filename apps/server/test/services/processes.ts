import { createServer } from 'node:net';

/*
 * Small facts about this machine's processes and ports, for the throwaway servers of the
 * tests (PostgreSQL, Redis) and the clean-up of what a killed run left behind.
 */

/** A port free on 127.0.0.1 right now (another process could still take it: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a process with this PID exists (EPERM: it exists but is someone else's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
