import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '@parley/shared-types';
import { NAMESPACES } from '@parley/shared-types';
import { io, type Socket } from 'socket.io-client';

/** The chat socket, typed by the shared contract in both directions. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The only `io()` call of the app. Same origin, default path: the session cookie rides
 * on the handshake (it is HttpOnly, so the app never reads it). `autoConnect: false`
 * lets the realtime layer bind every handler before the first packet can arrive.
 *
 * `auth` is a function, not an object: socket.io calls it on every (re)connect, so each
 * handshake carries the resume cursors as they are at that moment (S2), not as they
 * were when the socket was made.
 */
export function createChatSocket(readCursors: () => NonNullable<HandshakeAuth['cursors']>): ChatSocket {
  return io(NAMESPACES.chat, {
    withCredentials: true,
    // W8: WebSocket first, long-polling only when it fails (a proxy that refuses upgrades).
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 500,
    // At most 5 s between attempts: back within 10 s of a restarted server.
    reconnectionDelayMax: 5000,
    auth: (cb) => {
      const auth: HandshakeAuth = { cursors: readCursors() };
      cb(auth);
    },
  });
}
