import type { PresenceChangedEvent } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

export type PresenceState = {
  /** Last known presence per user id, from member lists and presence:changed. */
  online: Record<string, boolean>;
};

export type PresenceSlice = PresenceState & {
  presenceChanged(event: PresenceChangedEvent): void;
  /**
   * The connection dropped: no presence:changed can reach us now, and after a server
   * crash nobody's old state holds. Forgotten, so nobody stays shown online; the member
   * lists fetched on reconnect bring it back.
   */
  presenceCleared(): void;
};

export const initialPresenceState: PresenceState = { online: {} };

export const createPresenceSlice: AppSlice<PresenceSlice> = (set) => ({
  ...initialPresenceState,
  presenceChanged: ({ userId, online }) =>
    set((s) => (s.online[userId] === online ? {} : { online: { ...s.online, [userId]: online } })),
  presenceCleared: () => set((s) => (Object.keys(s.online).length === 0 ? {} : { online: {} })),
});
