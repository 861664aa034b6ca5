import {
  API_ROUTES,
  CHAT_COMMAND_SCHEMAS,
  DEFAULT_ROOM_NAME,
  ERROR_CODES,
  charCount,
  hasHiddenFormatting,
  type ChatCommand,
} from '@parley/shared-types';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../src/storage/keys.js';
import { Harness, newCmid, type Account, type TestClient, type TestServer } from '../harness.js';
import {
  connectClient,
  freePort,
  registerUser,
  startServerProcess,
  tempDataDir,
  waitConnected,
  type ProcessClient,
  type ServerProcess,
} from '../process/server-process.js';
import { OPCODE, RawWebSocket, tableCounts, type TableCounts } from './support.js';

/*
 * SEC-HOSTILE: W2–W5 against an adversary. Arbitrary values for every command (prototype
 * keys, 60 KiB strings, 1000-deep nesting, binary attachments), naughty strings through
 * the whole store-and-echo path, and malformed Socket.IO / WebSocket traffic no client
 * library would send. The server must answer with a coded error (or, for a payload that
 * happens to be valid, normally), write nothing it should not, keep other connections
 * working, and never crash.
 */

const COMMANDS = Object.keys(CHAT_COMMAND_SCHEMAS) as ChatCommand[];
/** Commands that store or broadcast something when valid. */
const EFFECTFUL = new Set<ChatCommand>([
  'room:create',
  'room:join',
  'room:leave',
  'room:invite',
  'room:remove-member',
  'dm:open',
  'message:send',
  'message:edit',
  'message:delete',
  'reaction:add',
  'reaction:remove',
  'room:read',
  'room:notify',
  'room:withdraw-invitation',
  'typing:start',
  'typing:stop',
  'presence:set',
]);
const CHECKS = Object.fromEntries(
  COMMANDS.map((c) => [c, TypeCompiler.Compile(CHAT_COMMAND_SCHEMAS[c]) as { Check(value: unknown): boolean }]),
) as unknown as Record<ChatCommand, { Check(value: unknown): boolean }>;
const ACK_KEYS = new Set(['ok', 'error', 'retryAfterMs', 'details']);
const WRITE_EVENTS = [
  'message:created',
  'message:changed',
  'room:added',
  'room:member-joined',
  'room:member-left',
  'room:invited',
  'room:invitation-withdrawn',
  'room:read-state',
  'room:notify-changed',
  'typing:started',
];

function containsBinary(value: unknown, depth = 0): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (value === null || typeof value !== 'object' || depth > 2000) return false;
  return Object.values(value as object).some((v) => containsBinary(v, depth + 1));
}

/** Whether the payload, as it reaches the server, is valid for the command (JSON semantics; binary never is, for an effectful command). */
function validOnTheWire(command: ChatCommand, payload: unknown): boolean {
  // A binary payload is valid only where the schema lets an object without own keys pass
  // (every field optional: room:list, presence:set): then it means `{}`. Valid effectful
  // ones are skipped below like any valid effectful payload.
  if (containsBinary(payload)) return CHECKS[command].Check(payload);
  const json = JSON.stringify(payload);
  return CHECKS[command].Check(json === undefined ? null : JSON.parse(json));
}

/** Builds a 1000-level structure iteratively (no recursion in the test either). */
function deep(levels: number, kind: 'object' | 'array', leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { roomId: value } : [value];
  return value;
}

function expectAck(ack: unknown, label: string): { ok: boolean; error?: string } {
  expect(ack, label).toBeTypeOf('object');
  expect(ack, label).not.toBeNull();
  const record = ack as Record<string, unknown>;
  expect(typeof record.ok, label).toBe('boolean');
  if (record.ok === false) {
    expect(ERROR_CODES, label).toContain(record.error);
    for (const key of Object.keys(record)) expect(ACK_KEYS.has(key), `${label}: ack key ${key}`).toBe(true);
    // W5: never a stack trace or driver message on the wire.
    expect(JSON.stringify(record), label).not.toMatch(/\bat .+:\d+:\d+|SQLITE|TypeError|ReferenceError/);
  }
  return record as { ok: boolean; error?: string };
}

