import { Type, type Static } from '@sinclair/typebox';
import {
  ATTACHMENTS_MAX,
  GROUP_MAX_MEMBERS,
  HISTORY_PAGE_MAX,
  MESSAGE_TEXT_MAX,
  NOTICE_TEXT_MAX,
  NOTIFY_LEVELS,
  PRESENCE_STATES,
  PASSWORD_MAX,
  REACTION_EMOJI,
  RESUME_MAX_CHANGES,
  RESUME_MAX_ROOMS,
  ROOM_NAME_MAX,
  SEARCH_PAGE_MAX,
  SEARCH_QUERY_MAX,
} from './limits.js';

/*
 * One schema per payload. Each gives the static type (Static<...>) to both apps and the
 * server's runtime validation. Command payloads refuse unknown keys so a typo is an
 * error, not a silently ignored field. String bounds here are coarse transport bounds
 * (UTF-16 units); exact rules (code points, trimming, patterns) live in the domain so
 * they can answer precise codes such as `too_long` or `invalid_room_name`.
 */
const strict = { additionalProperties: false } as const;

export const IdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** Client-generated, unique per author; a UUID fits. */
export const ClientMessageIdSchema = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
});
export const SeqSchema = Type.Integer({ minimum: 0 });
/** Milliseconds since the Unix epoch. */
export const TimestampSchema = Type.Integer({ minimum: 0 });

// ---- accounts (REST) ----
export const CredentialsSchema = Type.Object(
  {
    username: Type.String({ maxLength: 256 }),
    password: Type.String({ maxLength: PASSWORD_MAX * 4 }),
  },
  strict,
);
export type Credentials = Static<typeof CredentialsSchema>;

export const UserSchema = Type.Object({ id: IdSchema, username: Type.String() });
export type User = Static<typeof UserSchema>;

export const AuthResponseSchema = Type.Object({ user: UserSchema });
export type AuthResponse = Static<typeof AuthResponseSchema>;

/** A11: the signed-in person's password, changed; their other sessions end. */
export const PasswordChangeSchema = Type.Object(
  {
    currentPassword: Type.String({ maxLength: PASSWORD_MAX * 4 }),
    newPassword: Type.String({ maxLength: PASSWORD_MAX * 4 }),
  },
  strict,
);
export type PasswordChange = Static<typeof PasswordChangeSchema>;

/** A13: deleting one's account is confirmed with its password. */
export const AccountDeleteSchema = Type.Object({ password: Type.String({ maxLength: PASSWORD_MAX * 4 }) }, strict);
export type AccountDelete = Static<typeof AccountDeleteSchema>;

/**
 * A13: what everyone sees in place of a deleted account's name (author of its messages, a
 * DM with it). No username can take it: usernames have no spaces (A2).
 */
export const DELETED_USER_NAME = 'Deleted user';

/** G2: what a group is called while nobody else is left in it. */
export const EMPTY_GROUP_NAME = 'Only you';

/** A13: an account was deleted; what its messages show becomes DELETED_USER_NAME. */
export const UserDeletedEventSchema = Type.Object({ userId: IdSchema });
export type UserDeletedEvent = Static<typeof UserDeletedEventSchema>;

// ---- rooms ----
export const RoomKindSchema = Type.Union([
  Type.Literal('public'),
  Type.Literal('private'),
  Type.Literal('dm'),
  /** G1: a conversation of 3–8 people, named by its members. */
  Type.Literal('group'),
]);
export type RoomKind = Static<typeof RoomKindSchema>;

