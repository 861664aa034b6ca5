import { NAMESPACES, NOTICE_TEXT_MAX, type Notice } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, WAIT_MS, useHarness } from './harness.js';

describe('N1: the /admin namespace', () => {
  const h = useHarness();

  it('N1: a notice sent on /admin with the admin token reaches every connected chat client as server:notice', async () => {
    const server = await h.start({ adminToken: ADMIN_TOKEN });
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const loner = await h.register(server, 'loner');
    const tabs = [
      await h.connect(server, alice, 'alice1'),
      await h.connect(server, alice, 'alice2'),
      await h.connect(server, bob, 'bob'),
      await h.connect(server, loner, 'loner'),
    ];
    // Even someone in no room at all gets it.
    await tabs[3]!.ok('room:leave', { roomId: (await tabs[3]!.ok('room:list', {}))[0]!.id });

    const admin = await h.connectAdmin(server, ADMIN_TOKEN);
    const ack = (await admin.timeout(WAIT_MS).emitWithAck('notice:send', { text: 'Maintenance at noon' })) as {
      ok: true;
      data: Notice;
    };
    expect(ack).toEqual({
      ok: true,
      data: { id: expect.any(String), text: 'Maintenance at noon', createdAt: expect.any(Number) },
    });
    for (const tab of tabs) expect(await tab.waitFor('server:notice'), tab.label).toEqual(ack.data);
  });

  it('N1: an invalid notice is refused and reaches no one', async () => {
    const server = await h.start({ adminToken: ADMIN_TOKEN });
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    const admin = await h.connectAdmin(server, ADMIN_TOKEN);
    const send = (payload: unknown) => admin.timeout(WAIT_MS).emitWithAck('notice:send', payload);
    expect(await send({ text: '' })).toMatchObject({ ok: false, error: 'invalid_payload' });
    expect(await send({ text: 'hi', level: 'red' })).toMatchObject({ ok: false, error: 'invalid_payload' });
    expect(await send('hi')).toMatchObject({ ok: false, error: 'invalid_payload' });
    expect(await send({ text: 'x'.repeat(NOTICE_TEXT_MAX + 1) })).toMatchObject({ ok: false, error: 'too_long' });
    const good = (await send({ text: 'the real one' })) as { ok: true; data: Notice };
    expect(await tab.waitFor('server:notice')).toEqual(good.data);
    expect(tab.received('server:notice')).toEqual([good.data]);
    expect(admin.connected).toBe(true);
  });

  it('N1: a wrong or missing admin token gets connect_error unauthorized', async () => {
    const server = await h.start({ adminToken: ADMIN_TOKEN });
    const alice = await h.register(server, 'alice');
    expect((await h.connectError(server, NAMESPACES.admin, { auth: { token: `${ADMIN_TOKEN}x` } })).message).toBe(
      'unauthorized',
    );
    expect((await h.connectError(server, NAMESPACES.admin, { auth: { token: 42 } })).message).toBe('unauthorized');
    expect((await h.connectError(server, NAMESPACES.admin)).message).toBe('unauthorized');
    // A chat session is not an admin credential.
    expect((await h.connectError(server, NAMESPACES.admin, { cookie: alice.cookie })).message).toBe('unauthorized');
  });

  it('N1: without a configured admin token, /admin refuses everyone', async () => {
    const server = await h.start({ adminToken: null });
    expect((await h.connectError(server, NAMESPACES.admin, { auth: { token: ADMIN_TOKEN } })).message).toBe(
      'unauthorized',
    );
    expect((await h.connectError(server, NAMESPACES.admin, { auth: { token: '' } })).message).toBe('unauthorized');
  });

  it('W1/N1: the admin namespace does not answer chat commands, and the chat keeps working beside it', async () => {
    const server = await h.start({ adminToken: ADMIN_TOKEN });
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    const admin = await h.connectAdmin(server, ADMIN_TOKEN);
    let answered = false;
    admin.emit('room:list', {}, () => {
      answered = true;
    });
    const good = (await admin.timeout(WAIT_MS).emitWithAck('notice:send', { text: 'after' })) as {
      ok: true;
      data: Notice;
    };
    expect(good.ok).toBe(true);
    expect(answered).toBe(false);
    expect(await tab.waitFor('server:notice')).toEqual(good.data);
    await tab.sync();
  });
});
