import { randomUUID } from 'node:crypto';
import type { Message } from '@parley/shared-types';
import type { Pool } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../src/storage/postgres/postgres.migrations.js';
import { openPostgresStorage, type PostgresOptions } from '../src/storage/postgres/postgres.storage.js';
import type { AppendResult, Storage } from '../src/storage/storage.js';
import {
  adminPool,
  createDatabase,
  databaseUrl,
  dropDatabase,
  eventually,
  useFileDatabase,
} from './services/postgres.databases.js';
import { T0, message, room, user } from './storage.builders.js';
import { describeStorageContract } from './storage.contract.js';
import { describeAccountContract } from './storage.contract.accounts.js';
import { describeConversationContract } from './storage.contract.conversations.js';
import { describeGroupContract } from './storage.contract.groups.js';
import { describeSearchContract } from './storage.contract.search.js';
import { describeFileContract } from './storage.contract.files.js';

/*
 * The storage contract on the run's PostgreSQL server (postgres.global-setup.ts), each
 * test in a fresh schema of this file's database, and what only several writers sharing
 * one database can show: two stores with pools of their own stand for two nodes.
 */

const file = useFileDatabase();
// Runs after the suites' own afterEach, which closes the store.
afterEach(() => file.dropSchemas());

/** A store on a schema; a new schema (dropped after the test) unless one is given. */
function open(options: Partial<PostgresOptions> = {}): Promise<Storage> {
  const schema = options.schema ?? file.newSchema('t');
  return openPostgresStorage({ url: file.url(), poolMax: 5, ...options, schema });
}

describeStorageContract('PostgreSQL', () => open());
describeConversationContract('PostgreSQL', () => open());
describeAccountContract('PostgreSQL', () => open());
describeSearchContract('PostgreSQL', () => open());
describeGroupContract('PostgreSQL', () => open());
describeFileContract('PostgreSQL', () => open());

