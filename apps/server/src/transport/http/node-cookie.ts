import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';

/*
 * Stickiness behind a load balancer (deploy/nginx.conf): every answer of this node sets
 * `parley_node=<NODE_ID>` when the browser does not already carry it, and the balancer
 * sends a browser carrying it to that node (the others as backup). Long-polling needs it:
 * every request of an Engine.IO session must reach the node holding the session. When a
 * node dies, the backup that answers instead moves the cookie, and the browser stays there.
 * The value names a node, nothing more: it is not a secret and grants nothing.
 */

export const NODE_COOKIE = 'parley_node';
/** A day: the balancer falls back to round-robin for a browser gone that long. */
const NODE_COOKIE_MAX_AGE_S = 24 * 60 * 60;

function carries(cookieHeader: string | undefined, nodeId: string): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((part) => part.trim() === `${NODE_COOKIE}=${nodeId}`);
}

function cookieLine(nodeId: string): string {
  return `${NODE_COOKIE}=${nodeId}; Path=/; Max-Age=${NODE_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax`;
}

type EngineHeaders = {
  on(
    event: 'initial_headers' | 'headers',
    listener: (headers: OutgoingHttpHeaders, req: IncomingMessage) => void,
  ): void;
};

/** Sets the node cookie on pages and API answers (Fastify) and on Engine.IO's own answers. */
export function installNodeCookie(http: FastifyInstance, engine: EngineHeaders, nodeId: string): void {
  http.addHook('onSend', async (request, reply, payload) => {
    if (!carries(request.headers.cookie, nodeId)) reply.header('set-cookie', cookieLine(nodeId));
    return payload;
  });
  // Long-polling and upgrade answers come from Engine.IO, not Fastify.
  const add = (headers: OutgoingHttpHeaders, req: IncomingMessage) => {
    if (carries(req.headers.cookie, nodeId)) return;
    const existing = headers['set-cookie'];
    const line = cookieLine(nodeId);
    headers['set-cookie'] =
      existing === undefined ? [line] : Array.isArray(existing) ? [...existing, line] : [String(existing), line];
  };
  engine.on('headers', add);
}
