// The journal's file name: one SQLite does not own (the sqlite3 shell leaves it alone), and the migration from `<db>-journal`.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { Store } from '../../src/store/db.js'
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

/** A fresh store path named as in a home, in a directory of its own. */
function freshPath (): string {
  return join(dir, `case-${++n}`, 'conclave.db')
}

const ROOM = randomBytes(32)

/** A store whose newest messages are in its journal only (no close, so no snapshot). */
async function storeWithJournaledMessages (path: string, count: number): Promise<string[]> {
  const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
  const history = new History({ store })
  store.snapshot() // the migrations go into the snapshot: the journal holds the messages only
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    history.append(message(ROOM, i))
    texts.push(`message ${i}`)
  }
  assert.ok(fs.statSync(store.journalPath).size > 24, 'the messages are in the journal')
  abandon(store)
  return texts
}

async function texts (path: string, readOnly = false): Promise<string[]> {
  const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS, readOnly })
  try {
    return new History({ store }).last(ROOM, 1000).map(m => String(m.text))
  } finally {
    store.close()
  }
}

const files = (path: string): string[] => fs.readdirSync(join(path, '..')).sort()
const generationOf = (journal: string): number => fs.readFileSync(journal).readUInt32LE(12)

/** A home as conclave left it before the rename: the same journal, at `<db>-journal`. */
function makeLegacy (path: string): void {
  fs.renameSync(`${path}.journal`, `${path}-journal`)
}

/** Open must fail with exactly ERR and leave every file as it was, with no lock. */
async function assertRefused (path: string, err: { name: string, message: string }, readOnly = false): Promise<void> {
  const before = fingerprint(join(path, '..'))
  await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS, readOnly }), err)
  assert.deepEqual(fingerprint(join(path, '..')), before, 'no file may change')
  assert.equal(fs.existsSync(`${path}.lock`), false, 'no lock may be left behind')
}

/** The sqlite3 shell, or a skip outside CI (in CI it must be there: .ci/run installs it). */
function sqlite3 (t: TestContext): boolean {
  const probe = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' })
  if (probe.error === undefined && probe.status === 0) return true
  const why = `the sqlite3 shell is not installed (${probe.error?.message ?? `exit ${String(probe.status)}`}); apt-get install sqlite3`
  if (process.env.CI === 'true') assert.fail(why)
  t.skip(why)
  return false
}

describe('the journal file name', () => {
  it('survives the sqlite3 shell opening the snapshot: every journaled message is still there', async (t) => {
    if (!sqlite3(t)) return
    const path = freshPath()
    const written = await storeWithJournaledMessages(path, 5)
    const shell = spawnSync('sqlite3', [path, 'select count(*) from sqlite_master'], { encoding: 'utf8' })
    assert.equal(shell.status, 0, shell.stderr)
    assert.match(shell.stdout, /^\d+\n$/)
    assert.deepEqual(await texts(path), written)
  })

  it('is not SQLite\'s: the store keeps <db>.journal beside <db> and <db>.lock, and nothing at <db>-journal', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.equal(store.journalPath, `${path}.journal`)
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal', 'conclave.db.lock'])
    store.close()
  })
})

describe('a home with the journal at its old name, <db>-journal', () => {
  it('is read where it is by a read-only open, which changes no file', async () => {
    const path = freshPath()
    const written = await storeWithJournaledMessages(path, 4)
    makeLegacy(path)
    const before = fingerprint(join(path, '..'))
    assert.deepEqual(await texts(path, true), written)
    assert.deepEqual(fingerprint(join(path, '..')), before)
  })

  it('is taken over by a writable open: renamed, replayed, appended to, nothing lost', async () => {
    const path = freshPath()
    const written = await storeWithJournaledMessages(path, 4)
    makeLegacy(path)
    const legacy = fs.readFileSync(`${path}-journal`)
    fs.writeFileSync(`${path}-journal.tmp`, 'half a journal') // an old conclave's interrupted snapshot
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal', 'conclave.db.lock'])
    assert.deepEqual(fs.readFileSync(`${path}.journal`), legacy, 'the same journal, renamed')
    new History({ store }).append(message(ROOM, 4))
    abandon(store)
    assert.deepEqual(await texts(path, true), [...written, 'message 4'])
    assert.deepEqual(await texts(path), [...written, 'message 4'])
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal'])
  })

  it('then survives the sqlite3 shell', async (t) => {
    if (!sqlite3(t)) return
    const path = freshPath()
    const written = await storeWithJournaledMessages(path, 3)
    makeLegacy(path)
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    abandon(store)
    assert.equal(spawnSync('sqlite3', [path, '.tables'], { encoding: 'utf8' }).status, 0)
    assert.deepEqual(await texts(path), written)
  })

  it('is removed when the snapshot already contains it (older generation), and not replayed', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const history = new History({ store })
    history.append(message(ROOM, 0))
    const stale = fs.readFileSync(store.journalPath) // generation 1, holding message 0
    store.snapshot() // generation 2 contains message 0
    abandon(store)
    fs.rmSync(`${path}.journal`)
    fs.writeFileSync(`${path}-journal`, stale)
    assert.deepEqual(await texts(path, true), ['message 0'])
    assert.deepEqual(await texts(path), ['message 0'])
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal'])
  })
})

