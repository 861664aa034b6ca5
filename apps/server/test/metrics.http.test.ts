import { CHAT_COMMAND_SCHEMAS, ERROR_CODES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { freePort } from './process/server-process.js';
import { rawRequest } from './security/support.js';
import { type TestServer, WAIT_MS, newCmid, useHarness } from './harness.js';

/** 256 bits of hex: what `openssl rand -hex 32` gives. */
const METRICS_TOKEN = '5f0c3a9e71b24d68a0e9c4f2d17b835e6a4c09f1e2d37b58c6a1f04e9d2b7c31';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, samples only (comments skipped), label escapes undone. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

describe('O1: /metrics is never public by default', () => {
  const h = useHarness();

  async function get(server: TestServer | string, headers: Record<string, string> = {}) {
    const url = typeof server === 'string' ? server : `${server.url}/metrics`;
    const response = await fetch(url, { headers });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it('O1: with neither METRICS_TOKEN nor METRICS_PORT, /metrics answers 404 (a browser asking for a page too)', async () => {
    const server = await h.start();
    expect((await get(server)).status).toBe(404);
    expect((await get(server, { accept: 'text/html', authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(404);
    expect(server.app.metricsPort).toBeNull();
  });

  it('O1: with METRICS_TOKEN, a missing, wrong or malformed token gets 401; the right one gets the metrics', async () => {
    const server = await h.start({ metricsToken: METRICS_TOKEN });
    const refusals: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${METRICS_TOKEN}x` },
      { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` },
      { authorization: METRICS_TOKEN },
      { authorization: 'Bearer ' },
    ];
    for (const headers of refusals) {
      const refused = await get(server, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(refused.text).not.toContain('parley_');
    }
    const served = await get(server, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(served.text);
    expect(valueOf(samples, 'parley_storage_state', { state: 'ok' })).toBe(1);
    expect(valueOf(samples, 'parley_storage_state', { state: 'disk_pressure' })).toBe(0);
    expect(valueOf(samples, 'parley_storage_state', { state: 'read_only' })).toBe(0);
    // prom-client's default metrics: memory and event-loop delay.
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('O1: with METRICS_PORT, metrics are served on that port only (on loopback), never on the main one', async () => {
    const server = await h.start({ metricsPort: 0 });
    const port = server.app.metricsPort;
    expect(port).not.toBeNull();
    expect(String(port)).not.toBe(new URL(server.url).port);
    const served = await get(`http://127.0.0.1:${port}/metrics`);
    expect(served.status).toBe(200);
    expect(valueOf(parseMetrics(served.text), 'parley_storage_state', { state: 'ok' })).toBe(1);
    expect((await get(server)).status).toBe(404);
    expect((await get(`http://127.0.0.1:${port}/api/auth/me`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);
    // A page whose name was made to resolve to this machine (DNS rebinding) is not answered;
    // a scraper naming the machine by address or as localhost is.
    const own = { url: `http://127.0.0.1:${port}` };
    expect((await rawRequest(own, { path: '/metrics', headers: { host: `evil.example:${port}` } })).status).toBe(421);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, '10.1.2.3']) {
      expect((await rawRequest(own, { path: '/metrics', headers: { host } })).status, host).toBe(200);
    }
  });

  it('O1: with METRICS_PORT and METRICS_TOKEN both, the separate listener asks for the token too', async () => {
    const server = await h.start({ metricsPort: 0, metricsToken: METRICS_TOKEN });
    const url = `http://127.0.0.1:${server.app.metricsPort}/metrics`;
    expect((await get(url)).status).toBe(401);
    expect((await get(url, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(url, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expect((await get(server, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(404);
  });

  it('O1: a METRICS_PORT already taken refuses to start, naming it', async () => {
    const taken = await h.start({ metricsPort: 0 });
    await expect(h.start({ metricsPort: taken.app.metricsPort! })).rejects.toThrow(/METRICS_PORT: cannot listen/);
    // The separate listener closes with the app.
    const port = await freePort();
    const server = await h.start({ metricsPort: port });
    await server.app.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('O2: what the metrics count, after real traffic', () => {
  const h = useHarness();

  it('O2: commands by name and result, ack latency, messages stored, commits, connections and users online', async () => {
    const server = await h.start({ metricsToken: METRICS_TOKEN });
    const scrape = async () => {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.status).toBe(200);
      return parseMetrics(await response.text());
    };
    const before = await scrape();
    expect(valueOf(before, 'parley_messages_stored_total') ?? 0).toBe(0);

    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const alice1 = await h.connect(server, alice, 'alice1');
    const alice2 = await h.connect(server, alice, 'alice2');
    const bob1 = await h.connect(server, bob, 'bob1');
    const roomId = (await alice1.ok('room:list', {}))[0]!.id;

    const SENT = 12;
    const cmids: string[] = [];
    for (let i = 0; i < SENT; i++) {
      const clientMessageId = newCmid();
      cmids.push(clientMessageId);
      await alice1.ok('message:send', { roomId, clientMessageId, text: `hello ${i}` });
    }
    // A retried send (M3) is answered again but stores nothing new.
    await alice1.ok('message:send', { roomId, clientMessageId: cmids[0]!, text: 'hello 0' });
    // Refused commands: a malformed payload, a room that does not exist.
    expect(await alice1.raw('message:send', [{ roomId, text: 'no cmid' }])).toMatchObject({ error: 'invalid_payload' });
    expect(
      await bob1.request('message:send', { roomId: 'no-such-room', clientMessageId: newCmid(), text: 'x' }),
    ).toMatchObject({ ok: false, error: 'forbidden' });
    // Client input never becomes a label: an unknown event and a hostile name are only counted.
    alice1.emitNoAck('evil{label="x"}', { text: 'boo' });
    alice1.emitNoAck('not:a-command');
    await alice1.sync();
    await bob1.waitFor('message:created', (m) => m.text === `hello ${SENT - 1}`);

    const samples = await scrape();
    const commands = (result: string) =>
      valueOf(samples, 'parley_commands_total', { command: 'message:send', result }) ?? 0;
    expect(commands('ok')).toBe(SENT + 1);
    expect(commands('invalid_payload')).toBe(1);
    // M7: an unknown room is refused like a foreign one.
    expect(commands('forbidden')).toBe(1);
    expect(
      samples.filter((s) => s.name === 'parley_commands_total' && s.labels.command === 'message:send').length,
    ).toBe(3);
    // The round trips of the clients: room:list twice (list, sync), answered ok.
    expect(valueOf(samples, 'parley_commands_total', { command: 'room:list', result: 'ok' })).toBe(2);
    expect(valueOf(samples, 'parley_ignored_events_total')).toBe(2);
    expect(valueOf(samples, 'parley_messages_stored_total')).toBe(SENT);

    // Every answered send is one latency observation of class "send".
    expect(valueOf(samples, 'parley_ack_latency_seconds_count', { class: 'send' })).toBe(SENT + 3);
    expect(valueOf(samples, 'parley_ack_latency_seconds_bucket', { class: 'send', le: '+Inf' })).toBe(SENT + 3);
    expect(valueOf(samples, 'parley_ack_latency_seconds_count', { class: 'read' })).toBe(2);
    expect(valueOf(samples, 'parley_ack_latency_seconds_sum', { class: 'send' })).toBeGreaterThan(0);

    // Group commit on the writer thread: every stored message went through a commit.
    const commits = valueOf(samples, 'parley_commit_batch_size_count')!;
    const writes = valueOf(samples, 'parley_commit_batch_size_sum')!;
    expect(commits).toBeGreaterThan(0);
    expect(writes).toBeGreaterThanOrEqual(SENT);
    expect(writes).toBeGreaterThanOrEqual(commits);
    expect(valueOf(samples, 'parley_commit_duration_seconds_count')).toBe(commits);
    expect(valueOf(samples, 'parley_commit_duration_seconds_sum')).toBeGreaterThan(0);

    expect(valueOf(samples, 'parley_connections', { layer: 'chat' })).toBe(3);
    expect(valueOf(samples, 'parley_connections', { layer: 'engineio' })).toBe(3);
    expect(valueOf(samples, 'parley_users_online')).toBe(2);

    // Bounded cardinality: every label value comes from the protocol's own tables.
    const commandNames = new Set(Object.keys(CHAT_COMMAND_SCHEMAS));
    const results = new Set(['ok', ...ERROR_CODES]);
    for (const s of samples.filter((x) => x.name === 'parley_commands_total')) {
      expect(commandNames.has(s.labels.command!), s.labels.command).toBe(true);
      expect(results.has(s.labels.result!), s.labels.result).toBe(true);
    }
    for (const s of samples) expect(JSON.stringify(s.labels)).not.toMatch(/evil|not:a-command|hello|alice|bob/);

    // Connections closing are seen at the next scrape.
    alice2.close();
    bob1.close();
    let after = await scrape();
    const deadline = Date.now() + WAIT_MS;
    while (valueOf(after, 'parley_connections', { layer: 'chat' }) !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await scrape();
    }
    expect(valueOf(after, 'parley_connections', { layer: 'chat' })).toBe(1);
    expect(valueOf(after, 'parley_users_online')).toBe(1);
  });
});
