import type { PresenceState } from '@parley/shared-types';

/** Hears each change of a user's state (P1, P2, P4). */
export type PresenceListener = (userId: string, state: PresenceState) => void;

/**
 * Who is online and whether they are at it (P1, P2, P4), as the rooms service and the
 * gateway see it. One node keeps it in memory (PresenceTracker); several nodes share it
 * through Redis (cluster/redis.presence.ts), which is why answers may come later than the
 * question. Listeners hear each transition on exactly one node, so a broadcast from the
 * listener reaches everyone once (C3). This is the truth about connections: appearing
 * offline (P6) is applied above it, by the presence service.
 */
export interface PresenceDirectory {
  /** A connection of this node opened; it counts as active until it says otherwise. */
  connect(userId: string, connectionId: string): void;
  /** A connection of this node closed; the user may go offline after the grace delay. */
  disconnect(userId: string, connectionId: string): void;
  /** P4: a connection of this node says whether its person is at it. */
  setActive(userId: string, connectionId: string, active: boolean): void;
  /** Online, or offline for less than the grace delay, on any node. */
  isOnline(userId: string): boolean | Promise<boolean>;
  /** P4: `active`, `away` or `offline`; during the grace delay, the state before it. */
  stateOf(userId: string): PresenceState | Promise<PresenceState>;
  /** The user's open connections on this node (tests and diagnostics). */
  connectionCount(userId: string): number;
  onChange(listener: PresenceListener): () => void;
  /** Shutdown: stops every timer; nobody is announced offline by this node any more. */
  dispose(): void | Promise<void>;
}
