import type { Static, TSchema } from '@sinclair/typebox';
import type { AckCallback } from './ack.js';
import {
  ChangesPayloadSchema,
  DmOpenPayloadSchema,
  GroupAddPayloadSchema,
  GroupCreatePayloadSchema,
  PeopleListPayloadSchema,
  type GroupAdded,
  MessageEditPayloadSchema,
  MessageRefPayloadSchema,
  ReactionPayloadSchema,
  RoomNotifyPayloadSchema,
  RoomReadPayloadSchema,
  type ChangesPage,
  type MessageChangedEvent,
  type ReadState,
  type RoomNotifyEvent,
  EmptyPayloadSchema,
  HistoryPayloadSchema,
  MessageSearchPayloadSchema,
  type SearchResults,
  MessageSendPayloadSchema,
  RoomInvitePayloadSchema,
  RoomRemoveMemberPayloadSchema,
  NoticeSendPayloadSchema,
  RoomCreatePayloadSchema,
  RoomRefPayloadSchema,
  RoomWithdrawInvitationPayloadSchema,
  TypingPayloadSchema,
  PresenceSetPayloadSchema,
  type PresenceSelf,
  type PendingInvitation,
  type ReceivedInvitation,
  type RoomInvitationWithdrawnEvent,
  type HistoryPage,
  type Member,
  type MemberJoinedEvent,
  type MemberLeftEvent,
  type Message,
  type Notice,
  type PresenceChangedEvent,
  type RoomInvitedEvent,
  type RoomLeft,
  type RoomOwnerChangedEvent,
  type RoomRemovedEvent,
  type UserDeletedEvent,
  type RoomSummary,
  type ServerShutdownEvent,
  type SessionEndedEvent,
  type SyncChangesEvent,
  type SyncCompleteEvent,
  type SyncResetEvent,
  type TypingEvent,
  type User,
} from './schemas.js';

/** Socket.IO namespaces. The chat lives on its own; operators use another. */
export const NAMESPACES = { chat: '/chat', admin: '/admin' } as const;

/**
 * Every command a chat client can send, with the schema its payload must match. The
 * server validates each incoming event against this table before any handler runs; an
 * event not listed here is ignored.
 */
export const CHAT_COMMAND_SCHEMAS = {
  'room:list': EmptyPayloadSchema,
  'room:browse': EmptyPayloadSchema,
  'room:create': RoomCreatePayloadSchema,
  'room:join': RoomRefPayloadSchema,
  'room:leave': RoomRefPayloadSchema,
  'room:members': RoomRefPayloadSchema,
  'room:invite': RoomInvitePayloadSchema,
  'room:remove-member': RoomRemoveMemberPayloadSchema,
  'room:invitations': RoomRefPayloadSchema,
  'room:withdraw-invitation': RoomWithdrawInvitationPayloadSchema,
  'room:received-invitations': EmptyPayloadSchema,
  'dm:open': DmOpenPayloadSchema,
  'group:create': GroupCreatePayloadSchema,
  'group:add': GroupAddPayloadSchema,
  'people:list': PeopleListPayloadSchema,
  'message:send': MessageSendPayloadSchema,
  'message:history': HistoryPayloadSchema,
  'message:search': MessageSearchPayloadSchema,
  'message:edit': MessageEditPayloadSchema,
  'message:delete': MessageRefPayloadSchema,
  'message:changes': ChangesPayloadSchema,
  'reaction:add': ReactionPayloadSchema,
  'reaction:remove': ReactionPayloadSchema,
  'room:read': RoomReadPayloadSchema,
  'room:read-state': RoomRefPayloadSchema,
  'room:notify': RoomNotifyPayloadSchema,
  'typing:start': TypingPayloadSchema,
  'typing:stop': TypingPayloadSchema,
  'presence:set': PresenceSetPayloadSchema,
} as const satisfies Record<string, TSchema>;

export type ChatCommand = keyof typeof CHAT_COMMAND_SCHEMAS;
export type ChatCommandPayload<C extends ChatCommand> = Static<(typeof CHAT_COMMAND_SCHEMAS)[C]>;

/** What each command's ack carries on success. */
export interface ChatCommandResults {
  'room:list': RoomSummary[];
  'room:browse': RoomSummary[];
  'room:create': RoomSummary;
  'room:join': RoomSummary;
  'room:leave': RoomLeft;
  'room:members': Member[];
  'room:invite': { roomId: string; userId: string };
  'room:remove-member': { roomId: string; userId: string };
  'room:invitations': PendingInvitation[];
  'room:withdraw-invitation': { roomId: string; userId: string };
  /** I6: my pending invitations, oldest first. */
  'room:received-invitations': ReceivedInvitation[];
  'dm:open': RoomSummary;
  /** G1: the new group, as the caller sees it. */
  'group:create': RoomSummary;
  /** G3. */
  'group:add': GroupAdded;
  /** G7: the people I share a conversation with, by username. */
  'people:list': User[];
  'message:send': Message;
  'message:history': HistoryPage;
  /** F1, F2: newest first, in my rooms and DMs only. */
  'message:search': SearchResults;
  /** E1: the message as edited (or as it was, when the text did not change). */
  'message:edit': Message;
  /** E2: the tombstone. */
  'message:delete': Message;
  'message:changes': ChangesPage;
  /** E3: the message with its reactions now. */
  'reaction:add': Message;
  'reaction:remove': Message;
  'room:read': ReadState;
  'room:read-state': ReadState;
  'room:notify': RoomNotifyEvent;
  'typing:start': null;
  'typing:stop': null;
  'presence:set': PresenceSelf;
}

