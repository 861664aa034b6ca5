import { API_ROUTES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, until, useHarness } from './harness.js';

/** Every line the app logged, as written (JSON text) and parsed. */
function captureLogs() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('O3: structured logs carry a request or socket id and no secrets', () => {
  const h = useHarness();

  it('O3: a sign-up, a sign-in, socket traffic and a refusal leave no password, cookie, token or message text in the log', async () => {
    const logs = captureLogs();
    // trace: every line Fastify and Parley can write.
    const server = await h.start({ logLevel: 'trace' }, { logStream: logs.stream });
    const password = 'Sesame-open-5b1f9c-correct';
    const text = 'the secret plans 7e2d4a';
    const alice = await h.register(server, 'alice', password);
    const signedIn = await h.login(server, 'alice', password);
    const wrong = await h.http(server, API_ROUTES.login, { body: { username: 'alice', password: `${password}!` } });
    expect(wrong.status).toBe(401);
    const tab = await h.connect(server, signedIn, 'alice1');
    const roomId = (await tab.ok('room:list', {}))[0]!.id;
    await tab.ok('message:send', { roomId, clientMessageId: newCmid(), text });
    expect(await tab.request('message:send', { roomId: 'nowhere', clientMessageId: newCmid(), text })).toMatchObject({
      ok: false,
    });
    // A refused handshake: a session cookie that is not one.
    await h.connectError(server, '/chat', { cookie: `${signedIn.cookie}0` });
    const socketId = tab.socket.id;
    tab.close();
    await until(() => logs.text().includes('chat socket disconnected'), 'the disconnect is logged');
    // A line that hands the logger secrets whole (a future mistake) is censored by the redaction paths.
    server.app.http.log.info(
      { body: { password, text }, headers: { cookie: alice.cookie, authorization: `Bearer ${password}` } },
      'a careless line',
    );

    const all = logs.text();
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [password, text, alice.cookie, signedIn.cookie]) {
      expect(all, `the log holds ${secret}`).not.toContain(secret);
    }
    // Only the value of the cookie is secret; its name is not.
    expect(all).not.toContain(signedIn.cookie.split('=')[1]!);
    const records = logs.records();
    const careless = records.find((r) => r.msg === 'a careless line') as {
      body: Record<string, string>;
      headers: Record<string, string>;
    };
    expect(careless.body).toEqual({ password: '[redacted]', text: '[redacted]' });
    expect(careless.headers).toEqual({ cookie: '[redacted]', authorization: '[redacted]' });

    // Every request line names its request; a request's lines share the id.
    const requestLines = records.filter((r) => r.req !== undefined || r.res !== undefined);
    expect(requestLines.length).toBeGreaterThanOrEqual(6);
    for (const line of requestLines) expect(line.reqId, JSON.stringify(line)).toEqual(expect.any(String));
    // Socket lines name the socket and the user.
    const connected = records.find((r) => r.msg === 'chat socket connected');
    expect(connected).toMatchObject({ socketId, userId: alice.user.id });
    const disconnected = records.find((r) => r.msg === 'chat socket disconnected');
    expect(disconnected).toMatchObject({ socketId, userId: alice.user.id, reason: 'client namespace disconnect' });
    const refused = records.find((r) => r.msg === 'chat handshake refused');
    expect(refused).toMatchObject({ socketId: expect.any(String), refused: 'unauthorized' });
  });
});
