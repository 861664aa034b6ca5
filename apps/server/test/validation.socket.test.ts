import {
  API_ROUTES,
  CHAT_COMMAND_SCHEMAS,
  DEFAULT_ROOM_NAME,
  ERROR_CODES,
  type ChatCommand,
} from '@parley/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, newCmid, type Account, type TestClient, type TestServer } from './harness.js';

/*
 * W2–W5 for every command. One server for the table-driven cases (each case asserts the
 * connection survived and the server still answers); a fresh one for the failure test.
 */

const COMMANDS = Object.keys(CHAT_COMMAND_SCHEMAS) as ChatCommand[];
const NON_OBJECTS: Array<[string, unknown]> = [
  ['a string', 'hello'],
  ['a number', 42],
  ['an array', []],
  ['null', null],
  ['true', true],
];

describe('W3: every command payload is validated before any handler runs', () => {
  const h = new Harness();
  let server: TestServer;
  let alice: Account;
  let actor: TestClient;
  let observer: TestClient;
  let generalId: string;

  beforeAll(async () => {
    server = await h.start();
    alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    actor = await h.connect(server, alice, 'alice');
    observer = await h.connect(server, bob, 'bob');
    generalId = (await actor.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
  });
  afterAll(() => h.cleanup());

  /** The connection is still open and the server still answers it. */
  async function stillServed(): Promise<void> {
    expect(actor.connected).toBe(true);
    expect(actor.disconnectReason).toBeNull();
    const rooms = await actor.ok('room:list', {});
    expect(rooms.some((r) => r.id === generalId)).toBe(true);
  }

  const cases: Array<[ChatCommand, string, (ctx: { generalId: string; aliceId: string }) => unknown]> = [
    ['room:list', 'an unknown key', () => ({ extra: 1 })],
    ['room:browse', 'an unknown key', () => ({ all: true })],
    ['room:create', 'a missing name', () => ({})],
    ['room:create', 'a number as name', () => ({ name: 5 })],
    ['room:create', 'a string isPrivate', () => ({ name: 'Lobby', isPrivate: 'yes' })],
    ['room:create', 'an unknown key', () => ({ name: 'Lobby', owner: 'me' })],
    ['room:join', 'a missing roomId', () => ({})],
    ['room:join', 'a number as roomId', () => ({ roomId: 7 })],
    ['room:join', 'an empty roomId', () => ({ roomId: '' })],
    ['room:join', 'a roomId with forbidden characters', () => ({ roomId: 'a b/c' })],
    ['room:join', 'an unknown key', ({ generalId }) => ({ roomId: generalId, force: true })],
    ['room:leave', 'a missing roomId', () => ({})],
    ['room:leave', 'an unknown key', ({ generalId }) => ({ roomId: generalId, x: 1 })],
    ['room:members', 'a number as roomId', () => ({ roomId: 1 })],
    ['room:members', 'an unknown key', ({ generalId }) => ({ roomId: generalId, online: true })],
    ['dm:open', 'a missing userId', () => ({})],
    ['dm:open', 'a number as userId', () => ({ userId: 3 })],
    ['dm:open', 'an unknown key', ({ aliceId }) => ({ userId: aliceId, hello: 'x' })],
    ['message:send', 'a missing clientMessageId', ({ generalId }) => ({ roomId: generalId, text: 'x' })],
    ['message:send', 'a missing text', ({ generalId }) => ({ roomId: generalId, clientMessageId: newCmid() })],
    ['message:send', 'a missing roomId', () => ({ clientMessageId: newCmid(), text: 'x' })],
    [
      'message:send',
      'a number as text',
      ({ generalId }) => ({ roomId: generalId, clientMessageId: newCmid(), text: 1 }),
    ],
    [
      'message:send',
      'a too short clientMessageId',
      ({ generalId }) => ({ roomId: generalId, clientMessageId: 'abc', text: 'x' }),
    ],
    [
      'message:send',
      'a clientMessageId with spaces',
      ({ generalId }) => ({ roomId: generalId, clientMessageId: 'has some spaces', text: 'x' }),
    ],
    [
      'message:send',
      'an unknown key',
      ({ generalId }) => ({ roomId: generalId, clientMessageId: newCmid(), text: 'x', pinned: true }),
    ],
    ['message:history', 'before 0', ({ generalId }) => ({ roomId: generalId, before: 0 })],
    ['message:history', 'a string before', ({ generalId }) => ({ roomId: generalId, before: '5' })],
    ['message:history', 'limit 0', ({ generalId }) => ({ roomId: generalId, limit: 0 })],
    ['message:history', 'limit 101', ({ generalId }) => ({ roomId: generalId, limit: 101 })],
    ['message:history', 'a fractional limit', ({ generalId }) => ({ roomId: generalId, limit: 2.5 })],
    ['message:history', 'an unknown key', ({ generalId }) => ({ roomId: generalId, after: 1 })],
    ['typing:start', 'a missing roomId', () => ({})],
    ['typing:start', 'an unknown key', ({ generalId }) => ({ roomId: generalId, x: 1 })],
    ['typing:stop', 'a number as roomId', () => ({ roomId: 9 })],
  ];

  it.each(cases)(
    'W3: %s with %s answers invalid_payload and the connection stays open',
    async (command, _label, make) => {
      const payload = make({ generalId, aliceId: alice.user.id });
      const ack = (await actor.raw(command, [payload])) as { ok: boolean; error: string; details?: { path?: string } };
      expect(ack).toMatchObject({ ok: false, error: 'invalid_payload' });
      expect(ack.details?.path).toEqual(expect.any(String));
      await stillServed();
    },
  );

  for (const command of COMMANDS) {
    it.each(NON_OBJECTS)(`W3: ${command} with %s as payload answers invalid_payload`, async (_label, payload) => {
      expect(await actor.raw(command, [payload])).toMatchObject({ ok: false, error: 'invalid_payload' });
      await stillServed();
    });
  }

  it.each(COMMANDS)('W3: %s with no payload at all (only the callback) answers invalid_payload', async (command) => {
    expect(await actor.raw(command, [])).toMatchObject({ ok: false, error: 'invalid_payload' });
    await stillServed();
  });

  it('W3: an over-long string answers too_long with its path', async () => {
    const ack = await actor.raw('message:send', [
      { roomId: generalId, clientMessageId: newCmid(), text: 'x'.repeat(8001) },
    ]);
    expect(ack).toMatchObject({ ok: false, error: 'too_long', details: { path: '/text' } });
    expect(await actor.raw('room:create', [{ name: 'n'.repeat(513) }])).toMatchObject({
      ok: false,
      error: 'too_long',
      details: { path: '/name' },
    });
    expect(await actor.raw('room:join', [{ roomId: 'a'.repeat(65) }])).toMatchObject({
      ok: false,
      error: 'too_long',
      details: { path: '/roomId' },
    });
    await stillServed();
  });

  it('W3: invalid sends store nothing and broadcast nothing', async () => {
    const before = (await actor.ok('message:history', { roomId: generalId })).messages.length;
    for (const payload of [
      { roomId: generalId, text: 'no id' },
      { roomId: generalId, clientMessageId: newCmid(), text: 'x', extra: true },
      { roomId: generalId, clientMessageId: newCmid(), text: 42 },
    ]) {
      expect(await actor.raw('message:send', [payload])).toMatchObject({ ok: false, error: 'invalid_payload' });
    }
    const marker = await actor.ok('message:send', { roomId: generalId, clientMessageId: newCmid(), text: 'marker' });
    await observer.waitFor('message:created', (m) => m.id === marker.id);
    expect(observer.received('message:created').filter((m) => m.text !== 'marker')).toEqual([]);
    expect((await actor.ok('message:history', { roomId: generalId })).messages).toHaveLength(before + 1);
  });

  it('W4: invalid payloads without an ack callback do not crash or close the connection', async () => {
    for (const command of COMMANDS) {
      actor.emitNoAck(command, { definitely: 'wrong' });
      actor.emitNoAck(command, 'text');
      actor.emitNoAck(command);
    }
    await stillServed();
    await observer.sync();
    expect(observer.connected).toBe(true);
  });

  it('W4: valid commands without an ack callback run and the answer is dropped', async () => {
    const name = `quiet-${Date.now()}`;
    actor.emitNoAck('room:create', { name });
    const added = await actor.waitFor('room:added', (r) => r.name === name);
    expect(added.kind).toBe('public');
    await stillServed();
  });

  it('W4: an event name that is not a command is ignored, with or without a callback', async () => {
    let answered = false;
    (actor.socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit(
      'room:destroy',
      { roomId: generalId },
      () => {
        answered = true;
      },
    );
    actor.emitNoAck('admin:notice', { text: 'hi' });
    actor.emitNoAck('notice:send', { text: 'not on this namespace' });
    // Later commands on the same connection are answered; the unknown ones never were.
    await stillServed();
    expect(answered).toBe(false);
    await observer.sync();
    expect(observer.received('server:notice')).toEqual([]);
    expect((await actor.ok('room:list', {})).some((r) => r.id === generalId)).toBe(true);
  });

  it('W2: every error code in an ack is one of the table', async () => {
    const acks = await Promise.all([
      actor.raw('room:join', [{ roomId: 'nope' }]),
      actor.raw('room:create', [{ name: DEFAULT_ROOM_NAME }]),
      actor.raw('message:send', [{ roomId: 'nope', clientMessageId: newCmid(), text: 'x' }]),
      actor.raw('room:create', [42]),
    ]);
    for (const ack of acks as Array<{ ok: boolean; error: string }>) {
      expect(ack.ok).toBe(false);
      expect(ERROR_CODES).toContain(ack.error);
    }
  });
});

describe('W5: unknown server failures', () => {
  const h = new Harness();
  afterAll(() => h.cleanup());

  it('W5: a command failing inside the server answers internal, with no stack or driver message', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    const generalId = (await tab.ok('room:list', {}))[0]!.id;
    // Pull the database out from under the running app: every storage call now throws.
    await server.app.storage.close();
    const ack = await tab.request('message:send', { roomId: generalId, clientMessageId: newCmid(), text: 'boom' });
    expect(ack).toEqual({ ok: false, error: 'internal' });
    expect(await tab.request('room:list', {})).toEqual({ ok: false, error: 'internal' });
    expect(tab.connected).toBe(true);
    const me = await h.http(server, API_ROUTES.me, { cookie: alice.cookie });
    expect(me.status).toBe(500);
    expect(me.json).toEqual({ error: 'internal', message: expect.any(String) });
    expect(me.text).not.toMatch(/database|sqlite|TypeError|\bat /i);
  });
});
