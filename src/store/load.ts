// Opening a store's files: validate snapshot and journal, load the snapshot into sql.js, replay the journal.
import { dirname } from 'node:path'
import type { Database, SqlJsStatic, Statement } from 'sql.js'
import { CorruptFileError } from '../errors.js'
import { type SqlParams, decodeRecord } from './codec.js'
import { APPLICATION_ID, PAGE_CACHE_KIB, SQLITE_JOURNAL_MAGIC } from './constants.js'
import { writeFileAtomic } from './files.js'
import { type JournalScan, journalPathOf, legacyJournalPathOf, readJournalHeader, scanJournalFrames } from './journal.js'
import { inspectSnapshot } from './snapshot.js'

export interface Migration { version: number, name: string, sql: string }

export const SQL_RECORD_MIGRATION = 'INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)'
const SQL_CREATE_SCHEMA_VERSION =
  'CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)'
const SQL_HAS_SCHEMA_VERSION = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
const SQL_SCHEMA_VERSION = 'SELECT coalesce(max(version), 0) AS v FROM schema_version'
/** Connection settings; sql.js keeps the database in memory, so SQLite's own durability is moot. */
const SQL_CONNECTION_PRAGMAS = `PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -${PAGE_CACHE_KIB}`

export interface Loaded {
  db: Database
  generation: number
  snapshotBytes: number
  /** Records replayed from the journal, or undefined when the journal is missing or stale. */
  replayed?: number
  /** The scan of a journal to resume; undefined when a fresh journal must be created. */
  scan?: JournalScan
  /**
   * A journal at the legacy name (`<path>-journal`) to take over (it is the live one: rename it to
   * `<path>.journal`) or to remove (it is older than the snapshot, so contained in it).
   */
  legacy?: 'take over' | 'remove'
}

/** The journal files read at open: at the current name and at the legacy one (undefined: no such file). */
export interface JournalFiles { current?: Buffer, legacy?: Buffer }

/** A read-only open found snapshot and journal of different generations: a writer moved on meanwhile. */
export class RaceError extends Error {
  constructor (readonly corrupt: CorruptFileError) {
    super(corrupt.message)
  }
}

export function checkMigrations (migrations: Migration[]): void {
  let last = 0
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new TypeError(`migrations must have increasing positive integer versions; got ${m.version} after ${last}`)
    }
    last = m.version
  }
}

export function schemaVersionOf (db: Database): number {
  const v = db.exec(SQL_SCHEMA_VERSION)[0]?.values[0]?.[0]
  return typeof v === 'number' ? v : 0
}

export function checkSchemaVersion (path: string, db: Database, migrations: Migration[]): void {
  const version = schemaVersionOf(db)
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version
  if (version > known) {
    throw new CorruptFileError(`the store at ${path} has schema version ${version}, newer than this conclave knows (${known})`, {
      hint: 'it was written by a newer conclave: upgrade conclave to open it'
    })
  }
}

/** Prepare exactly one statement: parameters cannot be bound to the later ones of a multi-statement string. */
export function prepareSingle (db: Database, sql: string): Statement {
  // Count the statements first (the iterator frees each one as it moves on), then prepare the one.
  let count = 0
  for (const stmt of db.iterateStatements(sql)) {
    count++
    if (count > 1) {
      stmt.free()
      throw new TypeError(`parameters and queries take a single SQL statement; got several in ${JSON.stringify(sql)}`)
    }
  }
  if (count === 0) throw new TypeError(`no SQL statement in ${JSON.stringify(sql)}`)
  return db.prepare(sql)
}

/** Run one statement of a write: without parameters through sqlite3_exec (several statements allowed). */
export function executeOn (db: Database, sql: string, params: SqlParams | undefined, prepare: (sql: string) => Statement): void {
  if (params === undefined || params === null) {
    db.run(sql)
    return
  }
  const stmt = prepare(sql)
  try {
    stmt.run(params)
  } catch (err) {
    stmt.reset()
    throw err
  }
}

function openDatabase (sqlJs: SqlJsStatic, bytes?: Uint8Array): Database {
  const db = new sqlJs.Database(bytes)
  db.exec(SQL_CONNECTION_PRAGMAS)
  return db
}

