import type { Notice } from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import { withoutKey } from './record.utils';

export type UiState = {
  /** The open room, mirrored from the URL hash by the realtime layer. */
  activeRoomId: string | null;
  notices: Notice[];
  /** Unsent composer text per room, so switching rooms keeps a draft. */
  drafts: Record<string, string>;
};

export type UiSlice = UiState & {
  roomOpened(roomId: string | null): void;
  noticeReceived(notice: Notice): void;
  noticeDismissed(noticeId: string): void;
  draftChanged(roomId: string, text: string): void;
};

export const initialUiState: UiState = { activeRoomId: null, notices: [], drafts: {} };

export const createUiSlice: AppSlice<UiSlice> = (set) => ({
  ...initialUiState,
  roomOpened: (roomId) =>
    set((s) => ({ activeRoomId: roomId, unread: roomId ? withoutKey(s.unread, roomId) : s.unread })),
  noticeReceived: (notice) =>
    set((s) => (s.notices.some((n) => n.id === notice.id) ? {} : { notices: [...s.notices, notice] })),
  noticeDismissed: (noticeId) => set((s) => ({ notices: s.notices.filter((n) => n.id !== noticeId) })),
  draftChanged: (roomId, text) =>
    set((s) => ({ drafts: text ? { ...s.drafts, [roomId]: text } : withoutKey(s.drafts, roomId) })),
});
