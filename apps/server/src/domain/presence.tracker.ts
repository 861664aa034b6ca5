import type { PresenceState } from '@parley/shared-types';
import type { Clock, TimerHandle } from './clock.js';
import type { PresenceDirectory, PresenceListener } from './presence.directory.js';

/**
 * Who is online and at it, derived from the live connections per user and what each says
 * (P1, P2, P4). A user is active while any connection is active, away while connected but
 * none is; after the last one closes they keep their state for a grace delay, so a reload
 * or a short network blip does not flicker. Listeners hear only real transitions. One
 * process only: several nodes use the Redis directory.
 */
export class PresenceTracker implements PresenceDirectory {
  /** userId -> connection id -> whether that connection is active. */
  private readonly connections = new Map<string, Map<string, boolean>>();
  private readonly pendingOffline = new Map<string, TimerHandle>();
  /** The state last announced of each user not offline: what others believe. */
  private readonly announced = new Map<string, PresenceState>();
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
    let conns = this.connections.get(userId);
    if (!conns) this.connections.set(userId, (conns = new Map()));
    conns.set(connectionId, true);
    this.settle(userId);
  }

  disconnect(userId: string, connectionId: string): void {
    const conns = this.connections.get(userId);
    if (!conns?.delete(connectionId)) return;
    if (conns.size > 0) {
      // The active one may have gone, leaving only away ones.
      this.settle(userId);
      return;
    }
    this.connections.delete(userId);
    const timer = this.clock.setTimeout(() => {
      this.pendingOffline.delete(userId);
      this.announced.delete(userId);
      this.emit(userId, 'offline');
    }, this.graceMs);
    this.pendingOffline.set(userId, timer);
  }

  setActive(userId: string, connectionId: string, active: boolean): void {
    const conns = this.connections.get(userId);
    // A report racing the connection's close changes nothing.
    if (!conns?.has(connectionId)) return;
    conns.set(connectionId, active);
    this.settle(userId);
  }

  isOnline(userId: string): boolean {
    return this.connections.has(userId) || this.pendingOffline.has(userId);
  }

  stateOf(userId: string): PresenceState {
    return this.current(userId) ?? this.announced.get(userId) ?? 'offline';
  }

  connectionCount(userId: string): number {
    return this.connections.get(userId)?.size ?? 0;
  }

  /** Stops every pending timer (shutdown); nobody is announced offline. */
  dispose(): void {
    for (const timer of this.pendingOffline.values()) this.clock.clearTimeout(timer);
    this.pendingOffline.clear();
    this.connections.clear();
    this.announced.clear();
    this.listeners.clear();
  }

  /** From the open connections; undefined when there are none. */
  private current(userId: string): PresenceState | undefined {
    const conns = this.connections.get(userId);
    if (!conns) return undefined;
    for (const active of conns.values()) if (active) return 'active';
    return 'away';
  }

  /** Announces the state the connections give, when it is not what others already believe. */
  private settle(userId: string): void {
    const state = this.current(userId);
    if (!state || this.announced.get(userId) === state) return;
    this.announced.set(userId, state);
    this.emit(userId, state);
  }

  private emit(userId: string, state: PresenceState): void {
    for (const listener of this.listeners) listener(userId, state);
  }
}