/** A new store: an empty database with our application_id, generation 1 and the schema_version table. */
export function createFresh (sqlJs: SqlJsStatic, path: string | undefined): Loaded {
  const db = openDatabase(sqlJs)
  db.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = 1; ${SQL_CREATE_SCHEMA_VERSION}`)
  if (path === undefined) return { db, generation: 1, snapshotBytes: 0 }
  const bytes = db.export()
  writeFileAtomic(path, [bytes])
  return { db, generation: 1, snapshotBytes: bytes.length }
}

/**
 * Validate snapshot and journal, load the snapshot and replay the journal in memory. Touches no file.
 *
 * A journal of the snapshot's generation is live (replayed); an older one is contained in the
 * snapshot (a crash came between its rename and the journal reset) and is not; a newer one is
 * refused. Of the two names (journal.ts), the live one wins: a stale one beside it loses nothing
 * when it goes. Both live can only mean that a conclave of before the rename wrote the legacy
 * one after this one took it over (a downgrade): each may hold writes the other lacks, and
 * neither may be dropped, so the open is refused and the hint says how to choose.
 */
export function load (sqlJs: SqlJsStatic, path: string, snapshot: Buffer, journals: JournalFiles, readOnly: boolean): Loaded {
  const generation = inspectSnapshot(path, snapshot)
  const found: Array<{ path: string, bytes: Buffer, legacy: boolean }> = []
  if (journals.legacy !== undefined) found.push({ path: legacyJournalPathOf(path), bytes: journals.legacy, legacy: true })
  if (journals.current !== undefined) found.push({ path: journalPathOf(path), bytes: journals.current, legacy: false })
  const journalNames = found.length === 0 ? journalPathOf(path) : found.map(j => j.path).join(' and ')
  const live: typeof found = []
  for (const journal of found) {
    if (journal.legacy && journal.bytes.subarray(0, SQLITE_JOURNAL_MAGIC.length).equals(SQLITE_JOURNAL_MAGIC)) {
      throw new CorruptFileError(`${journal.path} is a SQLite rollback journal, not a Conclave journal: another program was writing to ${path} with SQLite and stopped`, {
        hint: `let SQLite roll it back (\`sqlite3 ${path} 'pragma integrity_check'\` does), then start conclave again`
      })
    }
    const journalGeneration = readJournalHeader(journal.path, journal.bytes)
    if (journalGeneration > generation) {
      const err = new CorruptFileError(`the journal ${journal.path} (generation ${journalGeneration}) is newer than its snapshot ${path} (generation ${generation})`, {
        hint: `the snapshot was replaced by an older copy: restore the matching ${path} from a backup, or move ${journal.path} elsewhere to open the store without the journal's writes`
      })
      throw readOnly ? new RaceError(err) : err
    }
    if (journalGeneration === generation) live.push(journal)
  }
  if (live.length > 1) {
    // Read-only, this is also what a reader sees that read the legacy name just before a writer
    // took it over and the current name just after: it reads again.
    const err = new CorruptFileError(`the store ${path} has two journals of its generation ${generation}, ${live[0]!.path} and ${live[1]!.path}: each may hold writes the other lacks`, {
      hint: `an older conclave wrote ${live[0]!.path} after this one had renamed it to ${live[1]!.path}, and conclave cannot merge them: ` +
        'move one elsewhere to open the store with the other (the one modified last holds the latest writes), or restore the store from a backup'
    })
    throw readOnly ? new RaceError(err) : err
  }
  const journal = live[0]
  const scan = journal === undefined ? undefined : scanJournalFrames(journal.path, journal.bytes)
  const db = openDatabase(sqlJs, snapshot)
  try {
    let hasSchemaTable: unknown
    try {
      hasSchemaTable = db.exec(SQL_HAS_SCHEMA_VERSION)[0]?.values[0]?.[0]
    } catch (err) {
      throw new CorruptFileError(`the store ${path} is damaged: ${(err as Error).message}`, {
        hint: `restore ${path} from a backup, or move ${path} and ${journalNames} elsewhere to start a new, empty store`
      })
    }
    if (hasSchemaTable !== 1) {
      throw new CorruptFileError(`the store ${path} has no schema_version table`, {
        hint: `restore ${path} from a backup, or move ${path} and ${journalNames} elsewhere to start a new, empty store`
      })
    }
    if (journal !== undefined && scan !== undefined) replay(db, journal.path, scan.payloads)
  } catch (err) {
    db.close()
    throw err
  }
  const loaded: Loaded = { db, generation, snapshotBytes: snapshot.length }
  if (scan !== undefined) {
    loaded.scan = scan
    loaded.replayed = scan.payloads.length
  }
  if (journals.legacy !== undefined) loaded.legacy = journal?.legacy === true ? 'take over' : 'remove'
  return loaded
}

/** Apply the journal's records in one transaction, with throwaway prepared statements cached per SQL text. */
function replay (db: Database, journalPath: string, payloads: Buffer[]): void {
  const cache = new Map<string, Statement>()
  const prepare = (sql: string): Statement => {
    let stmt = cache.get(sql)
    if (stmt === undefined) {
      stmt = prepareSingle(db, sql)
      cache.set(sql, stmt)
    }
    return stmt
  }
  db.run('BEGIN')
  try {
    for (const [i, payload] of payloads.entries()) {
      let record
      try {
        record = decodeRecord(payload)
        if (record.seq !== i) throw new RangeError(`sequence number ${record.seq}, expected ${i}`)
      } catch (err) {
        throw new CorruptFileError(`the journal ${journalPath} has an unreadable record ${i + 1}: ${(err as Error).message}`, {
          hint: 'it was written by a different conclave version, or damaged: restore the store from a backup'
        })
      }
      for (const [sql, params] of record.statements) {
        try {
          executeOn(db, sql, params, prepare)
        } catch (err) {
          throw new CorruptFileError(`the journal ${journalPath} has a record ${i + 1} that does not apply to its snapshot: ${(err as Error).message}`, {
            hint: 'the snapshot and the journal do not belong together: restore both from a backup'
          })
        }
      }
    }
    db.run('COMMIT')
  } catch (err) {
    try {
      db.run('ROLLBACK')
    } catch {}
    throw err
  } finally {
    for (const stmt of cache.values()) stmt.free()
  }
}