export const RoomSummarySchema = Type.Object({
  id: IdSchema,
  kind: RoomKindSchema,
  /**
   * For a DM: the other person's username, as the viewer sees it. For a group (G2): the
   * other members' usernames, sorted ignoring case, joined by ", ".
   */
  name: Type.String(),
  /** For a DM: the other person. */
  peer: Type.Optional(UserSchema),
  /** Seq of the newest change in the room (0 when empty). */
  lastSeq: SeqSchema,
  /** The creator, who may remove members; absent for DMs and the default room. */
  ownerId: Type.Optional(IdSchema),
  /** In `room:browse`: a private room the caller was invited to and may join. */
  invited: Type.Optional(Type.Boolean()),
  /** U2: my read state, as of `lastSeq` (rooms I am a member of). */
  read: Type.Optional(
    Type.Object({
      lastReadSeq: SeqSchema,
      unreadCount: Type.Integer({ minimum: 0 }),
      mentionCount: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** N2: how much this room notifies me (absent: the default for its kind). */
  notify: Type.Optional(Type.Union(NOTIFY_LEVELS.map((level) => Type.Literal(level)))),
});
export type RoomSummary = Static<typeof RoomSummarySchema>;

export const PresenceStateSchema = Type.Union(PRESENCE_STATES.map((state) => Type.Literal(state)));

export const MemberSchema = Type.Object({
  userId: IdSchema,
  username: Type.String(),
  /** P1: `state` is not `offline` (kept for clients that know only online and offline). */
  online: Type.Boolean(),
  /** P4; absent from older servers, where `online` is all there is. */
  state: Type.Optional(PresenceStateSchema),
  /** P5: when an offline member was last seen (absent: never, or not offline). */
  lastSeenAt: Type.Optional(TimestampSchema),
});
export type Member = Static<typeof MemberSchema>;

export const EmptyPayloadSchema = Type.Object({}, strict);
export type EmptyPayload = Static<typeof EmptyPayloadSchema>;

export const RoomCreatePayloadSchema = Type.Object(
  {
    name: Type.String({ maxLength: ROOM_NAME_MAX * 8 }),
    isPrivate: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type RoomCreatePayload = Static<typeof RoomCreatePayloadSchema>;

export const RoomRefPayloadSchema = Type.Object({ roomId: IdSchema }, strict);
export type RoomRefPayload = Static<typeof RoomRefPayloadSchema>;

export const RoomInvitePayloadSchema = Type.Object(
  { roomId: IdSchema, username: Type.String({ maxLength: 256 }) },
  strict,
);
export type RoomInvitePayload = Static<typeof RoomInvitePayloadSchema>;

export const RoomRemoveMemberPayloadSchema = Type.Object({ roomId: IdSchema, userId: IdSchema }, strict);
export type RoomRemoveMemberPayload = Static<typeof RoomRemoveMemberPayloadSchema>;

export const RoomInvitedEventSchema = Type.Object({
  /** The room as the invitee will see it once joined (kind private, `invited: true`). */
  room: RoomSummarySchema,
  by: UserSchema,
});
export type RoomInvitedEvent = Static<typeof RoomInvitedEventSchema>;

/** A pending invitation, as the room's owner sees it. */
export const PendingInvitationSchema = Type.Object({
  roomId: IdSchema,
  /** Who is invited. */
  user: UserSchema,
  /** Who invited them; null when that account no longer exists. */
  invitedBy: Type.Union([UserSchema, Type.Null()]),
  createdAt: TimestampSchema,
});
export type PendingInvitation = Static<typeof PendingInvitationSchema>;

/**
 * I6: a pending invitation of mine, as the invitee sees it: the room as it will be once
 * joined (`invited: true`), who sent it (null when that account no longer exists) and when.
 */
export const ReceivedInvitationSchema = Type.Object({
  room: RoomSummarySchema,
  by: Type.Union([UserSchema, Type.Null()]),
  createdAt: TimestampSchema,
});
export type ReceivedInvitation = Static<typeof ReceivedInvitationSchema>;

export const RoomWithdrawInvitationPayloadSchema = Type.Object({ roomId: IdSchema, userId: IdSchema }, strict);
export type RoomWithdrawInvitationPayload = Static<typeof RoomWithdrawInvitationPayloadSchema>;

/** My invitation to a room is gone (withdrawn, or its sender left or was removed). */
export const RoomInvitationWithdrawnEventSchema = Type.Object({ roomId: IdSchema });
export type RoomInvitationWithdrawnEvent = Static<typeof RoomInvitationWithdrawnEventSchema>;

export const DmOpenPayloadSchema = Type.Object({ userId: IdSchema }, strict);
export type DmOpenPayload = Static<typeof DmOpenPayloadSchema>;

/**
 * G1: a group of the caller and these people (ids of other users, no repeats). Bounds
 * here are the transport's; the domain answers `group_too_small` / `group_full`.
 */
export const GroupCreatePayloadSchema = Type.Object(
  { userIds: Type.Array(IdSchema, { minItems: 1, maxItems: GROUP_MAX_MEMBERS, uniqueItems: true }) },
  strict,
);
export type GroupCreatePayload = Static<typeof GroupCreatePayloadSchema>;

/** G3: a member adds people to a group, up to GROUP_MAX_MEMBERS in all. */
export const GroupAddPayloadSchema = Type.Object(
  {
    roomId: IdSchema,
    userIds: Type.Array(IdSchema, { minItems: 1, maxItems: GROUP_MAX_MEMBERS, uniqueItems: true }),
  },
  strict,
);
export type GroupAddPayload = Static<typeof GroupAddPayloadSchema>;

/** G7: the people I share a conversation with; `prefix`: only usernames beginning with it (case ignored). */
export const PeopleListPayloadSchema = Type.Object({ prefix: Type.Optional(Type.String({ maxLength: 64 })) }, strict);
export type PeopleListPayload = Static<typeof PeopleListPayloadSchema>;

/** G3: who was added (the ack of `group:add`). */
export const GroupAddedSchema = Type.Object({ roomId: IdSchema, userIds: Type.Array(IdSchema) });
export type GroupAdded = Static<typeof GroupAddedSchema>;

export const RoomLeftSchema = Type.Object({ roomId: IdSchema });
export type RoomLeft = Static<typeof RoomLeftSchema>;

/**
 * A room left the user's list: they left it themselves, from any tab or device (R4), or
 * its owner removed them (I3). Only the server knows which, so it says.
 */
export const RoomRemovedEventSchema = Type.Object({
  roomId: IdSchema,
  reason: Type.Union([Type.Literal('left'), Type.Literal('removed')]),
});
export type RoomRemovedEvent = Static<typeof RoomRemovedEventSchema>;

export const MemberJoinedEventSchema = Type.Object({ roomId: IdSchema, member: MemberSchema });
export type MemberJoinedEvent = Static<typeof MemberJoinedEventSchema>;

export const MemberLeftEventSchema = Type.Object({ roomId: IdSchema, userId: IdSchema });
export type MemberLeftEvent = Static<typeof MemberLeftEventSchema>;

/** A14: a room's owner changed (its owner's account was deleted); absent `ownerId`: none now. */
export const RoomOwnerChangedEventSchema = Type.Object({ roomId: IdSchema, ownerId: Type.Optional(IdSchema) });
export type RoomOwnerChangedEvent = Static<typeof RoomOwnerChangedEventSchema>;

// ---- messages ----
export const ReactionEmojiSchema = Type.Union(REACTION_EMOJI.map((emoji) => Type.Literal(emoji)));

/** E3: one emoji under a message, with everyone who added it (its count is their number). */
export const ReactionSchema = Type.Object({ emoji: ReactionEmojiSchema, users: Type.Array(UserSchema) });
export type Reaction = Static<typeof ReactionSchema>;

/** E4: what a reply shows of the message it answers, as that message is now. */
export const ReplyRefSchema = Type.Object({
  id: IdSchema,
  seq: SeqSchema,
  authorId: IdSchema,
  authorName: Type.String(),
  /** The start of its text; empty when it was deleted. */
  excerpt: Type.String(),
  deleted: Type.Boolean(),
});
export type ReplyRef = Static<typeof ReplyRefSchema>;

/**
 * B1, B5: an uploaded file as messages carry it. The type is the one sniffed from its bytes
 * (never the client's word); an image's dimensions are kept so the log does not jump when
 * its preview loads.
 */
export const AttachmentSchema = Type.Object({
  id: IdSchema,
  name: Type.String(),
  /** Bytes. */
  size: Type.Integer({ minimum: 0 }),
  contentType: Type.String(),
  width: Type.Optional(Type.Integer({ minimum: 1 })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type Attachment = Static<typeof AttachmentSchema>;

/** B1: the answer to an upload: the file, pending until a message carries it (B4). */
export const FileUploadedSchema = Type.Object({ file: AttachmentSchema });
export type FileUploaded = Static<typeof FileUploadedSchema>;

/**
 * A message as it is now (E5): edited text, a tombstone when deleted (empty text, no
 * reactions or mentions), its reactions. Optional fields are absent when empty, so a
 * plain message costs no more on the wire than before.
 */
export const MessageSchema = Type.Object({
  id: IdSchema,
  roomId: IdSchema,
  /** Strictly increasing per room; the order everyone sees. */
  seq: SeqSchema,
  authorId: IdSchema,
  authorName: Type.String(),
  clientMessageId: ClientMessageIdSchema,
  text: Type.String(),
  createdAt: TimestampSchema,
  /** The seq of its newest change (edit, deletion, reaction) when it has one: newer views win. */
  version: Type.Optional(SeqSchema),
  editedAt: Type.Optional(TimestampSchema),
  deletedAt: Type.Optional(TimestampSchema),
  replyTo: Type.Optional(ReplyRefSchema),
  reactions: Type.Optional(Type.Array(ReactionSchema)),
  /** E6: the members it mentions (user ids). */
  mentions: Type.Optional(Type.Array(IdSchema)),
  /** B4: its files, in the order sent; gone with the message (B7). */
  attachments: Type.Optional(Type.Array(AttachmentSchema)),
});
export type Message = Static<typeof MessageSchema>;

export const CHANGE_KINDS = [
  'message:created',
  'message:edited',
  'message:deleted',
  'reaction:added',
  'reaction:removed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** S1: one change in a room's sequence, naming the message it changed. */
export const RoomChangeSchema = Type.Object({
  seq: SeqSchema,
  kind: Type.Union(CHANGE_KINDS.map((kind) => Type.Literal(kind))),
  messageId: IdSchema,
});
export type RoomChange = Static<typeof RoomChangeSchema>;

/** E1–E3, live: a change other than a creation, with the message as it is after it. */
export const MessageChangedEventSchema = Type.Object({
  roomId: IdSchema,
  change: RoomChangeSchema,
  message: MessageSchema,
});
export type MessageChangedEvent = Static<typeof MessageChangedEventSchema>;

export const MessageSendPayloadSchema = Type.Object(
  {
    roomId: IdSchema,
    clientMessageId: ClientMessageIdSchema,
    /** Blank text is refused by the domain with `empty_message` (M5), unless files come with it. */
    text: Type.String({ maxLength: MESSAGE_TEXT_MAX * 2 }),
    /** E4: the message of the same room this one answers. */
    replyTo: Type.Optional(IdSchema),
    /** B4: files I uploaded to this room and sent with no message yet, in the order shown. */
    attachments: Type.Optional(Type.Array(IdSchema, { minItems: 1, maxItems: ATTACHMENTS_MAX })),
  },
  strict,
);
export type MessageSendPayload = Static<typeof MessageSendPayloadSchema>;

export const MessageEditPayloadSchema = Type.Object(
  { messageId: IdSchema, text: Type.String({ maxLength: MESSAGE_TEXT_MAX * 2 }) },
  strict,
);
export type MessageEditPayload = Static<typeof MessageEditPayloadSchema>;

export const MessageRefPayloadSchema = Type.Object({ messageId: IdSchema }, strict);
export type MessageRefPayload = Static<typeof MessageRefPayloadSchema>;

export const ReactionPayloadSchema = Type.Object({ messageId: IdSchema, emoji: ReactionEmojiSchema }, strict);
export type ReactionPayload = Static<typeof ReactionPayloadSchema>;

/** S5: the changes after `after` (a cursor), to fill a hole the resume did not. */
export const ChangesPayloadSchema = Type.Object(
  {
    roomId: IdSchema,
    after: SeqSchema,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: RESUME_MAX_CHANGES })),
  },
  strict,
);
export type ChangesPayload = Static<typeof ChangesPayloadSchema>;

export const ChangesPageSchema = Type.Object({
  roomId: IdSchema,
  /** Ascending by seq, gapless from `after + 1`. */
  changes: Type.Array(RoomChangeSchema),
  /** The current view of every message the changes name. */
  messages: Type.Array(MessageSchema),
  /** The room's newest seq when this was read. */
  lastSeq: SeqSchema,
  /** More than RESUME_MAX_CHANGES were missed: reload the newest page instead (S3). */
  reset: Type.Optional(Type.Literal(true)),
});
export type ChangesPage = Static<typeof ChangesPageSchema>;

// ---- read state and notifications ----
export const RoomReadPayloadSchema = Type.Object({ roomId: IdSchema, seq: SeqSchema }, strict);
export type RoomReadPayload = Static<typeof RoomReadPayloadSchema>;

/** U2/U3: my read marker in a room and what is unread after it, as of the room's `asOfSeq`. */
export const ReadStateSchema = Type.Object({
  roomId: IdSchema,
  lastReadSeq: SeqSchema,
  unreadCount: Type.Integer({ minimum: 0 }),
  mentionCount: Type.Integer({ minimum: 0 }),
  asOfSeq: SeqSchema,
});
export type ReadState = Static<typeof ReadStateSchema>;

export const NotifyLevelSchema = Type.Union(NOTIFY_LEVELS.map((level) => Type.Literal(level)));

export const RoomNotifyPayloadSchema = Type.Object({ roomId: IdSchema, level: NotifyLevelSchema }, strict);
export type RoomNotifyPayload = Static<typeof RoomNotifyPayloadSchema>;
export type RoomNotifyEvent = RoomNotifyPayload;

export const HistoryPayloadSchema = Type.Object(
  {
    roomId: IdSchema,
    /** Only messages with a smaller seq; omitted for the newest page. */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX })),
  },
  strict,
);
export type HistoryPayload = Static<typeof HistoryPayloadSchema>;

export const HistoryPageSchema = Type.Object({
  roomId: IdSchema,
  /** Ascending by seq, each as it is now (E5). */
  messages: Type.Array(MessageSchema),
  /** True when older messages exist before the first one here. */
  hasMore: Type.Boolean(),
  /** The room's newest seq when the page was read: the page reflects every change up to it. */
  lastSeq: SeqSchema,
});
export type HistoryPage = Static<typeof HistoryPageSchema>;

/** F1: free words, "quoted phrases", from:<username>, in:<room name>. */
export const MessageSearchPayloadSchema = Type.Object(
  {
    /** Over SEARCH_QUERY_MAX code points is refused by the domain with `too_long`; blank with `empty_query`. */
    query: Type.String({ maxLength: SEARCH_QUERY_MAX * 2 }),
    /** F2: the `next` of the previous page. */
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_PAGE_MAX })),
  },
  strict,
);
export type MessageSearchPayload = Static<typeof MessageSearchPayloadSchema>;

