import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/*
 * Every TCP connection the HTTP server accepted, whatever it became (a request, a
 * WebSocket, a half-sent handshake), so a stopping server can cut the ones that do not
 * close by themselves (S6). `server.close()` waits for all of them, and a peer that
 * stopped reading never lets a WebSocket close finish: its close frame sits behind a full
 * kernel buffer, and `ws` only gives up after 30 s.
 */

export type OpenConnections = {
  /** TCP connections open now. */
  readonly size: number;
  /** Destroys every open connection at once; returns how many there were. */
  destroyAll(): number;
};

export function trackConnections(server: HttpServer): OpenConnections {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    get size() {
      return open.size;
    },
    destroyAll() {
      const count = open.size;
      for (const socket of open) socket.destroy();
      open.clear();
      return count;
    },
  };
}
