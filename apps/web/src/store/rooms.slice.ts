import type {
  Member,
  MemberJoinedEvent,
  MemberLeftEvent,
  ReadState,
  RoomNotifyEvent,
  RoomOwnerChangedEvent,
  RoomSummary,
} from '@parley/shared-types';
import type { AppSlice } from './app.store.types';
import { withoutPendingTo } from './invitations.logic';
import { presenceEntryOf } from './presence.slice';
import { withoutInvitationsTo } from './notices.logic';
import { withState, type RoomRead } from './reads.logic';
import { withoutKey } from './record.utils';

/** A member as listed; whether they are online lives in the presence slice. */
export type MemberRef = Pick<Member, 'userId' | 'username'>;

export type RoomsState = {
  rooms: Record<string, RoomSummary>;
  /** room:list has answered at least once since connecting. */
  roomsLoaded: boolean;
  /** My read state per room (U2–U4), as the server gave it plus what happened since. */
  reads: Record<string, RoomRead>;
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
  /** U3: a read state from the server (room:read-state, an ack, a fresh ask). */
  readStateReceived(state: ReadState): void;
  /** N2: I set how a room notifies me, here or elsewhere. */
  roomNotifyChanged(event: RoomNotifyEvent): void;
  /** A14: the room passed to another owner (or to none). */
  roomOwnerChanged(event: RoomOwnerChangedEvent): void;
};

/** The read state a room summary carries (U2), as of its lastSeq. */
function readOf(room: RoomSummary, current: RoomRead | undefined): RoomRead | undefined {
  return room.read ? withState(current, { ...room.read, asOfSeq: room.lastSeq }) : current;
}

export const initialRoomsState: RoomsState = {
  rooms: {},
  roomsLoaded: false,
  reads: {},
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
        reads: Object.fromEntries(
          list.flatMap((room) => {
            const read = readOf(room, s.reads[room.id]);
            return read ? [[room.id, read]] : [];
          }),
        ),
        membersByRoom: keep(s.membersByRoom),
        // Not a member meant no message:created: a kept run would hide a hole on rejoin.
        timelines: keep(s.timelines),
        // An invitation to a room I am in now (joined elsewhere) has nothing left to offer.
        localNotices: withoutInvitationsTo(s.localNotices, Object.keys(rooms)),
        invitations: withoutPendingTo(s.invitations, Object.keys(rooms)),
      };
    }),
  roomAdded: (room) =>
    set((s) => {
      const read = readOf(room, s.reads[room.id]);
      return {
        // An announcement without the level (a DM opened by the other person) keeps mine.
        rooms: {
          ...s.rooms,
          [room.id]: {
            ...room,
            ...(room.notify || !s.rooms[room.id]?.notify ? {} : { notify: s.rooms[room.id]!.notify }),
          },
        },
        reads: read ? { ...s.reads, [room.id]: read } : s.reads,
        localNotices: withoutInvitationsTo(s.localNotices, [room.id]),
        invitations: withoutPendingTo(s.invitations, [room.id]),
      };
    }),
  roomRemoved: (roomId) =>
    set((s) => ({
      rooms: withoutKey(s.rooms, roomId),
      reads: withoutKey(s.reads, roomId),
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
      presence: { ...s.presence, ...Object.fromEntries(members.map((m) => [m.userId, presenceEntryOf(m)])) },
    })),
  memberJoined: ({ roomId, member }) =>
    set((s) => {
      const online = { ...s.online, [member.userId]: member.online };
      const presence = { ...s.presence, [member.userId]: presenceEntryOf(member) };
      const current = s.membersByRoom[roomId];
      // Unknown list: room:members will bring it complete when the room opens.
      if (!current || current.some((m) => m.userId === member.userId)) return { online, presence };
      const added = [...current, { userId: member.userId, username: member.username }];
      return { online, presence, membersByRoom: { ...s.membersByRoom, [roomId]: added } };
    }),
  memberLeft: ({ roomId, userId }) =>
    set((s) => {
      const current = s.membersByRoom[roomId];
      if (!current) return {};
      const rest = current.filter((m) => m.userId !== userId);
      return { membersByRoom: { ...s.membersByRoom, [roomId]: rest } };
    }),
  readStateReceived: (state) =>
    set((s) =>
      Object.hasOwn(s.rooms, state.roomId)
        ? { reads: { ...s.reads, [state.roomId]: withState(s.reads[state.roomId], state) } }
        : {},
    ),
  roomNotifyChanged: ({ roomId, level }) =>
    set((s) => {
      const room = s.rooms[roomId];
      return room ? { rooms: { ...s.rooms, [roomId]: { ...room, notify: level } } } : {};
    }),
  roomOwnerChanged: ({ roomId, ownerId }) =>
    set((s) => {
      const room = s.rooms[roomId];
      if (!room) return {};
      const { ownerId: _previous, ...rest } = room;
      return { rooms: { ...s.rooms, [roomId]: ownerId ? { ...rest, ownerId } : rest } };
    }),
});
