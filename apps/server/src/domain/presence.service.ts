import type { Member, PresenceState } from '@parley/shared-types';
import type { Storage, UserPresenceRecord } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { PresenceDirectory } from './presence.directory.js';

/** What others see of a person: their state, and with `offline`, when they were last seen. */
export type PresenceView = { state: PresenceState; lastSeenAt?: number };

export type PresenceViewListener = (userId: string, view: PresenceView) => void;

/** A member entry (R6) from who they are and what others see of them. */
export function toMember(user: { id: string; username: string }, view: PresenceView): Member {
  return {
    userId: user.id,
    username: user.username,
    online: view.state !== 'offline',
    state: view.state,
    ...(view.lastSeenAt === undefined ? {} : { lastSeenAt: view.lastSeenAt }),
  };
}

function seenAs(state: PresenceState, record: UserPresenceRecord | undefined): PresenceView {
  // P6: whatever the connections say, a person who chose it looks offline since they chose it.
  if (record?.appearOffline) state = 'offline';
  if (state !== 'offline' || record?.lastSeenAt == null) return { state };
  return { state, lastSeenAt: record.lastSeenAt };
}

/**
 * What others see of people (P4–P6): the directory's truth about connections, with last
 * seen times (P5) and the choice to appear offline (P6) from storage.
 */
export class PresenceService {
  /** Per user, the announcement being prepared: the next one waits for it, so none overtakes another. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly deps: { directory: PresenceDirectory; storage: Storage; clock: Clock }) {}

  /** In the order asked; all at once, so a shared directory answers in one round trip. */
  async viewsOf(userIds: readonly string[]): Promise<PresenceView[]> {
    const { directory, storage } = this.deps;
    const [records, states] = await Promise.all([
      storage.users.presenceOf(userIds),
      Promise.all(userIds.map((id) => directory.stateOf(id))),
    ]);
    const byId = new Map(records.map((r) => [r.userId, r]));
    return userIds.map((id, i) => seenAs(states[i] ?? 'offline', byId.get(id)));
  }

  async viewOf(userId: string): Promise<PresenceView> {
    const [view] = await this.viewsOf([userId]);
    return view ?? { state: 'offline' };
  }

  /** Whether the person appears offline to others (P6). */
  async appearsOffline(userId: string): Promise<boolean> {
    const [record] = await this.deps.storage.users.presenceOf([userId]);
    return record?.appearOffline ?? false;
  }

  /**
   * Hears each transition the directory announces, records when people go offline (P5) and
   * passes on what others should see; a person appearing offline is not announced (P6).
   */
  onChange(listener: PresenceViewListener, onError: (error: unknown) => void): () => void {
    return this.deps.directory.onChange((userId, state) => {
      const previous = this.pending.get(userId) ?? Promise.resolve();
      const next = previous
        .then(() => this.announce(userId, state, listener))
        .catch(onError)
        .finally(() => {
          if (this.pending.get(userId) === next) this.pending.delete(userId);
        });
      this.pending.set(userId, next);
    });
  }

  /** P6: stores the choice; answers what others see of the person now. */
  async setAppearOffline(userId: string, appearOffline: boolean): Promise<PresenceView> {
    const at = this.deps.clock.now();
    if (!(await this.deps.storage.users.setAppearOffline(userId, appearOffline, at))) {
      throw new DomainError('unauthorized');
    }
    return appearOffline ? { state: 'offline', lastSeenAt: at } : this.viewOf(userId);
  }

  private async announce(userId: string, state: PresenceState, listener: PresenceViewListener): Promise<void> {
    const { storage, clock } = this.deps;
    const [record] = await storage.users.presenceOf([userId]);
    // Unknown (deleted meanwhile) or appearing offline: others have nothing new to see.
    if (!record || record.appearOffline) return;
    if (state !== 'offline') return listener(userId, { state });
    const at = clock.now();
    await storage.users.setLastSeen(userId, at);
    listener(userId, { state, lastSeenAt: at });
  }
}
