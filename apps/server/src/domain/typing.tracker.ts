import { TYPING_TTL_MS } from '@parley/shared-types';
import type { Clock } from './clock.js';

/**
 * Which connection is typing where, so the server can announce a stop when a
 * connection closes mid-sentence (T2). A message ends its author's typing silently
 * (T5): receivers clear the typer on message:created, and the server only forgets the
 * entry (`stop`, without a broadcast). Entries older than the receivers' TTL are treated
 * as already stopped: receivers dropped them on their own.
 */
export class TypingTracker {
  /** connectionId -> roomId -> last start time */
  private readonly byConnection = new Map<string, Map<string, number>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = TYPING_TTL_MS,
  ) {}

  start(connectionId: string, roomId: string): void {
    let rooms = this.byConnection.get(connectionId);
    if (!rooms) this.byConnection.set(connectionId, (rooms = new Map()));
    rooms.set(roomId, this.clock.now());
  }

  /** True when the connection was (still visibly) typing in the room. */
  stop(connectionId: string, roomId: string): boolean {
    const rooms = this.byConnection.get(connectionId);
    const startedAt = rooms?.get(roomId);
    if (!rooms || startedAt === undefined) return false;
    rooms.delete(roomId);
    if (rooms.size === 0) this.byConnection.delete(connectionId);
    return this.clock.now() - startedAt < this.ttlMs;
  }

  /** Forgets a closed connection; returns the rooms where it was visibly typing. */
  dropConnection(connectionId: string): string[] {
    const rooms = this.byConnection.get(connectionId);
    this.byConnection.delete(connectionId);
    if (!rooms) return [];
    const now = this.clock.now();
    return [...rooms].filter(([, startedAt]) => now - startedAt < this.ttlMs).map(([roomId]) => roomId);
  }

  /** Whether the connection started typing in the room within the TTL. */
  isTyping(connectionId: string, roomId: string): boolean {
    const startedAt = this.byConnection.get(connectionId)?.get(roomId);
    return startedAt !== undefined && this.clock.now() - startedAt < this.ttlMs;
  }
}
