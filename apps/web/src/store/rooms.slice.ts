import type {
  Member,
  MemberJoinedEvent,
  MemberLeftEvent,
  RoomSummary,
} from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import { withoutInvitationsTo } from './notices.logic';
import { withoutKey } from './record.utils';

/** A member as listed; whether they are online lives in the presence slice. */
export type MemberRef = Pick<Member, 'userId' | 'username'>;

export type RoomsState = {
  rooms: Record<string, RoomSummary>;
  /** room:list has answered at least once since connecting. */
  roomsLoaded: boolean;
  /** Messages from others that arrived while the room was not open. */
  unread: Record<string, number>;
  /** Members of rooms that have been opened; absent until room:members answers. */
  membersByRoom: Record<string, MemberRef[]>;
};

export type RoomsSlice = RoomsState & {
  roomsListed(rooms: RoomSummary[]): void;
  roomAdded(room: RoomSummary): void;
  /** Also forgets the room's messages, members and unread count. */
  roomRemoved(roomId: string): void;
  /** Also records each member's presence, which the list carries. */
  membersListed(roomId: string, members: Member[]): void;
  memberJoined(event: MemberJoinedEvent): void;
  memberLeft(event: MemberLeftEvent): void;
  unreadBumped(roomId: string, count?: number): void;
};

export const initialRoomsState: RoomsState = {
  rooms: {},
  roomsLoaded: false,
  unread: {},
  membersByRoom: {},
};

export const createRoomsSlice: AppSlice<RoomsSlice> = (set) => ({
  ...initialRoomsState,
  roomsListed: (list) =>
    set((s) => {
      const rooms = Object.fromEntries(list.map((room) => [room.id, room]));
      // Rooms left while we were away must not keep stale member lists or counts.
      const keep = <T>(record: Record<string, T>) =>
        Object.fromEntries(Object.entries(record).filter(([id]) => Object.hasOwn(rooms, id)));
      return {
        rooms,
        roomsLoaded: true,
        unread: keep(s.unread),
        membersByRoom: keep(s.membersByRoom),
        // Not a member meant no message:created: a kept run would hide a hole on rejoin.
        timelines: keep(s.timelines),
        // An invitation to a room I am in now (joined elsewhere) has nothing left to offer.
        localNotices: withoutInvitationsTo(s.localNotices, Object.keys(rooms)),
      };
    }),
  roomAdded: (room) =>
    set((s) => ({
      rooms: { ...s.rooms, [room.id]: room },
      localNotices: withoutInvitationsTo(s.localNotices, [room.id]),
    })),
  roomRemoved: (roomId) =>
    set((s) => ({
      rooms: withoutKey(s.rooms, roomId),
      unread: withoutKey(s.unread, roomId),
      membersByRoom: withoutKey(s.membersByRoom, roomId),
      // Its messages stop reaching us, so the run could not stay whole: forget it.
      timelines: withoutKey(s.timelines, roomId),
    })),
  membersListed: (roomId, members) =>
    set((s) => ({
      membersByRoom: {
        ...s.membersByRoom,
        [roomId]: members.map(({ userId, username }) => ({ userId, username })),
      },
      online: { ...s.online, ...Object.fromEntries(members.map((m) => [m.userId, m.online])) },
    })),
  memberJoined: ({ roomId, member }) =>
    set((s) => {
      const online = { ...s.online, [member.userId]: member.online };
      const current = s.membersByRoom[roomId];
      // Unknown list: room:members will bring it complete when the room opens.
      if (!current || current.some((m) => m.userId === member.userId)) return { online };
      const added = [...current, { userId: member.userId, username: member.username }];
      return { online, membersByRoom: { ...s.membersByRoom, [roomId]: added } };
    }),
  memberLeft: ({ roomId, userId }) =>
    set((s) => {
      const current = s.membersByRoom[roomId];
      if (!current) return {};
      const rest = current.filter((m) => m.userId !== userId);
      return { membersByRoom: { ...s.membersByRoom, [roomId]: rest } };
    }),
  unreadBumped: (roomId, count = 1) =>
    set((s) => ({ unread: { ...s.unread, [roomId]: (s.unread[roomId] ?? 0) + count } })),
});
