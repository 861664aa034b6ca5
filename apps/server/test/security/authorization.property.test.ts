import { DEFAULT_ROOM_NAME, type ChatCommand, type Message } from '@parley/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseKey } from '../../src/storage/keys.js';
import { Harness, newCmid, type Account, type RecordedEvent, type TestClient, type TestServer } from '../harness.js';

/*
 * SEC-AUTHZ: a model-based property test of who may do what and who hears what.
 *
 * fast-check generates sequences of commands by 4 users (user 0 with two tabs) over the
 * default room, rooms they create (public and private) and DMs they open. A small model
 * (members, invitations and owner per room) predicts every ack: ok, forbidden, not_found,
 * already_member, room_name_taken, invalid_payload. After each command every tab does a
 * round trip, so every event the command caused has arrived and is attributed to it; the
 * events each tab received must be exactly the ones the model predicts for that command
 * (message:created, room:member-joined, room:added, …) and never concern a room the user
 * was not in at that moment. At the end, every stored message was sent by a member at the
 * time, and nobody ever received anything of a room they never belonged to.
 *
 * Rules: R1–R6, R8, D1, M4, M7, M8, T1, T3, I1–I5 (an invitation is withdrawn when its
 * sender leaves or is removed; the owner lists and withdraws invitations). A fresh server per run; the seed and
 * the shrunk command list are printed on failure (set FC_SEED to replay one).
 */

const USERS = 4;
const UNKNOWN_ROOM = 'no-such-room';
const UNKNOWN_USER_ID = 'no-such-user';
const UNKNOWN_USERNAME = 'nobody-at-all';

type Kind = 'public' | 'private' | 'dm';
type RoomModel = {
  id: string;
  kind: Kind;
  key: string | null;
  owner: number | null;
  members: Set<number>;
  /** Invitee -> who invited them (I4: withdrawn when that member leaves or is removed). */
  invited: Map<number, number>;
  pair?: [number, number];
  /** S1: every change of the room took one seq. */
  lastSeq: number;
};

/*
 * `r` and `target` are indexes, resolved against the state when the action runs: most
 * actions ("aimed") pick among the rooms and people where the command could succeed
 * (rooms one is in for send, rooms one owns for remove, non-members for invite, …), so
 * runs reach private rooms, invitations and removals; a quarter ("wild") pick among
 * every room, an unknown room id and an unknown user, for the refusals.
 */
type Action =
  | { t: 'create'; u: number; tab: number; priv: boolean; n: number; upper: boolean }
  | {
      t: 'join' | 'leave' | 'members' | 'history' | 'send' | 'typing';
      u: number;
      tab: number;
      r: number;
      wild: boolean;
    }
  | { t: 'invite' | 'remove' | 'withdraw'; u: number; tab: number; r: number; target: number; wild: boolean }
  | { t: 'invitations'; u: number; tab: number; r: number; wild: boolean }
  | { t: 'edit' | 'delete' | 'react' | 'reply'; u: number; tab: number; r: number; m: number; wild: boolean }
  | { t: 'read'; u: number; tab: number; r: number; ahead: boolean; wild: boolean }
  | { t: 'dm'; u: number; tab: number; target: number };

const user = fc.integer({ min: 0, max: USERS - 1 });
const tab = fc.integer({ min: 0, max: 1 });
const roomRef = fc.nat({ max: 50 });
const targetRef = fc.nat({ max: 50 });
const wild = fc.integer({ min: 0, max: 3 }).map((n) => n === 0);
const onRoom = <T extends 'join' | 'leave' | 'members' | 'history' | 'send' | 'typing' | 'invitations'>(t: T) =>
  fc.record({ t: fc.constant(t), u: user, tab, r: roomRef, wild });
