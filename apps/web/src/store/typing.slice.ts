import type { TypingEvent } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import { addTyper, pruneTypers, typerKey, type Typers } from './typing.logic';
import { withoutKey } from './record.utils';

export type TypingState = { typers: Typers };

export type TypingSlice = TypingState & {
  /** Ignored for my own user id: typing is never shown to the typer (other tabs included). */
  typingStarted(event: TypingEvent, now: number): void;
  typingStopped(event: Pick<TypingEvent, 'roomId' | 'userId'>): void;
  typingExpired(now: number, ttlMs: number): void;
  /** After a disconnect no typing:stopped can reach us, so nothing heard before is trusted. */
  typingCleared(): void;
};

export const initialTypingState: TypingState = { typers: {} };

export const createTypingSlice: AppSlice<TypingSlice> = (set) => ({
  ...initialTypingState,
  typingStarted: (event, now) =>
    set((s) => (event.userId === s.user?.id ? {} : { typers: addTyper(s.typers, event, now) })),
  typingStopped: ({ roomId, userId }) => set((s) => ({ typers: withoutKey(s.typers, typerKey(roomId, userId)) })),
  typingExpired: (now, ttlMs) => set((s) => ({ typers: pruneTypers(s.typers, now, ttlMs) })),
  typingCleared: () => set((s) => (Object.keys(s.typers).length === 0 ? {} : { typers: {} })),
});