describe('SEC-HOSTILE: arbitrary payloads for every command (W3–W5)', () => {
  const h = new Harness();
  let server: TestServer;
  let actor: TestClient;
  let observer: TestClient;
  let generalId: string;
  let bob: Account;

  beforeAll(async () => {
    server = await h.start();
    const alice = await h.register(server, 'alice');
    bob = await h.register(server, 'bob');
    actor = await h.connect(server, alice, 'alice');
    observer = await h.connect(server, bob, 'bob');
    generalId = (await actor.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
  });
  afterAll(() => h.cleanup());

  it('SEC-HOSTILE W3/W5: fast-check arbitrary payloads get a coded error ack (or a normal one when valid), write nothing, and the connection survives', async () => {
    const fieldNames = [
      'roomId',
      'name',
      'text',
      'clientMessageId',
      'userId',
      'username',
      'isPrivate',
      'before',
      'limit',
      'messageId',
      'emoji',
      'replyTo',
      'seq',
      'after',
      'level',
    ];
    const key = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'valueOf',
        'hasOwnProperty',
        '',
        ...fieldNames,
      ),
      fc.string({ maxLength: 12 }),
    );
    const leaf = fc.oneof(
      fc.constantFrom(
        generalId,
        bob.user.id,
        'bob',
        'x'.repeat(65),
        '',
        ' ',
        'cmid-valid-123',
        0,
        -1,
        1.5,
        2 ** 53,
        true,
        '👍',
        '🍕',
        'all',
      ),
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc.double(),
      fc.integer(),
    );
    const anything = fc.anything({
      key,
      values: [leaf],
      maxDepth: 4,
      maxKeys: 6,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      // No Date or boxed values: JSON cannot carry them, and the client fails to serialize
      // some of them (a Date prototype behind a `__proto__` key) before anything is sent.
      withDate: false,
      withUnicodeString: true,
      withBoxedValues: false,
    });
    const protoKeys = fc
      .record({
        roomId: leaf,
        text: leaf,
        name: leaf,
        pollute: fc.constantFrom('__proto__', 'constructor', 'prototype'),
      })
      .map(({ roomId, text, name, pollute }) =>
        JSON.parse(
          `{"roomId":${JSON.stringify(roomId)},"text":${JSON.stringify(text)},"name":${JSON.stringify(name)},` +
            `"${pollute}":{"isAdmin":true,"ok":true,"polluted":true}}`,
        ),
      );
    const huge = fc
      .tuple(
        fc.integer({ min: 60_000, max: 63_000 }),
        fc.constantFrom('a', 'é', '\u0000', '🦜'),
        fc.constantFrom(...fieldNames),
      )
      .map(([length, unit, field]) => {
        // Kept under the 64 KiB transport limit (that limit has its own suite): this is about the validator.
        const repeat = Math.floor(length / (Buffer.byteLength(JSON.stringify(unit)) - 2)); // bytes once JSON-encoded
        return { roomId: generalId, clientMessageId: newCmid(), [field]: unit.repeat(repeat) };
      });
    const nested = fc
      .tuple(
        fc.integer({ min: 900, max: 1000 }),
        fc.constantFrom('object', 'array') as fc.Arbitrary<'object' | 'array'>,
      )
      .map(([levels, kind]) => deep(levels, kind, generalId));
    const binary = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
      fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ roomId: Buffer.from(bytes), text: bytes, name: bytes })),
      fc.constant(Buffer.alloc(0)),
    );
    const payload = fc.oneof(
      { arbitrary: anything, weight: 6 },
      { arbitrary: protoKeys, weight: 1 },
      { arbitrary: huge, weight: 1 },
      { arbitrary: nested, weight: 1 },
      { arbitrary: binary, weight: 1 },
      { arbitrary: fc.constantFrom(null, undefined, 0, -0, NaN, Infinity, true, false, '', [], {}), weight: 1 },
      // Valid for the read commands (and, for the effectful ones, filtered out below).
      {
        arbitrary: fc.constantFrom(
          {},
          { roomId: generalId },
          { roomId: generalId, limit: 5 },
          { roomId: 'not-a-room' },
        ),
        weight: 2,
      },
    );

    const before: TableCounts = tableCounts(server);
    let validSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), payload, async (command, value) => {
        const valid = validOnTheWire(command, value);
        // Effectful commands only get invalid payloads, so "nothing was written" is exact.
        fc.pre(!(valid && EFFECTFUL.has(command)));
        const ack = expectAck(await actor.raw(command, [value]), command);
        if (valid) {
          validSeen++;
          // room:list/browse with {} or an empty buffer; members/history of some room id.
          if (!ack.ok) expect(['forbidden', 'not_found'], command).toContain(ack.error);
        } else {
          expect(ack.ok, command).toBe(false);
          expect(['invalid_payload', 'too_long'], `${command}: ${ack.error}`).toContain(ack.error);
        }
        expect(actor.connected, command).toBe(true);
      }),
      { numRuns: 500 },
    );

    // Still connected, still served, nothing written or broadcast.
    expect(actor.disconnectReason).toBeNull();
    await actor.sync();
    await observer.sync();
    expect(tableCounts(server)).toEqual(before);
    for (const name of WRITE_EVENTS)
      expect(
        observer.events.filter((e) => e.name === name),
        name,
      ).toEqual([]);
    expect(validSeen).toBeGreaterThan(0);
  }, 60_000);

  it('SEC-HOSTILE W4: extra arguments, a missing ack, and a callback in the payload position do not crash or hang', async () => {
    const before = tableCounts(server);
    for (const command of COMMANDS) {
      actor.emitNoAck(command, { roomId: generalId }, { extra: true }, 'third');
      actor.emitNoAck(command, JSON.parse('{"__proto__":{"ok":true}}'));
    }
    // The callback given alone is the ack (payload missing: invalid).
    expect(await actor.raw('room:create', [])).toMatchObject({ ok: false, error: 'invalid_payload' });
    await actor.sync();
    expect(tableCounts(server)).toEqual(before);
  });
});

