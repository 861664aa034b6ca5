import { createStore } from 'zustand/vanilla';
import type { AppState } from './app.store.types';
import { createAnnouncerSlice } from './announcer.slice';
import { createConnectionSlice } from './connection.slice';
import { createMessagesSlice } from './messages.slice';
import { createOutboxSlice } from './outbox.slice';
import { createPresenceSlice } from './presence.slice';
import { createRoomsSlice } from './rooms.slice';
import { createSearchSlice } from './search.slice';
import { createSessionSlice } from './session.slice';
import { createTypingSlice } from './typing.slice';
import { createUiSlice } from './ui.slice';
import { createUploadsSlice } from './uploads.slice';

export type { AppState } from './app.store.types';

/** Builds a fresh store; the app uses one, tests make their own. */
export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createSessionSlice(...a),
    ...createConnectionSlice(...a),
    ...createRoomsSlice(...a),
    ...createMessagesSlice(...a),
    ...createOutboxSlice(...a),
    ...createPresenceSlice(...a),
    ...createTypingSlice(...a),
    ...createUiSlice(...a),
    ...createSearchSlice(...a),
    ...createAnnouncerSlice(...a),
    ...createUploadsSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/**
 * The app's store. Vanilla (no React) so the realtime layer and tests can use it
 * directly; components go through `useAppStore`.
 */
export const appStore: AppStore = createAppStore();
