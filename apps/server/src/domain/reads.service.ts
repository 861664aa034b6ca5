import type { NotifyLevel, ReadState, RoomNotifyEvent } from '@parley/shared-types';
import type { Storage } from '../storage/storage.js';
import { DomainError } from './domain-error.js';

/** U1–U3, N2: read markers and notification levels, per person and room. */
export class ReadsService {
  constructor(private readonly deps: { storage: Storage }) {}

  /** U3: forward only; `invalid_seq` past the room's newest, `forbidden` outside my rooms. */
  async markRead(userId: string, roomId: string, seq: number): Promise<ReadState> {
    const state = await this.deps.storage.reads.mark(userId, roomId, seq);
    if (state === 'not_member') throw new DomainError('forbidden');
    if (state === 'beyond') throw new DomainError('invalid_seq');
    return state;
  }

  /** U3: the state without moving it. */
  async state(userId: string, roomId: string): Promise<ReadState> {
    const state = await this.deps.storage.reads.get(userId, roomId);
    if (!state) throw new DomainError('forbidden');
    return state;
  }

  /** N2. */
  async setNotify(userId: string, roomId: string, level: NotifyLevel): Promise<RoomNotifyEvent> {
    if (!(await this.deps.storage.reads.setNotify(userId, roomId, level))) throw new DomainError('forbidden');
    return { roomId, level };
  }
}
