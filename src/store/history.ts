// Message history: append (idempotent by message id), last N of a room, counts.
import type { Store } from './db.js'
import type { SqlStatement, SqlValue } from './codec.js'

export interface StoredMessage {
  /** 32-byte message id. */
  id: Uint8Array
  roomId: Uint8Array
  /** Sender's timestamp, ms since epoch. */
  ts: number
  sender: Uint8Array
  epoch?: number
  chainIndex?: number
  text?: string
  title?: string
  priority?: number
  tags?: string[]
  envelope: Uint8Array
  /** Local arrival time, ms since epoch. */
  receivedAt: number
  /** A batch envelope's lines (stdin streams): one row for the whole batch, shown as one message per line. */
  lines?: string[]
}

export const MESSAGE_ID_BYTES = 32

const COLUMNS = 'id, room_id, ts, sender, epoch, chain_index, text, title, priority, tags, envelope, received_at, lines'
const SQL_INSERT = `INSERT OR IGNORE INTO messages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
// By the sender's time, then the message id: every member orders a room the same way, whatever
// the order things arrived in (live, or caught up later). Index messages_room_ts_id (migration 6).
const SQL_LAST = `SELECT ${COLUMNS} FROM messages WHERE room_id = ? ORDER BY ts DESC, id DESC LIMIT ?`
const SQL_LAST_SINCE = `SELECT ${COLUMNS} FROM messages WHERE room_id = ? AND ts >= ? ORDER BY ts DESC, id DESC LIMIT ?`
const SQL_SYNC_PAGE = 'SELECT rowid AS rowid, ts, sender, epoch, chain_index, envelope FROM messages WHERE room_id = ? AND rowid > ? ORDER BY rowid LIMIT ?'
const SQL_SYNC_META = 'SELECT rowid AS rowid, ts, sender, epoch, chain_index FROM messages WHERE room_id = ? AND rowid > ? ORDER BY rowid LIMIT ?'
const SQL_RETAIN_AGE = 'DELETE FROM messages WHERE room_id = ? AND ts < ?'
/** Deletes what arrived before the COUNT-th newest row (nothing when there are fewer). */
const SQL_RETAIN_COUNT = 'DELETE FROM messages WHERE room_id = ? AND rowid < (SELECT rowid FROM messages WHERE room_id = ? ORDER BY rowid DESC LIMIT 1 OFFSET ?)'
const SQL_COUNT = 'SELECT count(*) AS n FROM messages'
const SQL_COUNT_ROOM = 'SELECT count(*) AS n FROM messages WHERE room_id = ?'
const SQL_HAS = 'SELECT 1 AS found FROM messages WHERE id = ?'

interface MessageRow {
  id: Uint8Array
  room_id: Uint8Array
  ts: number
  sender: Uint8Array
  epoch: number | null
  chain_index: number | null
  text: string | null
  title: string | null
  priority: number | null
  tags: string | null
  envelope: Uint8Array
  received_at: number
  lines: string | null
}

function checkBytes (name: string, value: unknown, length?: number): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" expected Uint8Array, got ${typeof value}`)
  if (length !== undefined && value.length !== length) {
    throw new TypeError(`"${name}" expected Uint8Array of length ${length}, got length=${value.length}`)
  }
}

function toParams (m: StoredMessage): SqlValue[] {
  checkBytes('id', m.id, MESSAGE_ID_BYTES)
  checkBytes('roomId', m.roomId)
  checkBytes('sender', m.sender)
  checkBytes('envelope', m.envelope)
  if (!Number.isSafeInteger(m.ts)) throw new TypeError(`"ts" expected integer ms since epoch, got ${m.ts}`)
  if (!Number.isSafeInteger(m.receivedAt)) throw new TypeError(`"receivedAt" expected integer ms since epoch, got ${m.receivedAt}`)
  return [
    m.id, m.roomId, m.ts, m.sender, m.epoch ?? null, m.chainIndex ?? null, m.text ?? null, m.title ?? null,
    m.priority ?? null, m.tags === undefined || m.tags.length === 0 ? null : JSON.stringify(m.tags), m.envelope, m.receivedAt,
    m.lines === undefined || m.lines.length === 0 ? null : JSON.stringify(m.lines)
  ]
}

