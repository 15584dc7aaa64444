// Room state at rest: joined rooms, their membership-log entries, sender-chain states, and
// small node facts (last listen addresses). Bytes in, bytes out: the room layer parses them.
import type { SqlStatement } from './codec.js'
import type { Store } from './db.js'

export const SQL_CREATE_ROOMS = `CREATE TABLE rooms (
  room_id   BLOB PRIMARY KEY,     -- 32-byte room id
  name      TEXT NOT NULL,        -- the room's name from its genesis
  topic     TEXT NOT NULL,        -- gossipsub topic derived from the room id
  joined_at INTEGER NOT NULL      -- ms since epoch
)`
export const SQL_CREATE_ROOM_LOG = `CREATE TABLE room_log (
  room_id BLOB NOT NULL,
  seq     INTEGER NOT NULL,
  entry   BLOB NOT NULL,          -- SignedLogEntry bytes as received
  PRIMARY KEY (room_id, seq)
)`
export const SQL_CREATE_CHAINS = `CREATE TABLE sender_chains (
  room_id   BLOB NOT NULL,
  epoch     INTEGER NOT NULL,
  sender    BLOB NOT NULL,        -- member public key
  outbound  INTEGER NOT NULL,     -- 1: our own chain, 0: a received one
  state     BLOB NOT NULL,        -- OutboundSenderChain / InboundSenderChain state bytes (secret)
  PRIMARY KEY (room_id, epoch, sender, outbound)
)`

/**
 * Keys of skipped chain indexes (messages not received yet), one row each, so that accepting a
 * message writes its chain's small state and inserts or deletes a row, never the whole window.
 */
export const SQL_CREATE_SKIPPED_KEYS = `CREATE TABLE skipped_keys (
  room_id BLOB NOT NULL,
  epoch   INTEGER NOT NULL,
  sender  BLOB NOT NULL,
  idx     INTEGER NOT NULL,       -- chain index the key is for
  mk      BLOB NOT NULL,          -- message key seed (secret)
  PRIMARY KEY (room_id, epoch, sender, idx)
)`

const SQL_ROOMS = 'SELECT room_id, name, topic, joined_at FROM rooms ORDER BY name, joined_at'
const SQL_ROOM_INSERT = 'INSERT OR IGNORE INTO rooms (room_id, name, topic, joined_at) VALUES (?, ?, ?, ?)'
const SQL_LOG = 'SELECT entry FROM room_log WHERE room_id = ? ORDER BY seq'
const SQL_LOG_INSERT = 'INSERT OR REPLACE INTO room_log (room_id, seq, entry) VALUES (?, ?, ?)'
const SQL_CHAINS = 'SELECT epoch, sender, outbound, state, signed FROM sender_chains WHERE room_id = ?'
const SQL_CHAIN_UPSERT = 'INSERT OR REPLACE INTO sender_chains (room_id, epoch, sender, outbound, state, signed) VALUES (?, ?, ?, ?, ?, ?)'
const SQL_LOG_DELETE_FROM = 'DELETE FROM room_log WHERE room_id = ? AND seq >= ?'
const SQL_CHAIN_DELETE = 'DELETE FROM sender_chains WHERE room_id = ? AND epoch = ? AND sender = ? AND outbound = ?'
const SQL_CHAINS_OF_DELETE = 'DELETE FROM sender_chains WHERE room_id = ? AND sender = ?'
const SQL_SKIPPED = 'SELECT epoch, sender, idx, mk FROM skipped_keys WHERE room_id = ? ORDER BY epoch, sender, idx'
const SQL_SKIPPED_INSERT = 'INSERT OR REPLACE INTO skipped_keys (room_id, epoch, sender, idx, mk) VALUES (?, ?, ?, ?, ?)'
const SQL_SKIPPED_DELETE = 'DELETE FROM skipped_keys WHERE room_id = ? AND epoch = ? AND sender = ? AND idx = ?'
const SQL_SKIPPED_OF_CHAIN_DELETE = 'DELETE FROM skipped_keys WHERE room_id = ? AND epoch = ? AND sender = ?'
const SQL_SKIPPED_OF_DELETE = 'DELETE FROM skipped_keys WHERE room_id = ? AND sender = ?'
const SQL_FORGET_ROOM = ['DELETE FROM skipped_keys WHERE room_id = ?', 'DELETE FROM sender_chains WHERE room_id = ?', 'DELETE FROM room_log WHERE room_id = ?', 'DELETE FROM messages WHERE room_id = ?', 'DELETE FROM rooms WHERE room_id = ?']
const SQL_META_GET = 'SELECT value FROM meta WHERE key = ?'
const SQL_META_SET = 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'

export interface RoomRow { roomId: Uint8Array, name: string, topic: string, joinedAt: number }
export interface ChainRow {
  epoch: number
  sender: Uint8Array
  outbound: boolean
  state: Uint8Array
  /** A received chain's newest owner-signed SenderKey bytes (what this member relays), if any. */
  signed?: Uint8Array
}

export class RoomTables {
  private readonly store: Store

  constructor (components: { store: Store }) {
    this.store = components.store
  }

