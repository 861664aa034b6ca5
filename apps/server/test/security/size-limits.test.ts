import { DEFAULT_ROOM_NAME, MESSAGE_TEXT_MAX } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type TestClient } from '../harness.js';
import { ENGINE_POLLING_PATH, RawWebSocket, rawRequest, tableCounts } from './support.js';

/*
 * SEC-SIZE: memory-exhaustion defences. The transport refuses anything over 64 KiB
 * (maxHttpBufferSize) before parsing it, on WebSocket and long-polling alike; the domain
 * bounds message text at 4000 characters (M5).
 */

/** The limit the product promises (maxHttpBufferSize), written out rather than imported from the code under test. */
const LIMIT = 64 * 1024;

async function generalOf(tab: TestClient): Promise<string> {
  return (await tab.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
}

describe('SEC-SIZE: transport and text limits', () => {
  const h = useHarness();

  it('SEC-SIZE: a WebSocket message over 64 KiB closes that connection; other clients keep working', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const big = await h.connect(server, alice, 'alice-big');
    const bystander = await h.connect(server, bob, 'bob');
    const generalId = await generalOf(big);
    const before = tableCounts(server);

    // A valid-looking command whose frame is just over the limit: never parsed, never answered.
    const overhead =
      JSON.stringify(['message:send', { roomId: generalId, clientMessageId: newCmid(), text: '' }]).length + 16;
    const text = 'x'.repeat(LIMIT - overhead + 64);
    const answer = big
      .raw('message:send', [{ roomId: generalId, clientMessageId: newCmid(), text }])
      .catch((e: Error) => e);
    const reason = await big.waitForDisconnect();
    expect(reason).toMatch(/^transport (close|error)$/);
    expect(await answer).toBeInstanceOf(Error);

    // The bystander is unaffected and the server still answers, also the same user on a new connection.
    const sent = await bystander.ok('message:send', {
      roomId: generalId,
      clientMessageId: newCmid(),
      text: 'still here',
    });
    expect(sent.text).toBe('still here');
    const again = await h.connect(server, alice, 'alice-again');
    await again.sync();
    expect(tableCounts(server).messages).toBe(before.messages + 1);
  });

  it('SEC-SIZE: a raw WebSocket frame over 64 KiB is refused by the transport (connection closed with 1009)', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const ws = await RawWebSocket.open(server, { cookie: alice.cookie });
    await ws.connectChat();
    ws.sendText(`42/chat,["message:send",${JSON.stringify('y'.repeat(LIMIT + 1))}]`);
    await ws.waitForClose();
    expect(ws.closeCode).toBe(1009);
    // Just under the limit is parsed and answered (with too_long from validation, not a drop).
    const ok = await RawWebSocket.open(server, { cookie: alice.cookie });
    await ok.connectChat();
    const under = 'z'.repeat(LIMIT - 200);
    expect(
      await ok.command(7, 'message:send', { roomId: 'r', clientMessageId: 'abcdefgh', text: under }),
    ).toMatchObject({
      ok: false,
      error: 'too_long',
    });
    ok.destroy();
  });

  it('SEC-SIZE: a long-polling POST body over 64 KiB gets 413; a small one is accepted', async () => {
    const server = await h.start();
    const handshake = async () => {
      const res = await rawRequest(server, { path: ENGINE_POLLING_PATH });
      expect(res.status).toBe(200);
      return (JSON.parse(res.body.slice(1)) as { sid: string }).sid;
    };
    const sid = await handshake();
    const small = await rawRequest(server, {
      method: 'POST',
      path: `${ENGINE_POLLING_PATH}&sid=${sid}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: '40/chat,',
    });
    expect(small.status).toBe(200);
    expect(small.body).toBe('ok');

    const bigSid = await handshake();
    const big = await rawRequest(server, {
      method: 'POST',
      path: `${ENGINE_POLLING_PATH}&sid=${bigSid}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `4${'a'.repeat(LIMIT + 10)}`,
    });
    expect(big.status).toBe(413);
    // The server is fine.
    expect((await h.http(server, '/healthz')).status).toBe(200);
  });

  it('SEC-SIZE M5: message text of 4001 characters is too_long and not stored; 4000 is stored whole', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const tab = await h.connect(server, alice);
    const observer = await h.connect(server, bob);
    const generalId = await generalOf(tab);
    const before = tableCounts(server).messages;

    const over = await tab.request('message:send', {
      roomId: generalId,
      clientMessageId: newCmid(),
      text: 'a'.repeat(MESSAGE_TEXT_MAX + 1),
    });
    expect(over).toMatchObject({ ok: false, error: 'too_long', details: { path: '/text' } });
    // Counted in characters (code points): 4001 emoji are too long although under the UTF-16 schema bound...
    const emojiOver = await tab.request('message:send', {
      roomId: generalId,
      clientMessageId: newCmid(),
      text: '🦜'.repeat(MESSAGE_TEXT_MAX + 1),
    });
    expect(emojiOver).toMatchObject({ ok: false, error: 'too_long' });
    expect(tableCounts(server).messages).toBe(before);

    // ...and exactly 4000 of either is accepted and stored whole.
    for (const text of ['a'.repeat(MESSAGE_TEXT_MAX), '🦜'.repeat(MESSAGE_TEXT_MAX)]) {
      const sent = await tab.ok('message:send', { roomId: generalId, clientMessageId: newCmid(), text });
      expect(sent.text).toBe(text);
      expect((await observer.waitFor('message:created', (m) => m.id === sent.id)).text).toBe(text);
    }
    const history = await tab.ok('message:history', { roomId: generalId });
    expect(history.messages.map((m) => m.text.length)).toEqual([MESSAGE_TEXT_MAX, 2 * MESSAGE_TEXT_MAX]);
    expect(tableCounts(server).messages).toBe(before + 2);
    await observer.sync();
    expect(observer.received('message:created')).toHaveLength(2);
  });
});
