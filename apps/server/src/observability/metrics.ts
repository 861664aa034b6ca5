import { CHAT_COMMAND_SCHEMAS, ERROR_CODES, type Ack, type ChatCommand } from '@parley/shared-types';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/*
 * What operators see (SPEC O2), in Prometheus's text format. Everything counted on the hot
 * path is a plain number in an array indexed by known names, copied into prom-client's
 * metrics only when scraped: a sent message costs one array increment and one histogram
 * observe, never a label object or string of its own. Label values come from the command
 * and error tables of the protocol, never from what a client sent, so the number of series
 * is fixed (24 commands × 24 results at most).
 */

/** Whether storage can take writes; `storage.state()` reports it. */
export type StorageStateName = 'ok' | 'disk_pressure' | 'read_only';
const STORAGE_STATES: readonly StorageStateName[] = ['ok', 'disk_pressure', 'read_only'];

/** Groups of commands whose acks take comparable time, for the latency histogram. */
export type CommandClass = 'send' | 'change' | 'read' | 'membership' | 'state' | 'typing';

/** Every command's class; a new command fails to compile until it is given one. */
export const COMMAND_CLASSES = {
  'message:send': 'send',
  'message:edit': 'change',
  'message:delete': 'change',
  'reaction:add': 'change',
  'reaction:remove': 'change',
  'room:list': 'read',
  'room:browse': 'read',
  'room:members': 'read',
  'room:invitations': 'read',
  'room:received-invitations': 'read',
  'room:read-state': 'read',
  'message:history': 'read',
  'message:search': 'read',
  'message:changes': 'read',
  'room:create': 'membership',
  'room:join': 'membership',
  'room:leave': 'membership',
  'room:invite': 'membership',
  'room:remove-member': 'membership',
  'room:withdraw-invitation': 'membership',
  'dm:open': 'membership',
  'group:create': 'membership',
  'group:add': 'membership',
  'people:list': 'read',
  'room:read': 'state',
  'room:notify': 'state',
  'typing:start': 'typing',
  'typing:stop': 'typing',
  'presence:set': 'state',
} as const satisfies Record<ChatCommand, CommandClass>;

/** What the chat transport reports. Every call is cheap enough for each message. */
export interface ChatMetrics {
  /** A command was answered; `startedAt` is `performance.now()` when it arrived. */
  commandAnswered(command: ChatCommand, answer: Ack<unknown>, startedAt: number): void;
  /** An event that is not a command arrived (W4). */
  ignoredEvent(): void;
  /** A new message was stored (not a retried send, M3). */
  messageStored(): void;
}

/** What storage reports: one call per committed transaction of grouped writes. */
export interface CommitMetrics {
  commitObserved(writes: number, durationMs: number): void;
}

/** Where the gauges read from, once the server exists. */
export type MetricSources = {
  /** Engine.IO transports open on this node, signed in or not. */
  transports(): number;
  /** Chat sockets open on this node. */
  chatSockets(): number;
  /** People with at least one chat socket on this node. */
  usersOnline(): number;
};

export type Metrics = ChatMetrics &
  CommitMetrics & {
    /** Gauges read these at every scrape. */
    watch(sources: MetricSources): void;
    /** The text exposition of every metric. */
    render(): Promise<string>;
    readonly contentType: string;
  };

const noop = () => {};
/** Metrics that are not exposed are not counted either: nothing on the hot path. */
export const NO_METRICS: ChatMetrics & CommitMetrics = {
  commandAnswered: noop,
  ignoredEvent: noop,
  messageStored: noop,
  commitObserved: noop,
};