/** F2: one message found; the snippet is plain text, its matches given as [start, end) UTF-16 ranges. */
export const SearchHitSchema = Type.Object({
  messageId: IdSchema,
  roomId: IdSchema,
  roomKind: RoomKindSchema,
  /** The room's name; a DM's is the other person's username. */
  roomName: Type.String(),
  authorId: IdSchema,
  authorName: Type.String(),
  seq: SeqSchema,
  createdAt: TimestampSchema,
  snippet: Type.Object({
    text: Type.String(),
    ranges: Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })])),
  }),
});
export type SearchHit = Static<typeof SearchHitSchema>;

export const SearchResultsSchema = Type.Object({
  /** Newest first. */
  hits: Type.Array(SearchHitSchema),
  /** Pass as `before` for older results; null when there are none. */
  next: Type.Union([Type.String(), Type.Null()]),
});
export type SearchResults = Static<typeof SearchResultsSchema>;

// ---- presence and typing ----
export const PresenceChangedEventSchema = Type.Object({
  userId: IdSchema,
  online: Type.Boolean(),
  state: PresenceStateSchema,
  /** P5: with `offline`, when the person was last seen. */
  lastSeenAt: Type.Optional(TimestampSchema),
});
export type PresenceChangedEvent = Static<typeof PresenceChangedEventSchema>;

