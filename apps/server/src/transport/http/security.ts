import type { IncomingMessage } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { peerIsTrusted, type TrustFn } from '../../security/client-address.js';
import { checkOrigin, type OriginPolicy } from '../../security/origin.js';
import { apiError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Fetch metadata a browser attaches; anything but these on a write is cross-site. */
const SAME_SITE_FETCH = new Set(['same-origin', 'none']);

/** A Host header that is a plain `host[:port]` (or `[ipv6][:port]`), nothing a CSP could read as more sources. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The page's own WebSocket origin for connect-src (ws:// beside http://, wss:// beside https://). */
function socketOrigin(req: IncomingMessage, trust: TrustFn): string {
  const forwarded = peerIsTrusted(req, trust)
    ? String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  const secure = forwarded === 'https' || ('encrypted' in req.socket && req.socket.encrypted === true);
  const host = req.headers.host ?? 'localhost';
  // The Host header is the client's to choose: one carrying spaces, `;` or `*` would add
  // sources to the policy (or make helmet throw, a 500). 'self' alone covers it then.
  if (!PLAIN_HOST.test(host)) return '';
  return `${secure ? 'wss' : 'ws'}://${host}`;
}

/**
 * Browser-facing defences: helmet's headers with a strict Content-Security-Policy (no
 * inline script, connections only to this origin), refusal of cross-site writes (by
 * Sec-Fetch-Site, else by Origin), and JSON-only bodies: with the text/plain parser gone,
 * a form or text POST is a 415 before any handler runs. No CORS headers are ever sent.
 */
export async function registerBrowserSecurity(app: FastifyInstance, policy: OriginPolicy): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", (req) => socketOrigin(req as IncomingMessage, policy.trust)],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Only meaningful over HTTPS; harmless otherwise.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: true },
  });

  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    const crossSite =
      (typeof site === 'string' && !SAME_SITE_FETCH.has(site)) || checkOrigin(request.raw, policy) === 'refused';
    if (crossSite) return reply.code(403).send(apiError('forbidden', { message: 'cross-site request refused' }));
  });
}
