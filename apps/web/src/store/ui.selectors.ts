import type { Notice } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import type { LocalNotice } from './notices.logic';
import type { DrawerName, ReplyTarget } from './ui.slice';

export const selectNotices = (s: AppState): Notice[] => s.notices;
export const selectLocalNotices = (s: AppState): readonly LocalNotice[] => s.localNotices;
/** I1, I6: how many invitations wait for me (the badge on Browse rooms). */
export const selectPendingInvitationCount = (s: AppState): number => Object.keys(s.invitations).length;

export const selectDraft =
  (roomId: string | null) =>
  (s: AppState): string =>
    (roomId && s.drafts[roomId]) || '';

/** E4: what the composer of a room answers, if anything. */
export const selectReplyTarget =
  (roomId: string) =>
  (s: AppState): ReplyTarget | undefined =>
    s.replyTargets[roomId];

/** The drawer the store holds open (narrow screens only show it: src/ui/layout.media.ts). */
export const selectOpenDrawer = (s: AppState): DrawerName | null => s.drawer;

export const selectDrawerOpen =
  (name: DrawerName) =>
  (s: AppState): boolean =>
    s.drawer === name;
