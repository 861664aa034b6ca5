import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { apiError } from './errors.js';

/** Paths that belong to the API or the socket transport: never answered with the SPA. */
const NOT_PAGES = ['/api/', '/socket.io/', '/healthz', '/readyz'];

/**
 * Serves the built SPA. Page routes (no file extension, accepting HTML) fall back to
 * index.html so deep links work; anything else that is missing, such as
 * `/assets/gone.js`, is a real 404, so a stale bundle fails loudly instead of
 * receiving HTML.
 */
export async function registerStatic(app: FastifyInstance, webDistDir: string | null): Promise<void> {
  const hasSpa = webDistDir !== null && existsSync(join(webDistDir, 'index.html'));
  if (hasSpa) {
    // Decided by the file's real folder, not by the name of the folder that holds it.
    const assetsDir = resolve(webDistDir, 'assets') + sep;
    await app.register(fastifyStatic, {
      root: webDistDir,
      wildcard: true,
      index: ['index.html'],
      // Nothing whose path has a part starting with a dot (.env, .git/…) leaves the folder:
      // the build does not put any there, so whatever is there was not meant to be served.
      dotfiles: 'deny',
      // The web build writes .br and .gz beside each text asset (apps/web/scripts/precompress.mjs):
      // the smallest one the browser accepts is sent, with Vary: Accept-Encoding.
      preCompressed: true,
      setHeaders(res, path) {
        // Vite fingerprints asset names, so they never change; the page itself must be revalidated.
        res.header(
          'cache-control',
          resolve(path).startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  } else {
    app.log.warn({ webDistDir }, 'no built web app found; serving the API only');
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      extname(path) === '' &&
      !NOT_PAGES.some((prefix) => path.startsWith(prefix)) &&
      (request.headers.accept ?? '').includes('text/html');
    if (hasSpa && isPage) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send(apiError('not_found'));
  });
}
