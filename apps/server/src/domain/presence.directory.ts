export type PresenceListener = (userId: string, online: boolean) => void;

/**
 * Who is online (P1, P2), as the rooms service and the gateway see it. One node keeps it in
 * memory (PresenceTracker); several nodes share it through Redis (cluster/redis.presence.ts),
 * which is why answers may come later than the question. Listeners hear each transition on
 * exactly one node, so a broadcast from the listener reaches everyone once (C3).
 */
export interface PresenceDirectory {
  /** A connection of this node opened. */
  connect(userId: string, connectionId: string): void;
  /** A connection of this node closed; the user may go offline after the grace delay. */
  disconnect(userId: string, connectionId: string): void;
  /** Online, or offline for less than the grace delay, on any node. */
  isOnline(userId: string): boolean | Promise<boolean>;
  /** The user's open connections on this node (tests and diagnostics). */
  connectionCount(userId: string): number;
  onChange(listener: PresenceListener): () => void;
  /** Shutdown: stops every timer; nobody is announced offline by this node any more. */
  dispose(): void | Promise<void>;
}
