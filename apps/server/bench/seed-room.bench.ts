import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openPostgresStorage } from '../src/storage/postgres/postgres.storage.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage, UserRecord } from '../src/storage/storage.js';

/*
 * Seeds a room with a long history through the storage layer, for the web app's
 * long-history e2e test and its performance measurement. It may run while a server
 * uses the same database: SQLite in WAL mode lets a second process write the file, and
 * the server reads rooms, members and seqs from the database on every request.
 *
 *   node apps/server/bench/run.mjs seed-room --data-dir <dir> --room <name> \
 *     --users alice,bob [--count 10000] [--private] [--reply-first] [--unread-for bob]
 *
 * (or SEED_DATA_DIR, SEED_ROOM, SEED_USERS, SEED_COUNT, SEED_PRIVATE=1). Against the
 * PostgreSQL of several nodes, `--database-url <url>` (or SEED_DATABASE_URL) instead of
 * --data-dir. The users must
 * exist (sign them up first); the first becomes the room's owner, all become members,
 * and messages are written by them in turns of five, half a minute apart, through
 * storage.messages.append, so every message takes the room's next seq (M2, S1) exactly
 * as a sent one would. With --reply-first the last message answers the first (E4). The
 * members have read everything (U1), but those named by --unread-for, for whom all of it
 * is unread.
 * Prints one JSON line: the room's id and name, the count, lastSeq.
 */

type Options = {
  /** Exactly one of the two: the SQLite server's DATA_DIR, or a PostgreSQL URL. */
  dataDir: string | null;
  databaseUrl: string | null;
  room: string;
  users: string[];
  count: number;
  isPrivate: boolean;
  replyFirst: boolean;
  unreadFor: string[];
};

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === 'private' || name === 'reply-first') flags.set(name, '1');
    else flags.set(name, inline ?? argv[++i] ?? '');
  }
  const pick = (flag: string, variable: string) => flags.get(flag) ?? env[variable] ?? '';
  const dataDir = pick('data-dir', 'SEED_DATA_DIR');
  const databaseUrl = pick('database-url', 'SEED_DATABASE_URL');
  const room = pick('room', 'SEED_ROOM');
  const users = pick('users', 'SEED_USERS')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const count = Number(pick('count', 'SEED_COUNT') || 10_000);
  const isPrivate = ['1', 'true'].includes(pick('private', 'SEED_PRIVATE'));
  if (!dataDir === !databaseUrl)
    throw new Error("one of --data-dir (the server's DATA_DIR) or --database-url (its DATABASE_URL) is required");
  if (!room) throw new Error('--room (or SEED_ROOM) is required');
  if (users.length === 0) throw new Error('--users (or SEED_USERS) is required: usernames, comma-separated');
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000)
    throw new Error(`--count must be 0…1000000, got ${count}`);
  const replyFirst = ['1', 'true'].includes(pick('reply-first', 'SEED_REPLY_FIRST'));
  const unreadFor = pick('unread-for', 'SEED_UNREAD_FOR')
    .split(',')
    .map((u) => u.trim().toLowerCase())
    .filter(Boolean);
  return {
    dataDir: dataDir ? resolve(dataDir) : null,
    databaseUrl: databaseUrl || null,
    room,
    users,
    count,
    isPrivate,
    replyFirst,
    unreadFor,
  };
}

const BATCH = 1000;
const RUN_LENGTH = 5;
const SPACING_MS = 30_000;

async function openStorage(options: Options): Promise<Storage> {
  if (options.databaseUrl) return openPostgresStorage({ url: options.databaseUrl, poolMax: 4 });
  const filename = join(options.dataDir!, 'parley.sqlite');
  // Never create a database of our own by mistake: the server makes it on its first start.
  if (!existsSync(filename))
    throw new Error(`${filename} does not exist: start the server with DATA_DIR=${options.dataDir} first`);
  // NORMAL is enough for test data; group commit writes each batch in one transaction.
  return openSqliteStorage({ filename, synchronous: 'NORMAL' });
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(3), process.env);
  const started = performance.now();
  const storage = await openStorage(options);
  // SQLite's single writer takes appends in the order they are made; PostgreSQL's
  // concurrent transactions would not, and message [n] must take seq n: one at a time.
  const inFlight = options.databaseUrl ? 1 : BATCH;
  try {
    const users: UserRecord[] = [];
    for (const username of options.users) {
      const user = await storage.users.findByUsername(username);
      if (!user) throw new Error(`no user named "${username}": sign them up first`);
      users.push(user);
    }
    const owner = users[0]!;
    const now = Date.now();
    const roomId = randomUUID();
    const created = await storage.rooms.create(
      {
        id: roomId,
        kind: options.isPrivate ? 'private' : 'public',
        name: options.room,
        ownerId: owner.id,
        lastSeq: 0,
        createdAt: now - (options.count + 1) * SPACING_MS,
      },
      owner.id,
    );
    if (created === 'name_taken') throw new Error(`a room named "${options.room}" exists already`);
    for (const user of users.slice(1)) await storage.rooms.addMember(roomId, user.id, now);

    const width = String(options.count).length;
    let lastSeq = 0;
    const firstId = randomUUID();
    const messageOf = (i: number) => {
      const author = users[Math.floor(i / RUN_LENGTH) % users.length]!;
      const n = String(i + 1).padStart(width, '0');
      const last = i === options.count - 1 && i > 0;
      return {
        id: i === 0 ? firstId : randomUUID(),
        roomId,
        authorId: author.id,
        clientMessageId: randomUUID(),
        text: `Seeded message [${n}] in ${options.room}`,
        createdAt: now - (options.count - i) * SPACING_MS,
        ...(last && options.replyFirst ? { replyToId: firstId } : {}),
      };
    };
    for (let start = 0; start < options.count; start += inFlight) {
      const end = Math.min(options.count, start + inFlight);
      // The first message goes alone, so the ones after it may answer it.
      if (start === 0 && end > 0) {
        const first = await storage.messages.append(messageOf(0));
        if (first.status !== 'created') throw new Error(`append refused: ${first.status}`);
      }
      const results = await Promise.all(
        Array.from({ length: end - Math.max(start, 1) }, (_, k) =>
          storage.messages.append(messageOf(Math.max(start, 1) + k)),
        ),
      );
      for (const result of results) {
        if (result.status !== 'created') throw new Error(`append refused: ${result.status}`);
        lastSeq = Math.max(lastSeq, result.message.seq);
      }
    }
    for (const user of users) {
      if (!options.unreadFor.includes(user.username.toLowerCase()))
        await storage.reads.mark(user.id, roomId, options.count);
    }
    const room = await storage.rooms.findById(roomId);
    lastSeq = Math.max(lastSeq, options.count > 0 ? 1 : 0);
    if (room?.lastSeq !== options.count) throw new Error(`room lastSeq is ${room?.lastSeq}, expected ${options.count}`);
    console.log(
      JSON.stringify({
        roomId,
        roomName: options.room,
        kind: options.isPrivate ? 'private' : 'public',
        messages: options.count,
        lastSeq,
        members: options.users,
        ms: Math.round(performance.now() - started),
      }),
    );
  } finally {
    await storage.close();
  }
}

await main();