// ---- naughty strings ----

const NAUGHTY: string[] = [
  'plain',
  '\u202Eevil.exe\u202C',
  '\u202Dleft\u202E right',
  '\u200B',
  'zero\u200Bwidth\u200Cjoiner\u200D',
  '\uFEFFbom',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈 flag',
  '🇺🇸🇫🇷',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'a\u0000b',
  '\u0000',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  'Robert"); DROP TABLE rooms;--',
  '1; DELETE FROM messages WHERE 1=1',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '%s%s%s%s%n',
  '%x%x%x %d %p',
  '{{7*7}} ${7*7} #{7*7}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '\\u0000 \\x00 \\',
  'line\r\nbreak',
  'Content-Length: 0\r\n\r\nHTTP/1.1 200 OK',
  '../../../../etc/passwd',
  '𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐 𝖇𝖗𝖔𝖜𝖓',
  'ＡＢＣ－ｆｕｌｌｗｉｄｔｈ',
  'İstanbul ß ǅ',
  'e\u0301 (decomposed)',
  '\u0085 next line',
  '\u2028\u2029',
  ' ',
  '\t\n',
  '',
  '\uD800',
  '\uDFFF lone low',
  'a\uDBFFb',
  '🦜'.repeat(1500),
  'ü'.repeat(4000),
];

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

type Expected = { ok: true; value: string } | { ok: false; error: string };

/** M5 (and W3 for text that is not well-formed Unicode): what sending `text` must answer. */
function expectedMessage(text: string): Expected {
  if (charCount(text) > 4000) return { ok: false, error: 'too_long' };
  if (text.trim() === '') return { ok: false, error: 'empty_message' };
  if (LONE_SURROGATE.test(text)) return { ok: false, error: 'invalid_payload' };
  return { ok: true, value: text };
}

