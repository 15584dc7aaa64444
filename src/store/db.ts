// The crash-safe store: one sql.js database in memory, persisted as a snapshot plus an append-only journal.
//
// On disk (see docs for the byte layout; constants.ts, journal.ts, codec.ts):
//   <path>          SQLite file, application_id = APPLICATION_ID, user_version = generation
//   <path>.journal  header (magic, version, generation) + one CRC-checked frame per write call
//   <path>.lock     the writer's pid, host and start time (O_EXCL)
// The journal is not `<path>-journal`, its name until issue 13: that name is SQLite's own, and
// the sqlite3 shell opening <path> deleted it with the writes since the snapshot (constants.ts).
// An open under the lock takes a `<path>-journal` over (one rename, so a crash leaves one name or
// the other) or removes it if the snapshot contains it; a read-only open reads it where it is.
// A write runs in a transaction in memory, its statements are appended to the journal and
// fdatasync'ed, then it commits: a call that returned survives kill -9. commit() (the room
// service's per-message write) appends first, applies a moment later and fdatasyncs in the
// background: it returns once the record is written, which is what survives kill -9. A snapshot (export, temp
// file, fsync, rename, fsync dir) is taken when the journal outgrows its threshold and at close
// (when cheap or due), then a fresh journal of the next generation replaces the old one. A
// journal whose generation is older than the snapshot's is contained in it and never replayed.
import fs from 'node:fs'
import { dirname } from 'node:path'
import type { Database, SqlJsStatic, Statement } from 'sql.js'
import { ConclaveError, CorruptFileError } from '../errors.js'
import { type SqlParams, type SqlStatement, encodeRecord } from './codec.js'
import {
  CLOSE_SNAPSHOT_CHEAP_BYTES, CLOSE_SNAPSHOT_JOURNAL_DIVISOR, MAX_RESERVE_BYTES, MAX_SNAPSHOT_THRESHOLD_BYTES,
  APPLY_BEHIND_MS, MIN_SNAPSHOT_THRESHOLD_BYTES, RESERVE_DIVISOR, SNAPSHOT_THRESHOLD_DIVISOR, STATEMENT_CACHE_SIZE
} from './constants.js'
import { DIR_MODE, FILE_MODE, fsyncDir, readIfExists } from './files.js'
import { JournalWriter, journalPathOf, legacyJournalPathOf } from './journal.js'
import {
  type Loaded, type Migration, RaceError, SQL_RECORD_MIGRATION, checkMigrations, checkSchemaVersion, createFresh,
  executeOn, load, prepareSingle, schemaVersionOf
} from './load.js'
import { StoreLock } from './lock.js'

export type { Migration, SqlParams, SqlStatement }


export interface StoreOptions {
  /** The snapshot file; the journal is `<path>.journal`, the lock `<path>.lock`. */
  path: string
  /** Ordered by version, starting at 1; the pending ones run as one batch at open. */
  migrations: Migration[]
  /** Journal size that triggers a snapshot. Default: snapshot size / 16, clamped to [8 MiB, 64 MiB]. */
  snapshotThresholdBytes?: number
  /** Read what is on disk (snapshot + journal) without taking the lock; writes throw. Never touches a file. */
  readOnly?: boolean
}

export interface StoreComponents {
  sqlJs: SqlJsStatic
  /** Told about failures that do not fail the call (an automatic snapshot that could not be written). */
  log?: (message: string) => void
}

/** Statements that change nothing when total_changes() does not move: such a write needs no journal record. */
const PLAIN_DML = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i


export class Store {
  readonly path: string
  readonly journalPath: string
  private readonly db: Database
  private readonly options: StoreOptions
  private readonly log: (message: string) => void
  private readonly statements = new Map<string, Statement>()
  private readonly lock: StoreLock | undefined
  private journal: JournalWriter | undefined
  private generation: number
  private snapshotBytes: number
  /** Records in the current journal = seq of the next one. */
  private seq: number
  private version = 0
  private closed = false
  /** Statements committed (journaled) but not yet applied in memory; see commit(). */
  private behind: SqlStatement[] = []
  private behindTimer: NodeJS.Timeout | undefined
  private broken: Error | undefined
  private readonly onExit = (): void => { this.lock?.release() }

  private constructor (components: StoreComponents, options: StoreOptions, loaded: Loaded, lock: StoreLock | undefined, journal: JournalWriter | undefined) {
    this.path = options.path
    this.journalPath = journalPathOf(options.path)
    this.options = options
    this.log = components.log ?? (() => {})
    this.db = loaded.db
    this.generation = loaded.generation
    this.snapshotBytes = loaded.snapshotBytes
    this.seq = loaded.replayed ?? 0
    this.lock = lock
    this.journal = journal
    if (lock !== undefined) process.on('exit', this.onExit)
  }