describe('journals at both names', () => {
  /** A store with messages 0-1 in its snapshot and 2-3 in a journal of the snapshot's generation (G). */
  async function twoGenerations (): Promise<{ path: string, stale: Buffer, live: Buffer }> {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const history = new History({ store })
    history.appendMany([message(ROOM, 0), message(ROOM, 1)])
    const stale = fs.readFileSync(store.journalPath)
    store.snapshot()
    history.appendMany([message(ROOM, 2), message(ROOM, 3)])
    const live = fs.readFileSync(store.journalPath)
    abandon(store)
    assert.ok(generationOf(`${path}.journal`) > stale.readUInt32LE(12))
    return { path, stale, live }
  }

  it('keeps the live one at the new name and removes a stale one at the old name', async () => {
    const { path, stale } = await twoGenerations()
    fs.writeFileSync(`${path}-journal`, stale)
    const all = ['message 0', 'message 1', 'message 2', 'message 3']
    const before = fingerprint(join(path, '..'))
    assert.deepEqual(await texts(path, true), all)
    assert.deepEqual(fingerprint(join(path, '..')), before, 'a read-only open changes no file')
    assert.deepEqual(await texts(path), all)
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal'])
  })

  it('takes the live one over from the old name and replaces a stale one at the new name (after a downgrade)', async () => {
    const { path, stale, live } = await twoGenerations()
    fs.writeFileSync(`${path}-journal`, live)
    fs.writeFileSync(`${path}.journal`, stale)
    const all = ['message 0', 'message 1', 'message 2', 'message 3']
    assert.deepEqual(await texts(path, true), all)
    assert.deepEqual(await texts(path), all)
    assert.deepEqual(files(path), ['conclave.db', 'conclave.db.journal'])
  })

  it('refuses two live journals, read-only too, and changes no file: neither can be dropped without losing writes', async () => {
    const { path, live } = await twoGenerations()
    fs.copyFileSync(`${path}.journal`, `${path}-journal`)
    const g = generationOf(`${path}.journal`)
    const err = {
      name: 'CorruptFileError',
      message: `the store ${path} has two journals of its generation ${g}, ${path}-journal and ${path}.journal: each may hold writes the other lacks`
    }
    await assertRefused(path, err)
    await assertRefused(path, err, true)
    assert.deepEqual(fs.readFileSync(`${path}-journal`), live)
    // The hint says how to choose; moving one away opens the store with the other.
    fs.renameSync(`${path}-journal`, join(path, '..', 'aside'))
    assert.deepEqual(await texts(path), ['message 0', 'message 1', 'message 2', 'message 3'])
  })

  it('refuses a SQLite rollback journal at the old name (another program stopped mid-write), changing no file', async () => {
    const path = freshPath()
    await storeWithJournaledMessages(path, 1)
    const hot = Buffer.alloc(512)
    Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]).copy(hot)
    fs.writeFileSync(`${path}-journal`, hot)
    const err = {
      name: 'CorruptFileError',
      message: `${path}-journal is a SQLite rollback journal, not a Conclave journal: another program was writing to ${path} with SQLite and stopped`
    }
    await assertRefused(path, err)
    await assertRefused(path, err, true)
  })
})
