import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_ROUTES, NAMESPACES } from '@parley/shared-types';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useHarness, type Harness } from './harness.js';

const INDEX_HTML = '<!doctype html><html><head><title>Parley</title></head><body><div id="root"></div></body></html>';
const APP_JS = 'console.log("parley");\n';

/** A built SPA in a temp dir (deliberately not named `dist`, as WEB_DIST_DIR may point anywhere). */
async function makeWebDist(h: Harness): Promise<string> {
  const dir = join(await h.makeTempDir('parley-web-'), 'site');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), INDEX_HTML);
  await writeFile(join(dir, 'assets', 'app.js'), APP_JS);
  return dir;
}

/** GET with an Accept-Encoding, answering the bytes as sent. */
function rawGet(
  base: string,
  path: string,
  acceptEncoding: string,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('static serving of the web app', () => {
  const h = useHarness();

  it('GET / and a deep link accepting HTML answer index.html, revalidated on every load', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    for (const path of ['/', '/some/page', '/rooms/123?tab=members']) {
      const res = await h.http(server, path, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.text, path).toBe(INDEX_HTML);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('GET /assets/app.js serves the file, cached as immutable', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    const res = await h.http(server, '/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.text).toBe(APP_JS);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('W8: an asset built with .br and .gz beside it is sent compressed as the browser accepts, with Vary: Accept-Encoding', async () => {
    const dir = await makeWebDist(h);
    const big = `${'console.log("parley, a long line of the bundle");\n'.repeat(200)}`;
    await writeFile(join(dir, 'assets', 'big.js'), big);
    await writeFile(join(dir, 'assets', 'big.js.br'), brotliCompressSync(big));
    await writeFile(join(dir, 'assets', 'big.js.gz'), gzipSync(big));
    const server = await h.start({ webDistDir: dir });
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      // Raw bytes, so the encoding is seen as sent (fetch would undo it).
      const res = await rawGet(server.url, '/assets/big.js', accept);
      expect(res.headers['content-encoding'] ?? null, accept).toBe(encoding);
      expect(res.headers.vary, accept).toMatch(/accept-encoding/i);
      expect(res.headers['content-type'], accept).toMatch(/javascript/);
      expect(res.headers['cache-control'], accept).toBe('public, max-age=31536000, immutable');
      const body =
        encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
      expect(body.toString('utf8'), accept).toBe(big);
      if (encoding === 'br') expect(res.body.length).toBeLessThan(big.length / 10);
    }
  });

  it('GET /assets/missing.js is a real 404, not the HTML page, even when HTML is accepted', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    for (const headers of [{}, HTML]) {
      const res = await h.http(server, '/assets/missing.js', { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json).toEqual({ error: 'not_found', message: expect.any(String) });
      expect(res.text).not.toContain('<html');
    }
  });

  it('GET /api/nope is a 404 JSON error, even when HTML is accepted', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    const res = await h.http(server, '/api/nope', { headers: HTML });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({ error: 'not_found' });
  });

  it('a page path without HTML in Accept is a 404 JSON error, and the API still answers beside the SPA', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    const res = await h.http(server, '/some/page', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: 'not_found' });
    expect((await h.http(server, API_ROUTES.health, { headers: HTML })).json).toEqual({ status: 'ok' });
    expect((await h.http(server, API_ROUTES.me, { headers: HTML })).status).toBe(401);
    // Socket.IO still owns its path.
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    expect(tab.connected).toBe(true);
    expect((await h.connectError(server, NAMESPACES.chat)).message).toBe('unauthorized');
  });

  it('with webDistDir null there is no SPA: / is a 404 JSON error', async () => {
    const server = await h.start({ webDistDir: null });
    const res = await h.http(server, '/', { headers: HTML });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: 'not_found' });
  });
});