/** P4: whether this connection's person is at it; P6: whether they appear offline to others. */
export const PresenceSetPayloadSchema = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('away')])),
    appearOffline: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type PresenceSetPayload = Static<typeof PresenceSetPayloadSchema>;

/** What `presence:set` answers, and `presence:self` tells every tab of mine when it changes. */
export const PresenceSelfSchema = Type.Object({ appearOffline: Type.Boolean() });
export type PresenceSelf = Static<typeof PresenceSelfSchema>;

export const TypingPayloadSchema = Type.Object({ roomId: IdSchema }, strict);
export type TypingPayload = Static<typeof TypingPayloadSchema>;

export const TypingEventSchema = Type.Object({
  roomId: IdSchema,
  userId: IdSchema,
  username: Type.String(),
});
export type TypingEvent = Static<typeof TypingEventSchema>;

// ---- server-wide notices and session ----
export const NoticeSchema = Type.Object({
  id: IdSchema,
  text: Type.String(),
  createdAt: TimestampSchema,
});
export type Notice = Static<typeof NoticeSchema>;

export const NoticeSendPayloadSchema = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: NOTICE_TEXT_MAX }) },
  strict,
);
export type NoticeSendPayload = Static<typeof NoticeSendPayloadSchema>;

export const SessionEndedEventSchema = Type.Object({
  reason: Type.Union([Type.Literal('signed_out'), Type.Literal('expired')]),
});
export type SessionEndedEvent = Static<typeof SessionEndedEventSchema>;

