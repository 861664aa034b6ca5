import { randomBytes } from 'node:crypto';
import type { PresenceState } from '@parley/shared-types';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { PresenceDirectory, PresenceListener } from '../domain/presence.directory.js';
import { BEAT_LUA, LEAVE_LUA, REGISTER_LUA, SETTLE_LUA, SET_COUNT_LUA } from './presence.scripts.js';

/*
 * Presence shared by every node (P1, P2, C3). Each node keeps its own connections in
 * memory, which is the truth about them, and writes to Redis how many it holds per user;
 * the Lua scripts (presence.scripts.ts) decide atomically when a user's first connection
 * anywhere opens or their last one closes, so exactly one node announces each transition.
 * Nodes beat a heartbeat key; a node whose key expired is dropped by any survivor, and its
 * users who have not come back elsewhere go offline for the others.
 * Active or away (P4) is this node's own view: a user whose connections here all say away
 * is away, even if a tab of theirs on another node is active (C4 says so).
 */

/** How often a node proves it is alive (and settles the cluster's due grace delays). */
export const PRESENCE_HEARTBEAT_MS = 5000;
/** How long after its last beat a node counts as dead: three beats may be missed. */
export const PRESENCE_EXPIRE_MS = 15_000;
/** Users one beat settles at most, so a mass disconnect cannot hold Redis for long. */
const SETTLE_PER_BEAT = 5000;
/** How long a lookup waits for Redis before it answers from this node's own connections. */
const LOOKUP_TIMEOUT_MS = 1000;
/** How long a stopping node waits to say goodbye before it leaves the cleanup to the others. */
const LEAVE_TIMEOUT_MS = 1000;

export type RedisPresenceOptions = {
  /** A connection for plain commands (never blocking ones), shared with the fan-out. */
  client: Redis;
  /** The cluster's key prefix: only nodes sharing it share presence. */
  keyPrefix: string;
  graceMs: number;
  heartbeatMs?: number;
  expireMs?: number;
  log: FastifyBaseLogger;
};

/** [code, ms]: see the scripts. */
type Verdict = [number, number];
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

const SCRIPTS = {
  parleyPresenceSetCount: SET_COUNT_LUA,
  parleyPresenceSettle: SETTLE_LUA,
  parleyPresenceBeat: BEAT_LUA,
  parleyPresenceRegister: REGISTER_LUA,
  parleyPresenceLeave: LEAVE_LUA,
} as const;

export class RedisPresence implements PresenceDirectory {
  /** Random per process: a restarted node is a new node, and its old self gets reaped. */
  readonly instanceId = randomBytes(9).toString('base64url');
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly expireMs: number;
  private readonly scripts: Record<keyof typeof SCRIPTS, ScriptCall>;
  /** userId -> this node's open connection ids. */
  private readonly local = new Map<string, Set<string>>();
  /** userId -> this node's connections of theirs that said they are away (P4). */
  private readonly idle = new Map<string, Set<string>>();
  private readonly listeners = new Set<PresenceListener>();
  private readonly settleTimers = new Map<string, NodeJS.Timeout>();
  /**
   * Users whose last connection here closed lately, with when: their offline is pending in
   * Redis, which may lose it (a restart without persistence). Kept until this node
   * announces it, they come back here, or Redis has answered for a whole grace-and-expiry
   * window since (someone settled it by then).
   */
  private readonly departed = new Map<string, number>();
  /** Since when Redis has answered without a break (for forgetting `departed`). */
  private healthySince = Date.now();
  /** isOnline questions of this tick, answered together by one HMGET. */
  private lookups = new Map<string, ((online: boolean) => void)[]>();
  private beatTimer: NodeJS.Timeout | undefined;
  private beating = false;
  private stopped = false;
  /** One warning per outage, not one per failed command. */
  private failing = false;

  private constructor(private readonly options: RedisPresenceOptions) {
    this.prefix = `${options.keyPrefix}:presence:`;
    this.heartbeatMs = options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS;
    this.expireMs = options.expireMs ?? PRESENCE_EXPIRE_MS;
    const { client } = options;
    const calls: Partial<Record<keyof typeof SCRIPTS, ScriptCall>> = {};
    for (const [name, lua] of Object.entries(SCRIPTS) as [keyof typeof SCRIPTS, string][]) {
      // EVALSHA, falling back to EVAL once when Redis does not know the script (after a restart).
      client.defineCommand(name, { numberOfKeys: 0, lua });
      const command = (client as unknown as Record<string, ScriptCall>)[name];
      if (!command) throw new Error(`ioredis did not define ${name}`);
      calls[name] = command.bind(client);
    }
    this.scripts = calls as Record<keyof typeof SCRIPTS, ScriptCall>;
  }

