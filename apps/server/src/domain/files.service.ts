import type { Readable } from 'node:stream';
import type { Attachment, User } from '@parley/shared-types';
import type { FileRecord, Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import { cleanFileName, servedInline, sniffFile, SNIFF_BYTES } from './file-types.js';
import type { IdGenerator } from './ids.js';

/** B8: an upload no message took within this long is removed. */
export const PENDING_FILE_TTL_MS = 60 * 60_000;

export type Upload = {
  roomId: string;
  /** As the client named it; cleaned before it is stored. */
  name: string;
  /** As the client declared it; only ever used to catch a lie (B3). */
  declaredType: string;
  /** The bytes as they arrive; read once, never held whole. */
  bytes: AsyncIterable<Uint8Array>;
};

export type Download = { file: FileRecord; bytes: Readable; inline: boolean };

const attachmentOf = (f: FileRecord): Attachment => {
  const a: Attachment = { id: f.id, name: f.name, size: f.size, contentType: f.contentType };
  if (f.width !== undefined && f.height !== undefined) Object.assign(a, { width: f.width, height: f.height });
  return a;
};

/** B1–B8: uploads into a room and downloads by its members. */
export class FilesService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; newId: IdGenerator; maxUploadBytes: number }) {}

  /**
   * B1–B3: stores the file as pending, owned by the uploader. Refused before a byte is
   * stored: a room I am not in (`forbidden`, as a send would be), bytes the name or type
   * lie about; refused as they pass the cap (`file_too_large`), leaving nothing behind.
   */
  async upload(uploader: User, upload: Upload): Promise<Attachment> {
    const { storage, clock, newId, maxUploadBytes } = this.deps;
    if (!(await storage.rooms.isMember(upload.roomId, uploader.id))) throw new DomainError('forbidden');
    const name = cleanFileName(upload.name);
    const source = upload.bytes[Symbol.asyncIterator]();
    let size = 0;
    const counted = async (): Promise<IteratorResult<Uint8Array>> => {
      const next = await source.next();
      if (!next.done) {
        size += next.value.byteLength;
        if (size > maxUploadBytes) throw tooLarge(maxUploadBytes);
      }
      return next;
    };
    // The head decides the type before anything is written.
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < SNIFF_BYTES) {
      const next = await counted();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
    const headBuffer = Buffer.concat(head);
    const sniffed = await sniffFile(headBuffer, name, upload.declaredType);
    if (sniffed === 'mismatch') {
      throw new DomainError('file_type_mismatch', {
        path: '/file',
        message: 'the bytes do not match the file name or declared type',
      });
    }
    async function* all(): AsyncGenerator<Uint8Array> {
      yield headBuffer;
      if (ended) return;
      for (let next = await counted(); !next.done; next = await counted()) yield next.value;
    }
    const file = await storage.files.create(
      {
        id: newId(),
        roomId: upload.roomId,
        uploaderId: uploader.id,
        name,
        contentType: sniffed.contentType,
        ...(sniffed.width !== undefined && sniffed.height !== undefined
          ? { width: sniffed.width, height: sniffed.height }
          : {}),
        createdAt: clock.now(),
      },
      all(),
    );
    return attachmentOf(file);
  }

  /**
   * B5: a member of the file's room gets its bytes; a pending file only its uploader.
   * Anyone else, and a file that is gone, get `not_found`: whether it exists is not theirs to learn.
   */
  async download(user: User, fileId: string): Promise<Download> {
    const { storage } = this.deps;
    const file = await storage.files.find(fileId);
    const visible =
      file !== null &&
      (file.messageId === null ? file.uploaderId === user.id : await storage.rooms.isMember(file.roomId, user.id));
    if (!visible) throw new DomainError('not_found');
    const bytes = await storage.files.open(file.id);
    if (!bytes) throw new DomainError('not_found');
    return { file, bytes, inline: servedInline(file.contentType) };
  }

  /** B8: removes pending files older than PENDING_FILE_TTL_MS; how many went. */
  async sweep(): Promise<number> {
    const { storage, clock } = this.deps;
    return (await storage.files.sweepPending(clock.now() - PENDING_FILE_TTL_MS)).length;
  }
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('file_too_large', { path: '/file', message: `at most ${maxBytes} bytes` });
}
