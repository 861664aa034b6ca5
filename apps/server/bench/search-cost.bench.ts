import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';

/*
 * What the search index (F3, SQLite migration 5) costs a send: CPU per stored message of
 * the whole process (main and writer thread) with the index as shipped, against the same
 * database with its triggers and its author index dropped, on the writer thread with
 * synchronous=FULL as the server runs. Closed loop: CONCURRENCY senders each await their
 * ack before the next send. The two are interleaved over ROUNDS so drift of the machine
 * hits both alike; medians are reported.
 *
 *   node apps/server/bench/run.mjs search-cost
 */

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WRITER_THREAD = process.env.PARLEY_BENCH_WRITER_THREAD;

const WORDS =
  'the a meeting is at ten tomorrow can you review my pull request lunch today deploy went fine thanks looks good to me'.split(
    ' ',
  );

type Variant = 'index' | 'index, automerge off' | 'no index';

async function measure(variant: Variant): Promise<{ cpuUsPerMessage: number; perSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-cost-'));
  const filename = join(dir, 'parley.sqlite');
  const open = () =>
    openSqliteStorage({
      filename,
      synchronous: 'FULL',
      ...(WRITER_THREAD ? { writerThread: new URL(WRITER_THREAD) } : {}),
    });
  try {
    let storage = open();
    const now = Date.now();
    await storage.users.create({ id: 'u1', username: 'author', passwordHash: 'x', createdAt: now }, []);
    await storage.rooms.create(
      { id: 'r1', kind: 'public', name: 'room', ownerId: 'u1', lastSeq: 0, createdAt: now },
      'u1',
    );
    if (variant !== 'index') {
      await storage.close();
      const db = new Database(filename);
      db.exec(
        variant === 'no index'
          ? `DROP TRIGGER message_search_insert; DROP TRIGGER message_search_delete;
             DROP TRIGGER message_search_update; DROP INDEX messages_author;`
          : `INSERT INTO message_search (message_search, rank) VALUES ('automerge', 0);`,
      );
      db.close();
      storage = open();
    }
    let n = 0;
    const text = () =>
      Array.from({ length: 6 + (n % 9) }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ') + ` #${n}`;
    const sender = async () => {
      while (n < MESSAGES) {
        n++;
        const r = await storage.messages.append({
          id: randomUUID(),
          roomId: 'r1',
          authorId: 'u1',
          clientMessageId: randomUUID(),
          text: text(),
          createdAt: Date.now(),
        });
        if (r.status !== 'created') throw new Error(`append refused: ${r.status}`);
      }
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await storage.close();
    return { cpuUsPerMessage: (used.user + used.system) / n, perSecond: (n / ms) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const VARIANTS: Variant[] = ['index', 'index, automerge off', 'no index'];
const results = Object.fromEntries(VARIANTS.map((v) => [v, { cpu: [] as number[], rate: [] as number[] }])) as Record<
  Variant,
  { cpu: number[]; rate: number[] }
>;
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
    const r = await measure(variant);
    results[variant].cpu.push(r.cpuUsPerMessage);
    results[variant].rate.push(r.perSecond);
  }
}
const summary = Object.fromEntries(
  Object.entries(results).map(([k, v]) => [
    k,
    { cpuUsPerMessage: Math.round(median(v.cpu) * 10) / 10, messagesPerSecond: Math.round(median(v.rate)) },
  ]),
);
console.log(
  JSON.stringify({
    bench: 'search-cost',
    messages: MESSAGES,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    writerThread: Boolean(WRITER_THREAD),
    ...summary,
    indexCpuRatio: Math.round((median(results.index.cpu) / median(results['no index'].cpu)) * 1000) / 1000,
  }),
);
