import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/*
 * File bytes as files in one folder (SQLite's store: DATA_DIR/files), one per file id. A
 * blob is written to `<id>.part`, flushed to disk, then renamed, so a blob under its own
 * name is always whole; a crash mid-upload leaves only a `.part`, removed at the next start.
 */

/** Ids come from the server (UUIDs), but a path is built from them: nothing else gets in. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PART = '.part';

export class DiskBlobs {
  private ready: Promise<void> | null = null;

  constructor(readonly dir: string) {}

  /** Removes what a crash mid-upload left behind; the folder is created on the first write. */
  async removeLeftovers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.endsWith(PART)).map((n) => rm(join(this.dir, n), { force: true })));
  }

  /** Streams `bytes` into the blob `id`; its size. On any failure nothing of it stays. */
  async write(id: string, bytes: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.pathOf(id);
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    await this.ready;
    const part = `${target}${PART}`;
    const handle = await open(part, 'wx');
    let size = 0;
    try {
      for await (const chunk of bytes) {
        // One chunk at a time: memory holds a chunk, never the file.
        await handle.write(chunk);
        size += chunk.byteLength;
      }
      // Acked means on disk, as for messages (synchronous = FULL).
      await handle.sync();
      await handle.close();
      await rename(part, target);
      return size;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(part, { force: true });
      throw error;
    }
  }

  /** The blob's bytes, or null when it is not there. */
  async open(id: string): Promise<Readable | null> {
    const path = this.pathOf(id);
    try {
      await stat(path);
    } catch {
      return null;
    }
    return createReadStream(path);
  }

  async remove(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => rm(this.pathOf(id), { force: true })));
  }

  private pathOf(id: string): string {
    if (!SAFE_ID.test(id)) throw new Error('not a file id');
    return join(this.dir, id);
  }
}
