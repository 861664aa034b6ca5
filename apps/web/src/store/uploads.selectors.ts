import type { AppState } from './app.store.types';
import type { UploadItem } from './uploads.slice';

const NONE: UploadItem[] = [];

/** The files in a room's composer, in the order chosen. */
export const selectUploads =
  (roomId: string) =>
  (s: AppState): UploadItem[] =>
    s.uploads[roomId] ?? NONE;