function fromRow (r: MessageRow): StoredMessage {
  const m: StoredMessage = { id: r.id, roomId: r.room_id, ts: r.ts, sender: r.sender, envelope: r.envelope, receivedAt: r.received_at }
  if (r.epoch !== null) m.epoch = r.epoch
  if (r.chain_index !== null) m.chainIndex = r.chain_index
  if (r.text !== null) m.text = r.text
  if (r.title !== null) m.title = r.title
  if (r.priority !== null) m.priority = r.priority
  m.tags = r.tags === null ? [] : JSON.parse(r.tags) as string[]
  if (r.lines !== null) m.lines = JSON.parse(r.lines) as string[]
  return m
}

export class History {
  private readonly store: Store

  constructor (components: { store: Store }) {
    this.store = components.store
  }

  /** Store one message durably. Returns false (and writes nothing) if its id is already stored. */
  append (msg: StoredMessage): boolean {
    return this.store.run(SQL_INSERT, toParams(msg)) > 0
  }

  /** The INSERT for MSG, to write in one batch with other state (e.g. the sender chain that decrypted it). */
  appendStatement (msg: StoredMessage): SqlStatement {
    return [SQL_INSERT, toParams(msg)]
  }

  /** Store many messages as one atomic write (one fsync). Returns how many were new. */
  appendMany (msgs: StoredMessage[]): number {
    const statements: SqlStatement[] = msgs.map(m => [SQL_INSERT, toParams(m)])
    return this.store.batch(statements)
  }

  /** The LIMIT most recent messages of a room (at or after sinceMs, if given), oldest first. */
  last (roomId: Uint8Array, limit: number, sinceMs?: number): StoredMessage[] {
    checkBytes('roomId', roomId)
    if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`"limit" expected a non-negative integer, got ${limit}`)
    const rows = sinceMs === undefined
      ? this.store.all<MessageRow>(SQL_LAST, [roomId, limit])
      : this.store.all<MessageRow>(SQL_LAST_SINCE, [roomId, sinceMs, limit])
    return rows.reverse().map(fromRow)
  }

  /** Messages stored in one room, or in all of them. */
  count (roomId?: Uint8Array): number {
    const row = roomId === undefined
      ? this.store.get<{ n: number }>(SQL_COUNT)
      : this.store.get<{ n: number }>(SQL_COUNT_ROOM, [roomId])
    return row?.n ?? 0
  }

  /** Whether a message with this id is stored. */
  /**
   * A page of a room's envelopes in arrival order, after ROWID (0: from the start), for catch-up:
   * what each row is (sender, epoch, chain index) and the envelope as received or sent.
   */
  syncPage (roomId: Uint8Array, afterRowid: number, limit: number): Array<{ rowid: number, ts: number, sender: Uint8Array, epoch: number | null, chainIndex: number | null, envelope: Uint8Array }> {
    return this.store.all<{ rowid: number, ts: number, sender: Uint8Array, epoch: number | null, chain_index: number | null, envelope: Uint8Array }>(SQL_SYNC_PAGE, [roomId, afterRowid, limit])
      .map(r => ({ rowid: r.rowid, ts: r.ts, sender: r.sender, epoch: r.epoch, chainIndex: r.chain_index, envelope: r.envelope }))
  }

  /** syncPage without the envelopes (catch-up counts what it will send first). */
  syncMeta (roomId: Uint8Array, afterRowid: number, limit: number): Array<{ rowid: number, ts: number, sender: Uint8Array, epoch: number | null, chainIndex: number | null }> {
    return this.store.all<{ rowid: number, ts: number, sender: Uint8Array, epoch: number | null, chain_index: number | null }>(SQL_SYNC_META, [roomId, afterRowid, limit])
      .map(r => ({ rowid: r.rowid, ts: r.ts, sender: r.sender, epoch: r.epoch, chainIndex: r.chain_index }))
  }

  /** Retention of one room: keep the newest MAXMESSAGES rows (by arrival) and none with ts before OLDESTMS. */
  retainStatements (roomId: Uint8Array, maxMessages: number, oldestMs: number): SqlStatement[] {
    return [[SQL_RETAIN_AGE, [roomId, oldestMs]], [SQL_RETAIN_COUNT, [roomId, roomId, maxMessages - 1]]]
  }

  has (id: Uint8Array): boolean {
    return this.store.get(SQL_HAS, [id]) !== undefined
  }
}
