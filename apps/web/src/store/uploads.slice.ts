import type { Attachment } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

/*
 * Files on their way into the composer of a room (B1): uploading (with the bytes sent so
 * far), uploaded (waiting for Send), or refused (with the sentence why). The requests
 * themselves live in realtime/uploads.actions.ts; this slice only says what to show.
 */
export type UploadItem = {
  /** This tab's own key for the item. */
  key: string;
  name: string;
  size: number;
  loaded: number;
  status: 'uploading' | 'uploaded' | 'failed';
  file?: Attachment;
  error?: string;
};

export type UploadsState = { uploads: Record<string, UploadItem[]> };

export type UploadsSlice = UploadsState & {
  uploadStarted(roomId: string, item: UploadItem): void;
  /** Progress, completion or refusal of one item. */
  uploadChanged(roomId: string, key: string, change: Partial<UploadItem>): void;
  uploadRemoved(roomId: string, key: string): void;
  /** The uploaded files went out with a message: the composer is empty of them. */
  uploadsSent(roomId: string, keys: readonly string[]): void;
};

export const initialUploadsState: UploadsState = { uploads: {} };

export const createUploadsSlice: AppSlice<UploadsSlice> = (set) => {
  const update = (roomId: string, fn: (items: UploadItem[]) => UploadItem[]) =>
    set((s) => ({ uploads: { ...s.uploads, [roomId]: fn(s.uploads[roomId] ?? []) } }));
  return {
    ...initialUploadsState,
    uploadStarted: (roomId, item) => update(roomId, (items) => [...items, item]),
    uploadChanged: (roomId, key, change) =>
      update(roomId, (items) => items.map((i) => (i.key === key ? { ...i, ...change } : i))),
    uploadRemoved: (roomId, key) => update(roomId, (items) => items.filter((i) => i.key !== key)),
    uploadsSent: (roomId, keys) => update(roomId, (items) => items.filter((i) => !keys.includes(i.key))),
  };
};
