// The store's schema: SQL as named constants, and the numbered migrations that Store.open applies.
import type { Migration } from './db.js'
import { SQL_CREATE_CHAINS, SQL_CREATE_ROOMS, SQL_CREATE_ROOM_LOG, SQL_CREATE_SKIPPED_KEYS } from './rooms.js'

/**
 * Messages live in an ordinary rowid table, not WITHOUT ROWID: rows are appended in arrival order
 * at the right edge of the table's B-tree (full pages, no splits in the middle), and uniqueness of
 * the random 32-byte id costs only a small separate index (id + rowid). Clustering ~500-byte rows
 * by a random id instead would split pages all over the table, leave them half full, and SQLite
 * advises WITHOUT ROWID only for rows far smaller than a page. `last 100 of a room` walks
 * messages_room_ts backwards (its entries end with the rowid, so `ORDER BY ts, rowid` needs no
 * sort) and fetches rows that sit together near the end of the table.
 */
export const SQL_CREATE_MESSAGES = `CREATE TABLE messages (
  id          BLOB PRIMARY KEY,   -- 32-byte message id (hash of the envelope)
  room_id     BLOB NOT NULL,      -- 32-byte room id
  ts          INTEGER NOT NULL,   -- sender's timestamp, ms since epoch
  sender      BLOB NOT NULL,      -- sender's member id
  epoch       INTEGER,
  chain_index INTEGER,
  text        TEXT,
  title       TEXT,
  priority    INTEGER,
  tags        TEXT,               -- JSON array of strings; NULL when there are none
  envelope    BLOB NOT NULL,      -- the signed, encrypted envelope as received (for sync to peers)
  received_at INTEGER NOT NULL    -- local arrival time, ms since epoch
)`
export const SQL_CREATE_MESSAGES_ROOM_TS = 'CREATE INDEX messages_room_ts ON messages (room_id, ts)'
export const SQL_CREATE_META = 'CREATE TABLE meta (key TEXT PRIMARY KEY, value)'
/** A batch envelope (lines streamed from stdin) is one row; its lines as a JSON array. */
export const SQL_ADD_MESSAGE_LINES = 'ALTER TABLE messages ADD COLUMN lines TEXT'
/** A received chain's newest owner-signed SenderKey, which the member relays (docs/PROTOCOL.md). */
export const SQL_ADD_CHAIN_SIGNED = 'ALTER TABLE sender_chains ADD COLUMN signed BLOB'

/** History order is (ts, id) (catch-up delivers late, so arrival order differs between members). */
export const SQL_MESSAGES_ROOM_TS_ID = 'DROP INDEX messages_room_ts;\nCREATE INDEX messages_room_ts_id ON messages (room_id, ts, id)'

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'messages and meta',
    sql: [SQL_CREATE_MESSAGES, SQL_CREATE_MESSAGES_ROOM_TS, SQL_CREATE_META].join(';\n')
  },
  {
    version: 2,
    name: 'rooms, membership logs, sender chains',
    sql: [SQL_CREATE_ROOMS, SQL_CREATE_ROOM_LOG, SQL_CREATE_CHAINS].join(';\n')
  },
  {
    version: 3,
    name: 'batch envelopes as one row',
    sql: SQL_ADD_MESSAGE_LINES
  },
  {
    version: 4,
    name: 'owner-signed sender keys kept for relaying',
    sql: SQL_ADD_CHAIN_SIGNED
  },
  {
    version: 5,
    name: 'skipped message keys as rows, apart from their chain',
    sql: SQL_CREATE_SKIPPED_KEYS
  },
  {
    version: 6,
    name: 'history ordered by time, then message id',
    sql: SQL_MESSAGES_ROOM_TS_ID
  }
]
