import type { Notice } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import type { LocalNotice } from './notices.logic';

export const selectNotices = (s: AppState): Notice[] => s.notices;
export const selectLocalNotices = (s: AppState): readonly LocalNotice[] => s.localNotices;

export const selectDraft =
  (roomId: string | null) =>
  (s: AppState): string =>
    (roomId && s.drafts[roomId]) || '';
