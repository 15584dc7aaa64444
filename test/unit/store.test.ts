// Store and History: migrations, durability across reopen, journal replay, generations, snapshots, read-only.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Store, type Migration } from '../../src/store/db.js'
import { History } from '../../src/store/history.js'
import { MIGRATIONS } from '../../src/store/schema.js'
import { loadSqlJs, type SqlJsStatic } from '../../src/store/sqljs.js'
import { abandon, fingerprint, message, removeDir, tempDir } from '../fixtures/store-helpers.js'

let sqlJs: SqlJsStatic
let dir: string
let n = 0
before(async () => {
  sqlJs = await loadSqlJs()
  dir = tempDir()
})
after(() => removeDir(dir))

/** A fresh store path in a directory of its own (the directory itself does not exist yet). */
function freshPath (): string {
  return join(dir, `case-${++n}`, 'store.db')
}

const COUNTER: Migration[] = [
  { version: 1, name: 'counter', sql: 'CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)' }
]
/** The version the current schema migrates to (MIGRATIONS grows as features land). */
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version
const counter = (store: Store): number => store.get<{ n: number }>('SELECT n FROM counter')!.n
const size = (path: string): number => fs.statSync(path).size

describe('Store', () => {
  it('creates, migrates, and keeps data across close and reopen', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.equal(store.schemaVersion, LATEST)
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['k', 'v'])
    store.close()
    store.close() // idempotent
    const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.equal(again.schemaVersion, LATEST)
    assert.deepEqual(again.all('SELECT key, value FROM meta'), [{ key: 'k', value: 'v' }])
    assert.deepEqual(again.all('SELECT version, name FROM schema_version ORDER BY version'), MIGRATIONS.map(m => ({ version: m.version, name: m.name })))
    again.close()
  })

  it('applies only the pending migrations, in one batch, on a later open', async () => {
    const path = freshPath()
    ;(await Store.open({ sqlJs }, { path, migrations: COUNTER })).close()
    const v2: Migration[] = [...COUNTER, { version: 2, name: 'more', sql: 'ALTER TABLE counter ADD COLUMN m INTEGER' }]
    const store = await Store.open({ sqlJs }, { path, migrations: v2 })
    assert.equal(store.schemaVersion, 2)
    assert.deepEqual(store.all('SELECT version FROM schema_version ORDER BY version'), [{ version: 1 }, { version: 2 }])
    store.close()
  })

  it('refuses migrations that are not in increasing version order', async () => {
    await assert.rejects(Store.open({ sqlJs }, {
      path: freshPath(),
      migrations: [{ version: 2, name: 'b', sql: '' }, { version: 1, name: 'a', sql: '' }]
    }), { name: 'TypeError', message: 'migrations must have increasing positive integer versions; got 1 after 2' })
  })

  it('replays the journal after an unclean stop', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    for (let i = 0; i < 5; i++) store.run('UPDATE counter SET n = n + 1')
    store.batch([['UPDATE counter SET n = n + 10'], ['UPDATE counter SET n = n * ?', [2]]])
    abandon(store) // no close, no snapshot: everything is in the journal only
    const again = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(again), 30)
    again.run('UPDATE counter SET n = n + 1') // appends after the replayed records
    abandon(again)
    const third = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(third), 31)
    third.close()
  })

  it('runs a batch atomically: a failing statement leaves memory and journal unchanged', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['a', 1])
    const before = size(`${path}.journal`)
    assert.throws(() => store.batch([
      ['INSERT INTO meta (key, value) VALUES (?, ?)', ['b', 2]],
      ['INSERT INTO meta (key, value) VALUES (?, ?)', ['a', 3]] // duplicate primary key
    ]), /UNIQUE constraint failed: meta.key/)
    assert.deepEqual(store.all('SELECT key, value FROM meta ORDER BY key'), [{ key: 'a', value: 1 }])
    assert.equal(size(`${path}.journal`), before)
    abandon(store)
    const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.deepEqual(again.all('SELECT key, value FROM meta ORDER BY key'), [{ key: 'a', value: 1 }])
    again.close()
  })

  it('round-trips every parameter type and named parameters through the journal', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const blob = randomBytes(100)
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['blob', blob])
    store.run('INSERT INTO meta (key, value) VALUES ($k, $v)', { $k: 'float', $v: 1.5 })
    store.run('INSERT INTO meta (key, value) VALUES (:k, :v)', { ':k': 'big', ':v': 1_700_000_000_123 })
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['null', null])
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['text', 'héllo ✓'])
    store.run("INSERT INTO meta (key, value) VALUES ('exec1', 1); INSERT INTO meta (key, value) VALUES ('exec2', 2)")
    const types = store.all('SELECT key, typeof(value) AS t FROM meta ORDER BY key')
    abandon(store)
    const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const rows = Object.fromEntries(again.all<{ key: string, value: unknown }>('SELECT key, value FROM meta').map(r => [r.key, r.value]))
    assert.deepEqual(rows, { blob: new Uint8Array(blob), float: 1.5, big: 1_700_000_000_123, null: null, text: 'héllo ✓', exec1: 1, exec2: 2 })
    assert.deepEqual(again.all('SELECT key, typeof(value) AS t FROM meta ORDER BY key'), types, 'replay binds exactly as the first run did')
    again.close()
  })

  it('rejects parameters bound to several statements, and values sql.js cannot bind', async () => {
    const store = await Store.open({ sqlJs }, { path: freshPath(), migrations: MIGRATIONS })
    assert.throws(() => store.run('DELETE FROM meta WHERE key = ?; DELETE FROM meta', ['x']),
      { name: 'TypeError', message: 'parameters and queries take a single SQL statement; got several in "DELETE FROM meta WHERE key = ?; DELETE FROM meta"' })
    assert.throws(() => store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['x', {} as unknown as null]),
      { name: 'TypeError', message: 'statement 0 parameter 2 expected number, string, Uint8Array or null, got object' })
    store.close()
  })

  it('discards a journal older than its snapshot (crash between snapshot rename and journal reset)', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    for (let i = 0; i < 3; i++) store.run('UPDATE counter SET n = n + 1')
    const oldJournal = fs.readFileSync(`${path}.journal`) // generation 1, holding the 3 increments
    store.snapshot() // snapshot generation 2 contains n = 3; the journal is reset to generation 2
    abandon(store)
    fs.writeFileSync(`${path}.journal`, oldJournal) // as if the process died right after the rename
    const again = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(again), 3, 'the stale journal must not be replayed on top of the snapshot')
    assert.equal(size(`${path}.journal`), 24, 'the stale journal is replaced by an empty one')
    assert.equal(fs.readFileSync(`${path}.journal`).readUInt32LE(12), 2)
    again.run('UPDATE counter SET n = n + 1')
    abandon(again)
    const third = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(third), 4)
    third.close()
  })

  it('snapshots automatically past the threshold and at close', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: COUNTER, snapshotThresholdBytes: 200 })
    const generation = (): number => fs.readFileSync(path).readInt32BE(60)
    const g0 = generation()
    for (let i = 0; i < 20; i++) store.run('UPDATE counter SET n = n + ?', [1])
    assert.ok(generation() >= g0 + 3, `generation ${generation()} after 20 writes of a 200-byte threshold`)
    assert.ok(size(`${path}.journal`) < 200 + 100)
    store.close()
    assert.equal(size(`${path}.journal`), 24, 'close folds the journal into the snapshot')
    assert.equal(fs.readFileSync(`${path}.journal`).readUInt32LE(12), generation())
    assert.deepEqual(fs.readdirSync(join(path, '..')).sort(), ['store.db', 'store.db.journal'])
    const again = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(again), 20)
    again.close()
  })

  it('keeps a short journal at close when a snapshot would be expensive', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['big', randomBytes(9 * 1024 * 1024)])
    store.snapshot() // a 9 MiB snapshot: no longer cheap to rewrite at every close
    const free = store.get<{ freelist_count: number }>('PRAGMA freelist_count')!.freelist_count
    assert.ok(free * 4096 >= 9 * 1024 * 1024 / 64, `the snapshot keeps a reserve of free pages (${free})`)
    assert.deepEqual(store.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['small', 1])
    store.close()
    assert.ok(size(`${path}.journal`) > 24, 'the one small write stays in the journal')
    assert.equal(fs.existsSync(`${path}.lock`), false)
    const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.equal(again.get<{ value: number }>('SELECT value FROM meta WHERE key = ?', ['small'])!.value, 1)
    again.close()
  })

  it('commit: the record is written before it returns (kill -9 safe), reads see it at once, order is kept', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    const before = size(`${path}.journal`)
    const { durable } = store.commit([['UPDATE counter SET n = n + 1'], ['UPDATE counter SET n = n * ?', [10]]])
    assert.ok(size(`${path}.journal`) > before, 'the journal record is on file when commit returns')
    assert.equal(counter(store), 10, 'a read applies what is behind first')
    store.commit([['UPDATE counter SET n = n + 5']])
    store.run('UPDATE counter SET n = n * 2') // a synchronous write after a commit keeps the order
    assert.equal(counter(store), 30)
    await durable
    store.commit([['UPDATE counter SET n = n + 1']])
    abandon(store) // a kill -9 right after commit returned: nothing applied in memory matters
    const again = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(again), 31)
    again.close()
  })

  it('commit: applies in the background, durable resolves within the given time, close syncs what waits', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    let synced = false
    const waiting = store.commit([['UPDATE counter SET n = n + 1']], 60_000).durable.then(() => { synced = true })
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(synced, false, 'the fdatasync waits for others to share it')
    store.snapshot() // applies what is behind: the snapshot holds it
    store.close() // settles the waiting fdatasync
    await waiting
    assert.equal(synced, true)
    const again = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    assert.equal(counter(again), 1)
    again.close()
  })

  it('commit: a parameter that cannot be journaled throws and leaves nothing behind', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const before = size(`${path}.journal`)
    assert.throws(() => store.commit([['INSERT INTO meta (key, value) VALUES (?, ?)', ['k', { not: 'bindable' } as unknown as string]]]))
    assert.equal(size(`${path}.journal`), before)
    assert.deepEqual(store.all('SELECT key FROM meta'), [])
    store.close()
  })

  it('commit: a statement that fails when applied stops the store taking writes (fail closed)', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['a', 1])
    store.commit([['INSERT INTO meta (key, value) VALUES (?, ?)', ['a', 2]]]) // duplicate key: fails only when applied
    assert.throws(() => store.all('SELECT key FROM meta'), /could not apply journaled writes: UNIQUE constraint failed: meta.key/)
    assert.throws(() => store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['b', 3]), /could not apply journaled writes/)
    assert.deepEqual(store.all('SELECT key, value FROM meta'), [{ key: 'a', value: 1 }])
    abandon(store)
  })

  it('does not write a journal record for a write that changes nothing', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    store.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['k', 1])
    const before = size(`${path}.journal`)
    assert.equal(store.run('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)', ['k', 2]), 0)
    assert.equal(store.run('DELETE FROM meta WHERE key = ?', ['nope']), 0)
    assert.equal(size(`${path}.journal`), before)
    assert.equal(store.run('UPDATE meta SET value = ? WHERE key = ?', [3, 'k']), 1)
    assert.ok(size(`${path}.journal`) > before)
    store.close()
  })

  it('creates its directory 0700 and its files 0600', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const mode = (p: string): number => fs.statSync(p).mode & 0o777
    assert.equal(mode(join(path, '..')), 0o700)
    for (const p of [path, `${path}.journal`, `${path}.lock`]) assert.equal(mode(p), 0o600, p)
    store.snapshot()
    for (const p of [path, `${path}.journal`]) assert.equal(mode(p), 0o600, p)
    store.close()
    assert.equal(fs.existsSync(`${path}.lock`), false)
  })

  it('removes the temp files of an interrupted snapshot', async () => {
    const path = freshPath()
    ;(await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })).close()
    fs.writeFileSync(`${path}.tmp`, 'half a snapshot')
    fs.writeFileSync(`${path}.journal.tmp`, 'half a journal')
    ;(await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })).close()
    assert.deepEqual(fs.readdirSync(join(path, '..')).sort(), ['store.db', 'store.db.journal'])
  })

  it('opens read-only beside a writer: sees journaled writes, takes no lock, changes no file', async () => {
    const path = freshPath()
    const writer = await Store.open({ sqlJs }, { path, migrations: COUNTER })
    writer.run('UPDATE counter SET n = n + 7')
    fs.appendFileSync(`${path}.journal`, Buffer.from('CFRM\x40\x00')) // a write in progress
    const files = fingerprint(join(path, '..'))
    const reader = await Store.open({ sqlJs }, { path, migrations: COUNTER, readOnly: true })
    assert.equal(counter(reader), 7)
    assert.throws(() => reader.run('UPDATE counter SET n = 0'), { message: `the store at ${path} was opened read-only` })
    reader.close()
    assert.deepEqual(fingerprint(join(path, '..')), files)
    abandon(writer)
  })

  it('opens read-only where no store exists yet: empty, migrated, nothing created', async () => {
    const path = freshPath()
    const reader = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS, readOnly: true })
    assert.equal(reader.schemaVersion, LATEST)
    assert.equal(new History({ store: reader }).count(), 0)
    reader.close()
    assert.equal(fs.existsSync(join(path, '..')), false)
  })

  it('throws on use after close', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    store.close()
    assert.throws(() => store.all('SELECT 1'), { message: `the store at ${path} is closed` })
    assert.throws(() => store.run('DELETE FROM meta'), { message: `the store at ${path} is closed` })
  })
})