  /** Registers the node (first beat) and keeps beating; never fails on a Redis error. */
  static async start(options: RedisPresenceOptions): Promise<RedisPresence> {
    const presence = new RedisPresence(options);
    options.client.on('ready', presence.onReconnect);
    await presence.beat();
    presence.beatTimer = setInterval(() => void presence.beat(), presence.heartbeatMs);
    // Housekeeping must never keep a stopping process alive.
    presence.beatTimer.unref();
    return presence;
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(userId: string, connectionId: string): void {
    if (this.stopped) return;
    let set = this.local.get(userId);
    if (!set) this.local.set(userId, (set = new Set()));
    const before = this.localState(userId);
    set.add(connectionId);
    this.departed.delete(userId);
    this.writeCount(userId);
    // A new connection is active: an away user known here comes back (P4).
    if (before === 'away') this.emit(userId, 'active');
  }

  disconnect(userId: string, connectionId: string): void {
    if (this.stopped) return;
    const set = this.local.get(userId);
    if (!set?.has(connectionId)) return;
    const before = this.localState(userId);
    set.delete(connectionId);
    this.forgetIdle(userId, connectionId);
    if (set.size === 0) {
      this.local.delete(userId);
      this.departed.set(userId, Date.now());
    }
    this.writeCount(userId);
    // The active one went, leaving only away ones here.
    const after = this.localState(userId);
    if (after && after !== before) this.emit(userId, after);
  }

  setActive(userId: string, connectionId: string, active: boolean): void {
    if (this.stopped || !this.local.get(userId)?.has(connectionId)) return;
    const before = this.localState(userId);
    if (active) this.forgetIdle(userId, connectionId);
    else {
      let idle = this.idle.get(userId);
      if (!idle) this.idle.set(userId, (idle = new Set()));
      idle.add(connectionId);
    }
    const after = this.localState(userId);
    if (after && after !== before) this.emit(userId, after);
  }

  async stateOf(userId: string): Promise<PresenceState> {
    if (!(await this.isOnline(userId))) return 'offline';
    return this.localState(userId) ?? 'active';
  }

  connectionCount(userId: string): number {
    return this.local.get(userId)?.size ?? 0;
  }

  isOnline(userId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const first = this.lookups.size === 0;
      const waiting = this.lookups.get(userId);
      if (waiting) waiting.push(resolve);
      else this.lookups.set(userId, [resolve]);
      // A members list asks for every member in one synchronous loop: one round trip for all.
      if (first) queueMicrotask(() => void this.answerLookups());
    });
  }

  /** Clean stop: this node's users start their grace delay, to be settled by the others. */
  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.halt();
    const leave = this.scripts.parleyPresenceLeave(this.prefix, this.instanceId, this.options.graceMs);
    await this.bounded(leave, 'leave', LEAVE_TIMEOUT_MS);
  }

  /**
   * What a crash leaves behind (tests): no more beats, writes or announcements, and no
   * goodbye, so the others must notice the heartbeat expire and clean up after this node.
   */
  abandon(): void {
    this.halt();
  }

  private halt(): void {
    this.stopped = true;
    clearInterval(this.beatTimer);
    for (const timer of this.settleTimers.values()) clearTimeout(timer);
    this.settleTimers.clear();
    this.idle.clear();
    this.options.client.off('ready', this.onReconnect);
    this.listeners.clear();
  }

  /** Writes the count this node holds now; whatever Redis decides is announced here. */
  private writeCount(userId: string): void {
    const count = this.connectionCount(userId);
    this.scripts
      .parleyPresenceSetCount(this.prefix, this.instanceId, userId, count, this.options.graceMs)
      .then((reply) => {
        this.recovered();
        const [code, ms] = reply as Verdict;
        if (code === 1) this.emit(userId, this.localState(userId) ?? 'active');
        else if (code === 2) this.scheduleSettle(userId, ms);
      })
      // The local count stays right; the next register after the outage writes it again.
      .catch((error: unknown) => this.failed(error, 'presence update'));
  }

  private scheduleSettle(userId: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.settleTimers.get(userId));
    const timer = setTimeout(() => {
      this.settleTimers.delete(userId);
      this.settle(userId);
    }, delayMs);
    timer.unref();
    this.settleTimers.set(userId, timer);
  }

  private settle(userId: string): void {
    if (this.stopped) return;
    this.scripts
      .parleyPresenceSettle(this.prefix, userId)
      .then((reply) => {
        this.recovered();
        const [code, ms] = reply as Verdict;
        if (code === 1) this.announceOffline(userId);
        else if (code === 2) this.scheduleSettle(userId, ms);
      })
      // Left to the beats: any node settles due users.
      .catch((error: unknown) => this.failed(error, 'presence settle'));
  }

  private async beat(): Promise<void> {
    // A beat stuck behind an outage must not pile up more of them.
    if (this.stopped || this.beating) return;
    this.beating = true;
    try {
      const [rejoined, offline] = (await this.scripts.parleyPresenceBeat(
        this.prefix,
        this.instanceId,
        this.expireMs,
        SETTLE_PER_BEAT,
      )) as [number, string[]];
      this.recovered();
      for (const userId of offline) this.announceOffline(userId);
      this.forgetDeparted();
      // Unknown to Redis: its data is gone, or the others took this node for dead.
      if (rejoined === 1) await this.register({ withDeparted: true });
    } catch (error) {
      this.failed(error, 'presence heartbeat');
    } finally {
      this.beating = false;
    }
  }

  /**
   * Rewrites this node's whole share from its own connections; after a loss of Redis's
   * data, the users who left lately too, so that their offline is not lost with it.
   */
  private async register(options: { withDeparted: boolean }): Promise<void> {
    const held: (string | number)[] = [];
    for (const [userId, set] of this.local) held.push(userId, set.size);
    const gone = options.withDeparted ? [...this.departed.keys()] : [];
    const online = (await this.scripts.parleyPresenceRegister(
      this.prefix,
      this.instanceId,
      this.options.graceMs,
      held.length / 2,
      ...held,
      ...gone,
    )) as string[];
    for (const userId of online) this.emit(userId, this.localState(userId) ?? 'active');
  }

  private announceOffline(userId: string): void {
    this.departed.delete(userId);
    this.emit(userId, 'offline');
  }

  private forgetDeparted(): void {
    const window = this.options.graceMs + this.expireMs;
    const now = Date.now();
    for (const [userId, leftAt] of this.departed) {
      if (now - Math.max(leftAt, this.healthySince) > window) this.departed.delete(userId);
    }
  }

  /**
   * Redis is back: commands may have failed meanwhile, or its data may be gone. The beat
   * says whether this node was forgotten; the register fixes whatever failed either way.
   */
  private readonly onReconnect = (): void => {
    if (this.stopped) return;
    this.healthySince = Date.now();
    void this.beat()
      .then(() => this.register({ withDeparted: false }))
      .catch((error: unknown) => this.failed(error, 'presence re-register'));
  };

  private async answerLookups(): Promise<void> {
    const lookups = this.lookups;
    this.lookups = new Map();
    const userIds = [...lookups.keys()];
    const lookup = this.options.client.hmget(`${this.prefix}online`, ...userIds);
    const values = await this.bounded(lookup, 'lookup', LOOKUP_TIMEOUT_MS);
    // During an outage a members list shows this node's own users online rather than failing.
    const online = values ? values.map((value) => value !== null) : userIds.map((userId) => this.local.has(userId));
    userIds.forEach((userId, i) => {
      for (const resolve of lookups.get(userId) ?? []) resolve(online[i] === true);
    });
  }

  /** The command's answer, or undefined when it takes longer than the node may wait. */
  private async bounded<T>(command: Promise<T>, what: string, timeoutMs: number): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command,
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
      ]);
    } catch (error) {
      this.failed(error, `presence ${what}`);
      return undefined;
    } finally {
      clearTimeout(timer);
      // A command left behind still settles later; its failure must not go unhandled.
      command.catch(() => {});
    }
  }

  /** P4 from this node's connections; undefined when it holds none of the user's. */
  private localState(userId: string): PresenceState | undefined {
    const count = this.local.get(userId)?.size ?? 0;
    if (count === 0) return undefined;
    return (this.idle.get(userId)?.size ?? 0) >= count ? 'away' : 'active';
  }

  private forgetIdle(userId: string, connectionId: string): void {
    const idle = this.idle.get(userId);
    if (idle?.delete(connectionId) && idle.size === 0) this.idle.delete(userId);
  }

  private emit(userId: string, state: PresenceState): void {
    if (this.stopped) return;
    for (const listener of this.listeners) listener(userId, state);
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.healthySince = Date.now();
  }

  private failed(error: unknown, what: string): void {
    if (this.failing) return;
    this.failing = true;
    this.options.log.warn({ err: error }, `${what} failed: presence is reconciled when Redis answers again`);
  }
}
