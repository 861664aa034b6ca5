import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

export type TrustFn = (address: string, hop: number) => boolean;

/** The same rule Fastify applies to `request.ip`, for places Fastify does not reach (socket handshakes). */
export function compileTrust(trusted: readonly string[]): TrustFn {
  return trusted.length === 0 ? () => false : proxyAddr.compile([...trusted]);
}

/** The client's address: the socket peer, or what trusted proxies in front of it report. */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string {
  return proxyAddr(req, trust);
}

/** Whether the immediate peer is a trusted proxy, whose X-Forwarded-Proto may be believed. */
export function peerIsTrusted(req: IncomingMessage, trust: TrustFn): boolean {
  const peer = req.socket.remoteAddress;
  return peer !== undefined && trust(peer, 0);
}
