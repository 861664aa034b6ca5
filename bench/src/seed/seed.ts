/*
 * Seeds Parley's database for the benchmark through the storage layer (the same code
 * the server runs), never through the server: users, public rooms, memberships, and
 * sessions with fresh random 256-bit ids, whose cookies the load clients then present.
 * Usage (after bundling, see ../seed.mjs): node seed.js <spec.json> <out.json>
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionKeyOf } from '../../../apps/server/src/domain/auth.service.js';
import { openPostgresStorage } from '../../../apps/server/src/storage/postgres/postgres.storage.js';
import { openSqliteStorage } from '../../../apps/server/src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../../../apps/server/src/storage/storage.js';

type Spec = {
  dataDir: string;
  /** S1×2: seed this PostgreSQL database (migrated by the storage layer) instead of dataDir's SQLite. */
  databaseUrl?: string;
  /** Users g0..g(n-1), in public rooms of `roomSize` (grid-0, grid-1, ...). */
  grid: number;
  roomSize: number;
  /** One extra user per grid room, not a member: joins and leaves in scenario F. */
  churners: boolean;
  /** Users b0..b(n-1), all members of one room `everyone` (scenario B). */
  broadcast: number;
  /** Users h0..h(n-1) in room `history`, which gets `messages` messages (scenario E). */
  history: { users: number; messages: number };
};

const [specPath, outPath] = process.argv.slice(2);
if (!specPath || !outPath) throw new Error('usage: seed <spec.json> <out.json>');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;

const DAY = 24 * 60 * 60 * 1000;
// NORMAL while seeding (it only decides fsync per commit, for this connection); the
// server opens the same file with its own FULL setting. PostgreSQL commits one
// transaction per call: there the grid's rooms are seeded several at a time.
const storage: Storage = spec.databaseUrl
  ? await openPostgresStorage({ url: spec.databaseUrl, poolMax: 8 })
  : openSqliteStorage({ filename: join(spec.dataDir, 'parley.sqlite'), synchronous: 'NORMAL' });
const roomsAtOnce = spec.databaseUrl ? 8 : 1;
const now = Date.now();

async function user(name: string): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const outcome = await storage.users.create(
    { id, username: name, passwordHash: 'not-a-hash:bench', createdAt: now },
    [],
  );
  if (outcome !== 'created') throw new Error(`user ${name}: ${outcome}`);
  const token = randomBytes(32).toString('base64url');
  await storage.sessions.create({
    key: sessionKeyOf(token),
    userId: id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 30 * DAY,
  });
  return { id, token };
}

async function room(name: string, memberIds: string[]): Promise<string> {
  const id = randomUUID();
  const outcome = await storage.rooms.create(
    { id, kind: 'public', name, ownerId: memberIds[0] ?? null, lastSeq: 0, createdAt: now },
    memberIds[0] ?? null,
  );
  if (outcome !== 'created') throw new Error(`room ${name}: ${outcome}`);
  for (const m of memberIds.slice(1)) await storage.rooms.addMember(id, m, now);
  return id;
}

const out = {
  grid: { tokens: [] as string[], userIds: [] as string[], roomIds: [] as string[], churnerTokens: [] as string[] },
  broadcast: { tokens: [] as string[], roomId: '' },
  history: { tokens: [] as string[], roomId: '', messages: 0 },
};

async function gridRoom(r: number): Promise<void> {
  const members: string[] = [];
  for (let i = r * spec.roomSize; i < Math.min(spec.grid, (r + 1) * spec.roomSize); i++) {
    const u = await user(`g${i}`);
    out.grid.tokens[i] = u.token;
    out.grid.userIds[i] = u.id;
    members.push(u.id);
  }
  out.grid.roomIds[r] = await room(`grid-${r}`, members);
  if (spec.churners) out.grid.churnerTokens[r] = (await user(`c${r}`)).token;
}

const gridRooms = Math.ceil(spec.grid / spec.roomSize);
for (let r = 0; r < gridRooms; r += roomsAtOnce) {
  const batch = [];
  for (let k = r; k < Math.min(gridRooms, r + roomsAtOnce); k++) batch.push(gridRoom(k));
  await Promise.all(batch);
}

if (spec.broadcast > 0) {
  const members: string[] = [];
  for (let i = 0; i < spec.broadcast; i++) {
    const u = await user(`b${i}`);
    out.broadcast.tokens.push(u.token);
    members.push(u.id);
  }
  out.broadcast.roomId = await room('everyone', members);
}

if (spec.history.users > 0) {
  const members: string[] = [];
  for (let i = 0; i < spec.history.users; i++) {
    const u = await user(`h${i}`);
    out.history.tokens.push(u.token);
    members.push(u.id);
  }
  const roomId = await room('history', members);
  out.history.roomId = roomId;
  // Group commit batches appends queued in one turn: queue a thousand, then await them.
  for (let base = 0; base < spec.history.messages; base += 1000) {
    const batch = [];
    for (let n = base; n < Math.min(spec.history.messages, base + 1000); n++) {
      batch.push(
        storage.messages.append({
          id: randomUUID(),
          roomId,
          authorId: members[n % members.length]!,
          clientMessageId: `seed-${n}`,
          text: `history message ${n}: ${'lorem ipsum dolor sit amet '.repeat(3)}`,
          createdAt: now - (spec.history.messages - n) * 1000,
        }),
      );
    }
    const results = await Promise.all(batch);
    out.history.messages += results.filter((r) => r.status === 'created').length;
  }
}

await storage.close();
writeFileSync(outPath, JSON.stringify(out));