/** Seconds: an ack of an idle server takes well under a millisecond, a slow disk 100 ms or more. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function createMetrics(options: {
  /** Read at every scrape. */
  storageState: () => StorageStateName;
}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process memory and CPU, heap, GC, handles and event-loop delay (monitorEventLoopDelay).
  collectDefaultMetrics({ register: registry });

  const commands = Object.keys(CHAT_COMMAND_SCHEMAS) as ChatCommand[];
  const results = ['ok', ...ERROR_CODES] as const;
  const commandIndex = new Map<string, number>(commands.map((c, i) => [c, i]));
  const resultIndex = new Map<string, number>(results.map((r, i) => [r, i]));
  const internalIndex = resultIndex.get('internal')!;
  const answered = new Array<number>(commands.length * results.length).fill(0);
  let ignored = 0;
  let stored = 0;
  let sources: MetricSources | null = null;

  new Counter({
    name: 'parley_commands_total',
    help: 'Chat commands answered, by command and result (ok or the error code of the ack).',
    labelNames: ['command', 'result'],
    registers,
    collect() {
      this.reset();
      for (let c = 0; c < commands.length; c++) {
        for (let r = 0; r < results.length; r++) {
          const count = answered[c * results.length + r]!;
          if (count > 0) this.inc({ command: commands[c]!, result: results[r]! }, count);
        }
      }
    },
  });
  new Counter({
    name: 'parley_ignored_events_total',
    help: 'Events received on chat sockets that are not commands (ignored, counted as refusals).',
    registers,
    collect() {
      this.reset();
      if (ignored > 0) this.inc(ignored);
    },
  });
  new Counter({
    name: 'parley_messages_stored_total',
    help: 'Messages stored by this node (a retried send of a stored message is not counted again).',
    registers,
    collect() {
      this.reset();
      if (stored > 0) this.inc(stored);
    },
  });
  const ackLatency = new Histogram({
    name: 'parley_ack_latency_seconds',
    help: 'Time from receiving a chat command to sending its ack, by command class.',
    labelNames: ['class'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  /** One labels object per class, made once: an observe allocates none of its own. */
  const classLabels = Object.fromEntries(
    Object.entries(COMMAND_CLASSES).map(([command, cls]) => [command, { class: cls }]),
  ) as Record<ChatCommand, { class: CommandClass }>;
  const batchSize = new Histogram({
    name: 'parley_commit_batch_size',
    help: 'Writes committed together in one transaction (group commit).',
    buckets: BATCH_SIZE_BUCKETS,
    registers,
  });
  const commitDuration = new Histogram({
    name: 'parley_commit_duration_seconds',
    help: 'Time one group-commit transaction took, fsync included.',
    buckets: COMMIT_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'parley_connections',
    help: 'Open connections on this node: Engine.IO transports (signed in or not) and chat sockets.',
    labelNames: ['layer'],
    registers,
    collect() {
      this.set({ layer: 'engineio' }, sources?.transports() ?? 0);
      this.set({ layer: 'chat' }, sources?.chatSockets() ?? 0);
    },
  });
  new Gauge({
    name: 'parley_users_online',
    help: 'People with at least one chat connection on this node.',
    registers,
    collect() {
      this.set(sources?.usersOnline() ?? 0);
    },
  });
  new Gauge({
    name: 'parley_storage_state',
    help: 'Whether storage takes writes: 1 for the current state (ok, disk_pressure, read_only), 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      const now = options.storageState();
      for (const state of STORAGE_STATES) this.set({ state }, state === now ? 1 : 0);
    },
  });

  return {
    commandAnswered(command, answer, startedAt) {
      const c = commandIndex.get(command);
      if (c === undefined) return;
      const r = answer.ok ? 0 : (resultIndex.get(answer.error) ?? internalIndex);
      const cell = c * results.length + r;
      answered[cell] = answered[cell]! + 1;
      ackLatency.observe(classLabels[command], (performance.now() - startedAt) / 1000);
    },
    ignoredEvent() {
      ignored++;
    },
    messageStored() {
      stored++;
    },
    commitObserved(writes, durationMs) {
      batchSize.observe(writes);
      commitDuration.observe(durationMs / 1000);
    },
    watch(next) {
      sources = next;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