describe('History', () => {
  it('appends, ignores a duplicate id, and returns the last N of a room oldest first', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const history = new History({ store })
    const roomA = randomBytes(32)
    const roomB = randomBytes(32)
    const first = message(roomA, 0, { title: 'T', priority: 4, tags: ['x', 'y'], epoch: 2, chainIndex: 9 })
    assert.equal(history.append(first), true)
    const journal = size(`${path}.journal`)
    assert.equal(history.append({ ...first, text: 'other' }), false)
    assert.equal(size(`${path}.journal`), journal, 'a duplicate costs no journal record')
    assert.equal(history.appendMany([1, 2, 3, 4].map(i => message(roomA, i)).concat([message(roomB, 5), first])), 5)
    assert.equal(history.count(), 6)
    assert.equal(history.count(roomA), 5)
    assert.equal(history.count(roomB), 1)
    assert.equal(history.has(first.id), true)
    assert.equal(history.has(randomBytes(32)), false)
    assert.deepEqual(history.last(roomA, 3).map(m => m.text), ['message 2', 'message 3', 'message 4'])
    assert.deepEqual(history.last(roomA, 10, 1_700_000_000_003).map(m => m.text), ['message 3', 'message 4'])
    assert.deepEqual(history.last(randomBytes(32), 10), [])
    abandon(store)
    const again = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const [got] = new History({ store: again }).last(roomA, 5)
    assert.deepEqual(got, { ...first, id: new Uint8Array(first.id), roomId: new Uint8Array(roomA), sender: new Uint8Array(first.sender), envelope: new Uint8Array(first.envelope) })
    again.close()
  })

  it('orders messages by timestamp, then message id, whatever order they arrived in (every member sees one order)', async () => {
    const store = await Store.open({ sqlJs }, { path: freshPath(), migrations: MIGRATIONS })
    const history = new History({ store })
    const room = randomBytes(32)
    const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)
    for (const [n, ts] of [[5, 1], [2, 1], [9, 0], [1, 2], [7, 1]] as const) history.append(message(room, ts, { id: id(n), text: `${ts}/${n}` }))
    assert.deepEqual(history.last(room, 4).map(m => m.text), ['1/2', '1/5', '1/7', '2/1'])
    assert.deepEqual(history.last(room, 10).map(m => m.text), ['0/9', '1/2', '1/5', '1/7', '2/1'])
    store.close()
  })

  it('checks message fields with exact messages', async () => {
    const store = await Store.open({ sqlJs }, { path: freshPath(), migrations: MIGRATIONS })
    const history = new History({ store })
    assert.throws(() => history.append(message(randomBytes(32), 0, { id: randomBytes(12) })),
      { name: 'TypeError', message: '"id" expected Uint8Array of length 32, got length=12' })
    assert.throws(() => history.append(message(randomBytes(32), 0, { ts: 1.5 })),
      { name: 'TypeError', message: '"ts" expected integer ms since epoch, got 1.5' })
    store.close()
  })
})
