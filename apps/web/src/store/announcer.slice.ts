import type { RoomKind } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import { initialAnnouncerState, withArrival, withRoomOpened, type AnnouncerState } from './announcer.logic';

export type AnnouncerSlice = {
  announcer: AnnouncerState;
  /** A message by someone else, live, in the open room. */
  arrivalAnnounced(authorName: string, text: string, now: number): void;
  /** A room was opened (by link, keyboard, shortcut or after creating or joining it). */
  roomOpenAnnounced(roomName: string, kind: RoomKind): void;
};

export const createAnnouncerSlice: AppSlice<AnnouncerSlice> = (set) => ({
  announcer: initialAnnouncerState,
  arrivalAnnounced: (authorName, text, now) =>
    set((s) => ({ announcer: withArrival(s.announcer, authorName, text, now) })),
  roomOpenAnnounced: (roomName, kind) => set((s) => ({ announcer: withRoomOpened(s.announcer, roomName, kind) })),
});
