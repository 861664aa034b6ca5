import type { Clock, TimerHandle } from './clock.js';
import type { PresenceDirectory, PresenceListener } from './presence.directory.js';

/**
 * Who is online, derived from the set of live connections per user (P1, P2). A user is
 * online while any connection is open; after the last one closes they stay online for
 * a grace delay, so a reload or a short network blip does not flicker. Listeners hear
 * only real transitions. One process only: several nodes use the Redis directory.
 */
export class PresenceTracker implements PresenceDirectory {
  private readonly connections = new Map<string, Set<string>>();
  private readonly pendingOffline = new Map<string, TimerHandle>();
  private readonly listeners = new Set<PresenceListener>();

  constructor(
    private readonly clock: Clock,
    private readonly graceMs: number,
  ) {}

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(userId: string, connectionId: string): void {
    const pending = this.pendingOffline.get(userId);
    if (pending) {
      // Back within the grace delay: nobody ever saw them leave.
      this.clock.clearTimeout(pending);
      this.pendingOffline.delete(userId);
    }
    let set = this.connections.get(userId);
    const wasOnline = set !== undefined || pending !== undefined;
    if (!set) this.connections.set(userId, (set = new Set()));
    set.add(connectionId);
    if (!wasOnline) this.emit(userId, true);
  }

  disconnect(userId: string, connectionId: string): void {
    const set = this.connections.get(userId);
    if (!set?.delete(connectionId) || set.size > 0) return;
    this.connections.delete(userId);
    const timer = this.clock.setTimeout(() => {
      this.pendingOffline.delete(userId);
      this.emit(userId, false);
    }, this.graceMs);
    this.pendingOffline.set(userId, timer);
  }

  isOnline(userId: string): boolean {
    return this.connections.has(userId) || this.pendingOffline.has(userId);
  }

  connectionCount(userId: string): number {
    return this.connections.get(userId)?.size ?? 0;
  }

  /** Stops every pending timer (shutdown); nobody is announced offline. */
  dispose(): void {
    for (const timer of this.pendingOffline.values()) this.clock.clearTimeout(timer);
    this.pendingOffline.clear();
    this.connections.clear();
    this.listeners.clear();
  }

  private emit(userId: string, online: boolean): void {
    for (const listener of this.listeners) listener(userId, online);
  }
}