  rooms (): RoomRow[] {
    return this.store.all<{ room_id: Uint8Array, name: string, topic: string, joined_at: number }>(SQL_ROOMS)
      .map(r => ({ roomId: r.room_id, name: r.name, topic: r.topic, joinedAt: r.joined_at }))
  }

  /** Statements that record a room and its log from FROMSEQ on; run them with other writes in one batch. */
  saveRoomStatements (room: RoomRow, log: Uint8Array[], fromSeq = 0): SqlStatement[] {
    return [
      [SQL_ROOM_INSERT, [room.roomId, room.name, room.topic, room.joinedAt]],
      ...this.logStatements(room.roomId, log.slice(fromSeq), fromSeq)
    ]
  }

  logStatements (roomId: Uint8Array, entries: Uint8Array[], fromSeq: number): SqlStatement[] {
    return entries.map((entry, i): SqlStatement => [SQL_LOG_INSERT, [roomId, fromSeq + i, entry]])
  }

  chainStatement (roomId: Uint8Array, chain: ChainRow): SqlStatement {
    return [SQL_CHAIN_UPSERT, [roomId, chain.epoch, chain.sender, chain.outbound ? 1 : 0, chain.state, chain.signed ?? null]]
  }

  /** Deletes the stored log entries from SEQ on (a fork settled for another branch). */
  deleteLogFromStatement (roomId: Uint8Array, seq: number): SqlStatement {
    return [SQL_LOG_DELETE_FROM, [roomId, seq]]
  }

  /** Stores and deletes skipped keys of one received chain (InboundSenderChain.takeSkippedChanges). */
  skippedStatements (roomId: Uint8Array, epoch: number, sender: Uint8Array, changes: { added: Array<[number, Uint8Array]>, removed: number[] }): SqlStatement[] {
    return [
      ...changes.removed.map((i): SqlStatement => [SQL_SKIPPED_DELETE, [roomId, epoch, sender, i]]),
      ...changes.added.map(([i, mk]): SqlStatement => [SQL_SKIPPED_INSERT, [roomId, epoch, sender, i, mk]])
    ]
  }

  /** Skipped keys of the room's received chains, by chain ("epoch:sender hex"), indexes ascending. */
  skipped (roomId: Uint8Array): Map<string, Array<[number, Uint8Array]>> {
    const out = new Map<string, Array<[number, Uint8Array]>>()
    for (const r of this.store.all<{ epoch: number, sender: Uint8Array, idx: number, mk: Uint8Array }>(SQL_SKIPPED, [roomId])) {
      const key = `${r.epoch}:${Buffer.from(r.sender).toString('hex')}`
      const list = out.get(key) ?? []
      list.push([r.idx, r.mk])
      out.set(key, list)
    }
    return out
  }

  /** Deletes one stored chain (a closed epoch's own chain, a removed member's) with its skipped keys. */
  deleteChainStatement (roomId: Uint8Array, chain: Omit<ChainRow, 'state'>): SqlStatement[] {
    const statements: SqlStatement[] = [[SQL_CHAIN_DELETE, [roomId, chain.epoch, chain.sender, chain.outbound ? 1 : 0]]]
    if (!chain.outbound) statements.push([SQL_SKIPPED_OF_CHAIN_DELETE, [roomId, chain.epoch, chain.sender]])
    return statements
  }

  /** Deletes every chain of SENDER in the room (a removed member's), with their skipped keys. */
  deleteChainsOfStatement (roomId: Uint8Array, sender: Uint8Array): SqlStatement[] {
    return [[SQL_CHAINS_OF_DELETE, [roomId, sender]], [SQL_SKIPPED_OF_DELETE, [roomId, sender]]]
  }

  /** Everything stored about a room: its row, log, chains and messages (`leave`). */
  forgetRoomStatements (roomId: Uint8Array): SqlStatement[] {
    return SQL_FORGET_ROOM.map((sql): SqlStatement => [sql, [roomId]])
  }

  log (roomId: Uint8Array): Uint8Array[] {
    return this.store.all<{ entry: Uint8Array }>(SQL_LOG, [roomId]).map(r => r.entry)
  }

  chains (roomId: Uint8Array): ChainRow[] {
    return this.store.all<{ epoch: number, sender: Uint8Array, outbound: number, state: Uint8Array, signed: Uint8Array | null }>(SQL_CHAINS, [roomId])
      .map(r => ({ epoch: r.epoch, sender: r.sender, outbound: r.outbound === 1, state: r.state, ...(r.signed !== null && r.signed !== undefined ? { signed: r.signed } : {}) }))
  }

  batch (statements: SqlStatement[]): void {
    if (statements.length > 0) this.store.batch(statements)
  }

  /** Applied and written now (kill -9 safe); the promise resolves once on disk, within WITHINMS (see Store.commit). */
  commit (statements: SqlStatement[], withinMs = 0): Promise<void> {
    return statements.length > 0 ? this.store.commit(statements, withinMs).durable : Promise.resolve()
  }

  meta (key: string): string | undefined {
    const row = this.store.get<{ value: string }>(SQL_META_GET, [key])
    return row === undefined ? undefined : String(row.value)
  }

  setMeta (key: string, value: string): void {
    this.store.run(SQL_META_SET, [key, value])
  }
}