describe('PostgreSQL storage, two nodes on one database', () => {
  let schema: string;
  const stores: Storage[] = [];
  /** Two stores on one fresh schema, as two nodes would be. */
  async function twoNodes(options: Partial<PostgresOptions> = {}): Promise<[Storage, Storage]> {
    schema = file.newSchema('t');
    const a = await open({ ...options, schema });
    const b = await open({ ...options, schema });
    stores.push(a, b);
    return [a, b];
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  /** A room with members, created through the first node. */
  async function seedRoom(storage: Storage, authorCount: number) {
    const authors = Array.from({ length: authorCount }, (_, i) => user(`author${i}`));
    for (const a of authors) expect(await storage.users.create(a, [])).toBe('created');
    const lobby = room('Lobby');
    expect(await storage.rooms.create(lobby, null)).toBe('created');
    for (const a of authors) await storage.rooms.addMember(lobby.id, a.id, T0);
    return { authors, lobby };
  }

  const storedSeqs = async (roomId: string) =>
    (
      await file.db.query<{ seq: string }>(`SELECT seq FROM ${schema}.messages WHERE room_id = $1 ORDER BY seq`, [
        roomId,
      ])
    ).rows.map((r) => Number(r.seq));
  const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const messageOf = (result: AppendResult): Message => {
    if (result.status !== 'created' && result.status !== 'duplicate') throw new Error(`append: ${result.status}`);
    return result.message;
  };

  it('M2: 2,000 appends to one room through two nodes at once take seq 1..2000, each exactly once', async () => {
    // Queued sends wait for a connection longer than a live server would let them.
    const [a, b] = await twoNodes({ poolMax: 10, connectionTimeoutMs: 60_000 });
    const { authors, lobby } = await seedRoom(a, 4);
    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        (i % 2 ? b : a).messages.append(
          message(lobby.id, authors[i % authors.length]!.id, `cmid-${String(i).padStart(5, '0')}`, `m${i}`),
        ),
      ),
    );
    const seqs = results.map((r) => (r.status === 'created' ? r.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(oneToN(2000));
    expect(await storedSeqs(lobby.id)).toEqual(oneToN(2000));
    expect((await b.rooms.findById(lobby.id))?.lastSeq).toBe(2000);
  }, 60_000);

  it('M3: one send racing through two nodes is stored once: one created, one duplicate with the same message, no seq lost', async () => {
    const [a, b] = await twoNodes();
    const { authors, lobby } = await seedRoom(a, 1);
    const author = authors[0]!;
    // Hold the room's row so both appends pass their duplicate check and queue for the
    // seq: the second one's insert then meets the first one's committed row.
    const locker = await file.db.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM ${schema}.rooms WHERE id = $1 FOR UPDATE`, [lobby.id]);
      const racing = Promise.all([
        a.messages.append(message(lobby.id, author.id, 'cmid-race', 'sent twice')),
        b.messages.append(message(lobby.id, author.id, 'cmid-race', 'sent twice')),
      ]);
      await eventually(async () => {
        const { rows } = await file.db.query<{ waiting: string }>(
          `SELECT count(*) AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'parley' AND wait_event_type = 'Lock'`,
        );
        return Number(rows[0]!.waiting) === 2;
      }, 'both appends wait for the room');
      await locker.query('COMMIT');
      const [first, second] = await racing;
      expect([first.status, second.status].sort()).toEqual(['created', 'duplicate']);
      expect(messageOf(second)).toEqual(messageOf(first));
    } finally {
      locker.release();
    }
    // The loser's seq went back with its rollback: the next message takes 2.
    expect((await a.rooms.findById(lobby.id))?.lastSeq).toBe(1);
    const next = await b.messages.append(message(lobby.id, author.id, 'cmid-next'));
    expect(next.status === 'created' && next.message.seq).toBe(2);
    expect(await storedSeqs(lobby.id)).toEqual([1, 2]);
  });

  it('M3: many sends, each retried at once through the other node, are each stored once', async () => {
    const [a, b] = await twoNodes();
    const { authors, lobby } = await seedRoom(a, 1);
    const author = authors[0]!;
    const pairs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const cmid = `cmid-pair-${i}`;
        return Promise.all([
          a.messages.append(message(lobby.id, author.id, cmid, `m${i}`)),
          b.messages.append(message(lobby.id, author.id, cmid, `m${i}`)),
        ]);
      }),
    );
    for (const [x, y] of pairs) {
      expect([x.status, y.status].sort()).toEqual(['created', 'duplicate']);
      expect(messageOf(y)).toEqual(messageOf(x));
    }
    expect(await storedSeqs(lobby.id)).toEqual(oneToN(50));
  });

  it("M2, M3: under load sends are committed in groups, each checked and seq'd as alone: refusals, duplicates within a group, replies and two rooms", async () => {
    const sizes: number[] = [];
    const durations: number[] = [];
    const [a, b] = await twoNodes({
      sendBatching: {
        maxInFlight: 1,
        onCommitted: (n, ms) => {
          sizes.push(n);
          durations.push(ms);
        },
      },
    });
    const { authors, lobby } = await seedRoom(a, 3);
    const other = room('Other');
    expect(await a.rooms.create(other, authors[0]!.id)).toBe('created');
    const stranger = user('stranger');
    expect(await a.users.create(stranger, [])).toBe('created');
    const first = messageOf(await a.messages.append(message(lobby.id, authors[0]!.id, 'cmid-first', 'first')));
    sizes.length = 0;
    durations.length = 0;

    // 200 sends at once through one node: into two rooms, each send twice (a retry inside
    // the same group or the next), a reply, and a stranger's send that must be refused.
    const sends = Array.from({ length: 100 }, (_, i) => ({
      ...message(i % 4 === 0 ? other.id : lobby.id, authors[i % 3]!.id, `cmid-${i}`, `m${i}`),
      ...(i === 7 ? { replyToId: first.id } : {}),
    }));
    // Only the first author is a member of Other.
    const allowed = (m: (typeof sends)[number]) => m.roomId === lobby.id || m.authorId === authors[0]!.id;
    const results = await Promise.all([
      ...sends.flatMap((m) => [a.messages.append(m), a.messages.append(m)]),
      a.messages.append(message(lobby.id, stranger.id, 'cmid-stranger')),
    ]);
    expect(results.at(-1)!.status).toBe('not_member');
    sends.forEach((m, i) => {
      const [x, y] = [results[2 * i]!, results[2 * i + 1]!];
      if (!allowed(m)) {
        expect([x.status, y.status]).toEqual(['not_member', 'not_member']);
        return;
      }
      expect([x.status, y.status]).toEqual(['created', 'duplicate']);
      expect(messageOf(y)).toEqual(messageOf(x));
    });
    expect(messageOf(results[14]!).replyTo?.id).toBe(first.id);
    // Fewer commits than sends: they were grouped.
    expect(sizes.reduce((n, s) => n + s, 0)).toBe(results.length);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    // O2: each committed group is timed too (parley_commit_duration_seconds).
    expect(durations).toHaveLength(sizes.length);
    for (const ms of durations) expect(ms).toBeGreaterThan(0);
    // Each room's seqs gapless, each send stored once.
    const inLobby = sends.filter((m) => m.roomId === lobby.id).length;
    const inOther = sends.filter((m) => m.roomId === other.id && allowed(m)).length;
    expect(await storedSeqs(lobby.id)).toEqual(oneToN(inLobby + 1));
    expect(await storedSeqs(other.id)).toEqual(oneToN(inOther));
    // The other node sees them all: a retry there is answered with the original.
    const again = await b.messages.append(sends[1]!);
    expect(again.status).toBe('duplicate');
    expect(messageOf(again)).toEqual(messageOf(results[2]!));
  });

  it('E2: a deleted message’s text cannot be read from the messages table any more', async () => {
    const [a, b] = await twoNodes();
    const { authors, lobby } = await seedRoom(a, 1);
    const secret = `secret-${randomUUID()}`;
    const kept = `kept-${randomUUID()}`;
    const sent = await a.messages.append(message(lobby.id, authors[0]!.id, 'cmid-0001', secret));
    await a.messages.append(message(lobby.id, authors[0]!.id, 'cmid-0002', kept));
    if (sent.status !== 'created') throw new Error('append');
    const deleted = await b.messages.change({
      kind: 'delete',
      messageId: sent.message.id,
      actorId: authors[0]!.id,
      at: T0,
    });
    expect(deleted.status).toBe('changed');
    const holding = async (text: string) =>
      Number(
        (
          await file.db.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${schema}.messages WHERE position(convert_to($1, 'UTF8') IN text) > 0`,
            [text],
          )
        ).rows[0]!.n,
      );
    expect(await holding(kept)).toBe(1);
    expect(await holding(secret)).toBe(0);
    const { rows } = await file.db.query<{ length: number }>(
      `SELECT octet_length(text) AS length FROM ${schema}.messages WHERE id = $1`,
      [sent.message.id],
    );
    expect(rows).toEqual([{ length: 0 }]);
  });

  it('M1: an idle connection the server drops is reported, not thrown, and the store goes on', async () => {
    const errors: Error[] = [];
    // One connection, so the one the server drops is the one the next query would take.
    const store = await open({ poolMax: 1, onPoolError: (error) => errors.push(error) });
    stores.push(store);
    const alice = user('alice');
    expect(await store.users.create(alice, [])).toBe('created');
    await file.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'parley'`,
    );
    await eventually(async () => errors.length > 0, 'the pool reports the dropped connection');
    expect(await store.users.findById(alice.id)).toEqual(alice);
    expect(await store.users.create(user('bob'), [])).toBe('created');
  });
});

describe('PostgreSQL migrations', () => {
  let fresh: string | undefined;
  afterEach(async () => {
    if (fresh) await dropDatabase(file.server, fresh);
    fresh = undefined;
  });

  const applied = async (pool: Pool) =>
    (
      await pool.query<{ version: number; name: string; applied_at: string }>(
        'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
      )
    ).rows;

  it('M1: two nodes starting at once on an empty database apply each migration once, and a restart applies none', async () => {
    fresh = await createDatabase(file.server);
    const url = databaseUrl(fresh);
    const both = await Promise.all([
      openPostgresStorage({ url, poolMax: 2 }),
      openPostgresStorage({ url, poolMax: 2 }),
    ]);
    const check = adminPool(fresh);
    try {
      const first = await applied(check);
      expect(first.map((r) => [r.version, r.name])).toEqual(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name]));
      // Both nodes work on the one schema.
      const alice = user('alice');
      expect(await both[0].users.create(alice, [])).toBe('created');
      expect(await both[1].users.findByUsername('ALICE')).toEqual(alice);
      for (const s of both) await s.close();
      const again = await openPostgresStorage({ url, poolMax: 1 });
      await again.close();
      expect(await applied(check)).toEqual(first);
    } finally {
      await check.end();
    }
  });

  it('M1: close is idempotent', async () => {
    const s = await open();
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });
});
