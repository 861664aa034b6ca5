import type { Notice, RoomInvitedEvent } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import {
  withInfo,
  withInvitation,
  withoutInvitationsTo,
  withoutNotice,
  withRemoval,
  type LocalNotice,
} from './notices.logic';
import { withoutKey } from './record.utils';

export type UiState = {
  /** The open room, mirrored from the URL hash by the realtime layer. */
  activeRoomId: string | null;
  notices: Notice[];
  /** The app's own notices: invitations (I1), removals (I3), confirmations. */
  localNotices: readonly LocalNotice[];
  /** Unsent composer text per room, so switching rooms keeps a draft. */
  drafts: Record<string, string>;
};

export type UiSlice = UiState & {
  roomOpened(roomId: string | null): void;
  noticeReceived(notice: Notice): void;
  noticeDismissed(noticeId: string): void;
  /** room:invited; ignored when I am already in the room. */
  invitationReceived(event: RoomInvitedEvent): void;
  /** I4/I5: the invitation is gone (withdrawn, or its sender left or was removed): so is its Join button. */
  invitationWithdrawn(roomId: string): void;
  /** I3: the owner removed me from a room. */
  removalNoticed(roomId: string, roomName: string): void;
  infoNoticed(id: string, text: string): void;
  localNoticeDismissed(id: string): void;
  draftChanged(roomId: string, text: string): void;
};

export const initialUiState: UiState = { activeRoomId: null, notices: [], localNotices: [], drafts: {} };

export const createUiSlice: AppSlice<UiSlice> = (set) => ({
  ...initialUiState,
  roomOpened: (roomId) =>
    set((s) => ({ activeRoomId: roomId, unread: roomId ? withoutKey(s.unread, roomId) : s.unread })),
  noticeReceived: (notice) =>
    set((s) => (s.notices.some((n) => n.id === notice.id) ? {} : { notices: [...s.notices, notice] })),
  noticeDismissed: (noticeId) => set((s) => ({ notices: s.notices.filter((n) => n.id !== noticeId) })),
  invitationReceived: (event) =>
    set((s) => ({ localNotices: withInvitation(s.localNotices, event, Object.hasOwn(s.rooms, event.room.id)) })),
  invitationWithdrawn: (roomId) => set((s) => ({ localNotices: withoutInvitationsTo(s.localNotices, [roomId]) })),
  removalNoticed: (roomId, roomName) => set((s) => ({ localNotices: withRemoval(s.localNotices, roomId, roomName) })),
  infoNoticed: (id, text) => set((s) => ({ localNotices: withInfo(s.localNotices, id, text) })),
  localNoticeDismissed: (id) => set((s) => ({ localNotices: withoutNotice(s.localNotices, id) })),
  draftChanged: (roomId, text) =>
    set((s) => ({ drafts: text ? { ...s.drafts, [roomId]: text } : withoutKey(s.drafts, roomId) })),
});