/** R1: trimmed (and NFC-normalized), 1–64 characters, no control characters, well-formed. */
function expectedRoomName(raw: string, taken: Set<string>): Expected {
  if (raw.length > 512) return { ok: false, error: 'too_long' };
  const name = raw.trim().normalize('NFC');
  const length = charCount(name);
  if (length < 1 || length > 64 || CONTROL.test(name) || LONE_SURROGATE.test(name) || hasHiddenFormatting(name)) {
    return { ok: false, error: 'invalid_room_name' };
  }
  if (taken.has(caseKey(name))) return { ok: false, error: 'room_name_taken' };
  return { ok: true, value: name };
}

describe('SEC-HOSTILE: naughty strings are stored and echoed exactly, or refused with the right code', () => {
  const h = new Harness();
  let server: TestServer;
  let actor: TestClient;
  let observer: TestClient;
  let generalId: string;

  beforeAll(async () => {
    server = await h.start();
    actor = await h.connect(server, await h.register(server, 'alice'), 'alice');
    observer = await h.connect(server, await h.register(server, 'bob'), 'bob');
    generalId = (await actor.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
  });
  afterAll(() => h.cleanup());

  it('SEC-HOSTILE M1/M5: naughty message texts: valid ones come back byte-for-byte in the ack, the broadcast and history', async () => {
    const stored: string[] = [];
    for (const text of NAUGHTY) {
      const expected = expectedMessage(text);
      const ack = await actor.request('message:send', { roomId: generalId, clientMessageId: newCmid(), text });
      const label = JSON.stringify(text.slice(0, 40));
      if (!expected.ok) {
        expect(ack, label).toMatchObject({ ok: false, error: expected.error });
        continue;
      }
      expect(ack.ok, `${label} ${JSON.stringify(ack).slice(0, 200)}`).toBe(true);
      if (!ack.ok) continue;
      expect(ack.data.text === text, `${label}: ack text differs`).toBe(true);
      const seen = await observer.waitFor('message:created', (m) => m.id === ack.data.id);
      expect(seen.text === text, `${label}: broadcast text differs`).toBe(true);
      stored.push(text);
    }
    const history = (await server.app.storage.messages.history(generalId, { limit: 1000 })).messages;
    expect(history.map((m) => m.text)).toEqual(stored);
    const page = await actor.ok('message:history', { roomId: generalId, limit: 100 });
    expect(page.messages.map((m) => m.text)).toEqual(stored.slice(-100));
    // Every valid naughty string made it (the list is meant to be mostly valid).
    expect(stored.length).toBe(NAUGHTY.filter((t) => expectedMessage(t).ok).length);
    await actor.sync();
  });

  it('SEC-HOSTILE R1: naughty room names: valid ones are stored trimmed and echoed exactly, control characters, hidden formatting and blanks refused', async () => {
    const taken = new Set<string>([caseKey(DEFAULT_ROOM_NAME)]);
    const created = new Map<string, string>();
    for (const raw of NAUGHTY) {
      const expected = expectedRoomName(raw, taken);
      const ack = await actor.request('room:create', { name: raw });
      const label = JSON.stringify(raw.slice(0, 40));
      if (!expected.ok) {
        expect(ack, label).toMatchObject({ ok: false, error: expected.error });
        continue;
      }
      expect(ack.ok, `${label} ${JSON.stringify(ack).slice(0, 200)}`).toBe(true);
      if (!ack.ok) continue;
      expect(ack.data.name === expected.value, `${label}: name differs`).toBe(true);
      taken.add(caseKey(expected.value));
      created.set(ack.data.id, expected.value);
      const browsed = (await observer.ok('room:browse', {})).find((r) => r.id === ack.data.id);
      expect(browsed?.name === expected.value, `${label}: browse name differs`).toBe(true);
      const record = await server.app.storage.rooms.findById(ack.data.id);
      expect(record?.name === expected.value, `${label}: stored name differs`).toBe(true);
      // Looked up again by its own name it is the same room (the uniqueness key is stable).
      expect((await server.app.storage.rooms.findByName(expected.value))?.id, label).toBe(ack.data.id);
    }
    const listed = (await actor.ok('room:list', {})).filter((r) => created.has(r.id));
    expect(listed).toHaveLength(created.size);
    for (const room of listed) expect(room.name === created.get(room.id)).toBe(true);
    expect(created.size).toBeGreaterThan(25);
  });
});

// ---- malformed Socket.IO and WebSocket traffic ----

/** An ack the server really produced: a success, or a refusal by the real rate limits. */
function answered(ack: unknown): boolean {
  const record = ack as { ok?: unknown; error?: unknown };
  return record?.ok === true || (record?.ok === false && record.error === 'rate_limited');
}

type Garbage = {
  label: string;
  send: (ws: RawWebSocket) => void;
  /** W4: a well-formed event that is not a command is ignored (the connection stays). */
  ignored?: true;
};

const GARBAGE: Garbage[] = [
  { label: 'truncated JSON', send: (ws) => ws.sendText('42/chat,["message:send"') },
  { label: 'numeric event name', send: (ws) => ws.sendText('42/chat,[1,2]'), ignored: true },
  {
    label: 'numeric event name with an ack id',
    send: (ws) => ws.sendText('42/chat,5[1,{"roomId":"x"}]'),
    ignored: true,
  },
  { label: 'object instead of an array', send: (ws) => ws.sendText('42/chat,{}') },
  { label: 'empty event array', send: (ws) => ws.sendText('42/chat,[]') },
  { label: 'null event name', send: (ws) => ws.sendText('42/chat,[null,{}]') },
  { label: 'unknown packet type', send: (ws) => ws.sendText('4x') },
  { label: 'unknown Engine.IO type', send: (ws) => ws.sendText('9hello') },
  { label: 'empty frame', send: (ws) => ws.sendText('') },
  { label: 'reserved event name', send: (ws) => ws.sendText('42/chat,["disconnect"]') },
  { label: 'newListener event', send: (ws) => ws.sendText('42/chat,["newListener","message:send"]') },
  { label: '__proto__ event', send: (ws) => ws.sendText('42/chat,["__proto__",{"ok":true}]'), ignored: true },
  { label: 'constructor event', send: (ws) => ws.sendText('42/chat,["constructor",{}]'), ignored: true },
  { label: 'packet for a namespace never joined', send: (ws) => ws.sendText('42/admin,["notice:send",{"text":"hi"}]') },
  { label: 'ack for an unknown id', send: (ws) => ws.sendText('43/chat,999[{"ok":true}]'), ignored: true },
  { label: 'second CONNECT to the same namespace', send: (ws) => ws.sendText('40/chat,') },
  { label: 'CONNECT with a non-object auth', send: (ws) => ws.sendText('40/chat,"token"') },
  {
    label: 'huge attachment count',
    send: (ws) => ws.sendText('4599999999999-/chat,["message:send",{"_placeholder":true,"num":0}]'),
  },
  {
    label: 'binary event header followed by text',
    send: (ws) => {
      ws.sendText('45-/chat,["message:send",{"_placeholder":true,"num":0}]');
      ws.sendText('42/chat,["room:list",{}]');
    },
  },
  {
    label: 'placeholder index out of range',
    send: (ws) => {
      ws.sendText('451-/chat,3["message:send",{"_placeholder":true,"num":7}]');
      ws.sendFrame(OPCODE.binary, Buffer.from([1, 2, 3]));
    },
  },
  {
    label: 'placeholder index "__proto__"',
    send: (ws) => {
      ws.sendText('451-/chat,4["message:send",{"_placeholder":true,"num":"__proto__"}]');
      ws.sendFrame(OPCODE.binary, Buffer.from([1, 2, 3]));
    },
  },
  {
    label: 'placeholder in a plain event',
    send: (ws) => ws.sendText('42/chat,6["message:send",{"_placeholder":true,"num":0}]'),
    ignored: true,
  },
  {
    label: 'binary frame out of the blue',
    send: (ws) => ws.sendFrame(OPCODE.binary, Buffer.from([0x34, 0x32, 0xff, 0x00])),
  },
  {
    label: 'invalid UTF-8 text frame',
    send: (ws) => ws.sendFrame(OPCODE.text, Buffer.from([0x34, 0x32, 0xc3, 0x28, 0xa0, 0xa1])),
  },
  { label: 'lone continuation frame', send: (ws) => ws.sendFrame(OPCODE.continuation, Buffer.from('42/chat,[]')) },
  { label: 'unknown WebSocket opcode', send: (ws) => ws.sendFrame(0x3, Buffer.from('x')) },
  {
    label: 'JSON nested 30000 deep',
    send: (ws) => ws.sendText(`42/chat,["message:send",${'['.repeat(30_000)}${']'.repeat(30_000)}]`),
  },
  { label: 'ten thousand opening brackets', send: (ws) => ws.sendText(`42/chat,${'['.repeat(10_000)}`) },
];

describe('SEC-HOSTILE: malformed Socket.IO packets and WebSocket frames against a real server process', () => {
  let proc: ServerProcess;
  let removeDir: () => Promise<void>;
  let cookie: string;
  let bystander: ProcessClient;
  let generalId: string;

  beforeAll(async () => {
    const data = await tempDataDir();
    removeDir = data.remove;
    proc = await startServerProcess({ dataDir: data.dir, port: await freePort() });
    cookie = (await registerUser(proc.url, 'mallory')).cookie;
    const bob = await registerUser(proc.url, 'bob');
    bystander = connectClient(proc.url, bob.cookie);
    await waitConnected(bystander);
    const rooms = await bystander.timeout(3000).emitWithAck('room:list', {});
    if (!rooms.ok) throw new Error('room:list failed');
    generalId = rooms.data.find((r: { name: string }) => r.name === DEFAULT_ROOM_NAME)!.id;
  }, 60_000);

  afterAll(async () => {
    bystander?.disconnect();
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await removeDir?.();
  });

  it.each(GARBAGE)(
    'SEC-HOSTILE W4: $label → that connection is closed or the packet ignored; the server and others carry on',
    async ({ send, ignored }) => {
      const ws = await RawWebSocket.open(proc, { cookie });
      expect(await ws.connectChat()).toMatch(/^40\/chat,\{"sid":/);
      expect(await ws.command(1, 'room:list', {})).toMatchObject({ ok: true });
      send(ws);
      // Either the server drops the connection, or it ignored the packet and still answers
      // (a real answer: this server runs the real budgets, so rate_limited counts as one).
      const outcome = await Promise.race([
        ws.waitForClose(5000).then(() => 'closed' as const),
        ws.command(2, 'room:browse', {}).then((ack) => {
          expect(answered(ack), JSON.stringify(ack)).toBe(true);
          return 'ignored' as const;
        }),
      ]);
      expect(['closed', 'ignored']).toContain(outcome);
      if (ignored) expect(outcome).toBe('ignored');
      ws.destroy();

      // The process is up, other clients are served, HTTP answers.
      expect(proc.child.exitCode, proc.output()).toBeNull();
      const page = await bystander.timeout(3000).emitWithAck('message:history', { roomId: generalId });
      expect(answered(page), proc.output()).toBe(true);
      expect((await fetch(`${proc.url}${API_ROUTES.health}`)).status).toBe(200);
    },
  );

  it('SEC-HOSTILE W4: after all of that the process has not crashed nor logged an unhandled error, and delivers messages', async () => {
    expect(proc.child.exitCode).toBeNull();
    expect(bystander.connected).toBe(true);
    const watcher = connectClient(proc.url, cookie);
    try {
      await waitConnected(watcher);
      const text = `still fine ${newCmid()}`;
      const delivered = new Promise<string>((resolve) => watcher.on('message:created', (m) => resolve(m.text)));
      const sent = await bystander
        .timeout(3000)
        .emitWithAck('message:send', { roomId: generalId, clientMessageId: newCmid(), text });
      expect(sent.ok).toBe(true);
      expect(await delivered).toBe(text);
    } finally {
      watcher.disconnect();
    }
    expect(proc.output()).not.toMatch(/uncaught|unhandled|FATAL|RangeError|Maximum call stack/i);
  });
});
