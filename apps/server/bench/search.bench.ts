import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseSearchQuery } from '../src/storage/search.query.js';
import { openPostgresStorage } from '../src/storage/postgres/postgres.storage.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';
import pg from 'pg';

/*
 * Search at scale (issue 13, F1–F3): seeds a store with `--messages` (default 1,000,000)
 * messages of Zipf-distributed words in 200 rooms, then times message search for members
 * of 20 rooms each, query by query, against the newest history page of the same rooms
 * (M6, a read Parley makes on every room open) as the baseline of the same run.
 *
 *   node apps/server/bench/run.mjs search [--messages 1000000] [--queries 400]
 *     [--database-url postgres://…] [--data-dir DIR] [--out results.json]
 *
 * With --data-dir the seeded SQLite file is kept there and reused by the next run (seeding
 * a million messages takes a few minutes). Prints one JSON line and, with --out, writes it.
 */

type Options = {
  messages: number;
  queries: number;
  databaseUrl: string | null;
  dataDir: string | null;
  out: string | null;
};

function readOptions(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    flags.set(name, inline ?? argv[++i] ?? '');
  }
  const messages = Number(flags.get('messages') ?? 1_000_000);
  const queries = Number(flags.get('queries') ?? 400);
  if (!Number.isInteger(messages) || messages < 1000) throw new Error('--messages must be an integer ≥ 1000');
  if (!Number.isInteger(queries) || queries < 10) throw new Error('--queries must be an integer ≥ 10');
  return {
    messages,
    queries,
    databaseUrl: flags.get('database-url') || null,
    dataDir: flags.get('data-dir') ? resolve(flags.get('data-dir')!) : null,
    out: flags.get('out') ? resolve(flags.get('out')!) : null,
  };
}

// A seeded generator, so two runs (and two backends) hold the same words.
function generator(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROOMS = 200;
const USERS = 400;
const ROOMS_PER_USER = 20;
const VOCABULARY = 20_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'nu', 're', 'sa', 'ti', 'vo', 'zen', 'dar', 'pel', 'qui', 'bro', 'fen', 'gul'];

