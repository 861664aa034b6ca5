import type { ReceivedInvitation, RoomInvitedEvent } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { invitationNoticeId, noticeText } from './notices.logic';
import { selectPendingInvitationCount } from './ui.selectors';

const room = (id: string) => ({ id, kind: 'private' as const, name: `room-${id}`, lastSeq: 0, invited: true });
const received = (id: string, by: string | null = 'alice'): ReceivedInvitation => ({
  room: room(id),
  by: by ? { id: `u-${by}`, username: by } : null,
  createdAt: 1,
});
const live = (id: string): RoomInvitedEvent => ({ room: room(id), by: { id: 'u-alice', username: 'alice' } });

function signedInStore() {
  const store = createAppStore();
  store.getState().signedIn({ id: 'me', username: 'bob' });
  store.getState().roomsListed([{ id: 'general', kind: 'public', name: 'general', lastSeq: 0 }]);
  return store;
}

describe('I6: pending invitations (the Browse rooms badge and the notices)', () => {
  it('invitations listed at sign-in each get a notice and count in the badge', () => {
    const store = signedInStore();
    store.getState().invitationsListed([received('r1'), received('r2', null)]);
    expect(selectPendingInvitationCount(store.getState())).toBe(2);
    expect(store.getState().localNotices.map(noticeText)).toEqual([
      'alice invited you to room-r1',
      'You are invited to room-r2',
    ]);
  });

  it('a live invitation counts too, once per room', () => {
    const store = signedInStore();
    store.getState().invitationReceived(live('r1'));
    store.getState().invitationReceived(live('r1'));
    expect(selectPendingInvitationCount(store.getState())).toBe(1);
  });

  it('a reconnect does not bring back a notice already shown (and dismissed); the badge still counts it', () => {
    const store = signedInStore();
    store.getState().invitationReceived(live('r1'));
    store.getState().localNoticeDismissed(invitationNoticeId('r1'));
    store.getState().invitationsListed([received('r1'), received('r2')]);
    expect(store.getState().localNotices.map((n) => n.id)).toEqual([invitationNoticeId('r2')]);
    expect(selectPendingInvitationCount(store.getState())).toBe(2);
  });

  it('an invitation withdrawn while I was away loses its notice and its count', () => {
    const store = signedInStore();
    store.getState().invitationsListed([received('r1'), received('r2')]);
    store.getState().invitationsListed([received('r2')]);
    expect(store.getState().localNotices.map((n) => n.id)).toEqual([invitationNoticeId('r2')]);
    expect(selectPendingInvitationCount(store.getState())).toBe(1);
  });

  it('joining the room, a withdrawal or a room list holding it ends the invitation; sign-out forgets them all', () => {
    const store = signedInStore();
    store.getState().invitationsListed([received('r1'), received('r2'), received('r3')]);
    store.getState().roomAdded({ id: 'r1', kind: 'private', name: 'room-r1', lastSeq: 0 });
    store.getState().invitationWithdrawn('r2');
    expect(selectPendingInvitationCount(store.getState())).toBe(1);
    store.getState().roomsListed([{ id: 'r3', kind: 'private', name: 'room-r3', lastSeq: 0 }]);
    expect(selectPendingInvitationCount(store.getState())).toBe(0);
    store.getState().invitationReceived(live('r4'));
    store.getState().signedOut();
    expect(selectPendingInvitationCount(store.getState())).toBe(0);
  });

  it('an invitation to a room I am in is no invitation', () => {
    const store = signedInStore();
    store.getState().invitationsListed([received('general')]);
    store.getState().invitationReceived(live('general'));
    expect(selectPendingInvitationCount(store.getState())).toBe(0);
    expect(store.getState().localNotices).toEqual([]);
  });
});
