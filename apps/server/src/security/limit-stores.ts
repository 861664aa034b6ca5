import { memorySlots, type SlotStore } from './connection-slots.js';
import { memoryLimiters, type LimiterStore } from './rate-limits.js';

/**
 * Where the budgets (commands, sign-ins, handshakes, /admin attempts) and the per-user
 * connection caps are counted. One node: its memory. Several nodes (`REDIS_URL`): Redis,
 * so that they hold per user and per address across nodes (SPEC C4); app.ts chooses.
 */
export type LimitStores = {
  limiters: LimiterStore;
  slots: SlotStore;
  /** After every socket of this node is gone: gives up this node's share of shared state. */
  close(): Promise<void>;
};

export function memoryLimitStores(): LimitStores {
  return { limiters: memoryLimiters, slots: memorySlots, close: async () => {} };
}
