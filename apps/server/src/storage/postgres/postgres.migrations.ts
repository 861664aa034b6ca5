import type { Pool } from 'pg';

/*
 * Numbered migrations of the PostgreSQL schema, recorded in `schema_migrations`. Never
 * edit one that has shipped: add the next number. Several nodes may start at once, so
 * they take turns under an advisory lock; each migration runs in its own transaction
 * (PostgreSQL DDL is transactional), so a failure leaves the previous version whole.
 *
 * The schema parallels SQLite's (its migrations 1–3 are migration 1 here, 4 is 2), with these
 * differences:
 * - message text is BYTEA (UTF-8): PostgreSQL TEXT cannot hold U+0000, which a message
 *   may contain and must come back exactly (M6);
 * - times and seqs are BIGINT (milliseconds do not fit in INTEGER);
 * - uniqueness keys compare bytewise (COLLATE "C"), like SQLite's BINARY, whatever the
 *   database's locale, so names sort the same on both;
 * - `ord` columns give the insertion order that SQLite's rowid gives (reactions listed
 *   oldest first, a user's rooms in the order joined).
 */

export type Migration = { version: number; name: string; sql: string };

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'core chat, invitations, conversations (SQLite migrations 1-3)',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL,
        username_key  TEXT COLLATE "C" NOT NULL CONSTRAINT users_username_key UNIQUE,
        password_hash TEXT NOT NULL,
        created_at    BIGINT NOT NULL
      );

      CREATE TABLE sessions (
        key          TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        expires_at   BIGINT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);

      CREATE TABLE rooms (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
        name       TEXT,
        name_key   TEXT COLLATE "C" CONSTRAINT rooms_name_key UNIQUE,
        dm_key     TEXT COLLATE "C" CONSTRAINT rooms_dm_key UNIQUE,
        owner_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
        last_seq   BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        CHECK ((kind = 'dm') = (dm_key IS NOT NULL)),
        CHECK ((kind = 'dm') = (name IS NULL))
      );

      CREATE TABLE memberships (
        room_id       TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_at     BIGINT NOT NULL,
        last_read_seq BIGINT NOT NULL DEFAULT 0,
        notify        TEXT CHECK (notify IS NULL OR notify IN ('all', 'mentions', 'none')),
        ord           BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX memberships_user ON memberships(user_id, ord);

      -- version: the seq of the message's newest change (NULL: never changed).
      CREATE TABLE messages (
        id                TEXT PRIMARY KEY,
        room_id           TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq               BIGINT NOT NULL,
        author_id         TEXT NOT NULL REFERENCES users(id),
        client_message_id TEXT NOT NULL,
        text              BYTEA NOT NULL,
        created_at        BIGINT NOT NULL,
        version           BIGINT,
        edited_at         BIGINT,
        deleted_at        BIGINT,
        reply_to_id       TEXT REFERENCES messages(id),
        CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
        CONSTRAINT messages_author_client_id UNIQUE (author_id, client_message_id)
      );

      CREATE TABLE invitations (
        room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX invitations_user ON invitations(user_id);

      -- The room's change log besides creations (a creation is its messages row, whose seq
      -- it took): together they number every change of the room, gaplessly.
      CREATE TABLE room_changes (
        room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq        BIGINT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('message:edited', 'message:deleted', 'reaction:added', 'reaction:removed')),
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        actor_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (room_id, seq)
      );

      CREATE TABLE reactions (
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        emoji      TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        ord        BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (message_id, user_id, emoji)
      );

      CREATE TABLE mentions (
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (message_id, user_id)
      );
      CREATE INDEX mentions_user ON mentions(user_id, message_id);
    `,
  },
  {
    version: 2,
    name: 'deleted accounts (SQLite migration 4)',
    sql: `
      ALTER TABLE users ADD COLUMN deleted_at BIGINT;
      CREATE INDEX rooms_owner ON rooms(owner_id);
      CREATE INDEX invitations_invited_by ON invitations(invited_by);
    `,
  },
  {
    version: 3,
    name: 'message search (SQLite migration 5)',
    sql: `
      -- F1-F3: each message's words as a tsvector ('simple': no stemming, like SQLite's
      -- unicode61), set by a trigger inside the transaction that sends, edits or deletes it,
      -- so a search never sees a deleted message nor a pre-edit text. A trigger rather than a
      -- generated column: text is UTF-8 bytes, and decoding them is not IMMUTABLE.
      ALTER TABLE messages ADD COLUMN search tsvector;
      CREATE FUNCTION message_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        bytes bytea := NEW.text;
      BEGIN
        -- U+0000 is kept in messages (M6) but is no text PostgreSQL can decode: its bytes,
        -- whole (hex pairs), are left out of what is indexed.
        IF position('\\x00'::bytea IN bytes) > 0 THEN
          bytes := decode(replace(replace(regexp_replace(encode(bytes, 'hex'), '(..)', ' \\1', 'g'), ' 00', ''), ' ', ''), 'hex');
        END IF;
        NEW.search := to_tsvector('simple'::regconfig, convert_from(bytes, 'UTF8'));
        RETURN NEW;
      END
      $$;
      CREATE TRIGGER message_search_words BEFORE INSERT OR UPDATE OF text ON messages
        FOR EACH ROW EXECUTE FUNCTION message_search_words();
      -- The messages already stored (setting text fires the trigger).
      UPDATE messages SET text = text;
      CREATE INDEX messages_search ON messages USING GIN (search);
      -- Newest-first pages of results (the order F2 gives).
      CREATE INDEX messages_created ON messages(created_at, room_id, seq);
    `,
  },
  {
    version: 4,
    name: 'last seen and appear offline (SQLite migration 6)',
    sql: `
      ALTER TABLE users ADD COLUMN last_seen_at BIGINT;
      ALTER TABLE users ADD COLUMN appear_offline BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 5,
    name: 'group conversations (SQLite migration 7)',
    sql: `
      -- G1: kind 'group': no name (its members name it, G2), no dm_key. Migration 1 left its
      -- checks unnamed, so they are found by what they are, dropped, and added back named.
      DO $$
      DECLARE c record;
      BEGIN
        FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'rooms'::regclass AND contype = 'c' LOOP
          EXECUTE format('ALTER TABLE rooms DROP CONSTRAINT %I', c.conname);
        END LOOP;
      END
      $$;
      ALTER TABLE rooms
        ADD CONSTRAINT rooms_kind CHECK (kind IN ('public', 'private', 'dm', 'group')),
        ADD CONSTRAINT rooms_dm_key_of_dm CHECK ((kind = 'dm') = (dm_key IS NOT NULL)),
        ADD CONSTRAINT rooms_name_of_room CHECK ((kind IN ('dm', 'group')) = (name IS NULL));
    `,
  },
  {
    version: 6,
    name: 'files attached to messages (SQLite migration 8), bytes in chunks',
    sql: `
      CREATE TABLE files (
        id           TEXT PRIMARY KEY,
        room_id      TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        uploader_id  TEXT NOT NULL REFERENCES users(id),
        message_id   TEXT REFERENCES messages(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL DEFAULT 0,
        name         TEXT NOT NULL,
        size         BIGINT NOT NULL,
        content_type TEXT NOT NULL,
        width        INTEGER,
        height       INTEGER,
        created_at   BIGINT NOT NULL
      );
      CREATE INDEX files_message ON files(message_id, position);
      CREATE INDEX files_pending ON files(created_at) WHERE message_id IS NULL;
      -- The bytes, in the database so every node serves every file (no shared disk needed),
      -- as BYTEA chunks rather than large objects: chunks go with their file's row (the
      -- cascade), inside the transaction that deletes it, pg_dump keeps them with the rest,
      -- and a download reads one chunk at a time. Large objects would need lo_unlink by hand
      -- and a cleanup of orphans.
      CREATE TABLE file_chunks (
        file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        n       INTEGER NOT NULL,
        data    BYTEA NOT NULL,
        PRIMARY KEY (file_id, n)
      );
    `,
  },
];

/**
 * Serializes migrations of one database and schema across nodes. Advisory locks are
 * per database; the schema is part of the key so stores in separate schemas of one
 * database (tests) do not wait for each other.
 */
const LOCK_NAMESPACE = 'parley.schema_migrations';

/**
 * Applies the migrations not yet recorded, in order. Two nodes starting at once: the
 * second waits for the lock, then finds them recorded and applies nothing.
 */
export async function migratePostgres(pool: Pool, schema: string | null): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // As in inTransaction: a cut connection must fail the migration, not end the process.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    // A session lock (not a transaction's) so each migration can commit on its own.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`${LOCK_NAMESPACE}:${schema ?? ''}`]);
    try {
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`${LOCK_NAMESPACE}:${schema ?? ''}`]);
    }
  } catch (error) {
    // A connection in an unknown state (it may still hold the lock) is closed, not reused:
    // closing it releases the lock.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** A schema name as an SQL identifier; only plain lower-case names are accepted (see `openPostgresStorage`). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
