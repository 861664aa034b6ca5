import type { IncomingMessage } from 'node:http';
import { peerIsTrusted, type TrustFn } from './client-address.js';

/**
 * Cross-site WebSocket hijacking and CSRF defence: a browser request carrying an Origin
 * is accepted only when that origin is exactly the page's own (the request's scheme and
 * Host: Parley works at http://127.0.0.1:PORT and http://localhost:PORT alike) or one
 * configured explicitly. Exact string comparison: no suffix, prefix or pattern matching,
 * so `https://parley.example.evil.com`, `null`, another port or scheme are all refused.
 * Requests without an Origin come from non-browser clients, which carry no ambient
 * credentials of a victim; browsers always send Origin on WebSocket handshakes and on
 * cross-origin POSTs.
 */
export type OriginPolicy = {
  /** Which peers are reverse proxies whose X-Forwarded-Proto is believed. */
  trust: TrustFn;
  allowedOrigins: readonly string[];
};

function ownOrigin(req: IncomingMessage, trust: TrustFn): string | null {
  const host = req.headers.host;
  if (!host) return null;
  const forwarded = peerIsTrusted(req, trust) ? req.headers['x-forwarded-proto'] : undefined;
  const forwardedProto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
  const scheme =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : encrypted ? 'https' : 'http';
  return `${scheme}://${host.toLowerCase()}`;
}

export type OriginVerdict = 'absent' | 'allowed' | 'refused';

export function checkOrigin(req: IncomingMessage, policy: OriginPolicy): OriginVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) return 'absent';
  if (origin === ownOrigin(req, policy.trust)) return 'allowed';
  return policy.allowedOrigins.includes(origin) ? 'allowed' : 'refused';
}
