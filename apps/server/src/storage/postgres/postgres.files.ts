import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { FILE_COLUMNS, toFileRecord, type FileRow } from '../rows.js';
import type { FileStore } from '../storage.js';
import { asTx, inTransaction } from './postgres.transactions.js';

/*
 * B1–B8 on PostgreSQL: the bytes are BYTEA chunks in `file_chunks` (postgres.migrations.ts
 * says why not large objects), so every node serves every file. An upload is one
 * transaction: a failed stream rolls back its row and every chunk written so far.
 */

/** Chunk size: big enough that a 25 MB file is ~100 rows, small enough to hold one in memory. */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** Cuts a stream of any-sized pieces into FILE_CHUNK_BYTES chunks (the last one shorter). */
async function* chunked(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let held = 0;
  for await (const piece of bytes) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (held + rest.length >= FILE_CHUNK_BYTES) {
      const take = FILE_CHUNK_BYTES - held;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending);
      rest = rest.subarray(take);
      pending = [];
      held = 0;
    }
    if (rest.length > 0) {
      // Copied: the source may reuse its buffer for the next piece.
      pending.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (held > 0) yield Buffer.concat(pending);
}

export function postgresFiles(pool: Pool): FileStore {
  const db = asTx(pool);
  return {
    create: (file, bytes) =>
      inTransaction(pool, async (tx) => {
        await tx.query(
          `INSERT INTO files (id, room_id, uploader_id, name, size, content_type, width, height, created_at)
           VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8)`,
          [
            file.id,
            file.roomId,
            file.uploaderId,
            file.name,
            file.contentType,
            file.width ?? null,
            file.height ?? null,
            file.createdAt,
          ],
        );
        let size = 0;
        let n = 0;
        for await (const chunk of chunked(bytes)) {
          await tx.query('INSERT INTO file_chunks (file_id, n, data) VALUES ($1, $2, $3)', [file.id, n++, chunk]);
          size += chunk.length;
        }
        await tx.query('UPDATE files SET size = $1 WHERE id = $2', [size, file.id]);
        return { ...file, size, messageId: null };
      }),
    async find(id) {
      const { rows } = await db.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE id = $1`, [id]);
      return rows[0] ? toFileRecord(rows[0]) : null;
    },
    async open(id) {
      const { rows } = await db.query<{ chunks: number }>(
        'SELECT (SELECT count(*)::int FROM file_chunks WHERE file_id = f.id) AS chunks FROM files f WHERE f.id = $1',
        [id],
      );
      if (!rows[0]) return null;
      const chunks = rows[0].chunks;
      // One chunk per query: a download holds one chunk in memory and no connection between them.
      async function* read(): AsyncGenerator<Buffer> {
        for (let n = 0; n < chunks; n++) {
          const { rows: chunk } = await db.query<{ data: Buffer }>(
            'SELECT data FROM file_chunks WHERE file_id = $1 AND n = $2',
            [id, n],
          );
          // Deleted while being read (B7): the download ends in an error rather than short.
          if (!chunk[0]) throw new Error('the file was deleted while being read');
          yield chunk[0].data;
        }
      }
      return Readable.from(read(), { objectMode: false });
    },
    async sweepPending(cutoff) {
      const { rows } = await db.query<{ id: string }>(
        'DELETE FROM files WHERE message_id IS NULL AND created_at < $1 RETURNING id',
        [cutoff],
      );
      return rows.map((r) => r.id).sort();
    },
  };
}
