import type { PresenceState as PersonState } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import type { PresenceEntry } from './presence.slice';
import type { MemberRef } from './rooms.slice';

export type MemberView = MemberRef & {
  online: boolean;
  state: PersonState;
  /** P5: with `offline`, when they were last seen, if ever. */
  lastSeenAt?: number;
  isMe: boolean;
};

export const selectOnlineMap = (s: AppState): Record<string, boolean> => s.online;
export const selectPresenceMap = (s: AppState): Record<string, PresenceEntry> => s.presence;
export const selectAppearOffline = (s: AppState): boolean | null => s.appearOffline;

/** Active first, then away, then offline; by name within each. */
const ORDER: Record<PersonState, number> = { active: 0, away: 1, offline: 2 };

/**
 * Members joined with presence, online first (active before away), then by name. Pure, so
 * components call it inside useMemo over the (stable) member list and presence maps.
 */
export function membersWithPresence(
  members: readonly MemberRef[],
  online: Record<string, boolean>,
  myUserId: string | undefined,
  presence: Record<string, PresenceEntry> = {},
): MemberView[] {
  return members
    .map((m) => {
      const entry = presence[m.userId];
      // The online map alone (older servers): online counts as active.
      const state: PersonState = entry?.state ?? (online[m.userId] ? 'active' : 'offline');
      return {
        ...m,
        online: state !== 'offline',
        state,
        ...(state === 'offline' && entry?.lastSeenAt !== undefined ? { lastSeenAt: entry.lastSeenAt } : {}),
        isMe: m.userId === myUserId,
      };
    })
    .sort(
      (a, b) =>
        ORDER[a.state] - ORDER[b.state] || a.username.localeCompare(b.username, undefined, { sensitivity: 'base' }),
    );
}
