import { HISTORY_PAGE_DEFAULT, MESSAGE_TEXT_MAX, type User } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cmid, codeOf, createDomainFixture, type DomainFixture } from '../../test/domain-fixture.js';

describe('MessagesService', () => {
  let f: DomainFixture;
  let alice: User;
  let bob: User;
  let roomId: string;

  beforeEach(async () => {
    f = await createDomainFixture();
    alice = await f.addUser('alice');
    bob = await f.addUser('bob');
    roomId = f.generalId;
  });
  afterEach(() => f.close());

  const send = (author: User, n: number, text = `hello ${n}`, room = roomId) =>
    f.messages.send(author, { roomId: room, clientMessageId: cmid(n), text });

  it('M1/M2: a stored message takes the room next seq, strictly increasing from 1', async () => {
    f.clock.advance(1234);
    const first = await send(alice, 1);
    const second = await send(bob, 2);
    const third = await send(alice, 3);
    expect(first.created).toBe(true);
    expect(first.message).toEqual({
      id: first.message.id,
      roomId,
      seq: 1,
      authorId: alice.id,
      authorName: 'alice',
      clientMessageId: cmid(1),
      text: 'hello 1',
      createdAt: f.clock.now(),
    });
    expect([first, second, third].map((o) => o.message.seq)).toEqual([1, 2, 3]);
    expect((await f.storage.rooms.findById(roomId))?.lastSeq).toBe(3);
  });

  it('M2: seq is counted per room', async () => {
    const other = await f.rooms.create(alice, 'other', false);
    await send(alice, 1);
    await send(alice, 2);
    const inOther = await send(alice, 3, 'elsewhere', other.id);
    expect(inOther.message.seq).toBe(1);
  });

  it('M3: a retried send with the same clientMessageId returns the original and stores nothing', async () => {
    const original = await send(alice, 1, 'first try');
    f.clock.advance(5000);
    const retry = await send(alice, 1, 'first try');
    expect(retry.created).toBe(false);
    expect(retry.message).toEqual(original.message);
    const page = await f.messages.history(alice.id, { roomId });
    expect(page.messages).toHaveLength(1);
    // The next new message still takes seq 2: the retry used none.
    expect((await send(alice, 2)).message.seq).toBe(2);
  });

  it('M3: a retry that names another room is conflict and stores nothing', async () => {
    const other = await f.rooms.create(alice, 'other', false);
    await send(alice, 1);
    expect(await codeOf(() => send(alice, 1, 'hello 1', other.id))).toBe('conflict');
    expect((await f.messages.history(alice.id, { roomId: other.id })).messages).toEqual([]);
  });

  it('M3: the same clientMessageId from two authors is two messages', async () => {
    const a = await send(alice, 7);
    const b = await send(bob, 7);
    expect(b.created).toBe(true);
    expect(b.message.id).not.toBe(a.message.id);
    expect(b.message.seq).toBe(2);
  });

  it('M5: text of 4000 characters is accepted; 4001 is too_long and stores nothing', async () => {
    const ok = await send(alice, 1, 'x'.repeat(MESSAGE_TEXT_MAX));
    expect(ok.message.text).toHaveLength(MESSAGE_TEXT_MAX);
    expect(await codeOf(() => send(alice, 2, 'x'.repeat(MESSAGE_TEXT_MAX + 1)))).toBe('too_long');
    expect((await f.messages.history(alice.id, { roomId })).messages).toHaveLength(1);
  });

  it('M5: length counts code points: 4000 emoji (8000 UTF-16 units) are fine, 4001 are too_long', async () => {
    const emoji = '🎉'.repeat(MESSAGE_TEXT_MAX);
    expect(emoji.length).toBe(MESSAGE_TEXT_MAX * 2);
    const ok = await send(alice, 1, emoji);
    expect(ok.message.text).toBe(emoji);
    expect(await codeOf(() => send(alice, 2, `${emoji}🎉`))).toBe('too_long');
  });

  it('M5: blank text is empty_message and stores nothing', async () => {
    for (const [n, text] of [
      [1, ''],
      [2, ' '],
      [3, '   \n\t  '],
      [4, '\u00a0\u2003'],
    ] as const) {
      expect(await codeOf(() => send(alice, n, text)), JSON.stringify(text)).toBe('empty_message');
    }
    expect((await f.messages.history(alice.id, { roomId })).messages).toEqual([]);
  });

  it('M5: text is stored as sent, surrounding spaces included', async () => {
    const { message } = await send(alice, 1, '  spaced  ');
    expect(message.text).toBe('  spaced  ');
  });

  it('M7: a non-member cannot send (forbidden), and an unknown room looks the same', async () => {
    const secret = await f.rooms.create(alice, 'secret', true);
    expect(await codeOf(() => send(bob, 1, 'hi', secret.id))).toBe('forbidden');
    expect(await codeOf(() => send(bob, 2, 'hi', 'no-such-room'))).toBe('forbidden');
    expect((await f.storage.rooms.findById(secret.id))?.lastSeq).toBe(0);
  });

  it('M7: a non-member cannot read history (forbidden)', async () => {
    const secret = await f.rooms.create(alice, 'secret', true);
    await send(alice, 1, 'private', secret.id);
    expect(await codeOf(() => f.messages.history(bob.id, { roomId: secret.id }))).toBe('forbidden');
    expect(await codeOf(() => f.messages.history(bob.id, { roomId: 'no-such-room' }))).toBe('forbidden');
  });

  it('M6: history pages backwards with before/limit in ascending seq, with hasMore', async () => {
    for (let n = 1; n <= 7; n++) await send(n % 2 ? alice : bob, n);
    const newest = await f.messages.history(alice.id, { roomId, limit: 3 });
    expect(newest.roomId).toBe(roomId);
    expect(newest.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(newest.hasMore).toBe(true);
    const older = await f.messages.history(alice.id, { roomId, limit: 3, before: 5 });
    expect(older.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(older.hasMore).toBe(true);
    const oldest = await f.messages.history(alice.id, { roomId, limit: 3, before: 2 });
    expect(oldest.messages.map((m) => m.seq)).toEqual([1]);
    expect(oldest.hasMore).toBe(false);
    expect(oldest.messages[0]).toMatchObject({ authorName: 'alice', text: 'hello 1' });
  });

  it('M6: a page that exactly reaches the first message has hasMore false', async () => {
    for (let n = 1; n <= 3; n++) await send(alice, n);
    const page = await f.messages.history(alice.id, { roomId, limit: 3 });
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(page.hasMore).toBe(false);
    const empty = await f.messages.history(alice.id, { roomId, before: 1 });
    expect(empty).toEqual({ roomId, messages: [], hasMore: false, lastSeq: 3 });
  });

  it('M6: without a limit the page holds the newest 50', async () => {
    for (let n = 1; n <= HISTORY_PAGE_DEFAULT + 2; n++) await send(alice, n);
    const page = await f.messages.history(alice.id, { roomId });
    expect(page.messages).toHaveLength(HISTORY_PAGE_DEFAULT);
    expect(page.messages[0]?.seq).toBe(3);
    expect(page.messages.at(-1)?.seq).toBe(HISTORY_PAGE_DEFAULT + 2);
    expect(page.hasMore).toBe(true);
  });

  it('M6: an empty room has an empty page', async () => {
    expect(await f.messages.history(alice.id, { roomId })).toEqual({
      roomId,
      messages: [],
      hasMore: false,
      lastSeq: 0,
    });
  });
});
