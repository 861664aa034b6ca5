import type { RoomInvitedEvent } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import {
  invitationNoticeId,
  MAX_LOCAL_NOTICES,
  noticeText,
  removalNoticeId,
  withInfo,
  withInvitation,
  withoutInvitationsTo,
  withoutNotice,
  withRemoval,
  type LocalNotice,
} from './notices.logic';

const invited = (roomId: string, by = 'alice', name = `room-${roomId}`): RoomInvitedEvent => ({
  room: { id: roomId, kind: 'private', name, lastSeq: 0, ownerId: 'u-alice', invited: true },
  by: { id: `u-${by}`, username: by },
});

describe('I1: invitation notices', () => {
  it('names the inviter and the room', () => {
    const [notice] = withInvitation([], invited('r1', 'alice', 'secret'), false);
    expect(notice && noticeText(notice)).toBe('alice invited you to secret');
  });

  it('shows one notice per room: a second invitation replaces the first and names the newest inviter', () => {
    let list = withInvitation([], invited('r1', 'alice'), false);
    list = withInvitation(list, invited('r2', 'alice'), false);
    list = withInvitation(list, invited('r1', 'dave'), false);
    expect(list.map((n) => n.id)).toEqual([invitationNoticeId('r2'), invitationNoticeId('r1')]);
    expect(list.at(-1)).toMatchObject({ kind: 'invited', by: { username: 'dave' } });
  });

  it('ignores an invitation to a room I am already in', () => {
    const list: LocalNotice[] = [];
    expect(withInvitation(list, invited('r1'), true)).toBe(list);
  });

  it('drops invitations to rooms I joined, and returns the same list when there are none', () => {
    const list = withInvitation(withInvitation([], invited('r1'), false), invited('r2'), false);
    expect(withoutInvitationsTo(list, ['r1']).map((n) => n.id)).toEqual([invitationNoticeId('r2')]);
    expect(withoutInvitationsTo(list, ['r9'])).toBe(list);
  });

  it(`keeps at most ${MAX_LOCAL_NOTICES} notices, the newest`, () => {
    let list: readonly LocalNotice[] = [];
    for (let i = 0; i < MAX_LOCAL_NOTICES + 3; i++) list = withInvitation(list, invited(`r${i}`), false);
    expect(list).toHaveLength(MAX_LOCAL_NOTICES);
    expect(list[0]?.id).toBe(invitationNoticeId('r3'));
  });
});

describe('I3: removal notices', () => {
  it('says I was removed, once per room, and voids a pending invitation to it', () => {
    let list = withInvitation([], invited('r1'), false);
    list = withRemoval(list, 'r1', 'secret');
    list = withRemoval(list, 'r1', 'secret');
    expect(list.map((n) => n.id)).toEqual([removalNoticeId('r1')]);
    expect(noticeText(list[0]!)).toBe('You were removed from secret.');
  });

  it('a new invitation supersedes the removal notice', () => {
    const list = withInvitation(withRemoval([], 'r1', 'secret'), invited('r1'), false);
    expect(list.map((n) => n.kind)).toEqual(['invited']);
  });
});

describe('info notices', () => {
  it('are added, replaced by id and dismissed', () => {
    let list = withInfo([], 'a', 'one');
    list = withInfo(list, 'a', 'two');
    expect(list.map(noticeText)).toEqual(['two']);
    expect(withoutNotice(list, 'a')).toEqual([]);
    expect(withoutNotice(list, 'zz')).toBe(list);
  });
});

describe('the store', () => {
  it('an invitation shows until the room is added (joined here or in another tab)', () => {
    const store = createAppStore();
    store.getState().signedIn({ id: 'me', username: 'bob' });
    store.getState().invitationReceived(invited('r1'));
    expect(store.getState().localNotices).toHaveLength(1);
    store.getState().roomAdded({ id: 'r1', kind: 'private', name: 'room-r1', lastSeq: 0 });
    expect(store.getState().localNotices).toEqual([]);
  });

  it('an invitation to a room already in my list is not shown; a fresh room list drops stale ones', () => {
    const store = createAppStore();
    store.getState().roomsListed([{ id: 'r1', kind: 'private', name: 'room-r1', lastSeq: 0 }]);
    store.getState().invitationReceived(invited('r1'));
    expect(store.getState().localNotices).toEqual([]);
    store.getState().invitationReceived(invited('r2'));
    store.getState().roomsListed([{ id: 'r2', kind: 'private', name: 'room-r2', lastSeq: 0 }]);
    expect(store.getState().localNotices).toEqual([]);
  });

  it('sign-out forgets the notices', () => {
    const store = createAppStore();
    store.getState().signedIn({ id: 'me', username: 'bob' });
    store.getState().removalNoticed('r1', 'secret');
    store.getState().signedOut();
    expect(store.getState().localNotices).toEqual([]);
  });
});
