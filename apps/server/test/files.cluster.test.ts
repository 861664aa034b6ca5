import { DEFAULT_ROOM_NAME, type Attachment } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { useCluster } from './cluster.harness.js';
import { download, upload } from './files.client.js';
import { pngBytes } from './files.fixtures.js';
import { newCmid, type TestServer } from './harness.js';

/*
 * Files on several nodes sharing one PostgreSQL (SPEC B1, B5, B7): the bytes are in the
 * database, so a file uploaded through one node is served by any other, and a deletion
 * through one is seen by all.
 */
describe('files on two nodes over PostgreSQL', () => {
  const { h, start } = useCluster();

  it('B1, B5, B7: uploaded through one node, downloaded whole through the other; deleted through one, gone from both', async () => {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const alice1 = await h.connect(one, alice, 'alice@one');
    const bob2 = await h.connect(two, bob, 'bob@two');
    const general = (await alice1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    // Over a chunk (256 KiB) so the bytes span several rows.
    const bytes = Buffer.concat([pngBytes(640, 480), Buffer.alloc(600_000, 9)]);
    const sent = await upload(one, general.id, { bytes, name: 'big.png', type: 'image/png' }, alice.cookie);
    expect(sent.status).toBe(201);
    const file = (sent.json as { file: Attachment }).file;
    expect(file).toMatchObject({ contentType: 'image/png', width: 640, height: 480, size: bytes.length });
    const message = await alice1.ok('message:send', {
      roomId: general.id,
      clientMessageId: newCmid(),
      text: '',
      attachments: [file.id],
    });
    expect((await bob2.waitFor('message:created', (m) => m.id === message.id)).attachments).toEqual([file]);
    const got = await download(two, file.id, file.name, bob.cookie);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);

    await alice1.ok('message:delete', { messageId: message.id });
    expect((await download(two, file.id, file.name, bob.cookie)).status).toBe(404);
    expect((await download(one, file.id, file.name, alice.cookie)).status).toBe(404);
  });
});
