import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';

/*
 * What durability costs, and what group commit wins back: messages stored per second
 * with synchronous=FULL against NORMAL, with and without group commit, measured in one
 * run on one machine. Closed loop: CONCURRENCY senders each await their ack before the
 * next send, as chat clients do. Configurations are interleaved over ROUNDS so drift of
 * the machine hits each of them alike; the median round is reported.
 */

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Set by bench/run.mjs: the writer thread bundle, as the server ships it. */
const WRITER_THREAD = process.env.PARLEY_BENCH_WRITER_THREAD;

type Variant = { synchronous: 'FULL' | 'NORMAL'; groupCommit: boolean; writerThread?: boolean };
const VARIANTS: Variant[] = [
  { synchronous: 'FULL', groupCommit: false },
  { synchronous: 'FULL', groupCommit: true },
  { synchronous: 'NORMAL', groupCommit: false },
  { synchronous: 'NORMAL', groupCommit: true },
  ...(WRITER_THREAD ? [{ synchronous: 'FULL' as const, groupCommit: true, writerThread: true }] : []),
];
const label = (v: Variant) =>
  `${v.synchronous}${v.groupCommit ? ' + group commit' : ''}${v.writerThread ? ' on the writer thread (shipped)' : ''}`;

async function measure(variant: Variant): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const storage = openSqliteStorage({
    filename: join(dir, 'bench.sqlite'),
    synchronous: variant.synchronous,
    groupCommit: variant.groupCommit,
    ...(variant.writerThread && WRITER_THREAD ? { writerThread: new URL(WRITER_THREAD) } : {}),
  });
  try {
    await storage.users.create({ id: 'u', username: 'bench', passwordHash: 'x', createdAt: 0 }, []);
    await storage.rooms.create({ id: 'r', kind: 'public', name: 'bench', ownerId: 'u', lastSeq: 0, createdAt: 0 }, 'u');
    let stored = 0;
    let next = 0;
    const end = performance.now() + SECONDS * 1000;
    const sender = async () => {
      while (performance.now() < end) {
        const n = next++;
        const result = await storage.messages.append({
          id: `m${n}`,
          roomId: 'r',
          authorId: 'u',
          clientMessageId: `client-${n}`,
          text: `message number ${n} with a little text in it`,
          createdAt: n,
        });
        if (result.status === 'created') stored++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    return stored / ((performance.now() - start) / 1000);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, number[]>(VARIANTS.map((v) => [label(v), []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of VARIANTS) results.get(label(variant))!.push(await measure(variant));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseline = median(results.get('FULL')!);
console.log(`durability bench: ${CONCURRENCY} concurrent senders, ${SECONDS} s per run, median of ${ROUNDS} rounds`);
console.log('| configuration | messages/s | vs FULL without group commit |');
console.log('| --- | ---: | ---: |');
for (const [name, xs] of results) {
  const m = median(xs);
  console.log(`| ${name} | ${Math.round(m)} | ${(m / baseline).toFixed(2)}x |`);
}
