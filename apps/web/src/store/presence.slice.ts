import type { Member, PresenceChangedEvent, PresenceState as PersonState } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';

/** What others see of a person (P4, P5): their state, and with `offline`, when they were last seen. */
export type PresenceEntry = { state: PersonState; lastSeenAt?: number };

export type PresenceState = {
  /** Last known presence per user id, from member lists and presence:changed. */
  online: Record<string, boolean>;
  /** The same, with away (P4) and last seen (P5). */
  presence: Record<string, PresenceEntry>;
  /** P6: whether I appear offline to others; null until the server has said. */
  appearOffline: boolean | null;
};

export type PresenceSlice = PresenceState & {
  presenceChanged(event: PresenceChangedEvent): void;
  /**
   * The connection dropped: no presence:changed can reach us now, and after a server
   * crash nobody's old state holds. Forgotten, so nobody stays shown online; the member
   * lists fetched on reconnect bring it back.
   */
  presenceCleared(): void;
  appearOfflineChanged(appearOffline: boolean): void;
};

export const initialPresenceState: PresenceState = { online: {}, presence: {}, appearOffline: null };

/** A member entry or event as presence: older servers send only `online`. */
export function presenceEntryOf(m: Pick<Member, 'online' | 'state' | 'lastSeenAt'>): PresenceEntry {
  const state = m.state ?? (m.online ? 'active' : 'offline');
  return state === 'offline' && m.lastSeenAt !== undefined ? { state, lastSeenAt: m.lastSeenAt } : { state };
}

export const createPresenceSlice: AppSlice<PresenceSlice> = (set) => ({
  ...initialPresenceState,
  presenceChanged: (event) =>
    set((s) => ({
      online: s.online[event.userId] === event.online ? s.online : { ...s.online, [event.userId]: event.online },
      presence: { ...s.presence, [event.userId]: presenceEntryOf(event) },
    })),
  presenceCleared: () =>
    set((s) =>
      Object.keys(s.online).length === 0 && Object.keys(s.presence).length === 0 ? {} : { online: {}, presence: {} },
    ),
  appearOfflineChanged: (appearOffline) => set((s) => (s.appearOffline === appearOffline ? {} : { appearOffline })),
});
