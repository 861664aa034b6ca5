import type { ClientToServerEvents, ServerToClientEvents } from '@parley/shared-types';
import { NAMESPACES } from '@parley/shared-types';
import { io, type Socket } from 'socket.io-client';

/** The chat socket, typed by the shared contract in both directions. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The only `io()` call of the app. Same origin, default path: the session cookie rides
 * on the handshake (it is HttpOnly, so the app never reads it). `autoConnect: false`
 * lets the realtime layer bind every handler before the first packet can arrive.
 */
export function createChatSocket(): ChatSocket {
  return io(NAMESPACES.chat, {
    withCredentials: true,
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}