const onMember = <T extends 'invite' | 'remove' | 'withdraw'>(t: T) =>
  fc.record({ t: fc.constant(t), u: user, tab, r: roomRef, target: targetRef, wild });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant('create' as const),
      u: user,
      tab,
      priv: fc.boolean(),
      n: fc.integer({ min: 0, max: 4 }),
      upper: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: onRoom('join'), weight: 5 },
  { arbitrary: onRoom('leave'), weight: 2 },
  { arbitrary: onRoom('members'), weight: 1 },
  { arbitrary: onRoom('history'), weight: 1 },
  { arbitrary: onRoom('send'), weight: 4 },
  { arbitrary: onRoom('typing'), weight: 2 },
  { arbitrary: onMember('invite'), weight: 4 },
  { arbitrary: onMember('remove'), weight: 4 },
  { arbitrary: onMember('withdraw'), weight: 2 },
  { arbitrary: onRoom('invitations'), weight: 1 },
  ...(['edit', 'delete', 'react', 'reply'] as const).map((t) => ({
    arbitrary: fc.record({ t: fc.constant(t), u: user, tab, r: roomRef, m: fc.nat({ max: 50 }), wild }),
    weight: 2,
  })),
  {
    arbitrary: fc.record({ t: fc.constant('read' as const), u: user, tab, r: roomRef, ahead: fc.boolean(), wild }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ t: fc.constant('dm' as const), u: user, tab, target: fc.integer({ min: 0, max: USERS }) }),
    weight: 2,
  },
);

/** What one command should have caused, per user: the events each of their tabs must get. */
type Expectation = {
  ack: { ok: true } | { ok: false; error: string };
  /** userIndex -> event names every tab of that user must receive exactly once (in any order). */
  events: Map<number, string[]>;
  /** Events that may or may not arrive (volatile typing), per user. */
  optional: Map<number, string[]>;
};

class World {
  readonly rooms: RoomModel[] = [];
  readonly everIn: Set<string>[] = Array.from({ length: USERS }, () => new Set<string>());
  readonly everInvited: Set<string>[] = Array.from({ length: USERS }, () => new Set<string>());
  /** `user/tab/roomId` of every tab that started typing and has not sent since. */
  readonly typing = new Set<string>();
  /** message id -> who was a member of its room when it was accepted. */
  readonly sent = new Map<
    string,
    { roomId: string; author: number; membersAtTime: Set<number>; deleted: boolean; reactions: Set<string> }
  >();

  constructor(
    readonly server: TestServer,
    readonly accounts: Account[],
    readonly tabs: TestClient[][],
  ) {}

  byId(id: string): RoomModel | undefined {
    return this.rooms.find((r) => r.id === id);
  }

  /** Any room, or (one index in n+1) an unknown one. */
  roomAt(r: number): RoomModel | null {
    const index = r % (this.rooms.length + 1);
    return index === this.rooms.length ? null : this.rooms[index]!;
  }

  /** An aimed pick among `candidates`, or a wild one among every room. */
  pickRoom(r: number, wild: boolean, candidates: RoomModel[]): RoomModel | null {
    if (wild || candidates.length === 0) return this.roomAt(r);
    return candidates[r % candidates.length]!;
  }

  /** An aimed pick among `candidates` (user indexes), or a wild one among everyone and an unknown user (USERS). */
  pickUser(target: number, wild: boolean, candidates: number[]): number {
    if (wild || candidates.length === 0) return target % (USERS + 1);
    return candidates[target % candidates.length]!;
  }

  addMember(room: RoomModel, u: number): void {
    room.members.add(u);
    room.invited.delete(u);
    this.everIn[u]!.add(room.id);
  }

  /** I4: `u` left or was removed: the invitations they sent are withdrawn; returns the invitees. */
  withdrawSentBy(room: RoomModel, u: number): number[] {
    const invitees = [...room.invited].filter(([, by]) => by === u).map(([invitee]) => invitee);
    for (const invitee of invitees) room.invited.delete(invitee);
    return invitees;
  }

  /** Message ids of a room, in the order sent. */
  messagesOf(roomId: string): string[] {
    return [...this.sent].filter(([, s]) => s.roomId === roomId).map(([id]) => id);
  }

  userIndexOf(id: string): number {
    return this.accounts.findIndex((a) => a.user.id === id);
  }
}

function tabOf(world: World, u: number, t: number): TestClient {
  const tabs = world.tabs[u]!;
  return tabs[t % tabs.length]!;
}

function events(pairs: Array<[number, string]>): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const [u, name] of pairs) map.set(u, [...(map.get(u) ?? []), name]);
  return map;
}

const ok = (): { ok: true } => ({ ok: true });
const refused = (error: string): { ok: false; error: string } => ({ ok: false, error });

