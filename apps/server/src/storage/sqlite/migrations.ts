/**
 * Numbered migrations, applied in order, each in its own transaction, recorded in
 * `schema_migrations`. Never edit one that has shipped: add the next number.
 * The SQL sticks to what PostgreSQL also accepts (TEXT ids, BIGINT-sized integers,
 * named unique constraints) so the schemas stay parallel.
 */
export type Migration = {
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table others point at (SQLite cannot alter a CHECK): it runs
   * with foreign keys off, as SQLite's documented 12-step rebuild requires (dropping the
   * old table would otherwise cascade into memberships and messages), and the transaction
   * commits only if `PRAGMA foreign_key_check` then finds nothing broken.
   */
  foreignKeysOff?: true;
};

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'core chat',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL,
        username_key  TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL
      );

      CREATE TABLE sessions (
        key          TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);

      CREATE TABLE rooms (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
        name       TEXT,
        name_key   TEXT UNIQUE,
        dm_key     TEXT UNIQUE,
        owner_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
        last_seq   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        CHECK ((kind = 'dm') = (dm_key IS NOT NULL)),
        CHECK ((kind = 'dm') = (name IS NULL))
      );

      CREATE TABLE memberships (
        room_id   TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX memberships_user ON memberships(user_id);

      CREATE TABLE messages (
        id                TEXT PRIMARY KEY,
        room_id           TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq               INTEGER NOT NULL,
        author_id         TEXT NOT NULL REFERENCES users(id),
        client_message_id TEXT NOT NULL,
        text              TEXT NOT NULL,
        created_at        INTEGER NOT NULL,
        CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
        CONSTRAINT messages_author_client_id UNIQUE (author_id, client_message_id)
      );
    `,
  },
  {
    version: 2,
    name: 'invitations to private rooms',
    sql: `
      CREATE TABLE invitations (
        room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX invitations_user ON invitations(user_id);
    `,
  },
  {
    version: 3,
    name: 'conversations: change log, reactions, mentions, replies, read markers, notification levels',
    sql: `
      -- A message's current state: its newest change's seq (NULL: never changed), edit and
      -- deletion times, and the message it answers.
      ALTER TABLE messages ADD COLUMN version INTEGER;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
      ALTER TABLE messages ADD COLUMN reply_to_id TEXT REFERENCES messages(id);

      -- The room's change log besides creations (a creation is its messages row, whose seq
      -- it took): together they number every change of the room, gaplessly.
      CREATE TABLE room_changes (
        room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('message:edited', 'message:deleted', 'reaction:added', 'reaction:removed')),
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        actor_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, seq)
      );

      CREATE TABLE reactions (
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        emoji      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, user_id, emoji)
      );

      CREATE TABLE mentions (
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (message_id, user_id)
      );
      CREATE INDEX mentions_user ON mentions(user_id, message_id);

      ALTER TABLE memberships ADD COLUMN last_read_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE memberships ADD COLUMN notify TEXT CHECK (notify IS NULL OR notify IN ('all', 'mentions', 'none'));
      -- What was there before read markers existed counts as read.
      UPDATE memberships SET last_read_seq = (SELECT last_seq FROM rooms WHERE rooms.id = memberships.room_id);
    `,
  },
  {
    version: 4,
    name: 'deleted accounts',
    sql: `
      -- A13: a deleted account keeps its row, so its messages keep their author; the row
      -- loses its name (replaced by 'Deleted user'), password hash and username key.
      ALTER TABLE users ADD COLUMN deleted_at INTEGER;
      -- What a deletion looks up: the rooms it owned and the invitations it sent.
      CREATE INDEX rooms_owner ON rooms(owner_id);
      CREATE INDEX invitations_invited_by ON invitations(invited_by);
    `,
  },
  {
    version: 5,
    name: 'message search',
    sql: `
      -- F1-F3: a full-text index over messages.text (external content: the words are not
      -- stored twice). Triggers keep it in step inside the transaction that sends, edits or
      -- deletes a message, so a search never sees a deleted message nor a pre-edit text.
      -- The index points at messages' rowid, which only VACUUM renumbers: the server never
      -- runs VACUUM, and backups copy pages (backup.ts), keeping rowids.
      CREATE VIRTUAL TABLE message_search USING fts5(
        text,
        content = 'messages',
        content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 0'
      );
      -- E2: a removed entry leaves no trace of its words in the index.
      INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search (rowid, text) VALUES (new.rowid, new.text);
      END;
      CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.rowid, old.text);
      END;
      CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.rowid, old.text);
        INSERT INTO message_search (rowid, text) VALUES (new.rowid, new.text);
      END;
      -- The messages already stored.
      INSERT INTO message_search (message_search) VALUES ('rebuild');
      -- from:<user>, newest first: one author's messages in rowid order (sqlite.search.ts).
      CREATE INDEX messages_author ON messages(author_id);
    `,
  },
  {
    version: 6,
    name: 'last seen and appear offline',
    sql: `
      -- P5: when the person last went offline (or chose to appear offline); NULL: never.
      ALTER TABLE users ADD COLUMN last_seen_at INTEGER;
      -- P6: others see the person offline while this is 1.
      ALTER TABLE users ADD COLUMN appear_offline INTEGER NOT NULL DEFAULT 0 CHECK (appear_offline IN (0, 1));
    `,
  },
  {
    version: 7,
    name: 'group conversations',
    foreignKeysOff: true,
    sql: `
      -- G1: kind 'group' (no name: its members name it, G2; no dm_key). The table is rebuilt
      -- (steps 4-8 of https://sqlite.org/lang_altertable.html#otheralter): a new table, the
      -- rows copied, the old one dropped, the new one renamed, its index made again.
      -- Memberships, messages, invitations and room_changes name 'rooms' in their foreign
      -- keys, so after the rename they point at the new table.
      CREATE TABLE rooms_new (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm', 'group')),
        name       TEXT,
        name_key   TEXT UNIQUE,
        dm_key     TEXT UNIQUE,
        owner_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
        last_seq   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        CHECK ((kind = 'dm') = (dm_key IS NOT NULL)),
        CHECK ((kind IN ('dm', 'group')) = (name IS NULL))
      );
      INSERT INTO rooms_new (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at)
        SELECT id, kind, name, name_key, dm_key, owner_id, last_seq, created_at FROM rooms;
      DROP TABLE rooms;
      ALTER TABLE rooms_new RENAME TO rooms;
      CREATE INDEX rooms_owner ON rooms(owner_id);
    `,
  },
  {
    version: 8,
    name: 'files attached to messages',
    sql: `
      -- B1-B8: a file's bytes live outside the database (DATA_DIR/files/<id>); this row says
      -- whose it is and where it was sent. message_id NULL: uploaded, not sent yet (pending).
      -- position: its place among the message's files.
      CREATE TABLE files (
        id           TEXT PRIMARY KEY,
        room_id      TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        uploader_id  TEXT NOT NULL REFERENCES users(id),
        message_id   TEXT REFERENCES messages(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL DEFAULT 0,
        name         TEXT NOT NULL,
        size         INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        width        INTEGER,
        height       INTEGER,
        created_at   INTEGER NOT NULL
      );
      CREATE INDEX files_message ON files(message_id, position);
      -- B8: the sweep of pending files.
      CREATE INDEX files_pending ON files(created_at) WHERE message_id IS NULL;
    `,
  },
];
