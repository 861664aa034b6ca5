import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_ROUTES, NAMESPACES } from '@parley/shared-types';
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