  /** Open (or create) the store at options.path; validates both files before changing either. */
  static async open (components: StoreComponents, options: StoreOptions): Promise<Store> {
    checkMigrations(options.migrations)
    if (options.readOnly === true) return Store.openReadOnly(components, options)
    const path = options.path
    const journalPath = journalPathOf(path)
    const legacyPath = legacyJournalPathOf(path)
    fs.mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE })
    const lock = StoreLock.acquire(path)
    let loaded: Loaded | undefined
    try {
      const snapshot = readIfExists(path)
      const journals = { current: readIfExists(journalPath), legacy: readIfExists(legacyPath) }
      if (snapshot === undefined && (journals.current !== undefined || journals.legacy !== undefined)) {
        const orphan = journals.current !== undefined ? journalPath : legacyPath
        throw new CorruptFileError(`the journal ${orphan} exists but its snapshot ${path} is missing`, {
          hint: `restore ${path} from a backup, or move ${orphan} elsewhere to start a new, empty store`
        })
      }
      loaded = snapshot === undefined ? createFresh(components.sqlJs, path) : load(components.sqlJs, path, snapshot, journals, false)
      checkSchemaVersion(path, loaded.db, options.migrations)
      // Everything is validated: from here on files may change.
      if (loaded.legacy !== undefined) {
        // One rename (replacing a stale journal at the new name) or one unlink: a crash before it
        // finds the same files at the next open, after it the migrated ones.
        if (loaded.legacy === 'take over') fs.renameSync(legacyPath, journalPath)
        else fs.rmSync(legacyPath)
        fsyncDir(dirname(path))
      }
      const writer = loaded.scan === undefined
        ? JournalWriter.create(journalPath, loaded.generation)
        : JournalWriter.resume(journalPath, loaded.scan)
      loaded.scan = undefined
      for (const leftover of [`${path}.tmp`, `${journalPath}.tmp`, `${legacyPath}.tmp`]) fs.rmSync(leftover, { force: true })
      const store = new Store(components, options, loaded, lock, writer)
      loaded = undefined // the store owns the database now
      return store.start()
    } catch (err) {
      loaded?.db.close()
      lock.release()
      throw err
    }
  }

  /** Apply pending migrations (and snapshot if the replayed journal is due); on failure release everything. */
  private start (): Store {
    try {
      this.migrate(this.options.migrations)
      this.maybeSnapshot()
      return this
    } catch (err) {
      this.release()
      throw err
    }
  }

  private static openReadOnly (components: StoreComponents, options: StoreOptions): Store {
    const path = options.path
    // A writer may swap snapshot and journal between our two reads; read again if so.
    for (let attempt = 0; ; attempt++) {
      const snapshot = readIfExists(path)
      if (snapshot === undefined) {
        return new Store(components, options, createFresh(components.sqlJs, undefined), undefined, undefined).start()
      }
      // The legacy name first: a writer taking it over renames it to the current name, so a reader
      // finds it at one name or the other, or at both (load() then has it read again).
      const journals = { legacy: readIfExists(legacyJournalPathOf(path)), current: readIfExists(journalPathOf(path)) }
      try {
        const loaded = load(components.sqlJs, path, snapshot, journals, true)
        try {
          checkSchemaVersion(path, loaded.db, options.migrations)
        } catch (err) {
          loaded.db.close()
          throw err
        }
        return new Store(components, options, loaded, undefined, undefined).start()
      } catch (err) {
        if (!(err instanceof RaceError) || attempt >= 3) throw err instanceof RaceError ? err.corrupt : err
      }
    }
  }

  /** The highest migration applied. */
  get schemaVersion (): number {
    return this.version
  }

  /** One durable write; returns the number of rows it changed. */
  run (sql: string, params?: SqlParams): number {
    return this.write([[sql, params]])
  }

  /**
   * Several statements as one atomic write that does not wait for the disk or for SQLite: their
   * journal record is written (one write()) before this returns, so a kill -9 loses nothing from
   * then on; they are applied to the in-memory database APPLY_BEHIND_MS later, in one
   * transaction with the commits of that time, or before the next read or write, whichever
   * comes first (reads always see them). `durable` resolves once the record is on disk too
   * (fdatasync on libuv's pool, shared with the other writes of the next WITHINMS), which only a
   * power cut needs. Throws when the record cannot be written (nothing applied, nothing kept).
   */
  commit (statements: SqlStatement[], withinMs = 0): { durable: Promise<void> } {
    this.assertWritable()
    if (statements.length === 0) return { durable: Promise.resolve() }
    this.ensureJournal()
    this.journal!.append(encodeRecord({ seq: this.seq, statements }), false) // validates every parameter first
    this.seq++
    this.behind.push(...statements)
    // The timer is armed once the caller's synchronous work is done: a room shows the message
    // it just wrote first (arming a timer costs as much as a third of the write, cold).
    if (this.behind.length === statements.length) queueMicrotask(this.armBehind)
    return { durable: this.journal!.sync(withinMs) }
  }

  private readonly armBehind = (): void => {
    if (this.behind.length === 0 || this.behindTimer !== undefined || this.closed) return
    this.behindTimer = setTimeout(() => {
      this.behindTimer = undefined
      try {
        this.catchUp()
      } catch (err) {
        this.log((err as Error).message)
      }
    }, APPLY_BEHIND_MS)
    this.behindTimer.unref()
  }

  /**
   * Applies what commit() wrote to the journal but not yet to the database. Should that ever
   * fail (out of memory), the store stops taking writes: the records are in the journal, and
   * the next open replays them.
   */
  private catchUp (): void {
    if (this.behind.length === 0) return
    clearTimeout(this.behindTimer)
    this.behindTimer = undefined
    const statements = this.behind
    this.behind = []
    this.prepare('BEGIN').run()
    try {
      for (const [sql, params] of statements) this.execute(sql, params)
    } catch (err) {
      this.rollback()
      this.broken = new ConclaveError(`the store at ${this.path} could not apply journaled writes: ${(err as Error).message}`, {
        hint: 'restart conclave: the journal holds them and is replayed when the store opens'
      })
      throw this.broken
    }
    this.prepare('COMMIT').run()
    this.maybeSnapshot()
  }

  /** Several statements as one atomic, durable write (one journal record, one fsync). */
  batch (statements: SqlStatement[]): number {
    return this.write(statements)
  }

  all<T = Record<string, unknown>> (sql: string, params?: SqlParams): T[] {
    this.catchUp()
    const stmt = this.prepare(sql)
    try {
      if (params !== undefined && params !== null) stmt.bind(params)
      const rows: T[] = []
      while (stmt.step()) rows.push(stmt.getAsObject() as T)
      return rows
    } finally {
      stmt.reset()
    }
  }

  get<T = Record<string, unknown>> (sql: string, params?: SqlParams): T | undefined {
    this.catchUp()
    const stmt = this.prepare(sql)
    try {
      if (params !== undefined && params !== null) stmt.bind(params)
      return stmt.step() ? stmt.getAsObject() as T : undefined
    } finally {
      stmt.reset()
    }
  }

  /** Write a snapshot now and start a fresh journal. */
  snapshot (): void {
    this.assertWritable()
    this.catchUp()
    const next = this.generation + 1
    this.topUpReserve()
    // The generation lives in the snapshot only (user_version is not journaled): set it, export, restore on failure.
    this.db.run(`PRAGMA user_version = ${next}`)
    let renamed = false
    try {
      const bytes = this.db.export()
      const tmp = `${this.path}.tmp`
      const fd = fs.openSync(tmp, 'w', FILE_MODE)
      try {
        for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off)
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
      fs.renameSync(tmp, this.path)
      renamed = true
      this.generation = next
      this.snapshotBytes = bytes.length
    } catch (err) {
      if (!renamed) {
        this.db.run(`PRAGMA user_version = ${this.generation}`)
        fs.rmSync(`${this.path}.tmp`, { force: true })
      }
      throw err
    }
    // The old journal is now stale (its generation is older): should the next steps fail or the
    // process die, it is discarded at open. Until a fresh one exists, writes retry creating it.
    this.journal?.close()
    this.journal = undefined
    this.seq = 0
    fsyncDir(dirname(this.path))
    this.ensureJournal()
  }

  /**
   * Release the lock, after folding the journal into a snapshot if it holds anything and that is
   * cheap (small store) or due (journal past threshold / 8). Idempotent.
   */
  close (): void {
    if (this.closed) return
    try {
      const due = this.snapshotBytes <= CLOSE_SNAPSHOT_CHEAP_BYTES ||
        (this.journal?.size ?? 0) >= this.threshold() / CLOSE_SNAPSHOT_JOURNAL_DIVISOR
      if (this.lock !== undefined && this.seq > 0 && due) this.snapshot()
    } finally {
      this.release()
    }
  }

  /** Close files and database, drop the lock: close() without the snapshot. */
  private release (): void {
    this.closed = true
    clearTimeout(this.behindTimer) // what is behind is in the journal
    this.journal?.close()
    for (const stmt of this.statements.values()) stmt.free()
    this.statements.clear()
    this.db.close()
    this.lock?.release()
    process.off('exit', this.onExit)
  }

  private assertOpen (): void {
    if (this.closed) throw new Error(`the store at ${this.path} is closed`)
  }

  private assertWritable (): void {
    this.assertOpen()
    if (this.lock === undefined) throw new Error(`the store at ${this.path} was opened read-only`)
    if (this.broken !== undefined) throw this.broken
  }

  private ensureJournal (): void {
    if (this.journal === undefined) {
      this.journal = JournalWriter.create(this.journalPath, this.generation)
      this.seq = 0
    }
  }

  private write (statements: SqlStatement[]): number {
    this.assertWritable()
    if (statements.length === 0) return 0
    this.catchUp() // keep the order of writes
    this.ensureJournal()
    const payload = encodeRecord({ seq: this.seq, statements }) // validates every parameter first
    this.prepare('BEGIN').run()
    let changes = 0
    try {
      // Rows changed, counted per statement (sqlite3_changes; the schema has no triggers).
      for (const [sql, params] of statements) {
        this.execute(sql, params)
        if (PLAIN_DML.test(sql)) changes += this.db.getRowsModified()
      }
      if (changes === 0 && statements.every(([sql]) => PLAIN_DML.test(sql))) {
        // Nothing changed (a duplicate INSERT OR IGNORE): nothing to make durable, no fsync.
        this.rollback()
        return 0
      }
      this.journal!.append(payload)
    } catch (err) {
      this.rollback()
      throw err
    }
    this.prepare('COMMIT').run()
    this.seq++
    this.maybeSnapshot()
    return changes
  }

  /**
   * Make sure the database holds its reserve of free pages (constants.ts, RESERVE_DIVISOR): grow
   * and free a scratch table. Only free pages change, not one row, so no journal record is needed.
   */
  private topUpReserve (): void {
    const pragma = (name: string): number => this.db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] as number
    const pageSize = pragma('page_size')
    const wanted = Math.min(MAX_RESERVE_BYTES, Math.floor(pragma('page_count') * pageSize / RESERVE_DIVISOR))
    const missing = wanted - pragma('freelist_count') * pageSize
    if (missing < 16 * pageSize) return
    try {
      this.db.exec(`BEGIN; CREATE TABLE conclave_reserve (b BLOB); INSERT INTO conclave_reserve VALUES (zeroblob(${missing})); ` +
        'DROP TABLE conclave_reserve; COMMIT')
    } catch {
      this.rollback() // only an optimisation
    }
  }

  private rollback (): void {
    try {
      this.db.run('ROLLBACK')
    } catch {
      // No transaction left to roll back (SQLite already ended it on the error).
    }
  }

  private maybeSnapshot (): void {
    if (this.journal === undefined || this.journal.size < this.threshold()) return
    try {
      this.snapshot()
    } catch (err) {
      // The write that got us here is durable in the journal; the snapshot is retried at the next write.
      this.log(`could not write a snapshot of ${this.path}: ${(err as Error).message}`)
    }
  }

  private threshold (): number {
    return this.options.snapshotThresholdBytes ?? defaultSnapshotThreshold(this.snapshotBytes)
  }

  private execute (sql: string, params: SqlParams | undefined): void {
    executeOn(this.db, sql, params, this.prepare.bind(this))
  }

  private prepare (sql: string): Statement {
    this.assertOpen()
    const cached = this.statements.get(sql)
    if (cached !== undefined) {
      // Keep the map in least-recently-used order.
      this.statements.delete(sql)
      this.statements.set(sql, cached)
      return cached
    }
    const stmt = prepareSingle(this.db, sql)
    this.statements.set(sql, stmt)
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const [oldestSql, oldest] = this.statements.entries().next().value as [string, Statement]
      this.statements.delete(oldestSql)
      oldest.free()
    }
    return stmt
  }

  private migrate (migrations: Migration[]): void {
    this.version = schemaVersionOf(this.db)
    const pending = migrations.filter(m => m.version > this.version)
    if (pending.length === 0) return
    const now = Date.now()
    const statements: SqlStatement[] = []
    for (const m of pending) statements.push([m.sql], [SQL_RECORD_MIGRATION, [m.version, m.name, now]])
    if (this.lock === undefined) {
      // Read-only: bring the in-memory copy up to date so that queries of this version work.
      for (const [sql, params] of statements) this.execute(sql, params)
    } else {
      this.write(statements)
    }
    this.version = pending[pending.length - 1]!.version
  }
}


/** The journal size at which a store whose snapshot has SNAPSHOTBYTES takes a new snapshot. */
export function defaultSnapshotThreshold (snapshotBytes: number): number {
  return Math.min(MAX_SNAPSHOT_THRESHOLD_BYTES, Math.max(MIN_SNAPSHOT_THRESHOLD_BYTES, Math.floor(snapshotBytes / SNAPSHOT_THRESHOLD_DIVISOR)))
}
