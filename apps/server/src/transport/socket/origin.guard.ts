import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { checkOrigin, type OriginPolicy } from '../../security/origin.js';

/**
 * Refuses WebSocket upgrades from a foreign Origin with 403 before Engine.IO (and so
 * before any authentication) sees them. Socket.IO's `cors` option does not apply to
 * upgrades, and Engine.IO's own `allowRequest` refusal answers an upgrade with 400; this
 * wraps the upgrade listeners Engine.IO attached so the refusal is a plain 403.
 */
export function guardUpgrades(server: HttpServer, policy: OriginPolicy): void {
  const listeners = server.listeners('upgrade') as Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (checkOrigin(req, policy) === 'refused') {
      socket.on('error', () => {});
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    for (const listener of listeners) listener.call(server, req, socket, head);
  });
}

/** Engine.IO's `allowRequest`: the same rule for long-polling, answered with 403 there. */
export function originAllowRequest(policy: OriginPolicy) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const refused = checkOrigin(req, policy) === 'refused';
    callback(refused ? 'origin not allowed' : null, !refused);
  };
}
