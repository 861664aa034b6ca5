import type { Notice } from '@parley/shared-types';
import type { AppState } from './app.store.types';

export const selectNotices = (s: AppState): Notice[] => s.notices;

export const selectDraft =
  (roomId: string | null) =>
  (s: AppState): string =>
    (roomId && s.drafts[roomId]) || '';
