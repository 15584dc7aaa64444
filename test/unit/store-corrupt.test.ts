// Store.open on damaged, truncated and foreign files: torn tails recovered, everything else refused untouched.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Store, type Migration } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/schema.js'
import { loadSqlJs, type SqlJsStatic } from '../../src/store/sqljs.js'
import { abandon, fingerprint, flipBit, removeDir, tempDir } from '../fixtures/store-helpers.js'

let sqlJs: SqlJsStatic
let dir: string
let n = 0
before(async () => {
  sqlJs = await loadSqlJs()
  dir = tempDir()
})
after(() => removeDir(dir))

const KV: Migration[] = [{ version: 1, name: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v)' }]
const keys = (store: Store): string[] => store.all<{ k: string }>('SELECT k FROM kv ORDER BY k').map(r => r.k)

/**
 * A store whose journal holds the migration record and then one record per key, left as after a
 * crash (no close). Returns the path and the journal size after each record.
 */
async function crashedStore (records: string[]): Promise<{ path: string, journal: string, ends: number[] }> {
  const path = join(dir, `case-${++n}`, 'store.db')
  const store = await Store.open({ sqlJs }, { path, migrations: KV })
  const journal = `${path}.journal`
  const ends = [fs.statSync(journal).size]
  for (const k of records) {
    store.run('INSERT INTO kv (k, v) VALUES (?, ?)', [k, 'x'.repeat(50)])
    ends.push(fs.statSync(journal).size)
  }
  abandon(store)
  return { path, journal, ends }
}

/** Open must fail with exactly ERR and leave every file in the directory as it was, with no lock. */
async function assertRefused (path: string, err: { name: string, message: string }, migrations = KV): Promise<void> {
  const before = fingerprint(join(path, '..'))
  await assert.rejects(Store.open({ sqlJs }, { path, migrations }), err)
  assert.deepEqual(fingerprint(join(path, '..')), before, 'no file may change')
  assert.equal(fs.existsSync(`${path}.lock`), false, 'no lock may be left behind')
}

describe('Store.open on damaged files', () => {
  it('drops a torn last frame, keeps the records before it, and cuts the journal back', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b', 'c'])
    fs.truncateSync(journal, ends[3]! - 5)
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(store), ['a', 'b'])
    assert.equal(fs.statSync(journal).size, ends[2], 'the torn bytes are truncated away')
    store.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['d', 1])
    abandon(store)
    const again = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(again), ['a', 'b', 'd'])
    again.close()
  })

  it('drops a frame torn inside its header', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b'])
    fs.truncateSync(journal, ends[1]! + 6)
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(store), ['a'])
    store.close()
  })

  it('drops a zero-filled tail (file size extended, data never written)', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b'])
    fs.appendFileSync(journal, Buffer.alloc(4096))
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(store), ['a', 'b'])
    assert.equal(fs.statSync(journal).size, ends[2])
    store.close()
  })

  it('drops a damaged last frame: it cannot be told from a torn one', async () => {
    const { path } = await crashedStore(['a', 'b'])
    flipBit(`${path}.journal`, -3)
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(store), ['a'])
    store.close()
  })

  it('refuses a bit flip in a middle frame, naming the record', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b', 'c'])
    flipBit(journal, ends[1]! + 20) // inside the payload of record 3 (the migration is record 1)
    await assertRefused(path, {
      name: 'CorruptFileError',
      message: `the journal ${journal} has a damaged record at byte ${ends[1]!} (record 3) followed by intact records`
    })
  })

  it('refuses a bit flip in the length field of a middle frame', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b', 'c'])
    flipBit(journal, ends[1]! + 6)
    await assertRefused(path, {
      name: 'CorruptFileError',
      message: `the journal ${journal} has a damaged record at byte ${ends[1]!} (record 3) followed by intact records`
    })
  })

  it('recreates a missing journal (a crash while the store was first created)', async () => {
    const { path, journal } = await crashedStore(['a'])
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    store.close() // folds 'a' into the snapshot
    fs.unlinkSync(journal)
    const again = await Store.open({ sqlJs }, { path, migrations: KV })
    assert.deepEqual(keys(again), ['a'])
    assert.equal(fs.statSync(journal).size, 24)
    again.close()
  })

  it('refuses a file that is not SQLite', async () => {
    const path = join(dir, `case-${++n}`, 'store.db')
    fs.mkdirSync(join(path, '..'))
    fs.writeFileSync(path, 'hello, I am a text file\n'.repeat(10))
    await assertRefused(path, { name: 'CorruptFileError', message: `the store ${path} is not a Conclave store (not an SQLite database)` })
  })

  it('refuses an SQLite database of another program', async () => {
    const path = join(dir, `case-${++n}`, 'store.db')
    fs.mkdirSync(join(path, '..'))
    const foreign = new sqlJs.Database()
    foreign.run('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    fs.writeFileSync(path, foreign.export())
    foreign.close()
    await assertRefused(path, {
      name: 'CorruptFileError',
      message: `the store ${path} is an SQLite database but not a Conclave store (application_id 0x00000000)`
    })
  })

  it('refuses a zero-length store file', async () => {
    const path = join(dir, `case-${++n}`, 'store.db')
    fs.mkdirSync(join(path, '..'))
    fs.writeFileSync(path, '')
    await assertRefused(path, { name: 'CorruptFileError', message: `the store ${path} is empty (zero bytes)` })
  })

  it('refuses a truncated snapshot', async () => {
    const { path } = await crashedStore(['a'])
    fs.truncateSync(path, 4096 + 100)
    await assertRefused(path, { name: 'CorruptFileError', message: `the store ${path} is truncated or damaged (4196 bytes, the header says 8192)` })
  })

  it('refuses a garbage journal', async () => {
    const { path, journal } = await crashedStore(['a'])
    fs.writeFileSync(journal, 'garbage '.repeat(100))
    await assertRefused(path, { name: 'CorruptFileError', message: `the journal ${journal} is not a Conclave journal (bad magic)` })
  })

  it('refuses a zero-length journal and a damaged journal header', async () => {
    const { path, journal } = await crashedStore(['a'])
    const original = fs.readFileSync(journal)
    fs.writeFileSync(journal, '')
    await assertRefused(path, { name: 'CorruptFileError', message: `the journal ${journal} is empty (zero bytes)` })
    fs.writeFileSync(journal, original)
    flipBit(journal, 13)
    await assertRefused(path, { name: 'CorruptFileError', message: `the journal ${journal} has a damaged header (checksum mismatch)` })
  })

  it('refuses a journal without its snapshot', async () => {
    const { path, journal } = await crashedStore(['a'])
    fs.unlinkSync(path)
    await assertRefused(path, { name: 'CorruptFileError', message: `the journal ${journal} exists but its snapshot ${path} is missing` })
  })

  it('refuses a journal newer than its snapshot (an old snapshot restored)', async () => {
    const path = join(dir, `case-${++n}`, 'store.db')
    const store = await Store.open({ sqlJs }, { path, migrations: KV })
    const oldSnapshot = fs.readFileSync(path) // generation 1
    store.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['a', 1])
    store.snapshot()
    store.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['b', 1])
    abandon(store)
    fs.writeFileSync(path, oldSnapshot)
    await assertRefused(path, {
      name: 'CorruptFileError',
      message: `the journal ${path}.journal (generation 2) is newer than its snapshot ${path} (generation 1)`
    })
  })

  it('refuses a store of a newer schema version and says to upgrade', async () => {
    const path = join(dir, `case-${++n}`, 'store.db')
    ;(await Store.open({ sqlJs }, { path, migrations: [...KV, { version: 2, name: 'next', sql: 'CREATE TABLE t2 (x)' }] })).close()
    const before = fingerprint(join(path, '..'))
    await assert.rejects(Store.open({ sqlJs }, { path, migrations: KV }), (err: Error & { hint?: string, exitCode?: number }) => {
      assert.equal(err.name, 'CorruptFileError')
      assert.equal(err.message, `the store at ${path} has schema version 2, newer than this conclave knows (1)`)
      assert.equal(err.hint, 'it was written by a newer conclave: upgrade conclave to open it')
      assert.equal(err.exitCode, 2)
      return true
    })
    assert.deepEqual(fingerprint(join(path, '..')), before)
    assert.equal(fs.existsSync(`${path}.lock`), false)
  })

  it('gives every refusal a hint naming the file', async () => {
    const { path, journal, ends } = await crashedStore(['a', 'b', 'c'])
    flipBit(journal, ends[1]! + 20)
    await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS }), (err: Error & { hint?: string }) => {
      assert.match(err.hint ?? '', new RegExp(`move ${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} elsewhere`))
      return true
    })
  })
})