type AckLike = { ok: boolean; error?: string; data?: unknown };

/**
 * Aimed joins and removals also pick who acts: someone with a pending invitation, or the
 * owner of a room with other members in it (when there is one), so invitation and
 * removal chains happen within a few dozen actions.
 */
function aimActor(world: World, action: Action): number {
  if (!('wild' in action) || action.wild) return action.u;
  const candidates =
    action.t === 'join'
      ? [...new Set(world.rooms.flatMap((r) => [...r.invited.keys()]))]
      : action.t === 'withdraw'
        ? [
            ...new Set(
              world.rooms.flatMap((r) => [
                ...r.invited.values(),
                ...(r.invited.size > 0 && r.owner !== null ? [r.owner] : []),
              ]),
            ),
          ]
        : action.t === 'remove'
          ? [
              ...new Set(
                preferPrivate(world.rooms.filter((r) => r.owner !== null && r.members.size > 1)).map((r) => r.owner!),
              ),
            ]
          : [];
  return candidates.length > 0 ? candidates[action.u % candidates.length]! : action.u;
}

/** Private rooms when there are any (where invitations and removals matter most), else the rest. */
function preferPrivate(rooms: RoomModel[]): RoomModel[] {
  const privates = rooms.filter((r) => r.kind === 'private');
  return privates.length > 0 ? privates : rooms;
}

/** Runs one action against the server and the model; returns the ack and what everyone should now receive. */
async function step(
  world: World,
  planned: Action,
): Promise<{ expectation: Expectation; roomId: string | null; label: string; ack: AckLike; actor: number }> {
  const action = { ...planned, u: aimActor(world, planned) } as Action;
  const actor = tabOf(world, action.u, action.tab);
  let last: AckLike | null = null;
  const call = async (command: ChatCommand, payload: unknown) =>
    (last = (await actor.raw(command, [payload])) as AckLike);
  const outcome = await decide(world, action, call);
  if (!last) throw new Error(`no command was sent for ${JSON.stringify(action)}`);
  return { ...outcome, ack: last, actor: action.u };
}

