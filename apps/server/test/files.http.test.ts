import { existsSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ROOM_NAME, roomFilesPath, type Attachment, type Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { download, upload } from './files.client.js';
import { HTML_BYTES, pngBytes } from './files.fixtures.js';
import { newCmid, until, useHarness, type Account, type TestServer } from './harness.js';

/*
 * Files (SPEC B1–B8) over real HTTP with the session cookie, and messages carrying them
 * over real socket.io-client connections, against the app on port 0.
 */

const filesDir = (server: TestServer) => join(server.config.dataDir, 'files');
/** No file row either: every pending file there is would be swept by a sweep of all time. */
const noFileRows = async (server: TestServer) =>
  expect(await server.app.storage.files.sweepPending(Number.MAX_SAFE_INTEGER)).toEqual([]);
/** Every blob on disk, `.part` leftovers included. */
async function blobsOnDisk(server: TestServer): Promise<string[]> {
  return existsSync(filesDir(server)) ? readdir(filesDir(server)) : [];
}

describe('files over HTTP (B1–B8)', () => {
  const h = useHarness();

  async function world(server: TestServer) {
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const alice1 = await h.connect(server, alice, 'alice1');
    const bob1 = await h.connect(server, bob, 'bob1');
    const carol1 = await h.connect(server, carol, 'carol1');
    const general = (await alice1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    await carol1.ok('room:leave', { roomId: general.id });
    return { alice, bob, carol, alice1, bob1, carol1, general };
  }

  async function uploaded(
    server: TestServer,
    account: Account,
    roomId: string,
    bytes: Uint8Array,
    name: string,
    type = '',
  ) {
    const res = await upload(server, roomId, { bytes, name, type }, account.cookie);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return (res.json as { file: Attachment }).file;
  }

  it('B1, B4, B5, B6: a text file and a PNG go up, travel in a message without text, and come down byte for byte to another member', async () => {
    const server = await h.start();
    const w = await world(server);
    const text = Buffer.from('notes: the meeting moved to 3pm\n');
    const png = pngBytes(3, 2);
    const notes = await uploaded(server, w.alice, w.general.id, text, 'notes.txt', 'text/plain');
    const picture = await uploaded(server, w.alice, w.general.id, png, 'picture.png', 'image/png');
    expect(notes).toEqual({
      id: expect.any(String),
      name: 'notes.txt',
      size: text.length,
      contentType: 'application/octet-stream',
    });
    expect(picture).toEqual({
      id: expect.any(String),
      name: 'picture.png',
      size: png.length,
      contentType: 'image/png',
      width: 3,
      height: 2,
    });

    const message = await w.alice1.ok('message:send', {
      roomId: w.general.id,
      clientMessageId: newCmid(),
      text: '',
      attachments: [notes.id, picture.id],
    });
    expect(message.attachments).toEqual([notes, picture]);
    const seen = await w.bob1.waitFor('message:created', (m) => m.id === message.id);
    expect(seen.attachments).toEqual([notes, picture]);
    const page = await w.bob1.ok('message:history', { roomId: w.general.id });
    expect(page.messages.find((m: Message) => m.id === message.id)?.attachments).toEqual([notes, picture]);

    const gotText = await download(server, notes.id, notes.name, w.bob.cookie);
    expect(gotText.status).toBe(200);
    expect(gotText.bytes.equals(text)).toBe(true);
    expect(gotText.headers.get('content-disposition')).toBe(
      `attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`,
    );
    expect(gotText.headers.get('x-content-type-options')).toBe('nosniff');
    expect(gotText.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const gotPng = await download(server, picture.id, picture.name, w.bob.cookie);
    expect(gotPng.status).toBe(200);
    expect(gotPng.bytes.equals(png)).toBe(true);
    expect(gotPng.headers.get('content-type')).toBe('image/png');
    expect(gotPng.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(gotPng.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('B6: an HTML page and an SVG are stored as unknown bytes and only ever served as attachments that run nothing', async () => {
    const server = await h.start();
    const w = await world(server);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const page = await uploaded(server, w.alice, w.general.id, HTML_BYTES, 'page.html', 'text/html');
    const drawing = await uploaded(server, w.alice, w.general.id, svg, 'drawing.svg', 'image/svg+xml');
    expect([page.contentType, drawing.contentType]).toEqual(['application/octet-stream', 'application/octet-stream']);
    for (const file of [page, drawing]) {
      const got = await download(server, file.id, file.name, w.alice.cookie);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    }
  });

  it('B3: a lying name or declared type is refused (415) and nothing is stored', async () => {
    const server = await h.start();
    const w = await world(server);
    const png = pngBytes(2, 2);
    const lies = [
      { bytes: HTML_BYTES, name: 'cat.png', type: 'image/png' },
      { bytes: HTML_BYTES, name: 'cat.bin', type: 'image/png' },
      { bytes: HTML_BYTES, name: 'cat.jpg', type: '' },
      { bytes: png, name: 'cat.gif', type: 'image/gif' },
      { bytes: png, name: 'cat', type: 'text/html' },
    ];
    for (const lie of lies) {
      const res = await upload(server, w.general.id, lie, w.alice.cookie);
      expect(res.status, lie.name).toBe(415);
      expect(res.json).toMatchObject({ error: 'file_type_mismatch' });
    }
    expect(await blobsOnDisk(server)).toEqual([]);
    await noFileRows(server);
  });

  it('B2: a file over MAX_UPLOAD_BYTES is refused with 413 and leaves nothing on disk, whether the length said so up front or not', async () => {
    const server = await h.start({ maxUploadBytes: 100_000 });
    const w = await world(server);
    // Within the allowance for multipart framing: refused while streaming, after the cap.
    const streamed = await upload(
      server,
      w.general.id,
      { bytes: Buffer.alloc(130_000, 7), name: 'big.bin' },
      w.alice.cookie,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.json).toMatchObject({ error: 'file_too_large' });
    // Far over: refused from its Content-Length, before a byte is read.
    const declared = await upload(
      server,
      w.general.id,
      { bytes: Buffer.alloc(1_000_000, 7), name: 'huge.bin' },
      w.alice.cookie,
    );
    expect(declared.status).toBe(413);
    expect(await blobsOnDisk(server)).toEqual([]);
    await noFileRows(server);
    // At the cap exactly: stored.
    await uploaded(server, w.alice, w.general.id, Buffer.alloc(100_000, 7), 'exact.bin');
    expect(await blobsOnDisk(server)).toHaveLength(1);
  });

  it('B2: an upload cut off mid-way (Cancel in the browser, a dropped connection) leaves no partial file', async () => {
    const server = await h.start();
    const w = await world(server);
    const boundary = 'parley-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="cut.bin"\r\n` +
        'content-type: application/octet-stream\r\n\r\n',
    );
    const req = httpRequest(`${server.url}${roomFilesPath(w.general.id)}`, {
      method: 'POST',
      headers: {
        cookie: w.alice.cookie,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 5_000_000),
      },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(1_000_000, 3));
    // The bytes are on their way to disk, under a temporary name...
    await until(() => existsSync(filesDir(server)) && readdirSync(filesDir(server)).length > 0, 'a partial file');
    req.destroy();
    // ...and gone once the client is.
    await until(() => readdirSync(filesDir(server)).length === 0, 'no partial file left');
    await noFileRows(server);
    expect(w.alice1.connected).toBe(true);
  });

  it('B5: uploads need a session and membership; downloads need membership, and a pending file is its uploader’s alone', async () => {
    const server = await h.start();
    const w = await world(server);
    const file = { bytes: Buffer.from('hello'), name: 'hello.txt', type: 'text/plain' };
    expect((await upload(server, w.general.id, file)).status).toBe(401);
    const outsider = await upload(server, w.general.id, file, w.carol.cookie);
    expect(outsider.status).toBe(403);
    expect(outsider.json).toMatchObject({ error: 'forbidden' });
    expect(await blobsOnDisk(server)).toEqual([]);
    await noFileRows(server);

    const pending = await uploaded(server, w.alice, w.general.id, file.bytes, file.name);
    expect((await download(server, pending.id, pending.name)).status).toBe(401);
    // Pending: not bob's yet, though he is in the room.
    expect((await download(server, pending.id, pending.name, w.bob.cookie)).status).toBe(404);
    expect((await download(server, pending.id, pending.name, w.alice.cookie)).status).toBe(200);
    await w.alice1.ok('message:send', {
      roomId: w.general.id,
      clientMessageId: newCmid(),
      text: 'here',
      attachments: [pending.id],
    });
    expect((await download(server, pending.id, pending.name, w.bob.cookie)).status).toBe(200);
    const refused = await download(server, pending.id, pending.name, w.carol.cookie);
    expect(refused.status).toBe(404);
    expect(refused.bytes.toString()).not.toContain('hello');
    expect((await download(server, 'no-such-file', 'x.txt', w.alice.cookie)).status).toBe(404);
  });

  it('B4: only my own pending files of that room can be attached, each once', async () => {
    const server = await h.start();
    const w = await world(server);
    const mine = await uploaded(server, w.alice, w.general.id, Buffer.from('a'), 'a.txt');
    const bobs = await uploaded(server, w.bob, w.general.id, Buffer.from('b'), 'b.txt');
    const send = (attachments: string[], text = '') =>
      w.alice1.request('message:send', { roomId: w.general.id, clientMessageId: newCmid(), text, attachments });
    expect(await send([bobs.id])).toMatchObject({ ok: false, error: 'invalid_attachment' });
    expect(await send([mine.id, mine.id])).toMatchObject({ ok: false, error: 'invalid_attachment' });
    expect(await send([mine.id])).toMatchObject({ ok: true });
    expect(await send([mine.id], 'again')).toMatchObject({ ok: false, error: 'invalid_attachment' });
    // M5 still holds without files.
    expect(
      await w.alice1.request('message:send', { roomId: w.general.id, clientMessageId: newCmid(), text: ' ' }),
    ).toMatchObject({
      ok: false,
      error: 'empty_message',
    });
  });

  it('B7: deleting a message deletes its files: the download is gone and so are the bytes on disk', async () => {
    const server = await h.start();
    const w = await world(server);
    const file = await uploaded(server, w.alice, w.general.id, pngBytes(4, 4), 'gone.png', 'image/png');
    const message = await w.alice1.ok('message:send', {
      roomId: w.general.id,
      clientMessageId: newCmid(),
      text: 'soon gone',
      attachments: [file.id],
    });
    expect(await blobsOnDisk(server)).toEqual([file.id]);
    const deleted = await w.alice1.ok('message:delete', { messageId: message.id });
    expect(deleted.attachments).toBeUndefined();
    expect((await download(server, file.id, file.name, w.alice.cookie)).status).toBe(404);
    expect(await blobsOnDisk(server)).toEqual([]);
  });

  it('B8: uploads no message took within an hour are swept with their bytes', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const server = await h.start({}, { clock });
    const w = await world(server);
    const stale = await uploaded(server, w.alice, w.general.id, Buffer.from('stale'), 'stale.txt');
    const sent = await uploaded(server, w.alice, w.general.id, Buffer.from('sent'), 'sent.txt');
    await w.alice1.ok('message:send', {
      roomId: w.general.id,
      clientMessageId: newCmid(),
      text: '',
      attachments: [sent.id],
    });
    clock.advance(60 * 60_000 + 1);
    expect(await server.app.services.files.sweep()).toBe(1);
    expect(await blobsOnDisk(server)).toEqual([sent.id]);
    expect((await download(server, stale.id, stale.name, w.alice.cookie)).status).toBe(404);
  });
});
