import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { hostNameOf } from '../../security/hosts.js';
import { sameSecret } from '../../security/secrets.js';
import type { Metrics } from '../../observability/metrics.js';
import { apiError } from './errors.js';

/*
 * `GET /metrics` (SPEC O1): never public by default. With `METRICS_PORT` it is served only
 * by a listener of its own (on `METRICS_HOST`, loopback unless told otherwise); without it,
 * on the main port only when `METRICS_TOKEN` is set. The token, when set, is asked
 * everywhere metrics are served, as `Authorization: Bearer <token>`, and compared in
 * constant time. Neither set: 404, as for any path that does not exist.
 */

export const METRICS_PATH = '/metrics';

/** Whether an `Authorization` header carries the token (always, when no token is configured). */
export function bearerMatches(header: string | undefined, token: string | null): boolean {
  if (token === null) return true;
  if (typeof header !== 'string') return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match !== null && sameSecret(match[1]!, token);
}

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'application/json' };

/** The main port's `/metrics`: served with a token when no port of its own is configured; else a plain 404. */
export function registerMetricsRoute(
  http: FastifyInstance,
  options: { metrics: Metrics | null; token: string | null; ownPort: boolean },
): void {
  const { metrics, token } = options;
  http.get(METRICS_PATH, async (request, reply) => {
    // Explicit, so the SPA's fallback never answers it with a page.
    if (metrics === null || options.ownPort || token === null) {
      return reply.code(404).send(apiError('not_found'));
    }
    if (!bearerMatches(request.headers.authorization, token)) {
      return reply.code(401).headers(UNAUTHORIZED_HEADERS).send(apiError('unauthorized'));
    }
    return reply
      .header('content-type', metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.render());
  });
}

/**
 * Host names a scraper may use: an IP address (which DNS rebinding cannot produce: that
 * takes a name), `localhost`, or one of the server's own names.
 */
function hostAllowed(req: IncomingMessage, allowedHosts: ReadonlySet<string>): boolean {
  const name = hostNameOf(req.headers.host);
  if (name === null) return false;
  return (
    allowedHosts.has(name) || name === 'localhost' || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(name) || name.startsWith('[')
  );
}

export type MetricsListener = { port: number; close(): Promise<void> };

/** `METRICS_PORT`: a bare HTTP listener that answers `GET /metrics` and nothing else. */
export async function startMetricsListener(options: {
  metrics: Metrics;
  host: string;
  port: number;
  token: string | null;
  allowedHosts: readonly string[];
  log: FastifyBaseLogger;
}): Promise<MetricsListener> {
  const { metrics, token, log } = options;
  const allowedHosts = new Set(options.allowedHosts);
  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    res.writeHead(status, headers).end(body);
  };
  const json = (code: Parameters<typeof apiError>[0]) => JSON.stringify(apiError(code));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!hostAllowed(req, allowedHosts)) {
      return send(res, 421, { 'content-type': 'application/json' }, json('forbidden'));
    }
    if (path !== METRICS_PATH) return send(res, 404, { 'content-type': 'application/json' }, json('not_found'));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { allow: 'GET, HEAD', 'content-type': 'application/json' }, json('invalid_payload'));
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      return send(res, 401, UNAUTHORIZED_HEADERS, json('unauthorized'));
    }
    metrics
      .render()
      .then((body) =>
        send(
          res,
          200,
          { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
          req.method === 'HEAD' ? '' : body,
        ),
      )
      .catch((error: unknown) => {
        log.error({ err: error }, 'metrics could not be collected');
        send(res, 500, { 'content-type': 'application/json' }, json('internal'));
      });
  });
  // Scrapers keep connections open between scrapes; a stopping server must not wait for them.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ err: error }, 'metrics listener failed'));
  log.info({ host: options.host, port: (server.address() as AddressInfo).port }, 'metrics listening');
  if (token === null && !isLoopback(options.host)) {
    log.warn({ host: options.host }, 'metrics are served without a token beyond this machine: set METRICS_TOKEN');
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