async function decide(
  world: World,
  action: Action,
  call: (command: ChatCommand, payload: unknown) => Promise<AckLike>,
): Promise<{ expectation: Expectation; roomId: string | null; label: string }> {
  const u = action.u;
  const none = { events: new Map<number, string[]>(), optional: new Map<number, string[]>() };

  if (action.t === 'create') {
    const name = `${action.upper ? 'ROOM' : 'room'}-${action.n}`;
    const label = `user${u} room:create ${name}${action.priv ? ' (private)' : ''}`;
    const taken = world.rooms.some((r) => r.key === caseKey(name));
    const ack = await call('room:create', { name, isPrivate: action.priv });
    if (taken)
      return {
        expectation: { ack: refused('room_name_taken'), ...none },
        roomId: null,
        label: `${label} ${JSON.stringify(ack)}`,
      };
    let roomId: string | null = null;
    if (ack.ok) {
      roomId = (ack.data as { id: string }).id;
      const room: RoomModel = {
        id: roomId,
        kind: action.priv ? 'private' : 'public',
        key: caseKey(name),
        owner: u,
        members: new Set(),
        invited: new Map(),
        lastSeq: 0,
      };
      world.rooms.push(room);
      world.addMember(room, u);
    }
    return {
      expectation: { ack: ok(), events: events([[u, 'room:added']]), optional: new Map() },
      roomId,
      label: `${label} ${JSON.stringify(ack)}`,
    };
  }

  if (action.t === 'dm') {
    const label = `user${u} dm:open user${action.target}`;
    if (action.target === u) {
      const ack = await call('dm:open', { userId: world.accounts[u]!.user.id });
      return {
        expectation: { ack: refused('invalid_payload'), ...none },
        roomId: null,
        label: `${label} ${JSON.stringify(ack)}`,
      };
    }
    if (action.target === USERS) {
      const ack = await call('dm:open', { userId: UNKNOWN_USER_ID });
      return {
        expectation: { ack: refused('not_found'), ...none },
        roomId: null,
        label: `${label} ${JSON.stringify(ack)}`,
      };
    }
    const peer = action.target;
    const existing = world.rooms.find((r) => r.kind === 'dm' && r.members.has(u) && r.members.has(peer));
    const ack = await call('dm:open', { userId: world.accounts[peer]!.user.id });
    let roomId: string | null = existing?.id ?? null;
    if (ack.ok) {
      const id = (ack.data as { id: string }).id;
      if (existing) expect(id, `${label}: the same DM as before`).toBe(existing.id);
      else {
        const room: RoomModel = {
          id,
          kind: 'dm',
          key: null,
          owner: null,
          members: new Set(),
          invited: new Map(),
          pair: [u, peer],
          lastSeq: 0,
        };
        world.rooms.push(room);
        world.addMember(room, u);
        world.addMember(room, peer);
      }
      roomId = id;
    }
    const expected: Array<[number, string]> = [[u, 'room:added']];
    if (!existing) expected.push([peer, 'room:added']);
    return {
      expectation: { ack: ok(), events: events(expected), optional: new Map() },
      roomId,
      label: `${label} ${JSON.stringify(ack)}`,
    };
  }

  const everyone = Array.from({ length: USERS }, (_, i) => i);
  const mine = world.rooms.filter((r) => r.members.has(u));
  const aimedAt: Record<typeof action.t, RoomModel[]> = {
    join: preferPrivate(world.rooms.filter((r) => !r.members.has(u) && (r.kind === 'public' || r.invited.has(u)))),
    leave: mine.filter((r) => r.kind !== 'dm'),
    members: mine,
    history: mine,
    send: mine,
    typing: mine,
    invite: preferPrivate(mine.filter((r) => r.kind !== 'dm' && r.members.size < USERS)),
    remove: preferPrivate(world.rooms.filter((r) => r.owner === u && r.members.size > 1)),
    withdraw: world.rooms.filter((r) => r.members.has(u) && [...r.invited].some(([, by]) => by === u || r.owner === u)),
    invitations: world.rooms.filter((r) => r.owner === u),
    edit: mine.filter((r) => world.messagesOf(r.id).length > 0),
    delete: mine.filter((r) => world.messagesOf(r.id).length > 0),
    react: mine.filter((r) => world.messagesOf(r.id).length > 0),
    reply: mine.filter((r) => world.messagesOf(r.id).length > 0),
    read: mine,
  };
  const room = world.pickRoom(action.r, action.wild, aimedAt[action.t]);
  const roomId = room?.id ?? UNKNOWN_ROOM;
  const target =
    action.t === 'invite'
      ? world.pickUser(
          action.target,
          action.wild,
          everyone.filter((i) => !room?.members.has(i)),
        )
      : action.t === 'remove'
        ? world.pickUser(
            action.target,
            action.wild,
            everyone.filter((i) => i !== u && room?.members.has(i)),
          )
        : action.t === 'withdraw'
          ? world.pickUser(action.target, action.wild, [...(room?.invited.keys() ?? [])])
          : -1;
  const where = room ? `${room.kind} ${room.key ?? 'dm'} ${room.id.slice(0, 8)}` : 'an unknown room';
  const member = room?.members.has(u) ?? false;

  switch (action.t) {
    case 'join': {
      const ack = await call('room:join', { roomId });
      const label = `user${u} room:join ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room) return { expectation: { ack: refused('not_found'), ...none }, roomId: null, label };
      const allowed = room.kind === 'public' || member || (room.kind === 'private' && room.invited.has(u));
      if (!allowed) return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
      const expected: Array<[number, string]> = [[u, 'room:added']];
      if (!member) for (const other of room.members) expected.push([other, 'room:member-joined']);
      world.addMember(room, u);
      return { expectation: { ack: ok(), events: events(expected), optional: new Map() }, roomId, label };
    }
    case 'leave': {
      const ack = await call('room:leave', { roomId });
      const label = `user${u} room:leave ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room) return { expectation: { ack: refused('not_found'), ...none }, roomId: null, label };
      if (room.kind === 'dm') return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
      // A refused leave (not a member) touches nothing, a pending invitation of the caller's
      // included (rooms.service checks membership first); a member has none pending.
      if (!member) return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
      room.members.delete(u);
      const expected: Array<[number, string]> = [[u, 'room:removed']];
      for (const other of room.members) expected.push([other, 'room:member-left']);
      for (const invitee of world.withdrawSentBy(room, u)) expected.push([invitee, 'room:invitation-withdrawn']);
      return { expectation: { ack: ok(), events: events(expected), optional: new Map() }, roomId, label };
    }
    case 'members': {
      const ack = await call('room:members', { roomId });
      const label = `user${u} room:members ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (ack.ok) {
        const ids = (ack.data as Array<{ userId: string }>).map((m) => world.userIndexOf(m.userId)).sort();
        expect(ids, `${label}: the member list`).toEqual([...room.members].sort());
      }
      return { expectation: { ack: ok(), ...none }, roomId, label };
    }
    case 'history': {
      const ack = await call('message:history', { roomId, limit: 100 });
      const label = `user${u} message:history ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (ack.ok) {
        const ids = (ack.data as { messages: Message[] }).messages.map((m) => m.id);
        const expected = [...world.sent].filter(([, s]) => s.roomId === roomId).map(([id]) => id);
        expect(ids, `${label}: the room's messages, and only those`).toEqual(expected.slice(-100));
      }
      return { expectation: { ack: ok(), ...none }, roomId, label };
    }
    case 'send': {
      const text = `from user${u} #${newCmid()}`;
      const ack = await call('message:send', { roomId, clientMessageId: newCmid(), text });
      const label = `user${u} message:send ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (ack.ok) {
        const message = ack.data as Message;
        world.sent.set(message.id, {
          roomId,
          author: u,
          membersAtTime: new Set(room.members),
          deleted: false,
          reactions: new Set(),
        });
        room.lastSeq += 1;
      }
      // M4/M8: every tab of every member, the sender's included.
      const expected: Array<[number, string]> = [...room.members].map((m) => [m, 'message:created']);
      // A tab that was typing there stops with its message: the others are told (T1).
      const typingKey = `${u}/${action.tab % world.tabs[u]!.length}/${roomId}`;
      const optional = world.typing.delete(typingKey)
        ? events([...room.members].filter((m) => m !== u).map((m) => [m, 'typing:stopped'] as [number, string]))
        : new Map<number, string[]>();
      return { expectation: { ack: ok(), events: events(expected), optional }, roomId, label };
    }
    case 'typing': {
      const ack = await call('typing:start', { roomId });
      const label = `user${u} typing:start ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      world.typing.add(`${u}/${action.tab % world.tabs[u]!.length}/${roomId}`);
      // T1: the other members (volatile: may be dropped), never a tab of the typer.
      const optional = events(
        [...room.members].filter((m) => m !== u).map((m) => [m, 'typing:started'] as [number, string]),
      );
      return { expectation: { ack: ok(), events: new Map(), optional }, roomId, label };
    }
    case 'invite': {
      const username = target === USERS ? UNKNOWN_USERNAME : world.accounts[target]!.user.username;
      const ack = await call('room:invite', { roomId, username });
      const label = `user${u} room:invite ${username} to ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member || room.kind === 'dm')
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (target === USERS) return { expectation: { ack: refused('not_found'), ...none }, roomId, label };
      if (room.members.has(target)) return { expectation: { ack: refused('already_member'), ...none }, roomId, label };
      // An invitation already pending keeps its first sender.
      if (!room.invited.has(target)) room.invited.set(target, u);
      world.everInvited[target]!.add(roomId);
      return {
        expectation: { ack: ok(), events: events([[target, 'room:invited']]), optional: new Map() },
        roomId,
        label,
      };
    }
    case 'remove': {
      const userId = target === USERS ? UNKNOWN_USER_ID : world.accounts[target]!.user.id;
      const ack = await call('room:remove-member', { roomId, userId });
      const label = `user${u} room:remove-member user${target} from ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || room.kind === 'dm' || room.owner !== u || target === u) {
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      }
      // An owner who left the room no longer moderates it.
      if (!member) return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
      if (target === USERS) return { expectation: { ack: refused('not_found'), ...none }, roomId, label };
      // The store drops a pending invitation of the target in every case.
      room.invited.delete(target);
      if (!room.members.has(target)) return { expectation: { ack: refused('not_found'), ...none }, roomId, label };
      room.members.delete(target);
      const expected: Array<[number, string]> = [[target, 'room:removed']];
      for (const other of room.members) expected.push([other, 'room:member-left']);
      // I4: the removed member's invitations go with them (the accomplice case).
      for (const invitee of world.withdrawSentBy(room, target)) expected.push([invitee, 'room:invitation-withdrawn']);
      return { expectation: { ack: ok(), events: events(expected), optional: new Map() }, roomId, label };
    }
    case 'invitations': {
      const ack = await call('room:invitations', { roomId });
      const label = `user${u} room:invitations ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || room.kind === 'dm' || room.owner !== u || !member) {
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      }
      if (ack.ok) {
        const listed = (ack.data as Array<{ user: { id: string }; invitedBy: { id: string } | null }>).map(
          (i) => `${world.userIndexOf(i.user.id)}<-${i.invitedBy ? world.userIndexOf(i.invitedBy.id) : '?'}`,
        );
        expect(listed.sort(), `${label}: I5 the pending invitations`).toEqual(
          [...room.invited].map(([to, by]) => `${to}<-${by}`).sort(),
        );
      }
      return { expectation: { ack: ok(), ...none }, roomId, label };
    }
    case 'withdraw': {
      const userId = target === USERS ? UNKNOWN_USER_ID : world.accounts[target]!.user.id;
      const ack = await call('room:withdraw-invitation', { roomId, userId });
      const label = `user${u} room:withdraw-invitation user${target} in ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || room.kind === 'dm' || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      const inviter = target === USERS ? undefined : room.invited.get(target);
      if (inviter === undefined) return { expectation: { ack: refused('not_found'), ...none }, roomId, label };
      if (room.owner !== u && inviter !== u)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
      room.invited.delete(target);
      return {
        expectation: { ack: ok(), events: events([[target, 'room:invitation-withdrawn']]), optional: new Map() },
        roomId,
        label,
      };
    }
    case 'edit':
    case 'delete':
    case 'react':
    case 'reply': {
      // A message of the picked room (an unknown id when the room has none, or a wild pick).
      const ids = room ? world.messagesOf(room.id) : [];
      const messageId =
        ids.length === 0 || (action.wild && action.m % 4 === 0) ? 'no-such-message' : ids[action.m % ids.length]!;
      const record = world.sent.get(messageId);
      const changedForMembers = (): Expectation => {
        room!.lastSeq += 1;
        return {
          ack: ok(),
          events: events([...room!.members].map((m) => [m, 'message:changed'] as [number, string])),
          optional: new Map(),
        };
      };
      if (action.t === 'reply') {
        const ack = await call('message:send', {
          roomId,
          clientMessageId: newCmid(),
          text: `re from user${u}`,
          replyTo: messageId,
        });
        const label = `user${u} reply to ${messageId.slice(0, 8)} in ${where} ${JSON.stringify(ack).slice(0, 120)}`;
        if (!room || !member)
          return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
        if (!record) return { expectation: { ack: refused('invalid_reply'), ...none }, roomId, label };
        if (record.deleted) return { expectation: { ack: refused('message_deleted'), ...none }, roomId, label };
        if (ack.ok) {
          const message = ack.data as Message;
          expect(message.replyTo?.id, `${label}: E4 the reply names its original`).toBe(messageId);
          world.sent.set(message.id, {
            roomId,
            author: u,
            membersAtTime: new Set(room.members),
            deleted: false,
            reactions: new Set(),
          });
        }
        room.lastSeq += 1;
        return {
          expectation: {
            ack: ok(),
            events: events([...room.members].map((m) => [m, 'message:created'] as [number, string])),
            optional: new Map(),
          },
          roomId,
          label,
        };
      }
      const command = action.t === 'edit' ? 'message:edit' : action.t === 'delete' ? 'message:delete' : 'reaction:add';
      const payload =
        action.t === 'edit'
          ? { messageId, text: `edited by user${u} #${newCmid()}` }
          : action.t === 'delete'
            ? { messageId }
            : { messageId, emoji: '👍' };
      const ack = await call(command, payload);
      const label = `user${u} ${command} ${messageId.slice(0, 8)} in ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      // E7: unknown, or in a room I am not in: forbidden alike.
      if (!room || !member || !record)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (action.t === 'edit') {
        if (record.author !== u) return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
        if (record.deleted) return { expectation: { ack: refused('message_deleted'), ...none }, roomId, label };
        return { expectation: changedForMembers(), roomId, label };
      }
      if (action.t === 'delete') {
        const moderates = room.kind !== 'dm' && room.owner === u;
        if (record.author !== u && !moderates)
          return { expectation: { ack: refused('forbidden'), ...none }, roomId, label };
        if (record.deleted) return { expectation: { ack: ok(), ...none }, roomId, label };
        record.deleted = true;
        record.reactions.clear();
        return { expectation: changedForMembers(), roomId, label };
      }
      if (record.deleted) return { expectation: { ack: refused('message_deleted'), ...none }, roomId, label };
      if (record.reactions.has(`${u}👍`)) return { expectation: { ack: ok(), ...none }, roomId, label };
      record.reactions.add(`${u}👍`);
      return { expectation: changedForMembers(), roomId, label };
    }
    case 'read': {
      const seq = (room?.lastSeq ?? 0) + (action.ahead ? 1 : 0);
      const ack = await call('room:read', { roomId, seq });
      const label = `user${u} room:read ${seq} in ${where} ${JSON.stringify(ack).slice(0, 120)}`;
      if (!room || !member)
        return { expectation: { ack: refused('forbidden'), ...none }, roomId: room?.id ?? null, label };
      if (action.ahead) return { expectation: { ack: refused('invalid_seq'), ...none }, roomId, label };
      // U3: every tab of mine hears it, nobody else.
      return {
        expectation: { ack: ok(), events: events([[u, 'room:read-state']]), optional: new Map() },
        roomId,
        label,
      };
    }
  }
}

/** The room an event is about, if any. */
function roomOfEvent(event: RecordedEvent): string | null {
  const p = event.payload as Record<string, unknown> | undefined;
  if (!p) return null;
  if (event.name === 'room:added') return String(p.id);
  if (event.name === 'room:invited') return String((p.room as { id: string }).id);
  return typeof p.roomId === 'string' ? p.roomId : null;
}

const IGNORED_EVENTS = new Set(['presence:changed']);

async function runScenario(actions: Action[]): Promise<void> {
  const h = new Harness();
  try {
    const server = await h.start();
    const accounts: Account[] = [];
    for (let i = 0; i < USERS; i++) accounts.push(await h.register(server, `user${i}`));
    const tabs: TestClient[][] = [];
    for (let i = 0; i < USERS; i++) {
      const count = i === 0 ? 2 : 1;
      const list: TestClient[] = [];
      for (let t = 0; t < count; t++) list.push(await h.connect(server, accounts[i]!, `user${i}/tab${t}`));
      tabs.push(list);
    }
    const world = new World(server, accounts, tabs);
    const generalId = (await tabs[0]![0]!.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
    const general: RoomModel = {
      id: generalId,
      kind: 'public',
      key: caseKey(DEFAULT_ROOM_NAME),
      owner: null,
      members: new Set(),
      invited: new Map(),
      lastSeq: 0,
    };
    world.rooms.push(general);
    for (let i = 0; i < USERS; i++) world.addMember(general, i);

    const allTabs = tabs.flatMap((list, u) => list.map((client) => ({ u, client })));
    for (const { client } of allTabs) await client.sync();
    const marks = new Map(allTabs.map(({ client }) => [client, client.events.length]));
    const history: string[] = [];

    for (const action of actions) {
      // Membership before the command, for events about rooms one is leaving.
      const before = new Map(world.rooms.map((r) => [r.id, new Set(r.members)]));
      const { expectation, roomId, label, ack, actor } = await step(world, action);
      history.push(label);
      const context = `after:\n  ${history.join('\n  ')}`;
      // The ack matches the model.
      expect(ack.ok, `ack of "${label}" ${context}`).toBe(expectation.ack.ok);
      if (!expectation.ack.ok) expect(ack.error, `ack of "${label}" ${context}`).toBe(expectation.ack.error);

      // Every tab has received everything the command caused once its round trip is back.
      for (const { client } of allTabs) await client.sync();

      for (const { u, client } of allTabs) {
        const windowEvents = client.events.slice(marks.get(client)!).filter((e) => !IGNORED_EVENTS.has(e.name));
        marks.set(client, client.events.length);
        const required = [...(expectation.ack.ok ? (expectation.events.get(u) ?? []) : [])].sort();
        const optional = expectation.ack.ok ? (expectation.optional.get(u) ?? []) : [];
        const got = windowEvents
          .map((e) => e.name)
          .filter((name) => !optional.includes(name))
          .sort();
        expect(got, `${client.label} events for "${label}" ${context}`).toEqual(required);
        for (const event of windowEvents) {
          const about = roomOfEvent(event);
          expect(about, `${client.label}: ${event.name} names a room`).not.toBeNull();
          expect(about, `${client.label}: ${event.name} is about the room of "${label}"`).toBe(roomId);
          const membersNow = world.byId(about!)?.members ?? new Set<number>();
          const membersBefore = before.get(about!) ?? new Set<number>();
          if (['message:created', 'message:changed', 'typing:started', 'typing:stopped'].includes(event.name)) {
            // Only to members at the time it was sent (nothing changed membership meanwhile).
            expect(
              membersNow.has(u),
              `${client.label} got ${event.name} of a room it is not in: "${label}" ${context}`,
            ).toBe(true);
            if (event.name.startsWith('typing:'))
              expect(u, `T1: ${event.name} never to a tab of the typer`).not.toBe(actor);
          }
          if (event.name === 'room:member-joined' || event.name === 'room:member-left') {
            expect(
              membersNow.has(u),
              `${client.label} got ${event.name} of a room it is not in: "${label}" ${context}`,
            ).toBe(true);
          }
          if (event.name === 'room:removed')
            expect(membersBefore.has(u) && !membersNow.has(u), `${client.label}: room:removed`).toBe(true);
        }
      }
    }

    // Every stored message was sent by a member of its room at the time, and nothing else was stored;
    // every change took one seq (S1).
    for (const room of world.rooms) {
      const stored = (await server.app.storage.messages.history(room.id, { limit: 10_000 })).messages;
      const expectedIds = world.messagesOf(room.id);
      expect(
        stored.map((m) => m.id),
        `messages stored in ${room.kind} ${room.key}`,
      ).toEqual(expectedIds);
      stored.forEach((message) => {
        const record = world.sent.get(message.id)!;
        expect(world.userIndexOf(message.authorId)).toBe(record.author);
        expect(record.membersAtTime.has(record.author), 'M7: the author was a member when it was stored').toBe(true);
        expect(message.deletedAt !== undefined, 'E2: deleted as modelled').toBe(record.deleted);
      });
      const log = await server.app.storage.messages.changesSince(room.id, 0, 10_000);
      expect(log.lastSeq, `S1: the model's count of changes in ${room.kind} ${room.key}`).toBe(room.lastSeq);
      expect(
        log.changes.map((c) => c.seq),
        'S1: gapless',
      ).toEqual(Array.from({ length: room.lastSeq }, (_, i) => i + 1));
    }
    // Nobody received anything of a room they never belonged to (or were invited to).
    for (const { u, client } of allTabs) {
      for (const event of client.events) {
        const about = roomOfEvent(event);
        if (about === null || event.name === 'presence:changed') continue;
        const aboutInvitation = event.name === 'room:invited' || event.name === 'room:invitation-withdrawn';
        const known = world.everIn[u]!.has(about) || (aboutInvitation && world.everInvited[u]!.has(about));
        expect(known, `${client.label} received ${event.name} of a room it never belonged to`).toBe(true);
      }
    }
  } finally {
    await h.cleanup();
  }
}

describe('SEC-AUTHZ: model-based authorization property', () => {
  it('SEC-AUTHZ R3/R6/M7/T3/I1–I5/D1/E1–E4/E7/U3 (inviter removed or gone): every ack matches the membership model and nobody hears a room they are not in', async () => {
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 10, maxLength: 40 }), async (actions) => {
        await runScenario(actions);
      }),
      {
        numRuns: 15,
        ...(seed === undefined ? {} : { seed }),
        interruptAfterTimeLimit: 75_000,
        markInterruptAsFailure: false,
      },
    );
  }, 120_000);
});
