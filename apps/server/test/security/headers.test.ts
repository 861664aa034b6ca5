import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_ROUTES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { useHarness, type Harness } from '../harness.js';
import { portOf, rawRequest } from './support.js';

/*
 * SEC-HEADERS: the browser-facing defences on every page load. A strict CSP means an
 * injected <script> (or inline handler) does not run and a page cannot be made to talk to
 * another host; the other headers stop MIME sniffing, framing (clickjacking), referrer
 * leaks and cross-window access.
 */

const INDEX_HTML = '<!doctype html><html><head><title>Parley</title></head><body><div id="root"></div></body></html>';
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

async function makeWebDist(h: Harness): Promise<string> {
  const dir = join(await h.makeTempDir('parley-web-'), 'site');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), INDEX_HTML);
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1);\n');
  return dir;
}

/** directive name -> its source list, from a CSP header. */
function parseCsp(header: string | string[] | null | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  const text = Array.isArray(header) ? header.join(';') : (header ?? '');
  for (const part of text.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

describe('SEC-HEADERS: browser security headers', () => {
  const h = useHarness();

  it('SEC-HEADERS: GET / has a strict CSP: default-src/script-src self without unsafe-inline, connect-src self and ws://HOST only', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    const res = await h.http(server, '/', { headers: HTML });
    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX_HTML);
    const csp = parseCsp(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${portOf(server)}`]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, values] of csp) {
      for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'ws:', 'wss:']) {
        expect(values, `${name} must not allow ${forbidden}`).not.toContain(forbidden);
      }
    }
    // No Content-Security-Policy-Report-Only in place of the real thing.
    expect(res.headers.get('content-security-policy-report-only')).toBeNull();
  });

  it('SEC-HEADERS: nosniff, no framing, a referrer policy and COOP on the page, the assets and the API', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    for (const [path, headers] of [
      ['/', HTML],
      ['/rooms/deep-link', HTML],
      ['/assets/app.js', {}],
      [API_ROUTES.me, {}],
      [API_ROUTES.health, {}],
      ['/api/nope', {}],
    ] as const) {
      const res = await h.http(server, path, { headers });
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const frameOptions = res.headers.get('x-frame-options');
      const ancestors = parseCsp(res.headers.get('content-security-policy')).get('frame-ancestors');
      expect(frameOptions === 'DENY' || frameOptions === 'SAMEORIGIN' || ancestors?.join(' ') === "'none'", path).toBe(
        true,
      );
      expect(ancestors, path).toEqual(["'none'"]);
      expect(res.headers.get('referrer-policy'), path).toMatch(
        /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/,
      );
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('SEC-HEADERS: connect-src follows the Host it was served under (localhost) and wss:// behind a trusted HTTPS proxy', async () => {
    const server = await h.start({
      webDistDir: await makeWebDist(h),
      trustProxy: ['127.0.0.1'],
      allowedHosts: ['localhost', 'chat.example.com'],
    });
    const port = portOf(server);
    const local = await rawRequest(server, { path: '/', headers: { ...HTML, host: `localhost:${port}` } });
    expect(parseCsp(local.headers['content-security-policy']).get('connect-src')).toEqual([
      "'self'",
      `ws://localhost:${port}`,
    ]);
    const https = await rawRequest(server, {
      path: '/',
      headers: { ...HTML, host: 'chat.example.com', 'x-forwarded-proto': 'https' },
    });
    expect(parseCsp(https.headers['content-security-policy']).get('connect-src')).toEqual([
      "'self'",
      'wss://chat.example.com',
    ]);
    expect(https.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('SEC-HEADERS: a Host header cannot add sources or directives to the CSP, nor turn the page into a 500: it is not a served name (421)', async () => {
    const server = await h.start({ webDistDir: await makeWebDist(h) });
    for (const host of [
      "evil.com; script-src 'unsafe-inline' *",
      'evil.com *',
      "evil.com 'unsafe-eval' https:",
      'a,b',
      'localhost *',
    ]) {
      const res = await rawRequest(server, { path: '/', headers: { ...HTML, host } });
      expect(res.status, host).toBe(421);
      const header = String(res.headers['content-security-policy'] ?? '');
      for (const injected of ["'unsafe-inline'", "'unsafe-eval'", '*', 'https:', 'evil.com']) {
        expect(header, host).not.toContain(injected);
      }
    }
  });
});