// ---- resume after a (re)connect ----
/** The handshake's `auth`: for each room, the newest seq the client holds without a gap. */
export const HandshakeAuthSchema = Type.Object(
  {
    cursors: Type.Optional(
      // A key that is not a room id is refused, not ignored (S4): without
      // additionalProperties:false a record only checks the values of matching keys.
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), SeqSchema, {
        maxProperties: RESUME_MAX_ROOMS,
        additionalProperties: false,
      }),
    ),
  },
  strict,
);
export type HandshakeAuth = Static<typeof HandshakeAuthSchema>;

export const SyncChangesEventSchema = Type.Object({
  roomId: IdSchema,
  /** Every change after the client's cursor, ascending by seq, without holes (S2). */
  changes: Type.Array(RoomChangeSchema),
  /** The current view of every message those changes name. */
  messages: Type.Array(MessageSchema),
});
export type SyncChangesEvent = Static<typeof SyncChangesEventSchema>;

export const SyncResetEventSchema = Type.Object({
  roomId: IdSchema,
  /** The room's newest seq; the client drops what it holds and reloads the newest page. */
  lastSeq: SeqSchema,
});
export type SyncResetEvent = Static<typeof SyncResetEventSchema>;

export const SyncCompleteEventSchema = Type.Object({ rooms: Type.Integer({ minimum: 0 }) });
export type SyncCompleteEvent = Static<typeof SyncCompleteEventSchema>;

export const ServerShutdownEventSchema = Type.Object({
  /** Roughly when to expect the server back; clients reconnect on their own. */
  expectedBackInMs: Type.Integer({ minimum: 0 }),
});
export type ServerShutdownEvent = Static<typeof ServerShutdownEventSchema>;

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export type Health = Static<typeof HealthSchema>;
