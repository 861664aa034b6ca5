import {
  CHAT_COMMAND_SCHEMAS,
  HandshakeAuthSchema,
  NAMESPACES,
  type Ack,
  type AckCallback,
  type AckError,
  type ChatCommand,
  type SessionEndedEvent,
  type User,
} from '@parley/shared-types';
import type { FastifyBaseLogger } from 'fastify';
import type { ChatServer } from './chat.handlers.js';
import { isDomainError } from '../../domain/domain-error.js';
import type { Services } from '../../domain/services.js';
import {
  announceGroup,
  broadcastPresence,
  chatHandlers,
  type ChatNamespace,
  type ChatSocket,
  type CommandContext,
} from './chat.handlers.js';
import { toMember } from '../../domain/presence.service.js';
import { SESSION_CHANNEL_PREFIX, roomChannel, sessionChannel, userChannel } from './socket-rooms.js';
import { isStorageRefusal, type DeletedAccount, type RoomCursor } from '../../storage/storage.js';
import { clientAddress, type TrustFn } from '../../security/client-address.js';
import { memorySlots, type Release, type SlotStore } from '../../security/connection-slots.js';
import {
  ABUSE_REFUSALS_LIMIT,
  ABUSE_WINDOW_MS,
  COMMAND_BUDGETS,
  CommandLimits,
  HandshakeLimits,
  memoryLimiters,
  type LimiterStore,
} from '../../security/rate-limits.js';
import { compileValidator, compileValidators } from './validation.js';
import { NO_METRICS, type ChatMetrics } from '../../observability/metrics.js';
import { logsAt, socketLog } from '../../observability/logging.js';

export type ChatGateway = {
  nsp: ChatNamespace;
  /** A7: tells every socket of the session why, then disconnects them. */
  endSession(sessionKey: string, reason: SessionEndedEvent['reason']): void;
  /** R7, R8: a user joined rooms outside a socket command (a new account's default room). */
  announceMember(user: User, roomIds: readonly string[]): void;
  /**
   * A13, A14: an account was deleted. The rooms holding its messages hear `user:deleted`,
   * the rooms it was in `room:member-left`, the rooms it owned who owns them now; the
   * invitations it sent are withdrawn (I4); its sessions end like a sign-out (A7).
   */
  accountDeleted(userId: string, deleted: DeletedAccount): void;
  /**
   * S6: refuses new work, waits (bounded) for commands already running, tells this
   * node's clients, then drops their connections so they reconnect on their own. A
   * connection whose peer does not read never finishes closing: app.ts cuts it after
   * the shutdown grace.
   */
  shutdown(options: { drainTimeoutMs: number; expectedBackInMs: number }): Promise<void>;
};

const validators = compileValidators(CHAT_COMMAND_SCHEMAS);
/** Commands that change who can see what: the session is re-checked before each. */
const SENSITIVE = new Set<ChatCommand>([
  'room:create',
  'room:join',
  'room:invite',
  'room:remove-member',
  'room:invitations',
  'room:received-invitations',
  'room:withdraw-invitation',
  'dm:open',
]);
const validateAuth = compileValidator(HandshakeAuthSchema);
const COMMAND_SET = new Set<string>(Object.keys(CHAT_COMMAND_SCHEMAS));
const noop = () => {};
const UNAVAILABLE: AckError = { ok: false, error: 'unavailable' };
const UNAUTHORIZED: AckError = { ok: false, error: 'unauthorized' };
/** Sessions re-checked per turn of the event loop. */
const RECHECK_CHUNK = 250;

export function toAckError(error: unknown, log: FastifyBaseLogger): AckError {
  if (isDomainError(error)) {
    return { ok: false, error: error.code, ...(error.details ? { details: error.details } : {}) };
  }
  // S8: refused for storage, nothing stored: the client keeps it and retries later.
  if (isStorageRefusal(error)) return { ok: false, error: 'storage_full', retryAfterMs: error.retryAfterMs };
  // W5: the cause goes to the log, never on the wire.
  log.error({ err: error }, 'command failed');
  return { ok: false, error: 'internal' };
}

