import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomId } from '../src/domain/ids.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';

/*
 * What storing a message costs the server's core in the shape of the bench's scenario C:
 * 4,000 people in 200 rooms of 20, a database already holding PRELOAD messages, and an
 * open loop of RATE appends a second spread over everyone (as clients send), on the writer
 * thread with synchronous=FULL as the server runs. Reported per variant: CPU of the whole
 * process (event loop and writer thread) per stored message, and the append's p50/p99.
 * The variants are the commit pacing under load (SQLITE_COMMIT_INTERVAL_MS), interleaved
 * over ROUNDS, each on its own copy of one preloaded database.
 *
 *   node apps/server/bench/run.mjs append-cost
 */

const USERS = 4000;
const ROOMS = 200;
const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WRITER_THREAD = process.env.PARLEY_BENCH_WRITER_THREAD;
if (!WRITER_THREAD) throw new Error('run through bench/run.mjs, which builds the writer thread');

type Variant = { name: string; commitIntervalMs: number };
const VARIANTS: Variant[] = [
  { name: 'at most one commit per 2 ms under load', commitIntervalMs: 2 },
  { name: 'at most one commit per 5 ms under load (shipped)', commitIntervalMs: 5 },
  { name: 'at most one commit per 10 ms under load', commitIntervalMs: 10 },
];

const WORDS = 'the a meeting is at ten tomorrow can you review my pull request lunch today deploy went fine'.split(' ');
const textOf = (n: number) =>
  Array.from({ length: 6 + (n % 9) }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ') + ` #${n}`;
const userId = (i: number) => `user-${i}`;
const roomId = (i: number) => `room-${i}`;
/** The n-th message, by one of USERS people into their room. */
const messageOf = (n: number, u: number) => ({
  id: randomId(),
  roomId: roomId(u % ROOMS),
  authorId: userId(u),
  clientMessageId: randomUUID(),
  text: textOf(n),
  createdAt: Date.now(),
});

const open = (filename: string, commitIntervalMs = 2) =>
  openSqliteStorage({
    filename,
    synchronous: 'FULL',
    writerThread: new URL(WRITER_THREAD),
    minCommitIntervalMs: commitIntervalMs,
  });

/** One database in the shape of scenario C with PRELOAD messages, copied for every measurement. */
async function template(dir: string): Promise<string> {
  const filename = join(dir, 'template.sqlite');
  const storage = open(filename);
  const now = Date.now();
  await Promise.all(
    Array.from({ length: ROOMS }, (_, r) =>
      storage.rooms.create(
        { id: roomId(r), kind: 'public', name: `room ${r}`, ownerId: null, lastSeq: 0, createdAt: now },
        null,
      ),
    ),
  );
  await Promise.all(
    Array.from({ length: USERS }, (_, u) =>
      storage.users.create({ id: userId(u), username: `user${u}`, passwordHash: 'x', createdAt: now }, [
        roomId(u % ROOMS),
      ]),
    ),
  );
  let n = 0;
  const sender = async () => {
    while (n < PRELOAD) {
      const i = n++;
      await storage.messages.append(messageOf(i, i % USERS));
    }
  };
  await Promise.all(Array.from({ length: 100 }, sender));
  await storage.close();
  return filename;
}

async function measure(source: string, variant: Variant) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-append-cost-'));
  const filename = join(dir, 'parley.sqlite');
  copyFileSync(source, filename);
  const storage = open(filename, variant.commitIntervalMs);
  try {
    const latencies: number[] = [];
    const total = RATE * SECONDS;
    let sent = 0;
    const pending = new Set<Promise<void>>();
    const cpu = process.cpuUsage();
    const started = performance.now();
    // Open loop: every millisecond, the appends due by then (no waiting for acks).
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const i = PRELOAD + sent;
          const u = (i * 7919) % USERS;
          const at = performance.now();
          const p = storage.messages.append(messageOf(i, u)).then((r) => {
            if (r.status !== 'created') throw new Error(`append refused: ${r.status}`);
            latencies.push(performance.now() - at);
            pending.delete(p);
          });
          pending.add(p);
        }
        if (sent === total) {
          clearInterval(tick);
          resolve();
        }
      }, 1);
    });
    await Promise.all(pending);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))]! * 100) / 100;
    return {
      cpuUsPerMessage: Math.round(((used.user + used.system) / total) * 10) / 10,
      cpuPct: Math.round(((used.user + used.system) / 1000 / ms) * 1000) / 10,
      p50: at(0.5),
      p99: at(0.99),
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'parley-append-template-'));
try {
  const loadStarted = performance.now();
  const source = await template(dir);
  console.error(`template: ${PRELOAD} messages in ${Math.round(performance.now() - loadStarted)} ms`);
  const results = new Map(VARIANTS.map((v) => [v.name, [] as Awaited<ReturnType<typeof measure>>[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      const r = await measure(source, variant);
      console.error(`round ${round} ${variant.name}: ${JSON.stringify(r)}`);
      results.get(variant.name)!.push(r);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    JSON.stringify({
      bench: 'append-cost',
      users: USERS,
      rooms: ROOMS,
      preload: PRELOAD,
      rate: RATE,
      seconds: SECONDS,
      rounds: ROUNDS,
      variants: Object.fromEntries(
        [...results].map(([name, rs]) => [
          name,
          {
            cpuUsPerMessage: median(rs.map((r) => r.cpuUsPerMessage)),
            cpuPct: median(rs.map((r) => r.cpuPct)),
            p50: median(rs.map((r) => r.p50)),
            p99: median(rs.map((r) => r.p99)),
            all: rs.map((r) => r.cpuUsPerMessage),
          },
        ]),
      ),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
