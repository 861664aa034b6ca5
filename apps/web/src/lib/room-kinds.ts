import type { RoomKind } from '@parley/shared-types';

/**
 * DMs and groups (G1) are conversations between people rather than rooms: named by the
 * people in them, listed together under Direct messages, notifying for every message by
 * default (N2, G6), with no owner, no invitations and nothing to browse.
 */
export function isPeopleConversation(kind: RoomKind): boolean {
  return kind === 'dm' || kind === 'group';
}
