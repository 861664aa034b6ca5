import type { Notice, ReceivedInvitation, RoomInvitedEvent } from '@parley/shared-types';
import type { MessageTarget } from '../lib/outbox.storage';
import type { AppSlice } from './app.store.types';
import { pendingFromList, withoutPendingTo, withPendingInvitation, type PendingInvitations } from './invitations.logic';
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
  /** My pending invitations (I1, I6), by room: the badge on Browse rooms. */
  invitations: PendingInvitations;
  /** Unsent composer text per room, so switching rooms keeps a draft. */
  drafts: Record<string, string>;
  /** E4: the message the composer answers, per room. */
  replyTargets: Record<string, ReplyTarget>;
  /** E1: the message whose text is being edited (one at a time). */
  editingKey: string | null;
  /** A message to bring into view and highlight (a reply's original, a notification). */
  focusRequest: { roomId: string; messageId: string; nonce: number } | null;
  /**
   * The side panel shown as a drawer over the conversation, if any. Only narrow screens
   * have drawers (src/ui/layout.media.ts); at desktop widths this is ignored.
   */
  drawer: DrawerName | null;
};

/** The side panels that become drawers on narrow screens: the rooms list and the members. */
export type DrawerName = 'rooms' | 'members';

/** What a reply names: the message (stored, or mine still in the outbox) and its author. */
export type ReplyTarget = { target: MessageTarget; authorName: string; excerpt: string };

export type UiSlice = UiState & {
  roomOpened(roomId: string | null): void;
  noticeReceived(notice: Notice): void;
  noticeDismissed(noticeId: string): void;
  /** room:invited; ignored when I am already in the room. */
  invitationReceived(event: RoomInvitedEvent): void;
  /**
   * I6: the pending invitations the server lists at every connect. Ones not known yet
   * get a notice (those sent while I was away); ones gone meanwhile lose theirs.
   */
  invitationsListed(list: readonly ReceivedInvitation[]): void;
  /** I4/I5: the invitation is gone (withdrawn, or its sender left or was removed): so is its Join button. */
  invitationWithdrawn(roomId: string): void;
  /** I3: the owner removed me from a room. */
  removalNoticed(roomId: string, roomName: string): void;
  infoNoticed(id: string, text: string): void;
  localNoticeDismissed(id: string): void;
  draftChanged(roomId: string, text: string): void;
  replyStarted(roomId: string, reply: ReplyTarget): void;
  replyCancelled(roomId: string): void;
  editStarted(key: string | null): void;
  messageFocusRequested(roomId: string, messageId: string): void;
  drawerOpened(name: DrawerName): void;
  drawerClosed(): void;
};

export const initialUiState: UiState = {
  activeRoomId: null,
  notices: [],
  localNotices: [],
  invitations: {},
  drafts: {},
  replyTargets: {},
  editingKey: null,
  focusRequest: null,
  drawer: null,
};

export const createUiSlice: AppSlice<UiSlice> = (set) => ({
  ...initialUiState,
  // Another room opening is a choice made (a room link, a DM, a new or joined room, an
  // invitation's Join): an open drawer has done its job. Re-showing the same room (a
  // reconnect) leaves it alone.
  roomOpened: (roomId) =>
    set((s) => (s.activeRoomId === roomId ? { activeRoomId: roomId } : { activeRoomId: roomId, drawer: null })),
  noticeReceived: (notice) =>
    set((s) => (s.notices.some((n) => n.id === notice.id) ? {} : { notices: [...s.notices, notice] })),
  noticeDismissed: (noticeId) => set((s) => ({ notices: s.notices.filter((n) => n.id !== noticeId) })),
  invitationReceived: (event) =>
    set((s) => {
      const isMember = Object.hasOwn(s.rooms, event.room.id);
      return {
        localNotices: withInvitation(s.localNotices, event, isMember),
        invitations: withPendingInvitation(s.invitations, event, isMember),
      };
    }),
  invitationsListed: (list) =>
    set((s) => {
      const invitations = pendingFromList(list, (roomId) => Object.hasOwn(s.rooms, roomId));
      // Only news gets a notice: one this tab already showed (and maybe had dismissed)
      // does not come back at every reconnect.
      let localNotices = withoutInvitationsTo(
        s.localNotices,
        Object.keys(s.invitations).filter((roomId) => !Object.hasOwn(invitations, roomId)),
      );
      for (const invitation of list) {
        if (Object.hasOwn(invitations, invitation.room.id) && !Object.hasOwn(s.invitations, invitation.room.id)) {
          localNotices = withInvitation(localNotices, invitation, false);
        }
      }
      return { invitations, localNotices };
    }),
  invitationWithdrawn: (roomId) =>
    set((s) => ({
      localNotices: withoutInvitationsTo(s.localNotices, [roomId]),
      invitations: withoutPendingTo(s.invitations, [roomId]),
    })),
  removalNoticed: (roomId, roomName) => set((s) => ({ localNotices: withRemoval(s.localNotices, roomId, roomName) })),
  infoNoticed: (id, text) => set((s) => ({ localNotices: withInfo(s.localNotices, id, text) })),
  localNoticeDismissed: (id) => set((s) => ({ localNotices: withoutNotice(s.localNotices, id) })),
  draftChanged: (roomId, text) =>
    set((s) => ({ drafts: text ? { ...s.drafts, [roomId]: text } : withoutKey(s.drafts, roomId) })),
  replyStarted: (roomId, reply) => set((s) => ({ replyTargets: { ...s.replyTargets, [roomId]: reply } })),
  replyCancelled: (roomId) => set((s) => ({ replyTargets: withoutKey(s.replyTargets, roomId) })),
  editStarted: (key) => set({ editingKey: key }),
  messageFocusRequested: (roomId, messageId) =>
    set((s) => ({ focusRequest: { roomId, messageId, nonce: (s.focusRequest?.nonce ?? 0) + 1 } })),
  drawerOpened: (name) => set({ drawer: name }),
  drawerClosed: () => set({ drawer: null }),
});