/** Commands whose ack is optional: typing is fire-and-forget (and volatile). */
export type FireAndForgetCommand = 'typing:start' | 'typing:stop';
/** Commands that always take an ack callback. */
export type AckedCommand = Exclude<ChatCommand, FireAndForgetCommand>;

export type ClientToServerEvents = {
  [C in ChatCommand]: C extends FireAndForgetCommand
    ? (payload: ChatCommandPayload<C>, ack?: AckCallback<ChatCommandResults[C]>) => void
    : (payload: ChatCommandPayload<C>, ack: AckCallback<ChatCommandResults[C]>) => void;
};

/** Facts the server announces on the chat namespace. */
export interface ServerToClientEvents {
  'message:created': (message: Message) => void;
  /** E1–E3: a message was edited or deleted, or a reaction added or removed. */
  'message:changed': (event: MessageChangedEvent) => void;
  /** U3: my read marker of a room moved (from any tab or device), with the counts after it. */
  'room:read-state': (state: ReadState) => void;
  /** N2: I changed how a room notifies me (from any tab or device). */
  'room:notify-changed': (event: RoomNotifyEvent) => void;
  /**
   * A room appeared in my list: created, joined or a DM opened, maybe from another tab or
   * person. Also sent again for a group whose members changed (G4), with its new name.
   */
  'room:added': (room: RoomSummary) => void;
  /** A room left my list (I left it, maybe from another tab). */
  'room:removed': (event: RoomRemovedEvent) => void;
  'room:member-joined': (event: MemberJoinedEvent) => void;
  'room:member-left': (event: MemberLeftEvent) => void;
  /** A14: the room's owner changed, because its owner's account was deleted. */
  'room:owner-changed': (event: RoomOwnerChangedEvent) => void;
  /** A13: an account was deleted: its messages (and reactions, replies quoting it) now show `Deleted user`. */
  'user:deleted': (event: UserDeletedEvent) => void;
  /** I was invited to a private room; it is now listed in my `room:browse`. */
  'room:invited': (event: RoomInvitedEvent) => void;
  /** My pending invitation to a room was withdrawn (by the owner, or its sender left or was removed). */
  'room:invitation-withdrawn': (event: RoomInvitationWithdrawnEvent) => void;
  'presence:changed': (event: PresenceChangedEvent) => void;
  'presence:self': (event: PresenceSelf) => void;
  'typing:started': (event: TypingEvent) => void;
  'typing:stopped': (event: TypingEvent) => void;
  /** A server-wide notice, sent to every connected client. */
  'server:notice': (notice: Notice) => void;
  /** Sent just before the server disconnects the sockets of an ended session. */
  'session:ended': (event: SessionEndedEvent) => void;
  /** S2: the changes a reconnecting client missed in one room, in seq order. */
  'sync:changes': (event: SyncChangesEvent) => void;
  /** S3: too much was missed in a room; reload its newest page. */
  'sync:reset': (event: SyncResetEvent) => void;
  /** S4: every cursor of the handshake has been answered. */
  'sync:complete': (event: SyncCompleteEvent) => void;
  /** The server is stopping; the connection drops next and the client reconnects by itself. */
  'server:shutdown': (event: ServerShutdownEvent) => void;
}

export const CHAT_EVENTS = [
  'message:created',
  'message:changed',
  'room:read-state',
  'room:notify-changed',
  'room:added',
  'room:removed',
  'room:member-joined',
  'room:member-left',
  'room:owner-changed',
  'user:deleted',
  'room:invited',
  'room:invitation-withdrawn',
  'presence:changed',
  'presence:self',
  'typing:started',
  'typing:stopped',
  'server:notice',
  'session:ended',
  'sync:changes',
  'sync:reset',
  'sync:complete',
  'server:shutdown',
] as const satisfies readonly (keyof ServerToClientEvents)[];

/** Commands of the operators' namespace (authenticated with the admin token). */
export const ADMIN_COMMAND_SCHEMAS = {
  'notice:send': NoticeSendPayloadSchema,
} as const satisfies Record<string, TSchema>;

export type AdminCommand = keyof typeof ADMIN_COMMAND_SCHEMAS;

export interface AdminClientToServerEvents {
  'notice:send': (payload: Static<typeof NoticeSendPayloadSchema>, ack: AckCallback<Notice>) => void;
}
export type AdminServerToClientEvents = Record<string, never>;

/** Between server nodes (through the adapter); none yet. */
export type InterServerEvents = Record<string, never>;

/** What the handshake middleware attaches to every authenticated chat socket. */
export interface SocketData {
  user: User;
  /** Hash of the session id (never the id itself), to find every socket of one sign-in. */
  sessionKey: string;
}