/** Word of rank r (0 = the most frequent): distinct pseudo-words of 2–4 syllables. */
function vocabulary(): string[] {
  const words = new Set<string>();
  const random = generator(7);
  while (words.size < VOCABULARY) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Zipf (s = 1) over the ranks, by inverting the cumulative weights. */
function zipf(random: () => number, n: number) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function openStorage(options: Options, dataDir: string): Promise<Storage> {
  if (options.databaseUrl) return openPostgresStorage({ url: options.databaseUrl, poolMax: 8 });
  mkdirSync(dataDir, { recursive: true });
  return openSqliteStorage({ filename: join(dataDir, 'parley.sqlite'), synchronous: 'NORMAL' });
}

type World = { users: { id: string; username: string }[]; rooms: { id: string; name: string }[]; members: string[][] };

async function seedWorld(storage: Storage, options: Options, words: string[]): Promise<World> {
  const random = generator(11);
  const users = Array.from({ length: USERS }, (_, i) => ({ id: `sb-user-${i}`, username: `searcher${i}` }));
  const rooms = Array.from({ length: ROOMS }, (_, i) => ({ id: `sb-room-${i}`, name: `topic-${i}` }));
  // Each user in 20 rooms: a tenth of the rooms, so most matches are in rooms they are not in.
  const members: string[][] = users.map(() => {
    const set = new Set<number>();
    while (set.size < ROOMS_PER_USER) set.add(Math.floor(random() * ROOMS));
    return [...set].map((r) => rooms[r]!.id);
  });
  const existing = await storage.rooms.findById(rooms[0]!.id);
  const start = Date.now() - options.messages * 1000;
  if (existing) return { users, rooms, members };
  for (const user of users)
    await storage.users.create({ id: user.id, username: user.username, passwordHash: 'x', createdAt: start }, []);
  for (const room of rooms)
    await storage.rooms.create(
      { id: room.id, kind: 'public', name: room.name, ownerId: null, lastSeq: 0, createdAt: start },
      null,
    );
  for (let u = 0; u < users.length; u++)
    for (const roomId of members[u]!) await storage.rooms.addMember(roomId, users[u]!.id, start);
  const roomMembers = rooms.map((room) => users.filter((_, u) => members[u]!.includes(room.id)));
  const rank = zipf(random, words.length);
  const inFlight = options.databaseUrl ? 64 : 2000;
  const seeded = performance.now();
  for (let base = 0; base < options.messages; base += inFlight) {
    const batch = [];
    for (let i = base; i < Math.min(options.messages, base + inFlight); i++) {
      let r = Math.floor(random() * ROOMS);
      while (roomMembers[r]!.length === 0) r = (r + 1) % ROOMS;
      const authors = roomMembers[r]!;
      const length = 4 + Math.floor(random() * 18);
      const text = Array.from({ length }, () => words[rank()]).join(' ');
      batch.push(
        storage.messages.append({
          id: randomUUID(),
          roomId: rooms[r]!.id,
          authorId: authors[Math.floor(random() * authors.length)]!.id,
          clientMessageId: randomUUID(),
          text,
          createdAt: start + i * 1000,
        }),
      );
    }
    for (const result of await Promise.all(batch))
      if (result.status !== 'created') throw new Error(`append refused: ${result.status}`);
    if (base % 100_000 < inFlight && base > 0)
      console.error(`seeded ${base} messages in ${Math.round((performance.now() - seeded) / 1000)} s`);
  }
  return { users, rooms, members };
}

type Kind =
  'common' | 'mid' | 'rare' | 'two words' | 'prefix' | 'phrase' | 'from+word' | 'in+word' | 'from only' | 'in only';
const KINDS: Kind[] = [
  'common',
  'mid',
  'rare',
  'two words',
  'prefix',
  'phrase',
  'from+word',
  'in+word',
  'from only',
  'in only',
];

function queryOf(kind: Kind, random: () => number, words: string[], world: World, u: number): string {
  const pick = (lo: number, hi: number) => words[lo + Math.floor(random() * (hi - lo))]!;
  const myRoom = () => {
    const id = world.members[u]![Math.floor(random() * ROOMS_PER_USER)]!;
    return world.rooms.find((r) => r.id === id)!;
  };
  const someone = () => world.users[Math.floor(random() * USERS)]!.username;
  switch (kind) {
    case 'common':
      return `${pick(0, 5)} `;
    case 'mid':
      return `${pick(50, 500)} `;
    case 'rare':
      return `${pick(5000, VOCABULARY)} `;
    case 'two words':
      return `${pick(20, 200)} ${pick(0, 20)} `;
    case 'prefix':
      return pick(100, 1000).slice(0, 4);
    case 'phrase':
      return `"${pick(0, 30)} ${pick(0, 30)}"`;
    case 'from+word':
      return `from:${someone()} ${pick(0, 100)} `;
    case 'in+word':
      return `in:${myRoom().name} ${pick(0, 50)} `;
    case 'from only':
      return `from:${someone()}`;
    case 'in only':
      return `in:${myRoom().name}`;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? null
    : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 100) / 100;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: percentile(sorted, 1),
  };
};

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(3));
  const scratch = options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-search-bench-'));
  const storage = await openStorage(options, scratch);
  const words = vocabulary();
  try {
    const seedStarted = performance.now();
    const world = await seedWorld(storage, options, words);
    const seedMs = Math.round(performance.now() - seedStarted);
    if (options.databaseUrl) {
      // What autovacuum does in service after a burst: the GIN index's pending list merged
      // and the planner's statistics fresh (a search right after a million inserts would
      // otherwise time the bulk load, not the search).
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query('VACUUM ANALYZE messages');
      await client.end();
    }
    const random = generator(99);
    const eld = monitorEventLoopDelay({ resolution: 10 });
    const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const hitsByKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const history: number[] = [];
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    eld.enable();
    // Queries one at a time (a person waits for each), kinds in turn; each followed by the
    // baseline read, a newest history page of one of the searcher's rooms.
    for (let q = 0; q < options.queries; q++) {
      const kind = KINDS[q % KINDS.length]!;
      const u = Math.floor(random() * USERS);
      const parsed = parseSearchQuery(queryOf(kind, random, words, world, u));
      if (!parsed) throw new Error(`query of kind ${kind} did not parse`);
      let t = performance.now();
      const page = await storage.messages.search(world.users[u]!.id, parsed, { limit: 20 });
      byKind.get(kind)!.push(performance.now() - t);
      hitsByKind.get(kind)!.push(page.hits.length);
      for (const hit of page.hits)
        if (!world.members[u]!.includes(hit.roomId)) throw new Error(`F2 broken: a hit from ${hit.roomId}`);
      t = performance.now();
      await storage.messages.history(world.members[u]![q % ROOMS_PER_USER]!, { limit: 50 });
      history.push(performance.now() - t);
    }
    eld.disable();
    const cpu = process.cpuUsage(cpuStart);
    const all = [...byKind.values()].flat();
    const result = {
      bench: 'search',
      backend: options.databaseUrl ? 'postgres' : 'sqlite',
      messages: options.messages,
      rooms: ROOMS,
      users: USERS,
      roomsPerUser: ROOMS_PER_USER,
      queries: all.length,
      seedMs,
      searchMs: summary(all),
      historyMs: summary(history),
      p99VsHistory:
        Math.round(
          (percentile(
            [...all].sort((a, b) => a - b),
            0.99,
          )! /
            Math.max(
              0.01,
              percentile(
                [...history].sort((a, b) => a - b),
                0.99,
              )!,
            )) *
            10,
        ) / 10,
      byKind: Object.fromEntries(
        KINDS.map((k) => [
          k,
          {
            ...summary(byKind.get(k)!),
            meanHits:
              Math.round(
                (hitsByKind.get(k)!.reduce((a, b) => a + b, 0) / Math.max(1, hitsByKind.get(k)!.length)) * 10,
              ) / 10,
          },
        ]),
      ),
      cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100),
      eventLoopDelayP99Ms: Math.round(eld.percentile(99) / 1e4) / 100,
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result));
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    await storage.close();
    if (!options.dataDir) rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