export function createChatGateway(deps: {
  io: ChatServer;
  services: Services;
  /** Resolves the session id carried by a handshake's cookies. */
  authenticate: (cookieHeader: string | undefined) => ReturnType<Services['auth']['authenticate']>;
  log: FastifyBaseLogger;
  limits: {
    sessionRecheckMs: number;
    maxConnectionsPerUser: number;
    handshakesPerIpPerMinute: number;
  };
  /** Which peers are proxies whose X-Forwarded-For names the client (for the per-IP cap). */
  trust: TrustFn;
  commandLimits?: CommandLimits;
  /** Where budgets and the per-user cap are counted (Redis with several nodes: SPEC C4); memory by default. */
  limiters?: LimiterStore;
  slots?: SlotStore;
  /** Commands, their acks and stored messages are counted here (SPEC O2); nowhere by default. */
  metrics?: ChatMetrics;
}): ChatGateway {
  const { io, services, log } = deps;
  const metrics = deps.metrics ?? NO_METRICS;
  const limiters = deps.limiters ?? memoryLimiters;
  const commandLimits = deps.commandLimits ?? new CommandLimits(COMMAND_BUDGETS, limiters);
  /** Chat connections per user; the per-address cap holds every transport (server.gate.ts). */
  const userSlots = (deps.slots ?? memorySlots)('user', deps.limits.maxConnectionsPerUser);
  const handshakeLimits = new HandshakeLimits(deps.limits.handshakesPerIpPerMinute, limiters);
  /** Per socket: refusals for rate limits in the current abuse window. */
  const refusals = new WeakMap<ChatSocket, { count: number; since: number; cut?: true }>();
  /**
   * Users whose connection was just cut off for abuse, blocked until they may connect again.
   * Without this the cut-off costs a flooder nothing: it reconnects at once and gets
   * another hundred refusals processed, over and over (about half the event loop). Counted
   * where the budgets are: with several nodes, in Redis, so reconnecting to another node
   * does not evade it (C4).
   */
  const cutOffs = limiters({ keyPrefix: 'abuse-cut-off', points: 1, duration: Math.ceil(ABUSE_WINDOW_MS / 1000) });
  /** This node's own cut-offs, known at once (the shared record is written asynchronously). */
  const cutOffUntil = new Map<string, number>();
  const nsp: ChatNamespace = io.of(NAMESPACES.chat);
  /** Read during the handshake (see the connection handler): rooms with their seq, and the client's cursors. */
  const handshakes = new WeakMap<ChatSocket, { rooms: RoomCursor[]; cursors: Map<string, number>; release: Release }>();
  let inFlight = 0;
  let closing = false;

  // A6: no valid session, no connection; no handler ever sees an anonymous socket.
  nsp.use((socket, next) => {
    if (closing) return next(new Error('unavailable'));
    const auth: unknown = socket.handshake.auth ?? {};
    if (validateAuth(auth)) return next(new Error('invalid_payload'));
    const cursors = new Map(Object.entries((auth as { cursors?: Record<string, number> }).cursors ?? {}));
    const ip = clientAddress(socket.request, deps.trust);
    let release: Release | undefined;
    admit(ip, socket.handshake.headers.cookie)
      .then(async (admitted) => {
        if (!admitted.ok) {
          // Refusals past the handshake budget cost an attacker nothing: at debug level, so
          // a flood of them cannot flood the log too; the others are bounded by that budget.
          const level = admitted.error.message === 'rate_limited' ? 'debug' : 'info';
          if (logsAt(log, level)) {
            socketLog(log, socket.id, admitted.userId)[level](
              { refused: admitted.error.message },
              'chat handshake refused',
            );
          }
          return next(admitted.error);
        }
        const { session } = admitted;
        release = admitted.release;
        // A shared counter answers after a round trip, in which the transport may have closed.
        if (socket.conn.readyState === 'closed') {
          release();
          return next(new Error('unavailable'));
        }
        // The slot is given back when this socket disconnects, or with its transport if
        // it never gets as far as connecting.
        socket.conn.once('close', release);
        socket.data.user = session.user;
        socket.data.sessionKey = session.sessionKey;
        handshakes.set(socket, { rooms: await services.rooms.cursorsOf(session.user.id), cursors, release });
        next();
      })
      .catch((error: unknown) => {
        release?.();
        socketLog(log, socket.id).error({ err: error }, 'handshake failed');
        next(new Error('internal'));
      });
  });

  type Session = NonNullable<Awaited<ReturnType<Services['auth']['authenticate']>>>;
  /** Who may connect: the address's handshake budget first (before any lookup), then the session and the caps. */
  async function admit(
    ip: string,
    cookie: string | undefined,
  ): Promise<{ ok: true; session: Session; release: Release } | { ok: false; error: Error; userId?: string }> {
    const refuse = (code: string, data?: unknown, userId?: string) => ({
      ok: false as const,
      error: Object.assign(new Error(code), data ? { data } : {}),
      ...(userId === undefined ? {} : { userId }),
    });
    const budget = await handshakeLimits.take(ip);
    if (!budget.ok) return refuse('rate_limited', { retryAfterMs: budget.retryAfterMs });
    const session = await deps.authenticate(cookie);
    if (!session) return refuse('unauthorized');
    const localCutOff = cutOffUntil.get(session.user.id);
    if (localCutOff !== undefined) {
      if (Date.now() < localCutOff) {
        return refuse('rate_limited', { retryAfterMs: localCutOff - Date.now() }, session.user.id);
      }
      cutOffUntil.delete(session.user.id);
    }
    // Cut off on another node: a blocked key reads as more points consumed than the budget has.
    const cutOff = await cutOffs.get(session.user.id).catch(() => null);
    if (cutOff && cutOff.consumedPoints > 1 && cutOff.msBeforeNext > 0) {
      return refuse('rate_limited', { retryAfterMs: cutOff.msBeforeNext }, session.user.id);
    }
    // Taken now, not counted once connected: a burst of handshakes cannot all pass the check
    // (across nodes too: the shared counter checks and takes in one step).
    const release = await userSlots.take(session.user.id);
    if (!release) return refuse('too_many_connections', undefined, session.user.id);
    return { ok: true, session, release };
  }

  nsp.on('connection', (socket) => {
    const { user, sessionKey } = socket.data;
    // Joined before the client can send anything, so nothing broadcast after the
    // client's first history fetch can miss this socket.
    const handshake = handshakes.get(socket);
    handshakes.delete(socket);
    if (!handshake) {
      socket.disconnect(true);
      return;
    }
    socket.join([
      userChannel(user.id),
      sessionChannel(sessionKey),
      ...handshake.rooms.map((r) => roomChannel(r.roomId)),
    ]);
    services.presence.connect(user.id, socket.id);
    // S2–S4: the rooms' newest seqs are read again after joining, so every change is
    // either in the replay or arrives live (one read at handshake time could miss a
    // message stored between that read and the join).
    void resume(socket, handshake.cursors);

    if (logsAt(log, 'info')) socketLog(log, socket.id, user.id).info('chat socket connected');
    const ctx: CommandContext = { socket, nsp, user, services, metrics };
    // One catch-all listener instead of one per command: 1.6 KB less heap per connection
    // (bench/RESULTS.md). Events that are not commands are still ignored (W4), but each
    // counts as a refusal: no client of ours sends them, so a stream of them is a flood.
    socket.onAny((event: string, payload: unknown, ack?: unknown) => {
      if (COMMAND_SET.has(event)) void dispatch(ctx, event as ChatCommand, payload, ack);
      else {
        metrics.ignoredEvent();
        noteRefusal(socket);
      }
    });

    socket.on('disconnect', (reason) => {
      if (logsAt(log, 'info')) socketLog(log, socket.id, user.id).info({ reason }, 'chat socket disconnected');
      services.presence.disconnect(user.id, socket.id);
      socket.conn.off('close', handshake.release);
      handshake.release();
      // T2: whoever sees this connection typing must see it stop.
      for (const roomId of services.typing.dropConnection(socket.id)) {
        nsp
          .to(roomChannel(roomId))
          .except(userChannel(user.id))
          .emit('typing:stopped', { roomId, userId: user.id, username: user.username });
      }
    });
  });

  async function dispatch(ctx: CommandContext, command: ChatCommand, payload: unknown, ack: unknown) {
    // W4: `emit(cmd, callback)` puts the callback first; a missing ack is allowed.
    if (typeof payload === 'function' && ack === undefined) {
      ack = payload;
      payload = undefined;
    }
    const respond = (typeof ack === 'function' ? ack : noop) as AckCallback<unknown>;
    // From here to the ack is what the latency histogram measures (O2).
    const startedAt = performance.now();
    if (closing) {
      respond(UNAVAILABLE);
      metrics.commandAnswered(command, UNAVAILABLE, startedAt);
      return;
    }
    inFlight++;
    // Every path below answers exactly once, through this: counted in `finally`.
    let answer: Ack<unknown> | undefined;
    try {
      // The budget is taken before validation, so a flood of malformed commands is refused
      // and cut off like any other flood instead of being answered forever.
      const verdict = await commandLimits.take(command, ctx.user.id);
      if (!verdict.ok) {
        respond((answer = { ok: false, error: 'rate_limited', retryAfterMs: verdict.retryAfterMs }));
        noteRefusal(ctx.socket);
        return;
      }
      const invalid = validators[command](payload);
      if (invalid) return respond((answer = invalid));
      if (SENSITIVE.has(command) && !(await services.auth.authenticateKey(ctx.socket.data.sessionKey))) {
        respond((answer = UNAUTHORIZED));
        endSession(ctx.socket.data.sessionKey, 'expired');
        return;
      }
      const handler = chatHandlers[command] as (p: unknown, c: CommandContext) => Promise<unknown>;
      respond((answer = { ok: true, data: await handler(payload, ctx) }));
    } catch (error) {
      // A domain error is an answer, not a failure: only the others are logged, with the socket.
      const errorLog = isDomainError(error) ? log : socketLog(log, ctx.socket.id, ctx.user.id);
      respond((answer = toAckError(error, errorLog)));
    } finally {
      inFlight--;
      if (answer) metrics.commandAnswered(command, answer, startedAt);
    }
  }

  /** Sustained abuse: a connection that keeps being refused is cut off. */
  function noteRefusal(socket: ChatSocket) {
    const now = Date.now();
    let state = refusals.get(socket);
    if (!state || now - state.since > ABUSE_WINDOW_MS) refusals.set(socket, (state = { count: 0, since: now }));
    if (++state.count > ABUSE_REFUSALS_LIMIT && !state.cut) {
      state.cut = true;
      socketLog(log, socket.id, socket.data.user.id).warn('disconnecting a flooding connection');
      cutOffUntil.set(socket.data.user.id, now + ABUSE_WINDOW_MS);
      // The other nodes learn it within a Redis round trip, well before a reconnect's handshake.
      cutOffs.block(socket.data.user.id, Math.ceil(ABUSE_WINDOW_MS / 1000)).catch(() => {});
      socket.disconnect(true);
    }
  }

  function endSession(sessionKey: string, reason: SessionEndedEvent['reason']) {
    const sockets = nsp.in(sessionChannel(sessionKey));
    sockets.emit('session:ended', { reason });
    sockets.disconnectSockets(true);
  }

  /** Sessions end (idle, lifetime, sign-out elsewhere) while sockets are open: look again now and then. */
  const recheck = setInterval(() => {
    const keys = [...nsp.adapter.rooms.keys()].filter((room) => room.startsWith(SESSION_CHANNEL_PREFIX));
    void recheckSessions(keys);
  }, deps.limits.sessionRecheckMs);
  recheck.unref();

  /**
   * A few hundred sessions per turn of the event loop: all at once, 4,000 sessions held
   * the loop for about 70 ms and every message waited behind them (bench/RESULTS.md).
   */
  async function recheckSessions(channels: string[]) {
    for (let i = 0; i < channels.length; i += RECHECK_CHUNK) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (closing) return;
      for (const channel of channels.slice(i, i + RECHECK_CHUNK)) {
        const key = channel.slice(SESSION_CHANNEL_PREFIX.length);
        services.auth
          .authenticateKey(key)
          .then((session) => {
            if (!session) endSession(key, 'expired');
          })
          .catch((error: unknown) => log.error({ err: error }, 'session re-check failed'));
      }
    }
  }

  async function resume(socket: ChatSocket, cursors: Map<string, number>) {
    try {
      const steps =
        cursors.size === 0
          ? []
          : await services.messages.resume(await services.rooms.cursorsOf(socket.data.user.id), cursors);
      for (const step of steps) {
        if (step.kind === 'changes') {
          socket.emit('sync:changes', { roomId: step.roomId, changes: step.changes, messages: step.messages });
        } else socket.emit('sync:reset', { roomId: step.roomId, lastSeq: step.lastSeq });
      }
      socket.emit('sync:complete', { rooms: steps.length });
    } catch (error) {
      // The client cannot trust its view now: drop it, it reconnects and resumes again.
      socketLog(log, socket.id, socket.data.user.id).error({ err: error }, 'resume failed');
      socket.conn.close();
    }
  }

  // P3–P6: what others see of a person goes to the rooms they are in.
  const presenceFailed = (error: unknown) => log.error({ err: error }, 'presence broadcast failed');
  services.presenceViews.onChange(
    (userId, view) => void broadcastPresence(nsp, services, userId, view).catch(presenceFailed),
    presenceFailed,
  );

  return {
    nsp,
    endSession,
    async shutdown({ drainTimeoutMs, expectedBackInMs }) {
      closing = true;
      clearInterval(recheck);
      const deadline = Date.now() + drainTimeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      // This node's clients only: through the adapter it would reach every node's, and one
      // node's restart would make every client of the cluster reconnect.
      nsp.local.emit('server:shutdown', { expectedBackInMs });
      // Closing the transports (not a namespace disconnect) makes clients reconnect by themselves.
      for (const socket of nsp.sockets.values()) socket.conn.close();
    },
    accountDeleted(userId, deleted) {
      const told = [...new Set([...deleted.authoredRoomIds, ...deleted.leftRoomIds])];
      if (told.length > 0) nsp.to(told.map(roomChannel)).emit('user:deleted', { userId });
      for (const roomId of deleted.leftRoomIds) {
        nsp.to(roomChannel(roomId)).emit('room:member-left', { roomId, userId });
        // G2: a group it was in is named by the members left (nothing for other rooms).
        void services.rooms
          .groupViews(roomId)
          .then((views) => announceGroup(nsp, views))
          .catch((error: unknown) => log.error({ err: error }, 'group announcement failed'));
      }
      for (const { roomId, ownerId } of deleted.ownerChanges) {
        nsp.to(roomChannel(roomId)).emit('room:owner-changed', { roomId, ...(ownerId ? { ownerId } : {}) });
      }
      for (const { roomId, userId: invitee } of deleted.withdrawnInvitations) {
        nsp.to(userChannel(invitee)).emit('room:invitation-withdrawn', { roomId });
      }
      for (const key of deleted.sessionKeys) endSession(key, 'signed_out');
      // A socket whose handshake read the session just before it ended is in no session
      // channel yet that the loop above reached; every socket of the account is in this one.
      const sockets = nsp.in(userChannel(userId));
      sockets.emit('session:ended', { reason: 'signed_out' });
      sockets.disconnectSockets(true);
    },
    announceMember(user, roomIds) {
      // Several nodes: presence is asked of Redis, so the announcement waits for its answer.
      void services.presenceViews
        .viewOf(user.id)
        .then((view) => {
          const member = toMember(user, view);
          for (const roomId of roomIds) {
            nsp.to(roomChannel(roomId)).except(userChannel(user.id)).emit('room:member-joined', { roomId, member });
          }
        })
        .catch((error: unknown) => log.error({ err: error }, 'member announcement failed'));
    },
  };
}
