import type { AppState } from './app.store.types';
import type { MemberRef } from './rooms.slice';

export type MemberView = MemberRef & { online: boolean; isMe: boolean };

export const selectOnlineMap = (s: AppState): Record<string, boolean> => s.online;

/**
 * Members joined with presence, online first, then by name. Pure, so components call
 * it inside useMemo over the (stable) member list and presence map.
 */
export function membersWithPresence(
  members: readonly MemberRef[],
  online: Record<string, boolean>,
  myUserId: string | undefined,
): MemberView[] {
  return members
    .map((m) => ({ ...m, online: online[m.userId] ?? false, isMe: m.userId === myUserId }))
    .sort(
      (a, b) =>
        Number(b.online) - Number(a.online) || a.username.localeCompare(b.username, undefined, { sensitivity: 'base' }),
    );
}
