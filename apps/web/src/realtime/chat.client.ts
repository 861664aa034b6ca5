import type { ChatSocket } from '../lib/socket';

/*
 * The socket of the current sign-in, or null when signed out. A holder of its own so
 * every realtime module reads the same instance without importing the lifecycle code.
 */
let current: ChatSocket | null = null;

export function currentSocket(): ChatSocket | null {
  return current;
}

export function setCurrentSocket(socket: ChatSocket | null): void {
  current = socket;
}
